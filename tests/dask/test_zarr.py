"""fastinit.dask at scale: an array larger than the workers' memory, written to Zarr.

Slow (writes 8 GiB): run with ``python -m pytest -m slow tests/test_dask_zarr.py``.
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
import time

import numpy as np
import pytest

import fastinit

pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
zarr = pytest.importorskip("zarr")
psutil = pytest.importorskip("psutil")

import fastinit.dask as fd  # noqa: E402

GiB = 2**30
SHAPE = (32768, 65536)  # float32: 8 GiB
WORKER_MEMORY = 2 * GiB  # two workers: 4 GiB in all, half the array
SEED = 2026
# Random floats do not compress (zstd keeps ~93%): store them raw, so the test
# measures filling and writing, not the codec.
NO_CODEC = {"compressors": None} if int(zarr.__version__.split(".")[0]) >= 3 else {"compressor": None}


class PeakRSS:
    """Samples the resident memory of some processes in a background thread."""

    def __init__(self, pids, interval=0.05):
        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.peak = dict.fromkeys(pids, 0)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid, proc in self.procs.items():
                try:
                    self.peak[pid] = max(self.peak[pid], proc.memory_info().rss)
                except psutil.Error:
                    pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


def local_window(rows: slice, cols: slice) -> np.ndarray:
    """The local fill of a window, row by row at its global offset (no fastinit.dask code)."""
    rng = fastinit.default_rng(SEED)
    out = np.empty((rows.stop - rows.start, cols.stop - cols.start), np.float32)
    for i, r in enumerate(range(rows.start, rows.stop)):
        rng.fill_at("standard_normal", out[i], r * SHAPE[1] + cols.start, position=0)
    return out


@pytest.mark.slow
def test_to_zarr_larger_than_worker_memory(tmp_path, record_property):
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, memory_limit=WORKER_MEMORY, silence_logs=logging.ERROR)
    client = distributed.Client(cluster, timeout=60)
    try:
        client.wait_for_workers(2, timeout=60)
        pids = client.run(os.getpid)
        x = fd.default_rng(SEED).standard_normal(SHAPE, dtype="float32", chunks="auto")
        assert x.nbytes == 8 * GiB
        assert x.nbytes > 2 * WORKER_MEMORY
        path = str(tmp_path / "weights.zarr")
        start = time.perf_counter()
        with PeakRSS(pids.values()) as rss:
            client.compute(x.to_zarr(path, compute=False, **NO_CODEC)).result(timeout=1200)
        seconds = time.perf_counter() - start
        assert client.run(os.getpid) == pids, "a worker was restarted"
        peak = max(rss.peak.values())
        record_property("seconds", round(seconds, 2))
        record_property("peak_worker_rss_GiB", round(peak / GiB, 3))
        record_property("chunks", str(x.chunksize))
        print(f"\nto_zarr 8 GiB: {seconds:.1f} s ({x.nbytes / seconds / 1e9:.2f} GB/s), "
              f"{x.npartitions} blocks of {x.chunksize}, "
              f"peak worker RSS {[round(v / GiB, 3) for v in rss.peak.values()]} GiB")
        assert peak < WORKER_MEMORY

        stored = zarr.open_array(path, mode="r")
        assert stored.shape == SHAPE and stored.dtype == np.float32
        # whole blocks at the corners and inside, then windows across block edges
        br, bc = x.chunksize
        windows = [(slice(0, br), slice(0, bc)),
                   (slice(SHAPE[0] - br, SHAPE[0]), slice(SHAPE[1] - bc, SHAPE[1])),
                   (slice(3 * br, 4 * br), slice(5 * bc, 6 * bc))]
        sampler = np.random.default_rng(0)
        for _ in range(4):
            r0 = int(sampler.integers(0, SHAPE[0] - 300))
            c0 = int(sampler.integers(0, SHAPE[1] - 3000))
            windows.append((slice(r0, r0 + 300), slice(c0, c0 + 3000)))
        windows.append((slice(br - 2, br + 2), slice(bc - 5, bc + 5)))
        for rows, cols in windows:
            got = np.asarray(stored[rows, cols])
            assert got.tobytes() == local_window(rows, cols).tobytes(), (rows, cols)
    finally:
        client.close(timeout=60)
        cluster.close(timeout=60)
        shutil.rmtree(tmp_path / "weights.zarr", ignore_errors=True)  # 8 GiB
