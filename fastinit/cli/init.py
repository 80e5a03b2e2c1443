"""Initialize a whole model straight into a safetensors file.

Every tensor is filled from the sub-stream named by its name, so the file
depends only on the seed and each tensor's own entry.  Examples:

  fastinit init --preset llama-1b -o model.safetensors --seed 0
  fastinit init --spec my_model.json -o model.safetensors --dtype bfloat16
  fastinit init --list-presets
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME",
                        help="a built-in model (see --list-presets)")
    source.add_argument("--spec", metavar="FILE",
                        help="a JSON (or YAML) spec: tensor name -> shape, dtype, init")
    source.add_argument("--list-presets", action="store_true",
                        help="list the built-in models with their sizes and exit")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="the safetensors file to write (replaced atomically)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--dtype", default=None,
                        help="dtype of a preset's tensors: float32 (default), bfloat16, "
                             "float16 or float64")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="threads (default: all, or OMP_NUM_THREADS)")
    parser.add_argument("-f", "--force", action="store_true",
                        help="replace the output file if it exists (even a read-only one)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no summary")


def _fail(message: str) -> int:
    print(f"fastinit init: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from fastinit.model import init_model, load_spec, presets
    from fastinit.model import format_bytes

    if args.list_presets:
        print(presets.table())
        return 0
    if args.preset is None and args.spec is None:
        return _fail("give --preset NAME or --spec FILE (or --list-presets)")
    if args.output is None:
        return _fail("give the output file with -o FILE")
    if args.spec is not None and args.dtype is not None:
        return _fail("--dtype applies to presets; a spec gives each tensor's dtype")
    try:
        if args.preset is not None:
            if args.preset not in presets:
                return _fail(f"no preset {args.preset!r}; the presets are "
                             f"{', '.join(presets)}")
            spec = load_spec(presets[args.preset].spec(args.dtype or "float32"))
            source = f"preset {args.preset}"
        else:
            spec = load_spec(args.spec, "--spec")
            source = args.spec
        if Path(args.output).exists() and not args.force:
            return _fail(f"{args.output} exists; pass --force to replace it")
        start = time.perf_counter()
        path = init_model(spec, seed=args.seed, out=args.output, n_threads=args.threads,
                          progress=not args.quiet, replace_read_only=args.force)
        elapsed = time.perf_counter() - start
    except (OSError, ValueError, TypeError, ImportError, MemoryError, KeyError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt as exc:
        # The writer's note says whether the file was written (an interrupt
        # can land after the rename); before it was reached, nothing was.
        notes = [n for n in getattr(exc, "__notes__", []) if "written" in n]
        print(f"\nfastinit init: interrupted; {notes[-1] if notes else 'nothing was written'}",
              file=sys.stderr)
        return 130
    if not args.quiet:
        size = path.stat().st_size
        dtypes = sorted({t.dtype.name for t in spec.tensors.values()})
        print(f"wrote {path}: {len(spec)} tensors, {spec.n_params:,} parameters "
              f"({'/'.join(dtypes)}), {format_bytes(size)} in {elapsed:.2f} s "
              f"({format_bytes(size / elapsed if elapsed > 0 else 0)}/s) "
              f"from {source}, seed {args.seed}", file=sys.stderr)
    return 0
