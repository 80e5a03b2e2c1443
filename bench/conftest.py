"""pytest-benchmark setup for fastinit's throughput suite.

Normal test runs skip benchmarks (``--benchmark-skip`` in pyproject's
``addopts``).  Run them with::

    pytest bench/ --benchmark-only -o addopts=""

History (stored under ``.benchmarks/``, which git ignores)::

    pytest bench/ --benchmark-only -o addopts="" --benchmark-autosave
    pytest bench/ --benchmark-only -o addopts="" --benchmark-compare            # vs the latest
    pytest bench/ --benchmark-only -o addopts="" --benchmark-compare=0001 \\
        --benchmark-compare-fail=min:20%                                       # fail on regressions
    pytest-benchmark compare 0001 0002 --group-by=group --columns=min,mean

Every saved run carries ``machine_info["fastinit"]`` (CPU model, cores, OpenMP
state and threads, SIMD instruction set, ``OMP_*`` environment, NumPy and
torch versions) and, per benchmark, ``extra_info`` with the implementation,
threads, dtype, elements, bytes, the timed recipe, G samples/s and GB/s.

Fixtures for benchmark modules
------------------------------
``run_fill(fill, group=...)``
    Time a :class:`fastinit._bench.Fill` with ``benchmark.pedantic`` (rounds
    sized from a probe call, ``warmup_rounds=1``) and record its throughput.
``throughput(n=..., dtype=..., threads=..., **extra)``
    For benchmarks timed some other way: call after ``benchmark(...)`` /
    ``benchmark.pedantic(...)`` to put n, dtype, threads, bytes, OpenMP/SIMD
    state, G samples/s and GB/s into ``extra_info``.
``touched_array(n, dtype)``
    A preallocated, already-touched 1-D output, shared within the session.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
import pytest

from fastinit import _bench as fb
from fastinit._bench import resolve_float_dtype
import _glue as fbp


def pytest_benchmark_update_machine_info(config: Any, machine_info: dict) -> None:
    """Record what the figures depend on in every saved benchmark run.

    Only stable facts: pytest-benchmark warns when a compared run's
    ``machine_info`` differs (the load goes to ``pytest_benchmark_update_json``).
    """
    machine_info["fastinit"] = fb.machine_info(volatile=False)


def pytest_benchmark_update_json(config: Any, benchmarks: Any, output_json: dict) -> None:
    """Record the machine's load at the end of the run (a shared machine is noisy)."""
    info = fb.machine_info()
    output_json["fastinit_load"] = {"loadavg_1_5_15min": info["loadavg"],
                                    "torch_threads": info["torch_threads"]}


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print each group's ratios to NumPy PCG64 and thread scaling."""
    lines = fbp.summary_lines()
    if lines:
        terminalreporter.section("fastinit: speed relative to NumPy PCG64, in each group")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def run_fill(benchmark: Any) -> Callable[..., Any]:
    """``run_fill(fill, group=None, rounds=None, ...)``.

    See ``fastinit._bench._pytest.pedantic_fill``.
    """
    return functools.partial(fbp.pedantic_fill, benchmark)


@pytest.fixture
def throughput(benchmark: Any) -> Callable[..., dict]:
    """``throughput(n=..., dtype=..., threads=None, **extra)``: see ``add_throughput``."""
    return functools.partial(fbp.add_throughput, benchmark)


_CACHE_BYTES = 3 * 2 ** 30


@pytest.fixture(scope="session")
def touched_array() -> Callable[[int, str], np.ndarray]:
    """``touched_array(n, dtype)``: a shared, preallocated, already-touched output.

    Arrays are kept for reuse while they total under 3 GiB; the oldest are
    dropped first.
    """
    cache: dict[tuple[int, str], np.ndarray] = {}

    def get(n: int, dtype: str) -> np.ndarray:
        key = (int(n), str(dtype))
        if key in cache:
            cache[key] = cache.pop(key)  # most recently used last
            return cache[key]
        need = n * resolve_float_dtype(dtype).itemsize
        while cache and sum(a.nbytes for a in cache.values()) + need > _CACHE_BYTES:
            cache.pop(next(iter(cache)))
        cache[key] = fb.touched(n, dtype)
        return cache[key]

    yield get
    cache.clear()
