"""What parallelism a child process gets (docs/GUARANTEES.md, "Processes").

Times one float32 standard_normal fill of 2**26 elements (best of 3) in the
parent, which has already run a multi-threaded fill, in a child made by
os.fork (single-threaded by design: GNU OpenMP cannot start threads there),
and in children made by the "spawn" and "forkserver" start methods (all
threads).  Prints seconds and the ratio to the parent, plus the thread count
each process reports.  Run on a quiet machine: ``python scripts/fork_threads.py``.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time

import numpy as np

import fastinit

N = 1 << 26


def best_time() -> dict:
    rng = fastinit.default_rng(0)
    out = np.empty(N, np.float32)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        rng.standard_normal(out=out)
        times.append(time.perf_counter() - t0)
    return {"seconds": min(times), "threads": fastinit.get_num_threads()}


def main() -> None:
    results = {"parent": best_time()}
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, json.dumps(best_time()).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        results["os.fork child"] = json.loads(f.read())
    os.waitpid(pid, 0)
    for method in ("spawn", "forkserver"):
        with multiprocessing.get_context(method).Pool(1) as pool:
            results[f"{method} child"] = pool.apply(best_time)
    base = results["parent"]["seconds"]
    for name, r in results.items():
        print(f"{name:18s} {r['threads']:3d} thread(s)  {r['seconds']:.3f} s  "
              f"x{r['seconds'] / base:.2f} of the parent's time")


if __name__ == "__main__":
    main()
