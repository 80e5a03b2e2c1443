"""Show how activation and gradient std evolve through a deep network.

With --init: pushes a batch through DEPTH layers of WIDTH units initialized by
--init and prints the per-layer standard deviation of the activations
(forward) and of the gradients (backward), with a verdict: stable, exploding
or vanishing.

With --torch MODULE:FUNCTION: builds your PyTorch model by calling FUNCTION()
from MODULE (the current directory is importable), runs one forward and one
backward pass on a batch (N(0, 1) of --input-shape with --batch rows, or
--batch-file) and prints fastinit.torch.diagnose's per-layer table; --lsuv
first initializes it with fastinit.torch.lsuv_ on that batch.

examples:
  fastinit diagnose --init he_normal --layout keras --activation relu --depth 50 --width 512 --plot out.png
  fastinit diagnose --init random_normal --param stddev=1.0 --activation relu
  fastinit diagnose --init '{"class_name": "GlorotUniform", "config": {"layout": "torch"}}' --activation tanh
  fastinit diagnose --torch mymodels:make_cnn --input-shape 3,32,32 --batch 64
  fastinit diagnose --torch mymodels:make_cnn --batch-file batch.pt --lsuv --plot after.png
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from typing import Any


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value  # a bare string such as fan_out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``diagnose`` options to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser

    Returns
    -------
    None
    """
    from ..diagnose import ACTIVATIONS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--init",
                        help="initializer name (he_normal, glorot_uniform, ...) or JSON config "
                             "(required unless --torch)")
    parser.add_argument("--param", action="append", type=_param, default=[], metavar="KEY=VALUE",
                        help="initializer argument, repeatable (VALUE is JSON or a string)")
    parser.add_argument("--layout", choices=["torch", "keras", "jax"], default=None,
                        help="weight layout and conventions; required for layout-dependent "
                             "initializers given by name (he_normal, glorot_uniform, ...)")
    parser.add_argument("--activation", default="relu", choices=sorted(ACTIVATIONS))
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch", type=int, default=256,
                        help="rows of the random batch (default 256)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=1, help="print every N-th layer")
    parser.add_argument("--plot", metavar="PNG", help="also write a plot to this file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    torch_group = parser.add_argument_group("your PyTorch model")
    torch_group.add_argument("--torch", metavar="MODULE:FUNCTION",
                             help="diagnose the torch.nn.Module that FUNCTION() returns")
    batch_group = torch_group.add_mutually_exclusive_group()
    batch_group.add_argument("--input-shape", metavar="D1,D2,...",
                             help="shape of one example; the batch is --batch rows of N(0, 1) "
                                  "float32 from fastinit's stream 'input' of --seed")
    batch_group.add_argument("--batch-file", metavar="FILE",
                             help="the batch: a .pt file (a tensor, a tuple of positional "
                                  "arguments or a dict of keyword arguments, loaded with "
                                  "weights_only=True), .npy (one array) or .npz (keyword "
                                  "arguments)")
    torch_group.add_argument("--lsuv", action="store_true",
                             help="first initialize the model with fastinit.torch.lsuv_(model, "
                                  "batch, tol, max_iter, seed) on the same batch")
    torch_group.add_argument("--tol", type=float, default=0.1, help="--lsuv tolerance (0.1)")
    torch_group.add_argument("--max-iter", type=int, default=10,
                             help="--lsuv rescalings per layer (10)")


def run(args: argparse.Namespace) -> int:
    """Run ``fastinit diagnose``.

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    int
        0 on success, 2 on bad arguments.
    """
    if args.torch is not None:
        return _run_torch(args)
    import fastinit

    try:
        if args.init is None:
            raise ValueError("give --init (a synthetic MLP) or --torch MODULE:FUNCTION "
                             "(your model)")
        if args.input_shape is not None or args.batch_file is not None or args.lsuv:
            raise ValueError("--input-shape, --batch-file and --lsuv go with --torch")
        params = dict(args.param)
        if args.init.lstrip().startswith("{") and params:
            raise ValueError("--param cannot be combined with a JSON --init")
        init = fastinit.get(args.init, layout=args.layout, **params)
        result = fastinit.diagnose(init, args.activation, args.depth, args.width,
                                   batch=args.batch, seed=args.seed)
    except (TypeError, ValueError) as exc:
        print(f"fastinit diagnose: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({
            "initializer": result.initializer, "activation": result.activation,
            "depth": result.depth, "width": result.width, "batch": result.batch,
            "seed": result.seed, "verdict": result.verdict(),
            "activation_std": [float(v) for v in result.activation_std],
            "gradient_std": [float(v) for v in result.gradient_std],
        }, indent=2))
    else:
        print(result.table(every=max(1, args.every)))
    if args.plot:
        try:
            result.plot(args.plot)
        except ImportError as exc:
            print(f"fastinit diagnose: error: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


# ------------------------------------------------------------- --torch --
def _load_factory(spec: str) -> Any:
    """``module:function`` -> the function (the current directory is importable)."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"--torch must be MODULE:FUNCTION, got {spec!r}")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` would, for the console script
    try:
        target = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise ValueError(f"--torch: no module named {module_name!r} (run from the "
                             "directory that holds it, or install it)") from None
        raise
    for part in attr.split("."):
        if not hasattr(target, part):
            raise ValueError(f"--torch: {module_name!r} has no attribute {attr!r}")
        target = getattr(target, part)
    if not callable(target):
        raise ValueError(f"--torch: {spec} is not callable")
    return target


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"--input-shape must be comma-separated ints, got {text!r}") from None
    if not shape or any(d < 1 for d in shape):
        raise ValueError(f"--input-shape must be positive ints, got {text!r}")
    return shape


def _load_batch(path: str) -> Any:
    import numpy as np
    import torch

    if path.endswith(".npy"):
        return torch.from_numpy(np.load(path, allow_pickle=False))
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as data:
            return {key: torch.from_numpy(data[key]) for key in data.files}
    if path.endswith((".pt", ".pth")):
        return torch.load(path, map_location="cpu", weights_only=True)
    raise ValueError(f"--batch-file must end in .pt, .pth, .npy or .npz, got {path!r}")


def _run_torch(args: argparse.Namespace) -> int:
    """``fastinit diagnose --torch``: diagnose (and optionally LSUV-init) the user's model."""
    try:
        import torch

        import fastinit
        import fastinit.torch as ft
    except ImportError as exc:
        print(f"fastinit diagnose: error: --torch needs PyTorch ({exc})", file=sys.stderr)
        return 2
    try:
        if args.init is not None or args.param or args.layout:
            raise ValueError("--init, --param and --layout describe the synthetic MLP; "
                             "not with --torch")
        if args.input_shape is None and args.batch_file is None:
            raise ValueError("--torch needs --input-shape (a random batch) or --batch-file")
        if args.batch < 1:
            raise ValueError(f"--batch must be >= 1, got {args.batch}")
        factory = _load_factory(args.torch)
        if args.batch_file is not None:
            batch = _load_batch(args.batch_file)
        else:
            shape = (args.batch, *_shape(args.input_shape))
            batch = torch.from_numpy(fastinit.default_rng(args.seed).stream("input")
                                     .standard_normal(shape, dtype="float32"))
        model = factory()
        if not isinstance(model, torch.nn.Module):
            raise ValueError(f"--torch: {args.torch}() returned {type(model).__name__}, "
                             "not a torch.nn.Module")
        report = ft.lsuv_(model, batch, tol=args.tol, max_iter=args.max_iter,
                          seed=args.seed) if args.lsuv else None
        result = ft.diagnose(model, batch, seed=args.seed)
    except (TypeError, ValueError, OSError) as exc:
        print(f"fastinit diagnose: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # lsuv_ refusing a layer, or the model failing on the batch
        print(f"fastinit diagnose: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        data = {"model": args.torch, **result.to_dict()}
        if report is not None:
            data["lsuv"] = report.to_dict()["layers"]
        print(json.dumps(data, indent=2, allow_nan=False))
    else:
        if report is not None:
            print(report.table())
            print()
        print(f"model: {args.torch}{' after lsuv_' if report is not None else ''}")
        print(result.table())
    if args.plot:
        try:
            result.plot(args.plot, title=args.torch + (" after lsuv_" if args.lsuv else ""))
        except ImportError as exc:
            print(f"fastinit diagnose: error: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0
