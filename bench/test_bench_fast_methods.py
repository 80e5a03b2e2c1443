"""Issue 13's fast kernels against NumPy: ``integers`` (int32 and int64
ranges) and ``standard_exponential`` (float32, float64), 2**26 elements,
fastinit at 2 threads, NumPy ``Generator(PCG64)`` (single-threaded, its own
algorithms: Lemire's bounded integers with rejection, the exponential
ziggurat).  Target: >= 10x NumPy.

fastinit fills a preallocated, already-touched array (``out=``); NumPy's
``integers`` has no ``out=``, so NumPy is timed as its users call it, with its
own allocation (about 2% of its time at this size).  The ratios are printed at
the end of the run (``bench/conftest.py``).

Run: ``pytest bench/test_bench_fast_methods.py --benchmark-only -o addopts=""``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import fastinit
import _glue as fbp

N = 1 << 26
THREADS = 2

# name -> (dtype, fastinit call(rng, out), numpy call(rng, n))
CASES: dict[str, tuple[Any, Callable, Callable]] = {
    "integers int32 [0, 1000)": (
        np.int32, lambda r, o: r.integers(0, 1000, dtype=np.int32, out=o, n_threads=THREADS),
        lambda r, n: r.integers(0, 1000, size=n, dtype=np.int32)),
    "integers int32 [-2**31, 2**31 - 1)": (
        np.int32,
        lambda r, o: r.integers(-2**31, 2**31 - 1, dtype=np.int32, out=o, n_threads=THREADS),
        lambda r, n: r.integers(-2**31, 2**31 - 1, size=n, dtype=np.int32)),
    "integers int64 [0, 1000)": (
        np.int64, lambda r, o: r.integers(0, 1000, dtype=np.int64, out=o, n_threads=THREADS),
        lambda r, n: r.integers(0, 1000, size=n, dtype=np.int64)),
    "integers int64 [0, 2**62 + 1)": (
        np.int64, lambda r, o: r.integers(0, 2**62 + 1, dtype=np.int64, out=o, n_threads=THREADS),
        lambda r, n: r.integers(0, 2**62 + 1, size=n, dtype=np.int64)),
    "standard_exponential float32": (
        np.float32, lambda r, o: r.standard_exponential(out=o, n_threads=THREADS),
        lambda r, n: r.standard_exponential(size=n, dtype=np.float32)),
    "standard_exponential float64": (
        np.float64, lambda r, o: r.standard_exponential(out=o, n_threads=THREADS),
        lambda r, n: r.standard_exponential(size=n, dtype=np.float64)),
}


@pytest.fixture(scope="module")
def outputs() -> dict:
    """One touched output per dtype, shared by the cases."""
    return {np.dtype(dt): np.ones(N, dt) for dt in (np.int32, np.int64, np.float32, np.float64)}


@pytest.mark.parametrize("impl", ["fastinit", "numpy-pcg64"])
@pytest.mark.parametrize("case", list(CASES))
def test_fast_method(benchmark: Any, outputs: dict, case: str, impl: str) -> None:
    dtype, fast, slow = CASES[case]
    out = outputs[np.dtype(dtype)]
    if impl == "fastinit":
        rng = fastinit.default_rng(20261201)
        call, threads = (lambda: fast(rng, out)), THREADS
    else:
        rng = np.random.Generator(np.random.PCG64(20261201))
        call, threads = (lambda: slow(rng, N)), 1
    benchmark.group = f"{case} n=2**26"
    benchmark.pedantic(call, rounds=3, warmup_rounds=1, iterations=1)
    best = fbp.best_seconds(benchmark)
    info = benchmark.extra_info
    info.update({"impl": impl, "label": impl, "threads": threads, "n": N,
                 "dtype": np.dtype(dtype).name, "bytes": N * np.dtype(dtype).itemsize})
    if best is not None:
        info.update({"best_s": best, "gsamples_per_s": N / best / 1e9,
                     "gb_per_s": info["bytes"] / best / 1e9})
        fbp.RECORDED.append((benchmark.group, dict(info)))
