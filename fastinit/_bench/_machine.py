"""What the figures depend on: CPU, cores, OpenMP, SIMD, library versions."""
from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from typing import Any, Optional

import numpy as np

from .._validation import memory_limit_bytes
from ._timing import load_average


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``; ``platform.processor()`` elsewhere)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _version(dist: str) -> Optional[str]:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _read(path: str) -> Optional[str]:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def machine_info(volatile: bool = True) -> dict[str, Any]:
    """Everything a throughput figure depends on, as a JSON-able dict.

    Recorded in ``fastinit bench --json`` output and, through
    ``bench/conftest.py``, in pytest-benchmark's ``machine_info``.

    Parameters
    ----------
    volatile : bool
        Include what changes from run to run on the same machine (load
        average, torch's thread count once imported).  pytest-benchmark
        warns when the saved and current ``machine_info`` differ, so its
        hook leaves them out.

    Returns
    -------
    dict
        CPU model, core counts, memory, OpenMP state and thread count, SIMD
        instruction sets, the ``OMP_*``/``FASTINIT_*`` environment, versions
        of Python, fastinit, NumPy and PyTorch, transparent huge pages and,
        if ``volatile``, the load average.
    """
    import fastinit

    torch_threads = None
    if "torch" in sys.modules:  # only when already imported: importing it is slow
        torch_threads = sys.modules["torch"].get_num_threads()
    info = {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": _usable_cpus(),
        "memory_bytes": memory_limit_bytes(),
        "openmp": bool(fastinit.openmp_enabled()),
        "fastinit_threads": fastinit.get_num_threads(),
        "simd": fastinit.simd_info(),
        "env": {k: v for k, v in sorted(os.environ.items())
                if k.startswith(("OMP_", "GOMP_", "KMP_", "FASTINIT_", "MKL_NUM_THREADS"))},
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "fastinit": fastinit.__version__,
        "stream_version": fastinit.STREAM_VERSION,
        "numpy": np.__version__,
        "torch": _version("torch"),
        "torch_threads": torch_threads,
        "transparent_hugepage": _read("/sys/kernel/mm/transparent_hugepage/enabled"),
        "loadavg": load_average(),
    }
    if not volatile:
        del info["loadavg"], info["torch_threads"]
    return info


def describe(info: dict[str, Any]) -> str:
    """One line summarising :func:`machine_info` for table headers and plot titles."""
    omp = "OpenMP" if info["openmp"] else "no OpenMP"
    parts = [
        f"{info['cpu_model']} ({info['cpus_usable']} cpus)",
        f"{omp}, {info['fastinit_threads']} threads",
        f"SIMD {info['simd']['active']}",
        f"numpy {info['numpy']}",
    ]
    if info.get("torch"):
        parts.append(f"torch {info['torch']}")
    return ", ".join(parts)
