"""Show how activation and gradient std evolve through a deep random MLP.

Pushes a batch through DEPTH layers of WIDTH units initialized by --init and
prints the per-layer standard deviation of the activations (forward) and of
the gradients (backward), with a verdict: stable, exploding or vanishing.

examples:
  fastinit diagnose --init he_normal --layout keras --activation relu --depth 50 --width 512 --plot out.png
  fastinit diagnose --init random_normal --param stddev=1.0 --activation relu
  fastinit diagnose --init '{"class_name": "GlorotUniform", "config": {"layout": "torch"}}' --activation tanh
"""
from __future__ import annotations

import argparse
import json
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
    parser.add_argument("--init", required=True,
                        help="initializer name (he_normal, glorot_uniform, ...) or JSON config")
    parser.add_argument("--param", action="append", type=_param, default=[], metavar="KEY=VALUE",
                        help="initializer argument, repeatable (VALUE is JSON or a string)")
    parser.add_argument("--layout", choices=["torch", "keras", "jax"], default=None,
                        help="weight layout and conventions; required for layout-dependent "
                             "initializers given by name (he_normal, glorot_uniform, ...)")
    parser.add_argument("--activation", default="relu", choices=sorted(ACTIVATIONS))
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=1, help="print every N-th layer")
    parser.add_argument("--plot", metavar="PNG", help="also write a plot to this file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


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
    import fastinit

    try:
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
