"""Measure fill throughput against NumPy, PyTorch and the memory bandwidth.

For each distribution and dtype, fills a preallocated, already-touched array
with fastinit at 1 thread and at all threads, with NumPy's Generator (PCG64,
Philox, SFC64; and its documented thread-pool recipe), with PyTorch's
uniform_/normal_ when torch is installed, and with a plain parallel store of
the same bytes (the bandwidth ceiling); a separate comparison includes a
fresh allocation, as in rng.standard_normal(size, dtype=np.float32).  Prints
a table (G samples/s, GB/s, x NumPy PCG64, % of bandwidth), writes a PNG plot
(throughput vs array size and vs threads) and, with --json, the raw figures.
The default run takes under a minute on two cores; --quick takes seconds,
--full uses multi-gigabyte arrays.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Optional

DEFAULT_PLOT = "fastinit-bench.png"


def parse_count(text: str) -> int:
    """An element count: ``268435456``, ``2**28``, ``2^28``, ``1e6``, ``16M``, ``1G``.

    Parameters
    ----------
    text : str

    Returns
    -------
    int
        K, M, G suffixes are binary (2**10, 2**20, 2**30).

    Raises
    ------
    argparse.ArgumentTypeError
        On anything else, or a count below 1.
    """
    s = text.strip().replace("_", "")
    m = re.fullmatch(r"(\d+)\s*(?:\*\*|\^)\s*(\d+)", s)
    try:
        if m:
            value = int(m.group(1)) ** int(m.group(2))
        elif s and s[-1].upper() in "KMG" and s[:-1].isdigit():
            value = int(s[:-1]) << {"K": 10, "M": 20, "G": 30}[s[-1].upper()]
        else:
            f = float(s)
            if f != int(f):
                raise ValueError
            value = int(f)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"not an element count: {text!r} (try 16777216, 2**24, 2^24 or 16M)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"an element count must be >= 1, got {text!r}")
    return value


def _list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _counts(text: str) -> list[int]:
    return [parse_count(t) for t in _list(text)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``fastinit bench``'s options to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    from fastinit import _bench as bench

    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true",
                      help="tiny arrays (2^16), a few seconds: checks the plumbing, not speed")
    mode.add_argument("--full", action="store_true",
                      help="the long run: 2^28-element arrays (1-2 GiB) in the table, "
                           "size sweep to 2^30 (4 GiB); several minutes")
    parser.add_argument("--size", type=parse_count, metavar="N",
                        help="elements per array for the table, the fresh-allocation row and "
                             "the thread sweep (default 2^24; 2^16 with --quick, 2^28 with "
                             "--full); accepts 2**28, 2^28, 256M")
    parser.add_argument("--sweep-sizes", type=_counts, metavar="N,N,...",
                        help="array sizes of the throughput-vs-size sweep")
    parser.add_argument("--ops", type=_list, metavar="OP,...",
                        help=f"distributions (default all: {','.join(bench.OPERATIONS)})")
    parser.add_argument("--dtypes", type=_list, metavar="DTYPE,...",
                        help=f"dtypes (default all: {','.join(bench.DTYPES)})")
    parser.add_argument("--impls", type=_list, metavar="IMPL,...",
                        help=f"implementations (default all installed: "
                             f"{','.join(bench.IMPLEMENTATIONS)})")
    parser.add_argument("--all-numpy", action="store_true",
                        help="time NumPy Philox and SFC64 in every table row (default: only "
                             "random/standard_normal in float32/float64, where they differ "
                             "from PCG64 by more than a cast or an affine map; --full: all)")
    parser.add_argument("--sections", type=_list, metavar="SECTION,...",
                        help=f"parts of the run (default all: {','.join(bench.SECTIONS)})")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="'all threads' (default: fastinit.get_num_threads(), "
                             "i.e. OMP_NUM_THREADS or the cores)")
    parser.add_argument("--repeats", type=int, metavar="N",
                        help="minimum timed calls per candidate (default 3; 2 with --quick)")
    parser.add_argument("--budget", type=float, metavar="SECONDS",
                        help="target seconds of timed calls per candidate and comparison")
    parser.add_argument("--interleave", action="store_true",
                        help="time the candidates of a comparison round-robin instead of back "
                             "to back (spreads drifts, but wakes thread pools before each call)")
    parser.add_argument("--json", metavar="PATH", help="write the raw figures as JSON")
    plot = parser.add_mutually_exclusive_group()
    plot.add_argument("--plot", metavar="PATH",
                      help=f"PNG plot path (default {DEFAULT_PLOT}; needs matplotlib)")
    plot.add_argument("--no-plot", action="store_true", help="do not write the plot")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    """Run ``fastinit bench``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser set up with :func:`add_arguments`.

    Returns
    -------
    int
        0 on success; 1 when an explicitly requested plot could not be
        written (matplotlib missing); 2 on bad arguments.
    """
    from fastinit import _bench as bench

    mode = "quick" if args.quick else "full" if args.full else "default"
    try:
        settings = bench.settings_for(
            mode, table_size=args.size, sweep_sizes=tuple(args.sweep_sizes or ()) or None,
            ops=args.ops, dtypes=args.dtypes, impls=args.impls, sections=args.sections,
            threads=args.threads, min_repeats=args.repeats, budget_s=args.budget,
            interleave=args.interleave or None,
            all_numpy_variants=True if args.all_numpy or (args.impls and set(args.impls) & {
                "numpy-philox", "numpy-sfc64"}) else None)
    except (ValueError, TypeError) as exc:
        print(f"fastinit bench: error: {exc}", file=sys.stderr)
        return 2
    if settings.max_repeats < settings.min_repeats:
        settings.max_repeats = settings.min_repeats
    if args.repeats is not None:
        settings.slow_s = None  # an explicit minimum holds for every candidate

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    progress(f"fastinit bench ({mode}): {', '.join(settings.sections)} ...")
    results = bench.run_suite(settings, progress)
    print(bench.format_table(results))

    status = 0
    if args.json:
        bench.write_json(results, args.json)
        print(f"wrote {args.json}")
    plot_path: Optional[str] = None if args.no_plot else (args.plot or DEFAULT_PLOT)
    if plot_path and not (results.select("sizes") or results.select("threads")):
        plot_path = None  # nothing to draw
    if plot_path:
        try:
            bench.plot(results, plot_path)
        except ImportError as exc:
            print(f"fastinit bench: {exc}", file=sys.stderr)
            status = 1 if args.plot else 0
        else:
            print(f"wrote {plot_path}")
    return status
