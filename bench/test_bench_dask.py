"""Dask throughput: fastinit.dask on a LocalCluster vs the local fill vs dask.array.random.

One array, 1 GiB of float32 standard normals (16384 x 16384 in 64 MiB
blocks), made in the same run by:

* ``local-fastinit``: ``fastinit.default_rng(s).standard_normal(shape, dtype)``,
  a fresh array, all threads of this process;
* ``cluster-fastinit``: ``fastinit.dask`` blocks persisted on a
  ``LocalCluster`` of 2 worker processes x 1 thread (all cores);
* ``cluster-dask-numpy``: ``dask.array.random.default_rng`` (NumPy PCG64
  per block) persisted on the same cluster;
* ``threads-fastinit`` / ``threads-dask-numpy``: the same two on Dask's local
  threaded scheduler (``persist(scheduler="threads")``);
* ``local-numpy``: NumPy's own ``Generator(PCG64).standard_normal``, one thread.

Cluster rounds keep the blocks on the workers (``persist`` + ``wait``), so
they time block creation, not a transfer to the client; each round builds a
new array (the next stream range), so nothing is cached between rounds.
``extra_info`` carries GB/s and G samples/s from the best round, and the
ratio to ``local-fastinit``; a summary is printed at the end.

Run with ``pytest bench/test_bench_dask.py --benchmark-only -o addopts=""``.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable

import numpy as np
import pytest

import fastinit
from _glue import best_seconds

pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import dask.array as da  # noqa: E402

import fastinit.dask as fd  # noqa: E402

SHAPE = (16384, 16384)
CHUNKS = (4096, 4096)
DTYPE = "float32"
NBYTES = SHAPE[0] * SHAPE[1] * 4
GROUP = "dask standard_normal float32 1 GiB"
ROUNDS = 3
WORKERS = 2

_RESULTS: dict[str, float] = {}  # label -> best seconds


@pytest.fixture(scope="module", autouse=True)
def _summary(request):
    """Print every figure of this module, with ratios, once it has run."""
    yield
    _print_summary(request)


@pytest.fixture(scope="module")
def client():
    """2 worker processes x 1 thread on localhost; closed after the module."""
    cluster = distributed.LocalCluster(
        n_workers=WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=logging.ERROR)
    c = distributed.Client(cluster, timeout=60)
    try:
        c.wait_for_workers(WORKERS, timeout=60)
        c.run(lambda: __import__("fastinit.dask"))  # imports are not part of the timing
        yield c
    finally:
        c.close(timeout=60)
        cluster.close(timeout=60)


def _print_summary(request: Any) -> None:
    plugins = request.config.pluginmanager
    reporter, capture = plugins.getplugin("terminalreporter"), plugins.getplugin("capturemanager")
    if reporter is None or capture is None or not _RESULTS:
        return
    ref = _RESULTS.get("local-fastinit")
    lines = [f"{GROUP} (best of {ROUNDS} rounds; cpu_count={os.cpu_count()}):"]
    for label, best in _RESULTS.items():
        line = f"  {label:<20} {NBYTES / best / 1e9:7.2f} GB/s {NBYTES / 4 / best / 1e9:7.3f} Gsample/s"
        if ref is not None:
            line += f"   x{ref / best:5.2f} of local-fastinit"
        lines.append(line)
    with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)


def _run(benchmark: Any, label: str, setup: Callable[[], tuple], target: Callable[..., Any],
         **info: Any) -> None:
    benchmark.group = GROUP
    benchmark.pedantic(target, setup=setup, rounds=ROUNDS, warmup_rounds=1, iterations=1)
    best = best_seconds(benchmark)
    if best is None:  # --benchmark-disable: nothing was timed
        return
    _RESULTS[label] = best
    benchmark.extra_info.update({
        "label": label, "shape": list(SHAPE), "chunks": list(CHUNKS), "dtype": DTYPE,
        "bytes": NBYTES, "best_s": best, "gb_per_s": NBYTES / best / 1e9,
        "gsamples_per_s": NBYTES / 4 / best / 1e9, **info})
    if "local-fastinit" in _RESULTS:
        benchmark.extra_info["vs_local_fastinit"] = _RESULTS["local-fastinit"] / best


def _fresh(make: Callable[[], Any]) -> Callable[[], tuple]:
    """A pedantic ``setup`` handing the target a newly built array each round."""
    return lambda: ((make(),), {})


def test_local_fastinit(benchmark):
    rng = fastinit.default_rng(7)
    _run(benchmark, "local-fastinit", lambda: ((), {}),
         lambda: rng.standard_normal(SHAPE, dtype=DTYPE),
         threads=fastinit.get_num_threads())


def test_cluster_fastinit(benchmark, client):
    rng = fd.default_rng(7)

    def persist(x):
        distributed.wait(client.persist(x), timeout=300)

    _run(benchmark, "cluster-fastinit",
         _fresh(lambda: rng.standard_normal(SHAPE, dtype=DTYPE, chunks=CHUNKS)), persist,
         workers=WORKERS, threads_per_worker=1)


def test_cluster_dask_numpy(benchmark, client):
    seeds = iter(range(10**6))

    def persist(x):
        distributed.wait(client.persist(x), timeout=300)

    _run(benchmark, "cluster-dask-numpy",
         _fresh(lambda: da.random.default_rng(next(seeds)).standard_normal(
             SHAPE, chunks=CHUNKS, dtype=np.float32)), persist,
         workers=WORKERS, threads_per_worker=1, bit_generator="PCG64")


def test_threads_fastinit(benchmark):
    rng = fd.default_rng(7)
    _run(benchmark, "threads-fastinit",
         _fresh(lambda: rng.standard_normal(SHAPE, dtype=DTYPE, chunks=CHUNKS)),
         lambda x: x.persist(scheduler="threads"), scheduler="threads")


def test_threads_dask_numpy(benchmark):
    seeds = iter(range(10**6))
    _run(benchmark, "threads-dask-numpy",
         _fresh(lambda: da.random.default_rng(next(seeds)).standard_normal(
             SHAPE, chunks=CHUNKS, dtype=np.float32)),
         lambda x: x.persist(scheduler="threads"), scheduler="threads",
         bit_generator="PCG64")


def test_local_numpy(benchmark):
    gen = np.random.default_rng(7)
    _run(benchmark, "local-numpy", lambda: ((), {}),
         lambda: gen.standard_normal(SHAPE, dtype=np.float32), threads=1,
         bit_generator="PCG64")
