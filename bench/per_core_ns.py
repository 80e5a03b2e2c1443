"""Per-core cost of every method and dtype: ns per element at 1 thread.

The machine this project is developed on is shared, so throughput figures
at all threads move with other people's load.  The minimum over many
repeats of a single-threaded fill, timed by the calling thread's CPU time
(``time.thread_time``: a 1-thread fill runs on the calling thread, and time
spent descheduled does not count), is the figure least disturbed by it:
what one core needs per element.  The default size (2^18 elements) keeps
the output in the last-level cache, so this is compute, not memory
bandwidth.  Prints a table, and the samples/s of each entry relative to the
float32 ``standard_normal``.

    python bench/per_core_ns.py [--size 2**18] [--repeats 40]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import fastinit
from fastinit import _bench as fb
from fastinit.cli.bench import parse_count


def per_core_ns(op: str, dtype: str, n: int, repeats: int) -> float:
    """Minimum ns per element of ``op`` in ``dtype`` over ``repeats`` 1-thread fills."""
    out = fb.touched(n, dtype)
    fill = fb.make_fill("fastinit", op, dtype, out, threads=1)
    fill.call()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.thread_time()
        fill.call()
        best = min(best, time.thread_time() - t0)
    fill.close()
    return best / n * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_count, default=2 ** 18)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    print(f"fastinit {fastinit.__file__}, SIMD {fastinit.simd_info()['active']}, "
          f"n={args.size}, 1 thread, min of {args.repeats}")
    table = {(op, dt): per_core_ns(op, dt, args.size, args.repeats)
             for dt in fb.DTYPES for op in fb.OPERATIONS}
    ref = table[("standard_normal", "float32")]
    print(f"{'method':18s}" + "".join(f"{dt:>18s}" for dt in fb.DTYPES))
    for op in fb.OPERATIONS:
        print(f"{op:18s}" + "".join(
            f"{table[(op, dt)]:8.3f} ns {ref / table[(op, dt)]:5.2f}x" for dt in fb.DTYPES))
    print("(ns per element; x = samples/s relative to float32 standard_normal)")


if __name__ == "__main__":
    main()
