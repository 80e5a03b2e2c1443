"""Helpers for the pytest-benchmark suite in ``bench/`` (used by ``bench/conftest.py``).

They put the same figures ``fastinit bench`` prints into each benchmark's
``extra_info`` (saved by ``--benchmark-json`` / ``--benchmark-autosave``) and
keep a session-wide record for the ratio summary printed at the end.
"""
from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np

from fastinit._bench import Fill, plan_repeats, resolve_float_dtype

#: (group, extra_info) of every benchmark run in this session, for the summary.
RECORDED: list[tuple[str, dict[str, Any]]] = []


def best_seconds(benchmark: Any) -> Optional[float]:
    """The best round in seconds, or None when timing is off (``--benchmark-disable``:
    each benchmark then runs once, as a plain test)."""
    stats = getattr(benchmark, "stats", None)
    inner = getattr(stats, "stats", None)
    if inner is None or not getattr(inner, "data", None):
        return None
    return float(inner.min)


def add_throughput(benchmark: Any, *, n: int, dtype: Any, threads: Optional[int] = None,
                   **extra: Any) -> dict[str, Any]:
    """Record what a benchmark wrote, and its throughput, in ``extra_info``.

    Call after the benchmark ran.  Adds ``n``, ``dtype``, ``threads``,
    ``bytes`` and, from the best round, ``best_s``, ``gsamples_per_s`` and
    ``gb_per_s``; plus anything in ``extra``.

    Parameters
    ----------
    benchmark : pytest_benchmark.fixture.BenchmarkFixture
    n : int
        Elements written per round.
    dtype : dtype-like
        Element type ("bfloat16" accepted).
    threads : int, optional
        Threads used (default: fastinit's current default).
    **extra
        More JSON-able fields.

    Returns
    -------
    dict
        The updated ``benchmark.extra_info``.
    """
    import fastinit

    dt = resolve_float_dtype(dtype) if dtype != "uint32" else np.dtype(np.uint32)
    info = benchmark.extra_info
    info.update({
        "n": int(n),
        "dtype": "bfloat16" if dt.name == "bfloat16" else dt.name,
        "threads": int(threads) if threads is not None else fastinit.get_num_threads(),
        "bytes": int(n) * dt.itemsize,
        "openmp": bool(fastinit.openmp_enabled()),
        "simd": fastinit.simd_info()["active"],
    })
    info.update(extra)
    best = best_seconds(benchmark)
    if best:
        info["best_s"] = best
        info["gsamples_per_s"] = n / best / 1e9
        info["gb_per_s"] = info["bytes"] / best / 1e9
    return info


def pedantic_fill(benchmark: Any, fill: Fill, *, group: Optional[str] = None,
                  rounds: Optional[int] = None, budget_s: float = 2.0, min_rounds: int = 3,
                  max_rounds: int = 10) -> Any:
    """Time one :class:`~fastinit._bench.Fill` with ``benchmark.pedantic``.

    One untimed probe call sizes the number of rounds (unless ``rounds`` is
    given), then ``benchmark.pedantic(fill.call, rounds=..., warmup_rounds=1)``
    runs.  ``extra_info`` gets :meth:`Fill.info` and the throughput
    (:func:`add_throughput`).  The fill is closed afterwards.

    Parameters
    ----------
    benchmark : pytest_benchmark.fixture.BenchmarkFixture
    fill : Fill
        From :func:`~fastinit._bench.make_fill`.
    group : str, optional
        pytest-benchmark group (one per compared operation).
    rounds : int, optional
        Timed rounds; default from the probe, ``budget_s`` and the bounds.
    budget_s : float
        Target seconds of timed rounds.
    min_rounds, max_rounds : int
        Bounds on the rounds.

    Returns
    -------
    object
        The last call's result.
    """
    if group is not None:
        benchmark.group = group
    try:
        if rounds is None:
            t0 = time.perf_counter()
            fill.call()
            rounds = plan_repeats(time.perf_counter() - t0, budget_s, min_rounds, max_rounds)
        result = benchmark.pedantic(fill.call, rounds=rounds, warmup_rounds=1, iterations=1)
    finally:
        fill.close()
    info = fill.info()
    info.pop("n"), info.pop("dtype"), info.pop("threads")
    add_throughput(benchmark, n=fill.n, dtype=fill.dtype, threads=fill.threads, **info)
    if best_seconds(benchmark) is not None:
        RECORDED.append((benchmark.group or "", dict(benchmark.extra_info)))
    return result


def summary_lines() -> list[str]:
    """Per group: each implementation's speed relative to NumPy PCG64 and
    its thread scaling (printed by ``bench/conftest.py`` at the end)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for group, info in RECORDED:
        if "impl" in info and "best_s" in info:
            groups.setdefault(group, []).append(info)
    lines = []
    for group, infos in groups.items():
        ref = next((i for i in infos if i["impl"] == "numpy-pcg64"), None)
        lines.append(f"{group}:")
        for i in infos:
            text = (f"  {i['label']:<28} {i['threads']:>2} thr  {i['gsamples_per_s']:8.3f} "
                    f"Gsample/s {i['gb_per_s']:7.2f} GB/s")
            if ref is not None:
                text += f"  x{ref['best_s'] / i['best_s']:6.2f} vs NumPy PCG64"
            one = next((j for j in infos if j["impl"] == i["impl"] and j["threads"] == 1), None)
            if one is not None and i["threads"] > 1:
                text += f"  x{one['best_s'] / i['best_s']:.2f} vs 1 thread"
            lines.append(text)
    return lines
