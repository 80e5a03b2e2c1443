"""Throughput benchmarks: fastinit against NumPy, PyTorch and the memory bandwidth.

The library behind ``fastinit bench`` and the pytest-benchmark suite in
``bench/``; both build their timed callables with :func:`make_fill`, so they
time the same kernels on the same sizes.

Examples
--------
>>> from fastinit import _bench as bench
>>> results = bench.run_suite(bench.settings_for("quick"))   # doctest: +SKIP
>>> print(bench.format_table(results))                        # doctest: +SKIP

Time one candidate by hand:

>>> out = bench.touched(2**20, "float32")
>>> with bench.make_fill("fastinit", "standard_normal", "float32", out, threads=1) as fill:
...     _ = fill.call()
"""
from ._fills import (BASELINE, DTYPES, IMPLEMENTATIONS, OPERATIONS, PARAMS, REFERENCE, Fill,
                     make_fill, torch_available, touched)
from ._machine import cpu_model, describe, machine_info
from ._report import format_bytes, format_size, format_table, write_json
from ._suite import (LARGE_SIZE, MODES, SECTIONS, Results, Settings, default_thread_counts,
                     derive, derive_across, run_suite, settings_for)
from ._timing import Measurement, cpu_busy_fraction, measure_fills, plan_repeats
from .._dtypes import resolve_float_dtype  # for bench/ (dtype names as the suite takes them)


def plot(results: Results, path: str) -> None:
    """Write the PNG plot of ``results``: G samples/s vs array size and vs threads.

    Parameters
    ----------
    results : Results
        From :func:`run_suite`, with the "sizes" and/or "threads" sections.
    path : str or path-like
        Where to write the PNG.

    Raises
    ------
    ImportError
        When matplotlib (the ``bench`` extra) is missing, with an install hint.
    """
    from ._plot import plot as _plot

    _plot(results, path)


__all__ = [
    "BASELINE", "DTYPES", "IMPLEMENTATIONS", "LARGE_SIZE", "MODES", "OPERATIONS", "PARAMS",
    "REFERENCE", "SECTIONS", "Fill", "Measurement", "Results", "Settings", "cpu_busy_fraction",
    "cpu_model", "default_thread_counts", "derive", "derive_across", "describe", "format_bytes", "format_size",
    "format_table", "machine_info", "make_fill", "measure_fills", "plan_repeats", "plot",
    "resolve_float_dtype",
    "run_suite", "settings_for", "torch_available", "touched", "write_json",
]
