"""The comparisons ``fastinit bench`` runs, and the figures derived from them."""
from __future__ import annotations

import dataclasses
import datetime
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

from .._dtypes import resolve_float_dtype
from .._threads import resolve_threads
from .._validation import memory_limit_bytes
from ._fills import (BASELINE, DTYPES, IMPLEMENTATIONS, OPERATIONS, REFERENCE, Fill,
                     make_fill, touched)
from ._machine import machine_info
from ._timing import Measurement, cpu_busy_fraction, measure_fills

#: Sections of a run, in order.
SECTIONS: tuple[str, ...] = ("table", "fresh", "sizes", "threads")

#: Size of the large-array benchmarks (float32 elements, 1 GiB), used by ``bench/`` too.
LARGE_SIZE = 2 ** 28

#: Per-mode defaults.  ``default`` runs in under a minute on two idle cores;
#: its arrays (2**24 elements: 32-128 MiB) are larger than the 32 MiB L3.
MODES: dict[str, dict[str, Any]] = {
    "quick": {
        "table_size": 2 ** 16, "fresh_size": 2 ** 16, "thread_size": 2 ** 16,
        "sweep_sizes": (2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16),
        "min_repeats": 2, "max_repeats": 5, "budget_s": 0.005,
    },
    "default": {
        "table_size": 2 ** 24, "fresh_size": 2 ** 24, "thread_size": 2 ** 24,
        "sweep_sizes": tuple(2 ** k for k in range(12, 25, 2)),
        "min_repeats": 3, "max_repeats": 15, "budget_s": 0.06, "slow_s": 0.1,
    },
    "full": {
        "table_size": LARGE_SIZE, "fresh_size": LARGE_SIZE, "thread_size": LARGE_SIZE,
        "sweep_sizes": tuple(2 ** k for k in range(12, 31, 2)),
        "min_repeats": 3, "max_repeats": 10, "budget_s": 1.0, "slow_s": 1.5,
        "all_numpy_variants": True,
    },
}

#: What the size and thread sweeps (and the fresh-allocation row) cover.
SWEEP_OPS: tuple[str, ...] = ("random", "standard_normal")
SWEEP_DTYPE = "float32"
SWEEP_IMPLS: tuple[str, ...] = ("fastinit", "numpy-pcg64", "numpy-threaded", "torch", BASELINE)
FRESH_IMPLS: tuple[str, ...] = ("fastinit", "numpy-pcg64", "torch", BASELINE)
NUMPY_VARIANTS: tuple[str, ...] = ("numpy-philox", "numpy-sfc64")
_VARIANT_OPS = ("random", "standard_normal")
_VARIANT_DTYPES = ("float32", "float64")


@dataclass
class Settings:
    """What a run measures.  Build one with :func:`settings_for`.

    Attributes
    ----------
    mode : str
        "quick", "default" or "full".
    table_size : int
        Elements per array in the main table (every operation and dtype).
    fresh_size : int
        Elements of the fresh-allocation comparison.
    sweep_sizes : tuple of int
        Array sizes of the throughput-vs-size sweep.
    thread_size : int
        Elements of the throughput-vs-threads sweep.
    threads : int
        "All threads": fastinit's default thread count unless overridden.
    thread_counts : tuple of int
        Thread counts of the thread sweep.
    ops, dtypes, impls, sections : tuple of str
        Filters.
    warmup, min_repeats, max_repeats : int
        Untimed calls, and bounds on timed calls, per candidate.
    budget_s : float
        Target seconds of timed calls per candidate and comparison.
    slow_s : float or None
        Candidates slower than this per call get 2 timed calls (None: off).
    all_numpy_variants : bool
        Time NumPy's Philox and SFC64 in every table comparison.  When False
        (the default run, to stay under a minute) they are timed where they
        differ from PCG64 by more than the bit generator's cost alone:
        ``random`` and ``standard_normal`` in float32 and float64 (the other
        rows are those draws plus an affine map or a cast).
    interleave : bool
        Time the candidates of a comparison in round-robin order instead of
        back to back (see ``fastinit._bench._timing``).
    """

    mode: str
    table_size: int
    fresh_size: int
    sweep_sizes: tuple[int, ...]
    thread_size: int
    threads: int
    thread_counts: tuple[int, ...]
    ops: tuple[str, ...] = OPERATIONS
    dtypes: tuple[str, ...] = DTYPES
    impls: tuple[str, ...] = IMPLEMENTATIONS
    sections: tuple[str, ...] = SECTIONS
    warmup: int = 1
    min_repeats: int = 3
    max_repeats: int = 15
    budget_s: float = 0.08
    slow_s: Optional[float] = None
    all_numpy_variants: bool = False
    interleave: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-able copy."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}


def default_thread_counts(max_threads: int) -> tuple[int, ...]:
    """1, 2, 4, ... up to ``max_threads``, always ending with ``max_threads``."""
    counts, t = [], 1
    while t < max_threads:
        counts.append(t)
        t *= 2
    counts.append(max_threads)
    return tuple(counts)


def settings_for(mode: str = "default", **overrides: Any) -> Settings:
    """The settings of a mode, with some fields replaced.

    Parameters
    ----------
    mode : {"quick", "default", "full"}
    **overrides
        Any :class:`Settings` field; ``None`` values are ignored.  Setting
        ``table_size`` also sets ``fresh_size`` and ``thread_size`` unless
        those are given too.

    Returns
    -------
    Settings
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    values: dict[str, Any] = dict(MODES[mode])
    given = {k: v for k, v in overrides.items() if v is not None}
    if "table_size" in given:
        values["fresh_size"] = values["thread_size"] = given["table_size"]
    values.update(given)
    threads = resolve_threads(values.pop("threads", None))
    counts = values.pop("thread_counts", None) or default_thread_counts(threads)
    for name, allowed in (("ops", OPERATIONS), ("dtypes", DTYPES), ("impls", IMPLEMENTATIONS),
                          ("sections", SECTIONS)):
        chosen = tuple(values.get(name, allowed))
        bad = [c for c in chosen if c not in allowed]
        if bad:
            raise ValueError(f"{name}: unknown {bad}; choose from {list(allowed)}")
        values[name] = tuple(c for c in allowed if c in chosen)  # canonical order
    for name in ("table_size", "fresh_size", "thread_size"):
        if int(values[name]) < 1:
            raise ValueError(f"{name} must be >= 1, got {values[name]}")
    return Settings(mode=mode, threads=threads, thread_counts=tuple(counts), **values)


@dataclass
class Results:
    """A finished run: settings, machine, measurements.

    Attributes
    ----------
    settings : Settings
    machine : dict
        :func:`~fastinit._bench.machine_info` at the start.
    measurements : list of Measurement
    started : str
        ISO 8601 UTC start time.
    elapsed_s : float
        Wall time of the run.
    cpu_busy_before, cpu_busy_after : float or None
        Fraction of the CPUs busy (other processes) just before and just
        after the run.
    skipped : list of str
        Comparisons left out, and why.
    """

    settings: Settings
    machine: dict[str, Any]
    measurements: list[Measurement] = field(default_factory=list)
    started: str = ""
    elapsed_s: float = 0.0
    cpu_busy_before: Optional[float] = None
    cpu_busy_after: Optional[float] = None
    skipped: list[str] = field(default_factory=list)

    def busy(self) -> Optional[float]:
        """The larger of :attr:`cpu_busy_before` and :attr:`cpu_busy_after`."""
        values = [b for b in (self.cpu_busy_before, self.cpu_busy_after) if b is not None]
        return max(values) if values else None

    def select(self, section: str, **match: Any) -> list[Measurement]:
        """Measurements of ``section`` whose info matches ``match``."""
        return [m for m in self.measurements if m.section == section
                and all(m.info.get(k) == v for k, v in match.items())]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able record of the whole run (the ``--json`` file)."""
        return {
            "schema": "fastinit-bench/1",
            "started": self.started,
            "elapsed_s": self.elapsed_s,
            "cpu_busy_before": self.cpu_busy_before,
            "cpu_busy_after": self.cpu_busy_after,
            "settings": self.settings.to_dict(),
            "machine": self.machine,
            "skipped": self.skipped,
            "results": [m.to_dict() for m in self.measurements],
        }


def derive(measurements: Sequence[Measurement]) -> None:
    """Fill in ratios within one comparison (same operation, dtype and size).

    ``ratio_numpy``: NumPy PCG64's best time over this one's.
    ``pct_bandwidth``: GB/s over the plain-store baseline's, the baseline at
    the same thread count when it was measured, else at the most threads.
    ``extra["scaling"]``: speed over the same implementation at 1 thread.
    """
    ref = next((m for m in measurements if m.info["impl"] == REFERENCE), None)
    bases = [m for m in measurements if m.info["impl"] == BASELINE]
    for m in measurements:
        if ref is not None:
            m.ratio_numpy = ref.best / m.best
        if bases:
            same = [b for b in bases if b.info["threads"] == m.info["threads"]]
            base = same[0] if same else max(bases, key=lambda b: b.info["threads"])
            m.pct_bandwidth = 100.0 * m.gb_per_s / base.gb_per_s
        if m.info["threads"] > 1:
            one = [x for x in measurements if x.info["impl"] == m.info["impl"]
                   and x.info["threads"] == 1 and x.info["op"] == m.info["op"]]
            if one:
                m.extra["scaling"] = one[0].best / m.best


#: The kernel every other one is compared with in the method x dtype summary.
KERNEL_REFERENCE = ("standard_normal", "float32")


def derive_across(measurements: Sequence[Measurement]) -> None:
    """Fill in ``extra["vs_normal32"]`` across comparisons: samples/s over
    fastinit's float32 ``standard_normal`` at the same size and thread count
    (so targets such as "truncated_normal >= 0.8x the float32 normal" read off
    one table).  Only fastinit rows of the main table get it.
    """
    table = [m for m in measurements if m.section == "table" and m.info["impl"] == "fastinit"]
    refs = {(m.info["n"], m.info["threads"]): m for m in table
            if (m.info["op"], m.info["dtype"]) == KERNEL_REFERENCE}
    for m in table:
        ref = refs.get((m.info["n"], m.info["threads"]))
        if ref is not None:
            m.extra["vs_normal32"] = ref.best / m.best


def _available_bytes() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return memory_limit_bytes()


def _fits(n: int, dtype: str, factor: float) -> bool:
    need = n * resolve_float_dtype(dtype).itemsize * factor
    return need <= 0.8 * _available_bytes()


Progress = Callable[[str], None]


class _Runner:
    def __init__(self, settings: Settings, results: Results, progress: Progress) -> None:
        self.s = settings
        self.results = results
        self.progress = progress

    def measure(self, section: str, fills: Iterable[Optional[Fill]], what: str) -> None:
        chosen = [f for f in fills if f is not None]
        if not chosen:
            return
        t0 = time.perf_counter()
        try:
            ms = measure_fills(chosen, section, warmup=self.s.warmup,
                               min_repeats=self.s.min_repeats, max_repeats=self.s.max_repeats,
                               budget_s=self.s.budget_s, slow_s=self.s.slow_s,
                               interleave=self.s.interleave)
        finally:
            for f in chosen:
                f.close()
        derive(ms)
        self.results.measurements.extend(ms)
        self.progress(f"{section:>7}: {what} ({time.perf_counter() - t0:.1f} s)")

    def candidates(self, impls: Sequence[str], op: str, dtype: str, out: np.ndarray,
                   one_thread: bool = True) -> list[Optional[Fill]]:
        nt = self.s.threads
        fills: list[Optional[Fill]] = []
        for impl in impls:
            if impl not in self.s.impls:
                continue
            fills.append(make_fill(impl, op, dtype, out, threads=nt))
            if impl == "fastinit" and one_thread and nt > 1:
                fills.append(make_fill(impl, op, dtype, out, threads=1))
        return fills

    def table(self) -> None:
        n = self.s.table_size
        for dtype in self.s.dtypes:
            if not _fits(n, dtype, 3.0):
                self.results.skipped.append(f"table {dtype} n={n}: not enough free memory")
                continue
            out = touched(n, dtype)
            for op in self.s.ops:
                impls = IMPLEMENTATIONS
                if not (self.s.all_numpy_variants or
                        (op in _VARIANT_OPS and dtype in _VARIANT_DTYPES)):
                    impls = tuple(i for i in impls if i not in NUMPY_VARIANTS)
                self.measure("table", self.candidates(impls, op, dtype, out),
                             f"{op} {dtype} n={n}")
            del out

    def fresh(self) -> None:
        n, op, dtype = self.s.fresh_size, "standard_normal", SWEEP_DTYPE
        if not _fits(n, dtype, 4.0):
            self.results.skipped.append(f"fresh n={n}: not enough free memory")
            return
        fills: list[Optional[Fill]] = []
        for impl in FRESH_IMPLS:
            if impl in self.s.impls:
                fills.append(make_fill(impl, op, dtype, n=n, threads=self.s.threads, fresh=True))
                if impl == "fastinit" and self.s.threads > 1:
                    fills.append(make_fill(impl, op, dtype, n=n, threads=1, fresh=True))
        self.measure("fresh", fills, f"{op} {dtype} n={n}, allocation included")

    def reuse_table(self, op: str, n: int) -> bool:
        """Copy the table's figures for (op, float32, n) into the size sweep."""
        src = [m for m in self.results.select("table", op=op, dtype=SWEEP_DTYPE, n=n)
               if m.info["impl"] in SWEEP_IMPLS]
        if not src:
            return False
        copies = [Measurement("sizes", dict(m.info), list(m.times), m.warmup) for m in src]
        derive(copies)
        self.results.measurements.extend(copies)
        self.progress(f"{'sizes':>7}: {op} {SWEEP_DTYPE} n={n} (from the table)")
        return True

    def sizes(self) -> None:
        for n in self.s.sweep_sizes:
            todo = [op for op in SWEEP_OPS if not self.reuse_table(op, n)]
            if not todo:
                continue
            if not _fits(n, SWEEP_DTYPE, 3.0):
                self.results.skipped.append(f"sizes n={n}: not enough free memory")
                continue
            out = touched(n, SWEEP_DTYPE)
            for op in todo:
                self.measure("sizes", self.candidates(SWEEP_IMPLS, op, SWEEP_DTYPE, out),
                             f"{op} {SWEEP_DTYPE} n={n}")
            del out

    def threads(self) -> None:
        n = self.s.thread_size
        if not _fits(n, SWEEP_DTYPE, 3.0):
            self.results.skipped.append(f"threads n={n}: not enough free memory")
            return
        out = touched(n, SWEEP_DTYPE)
        for op in SWEEP_OPS:
            fills: list[Optional[Fill]] = []
            for impl in ("fastinit", "numpy-threaded", BASELINE):
                if impl in self.s.impls:
                    fills.extend(make_fill(impl, op, SWEEP_DTYPE, out, threads=t)
                                 for t in self.s.thread_counts)
            self.measure("threads", fills,
                         f"{op} {SWEEP_DTYPE} n={n}, threads {list(self.s.thread_counts)}")
        del out


def run_suite(settings: Settings, progress: Optional[Progress] = None) -> Results:
    """Run every comparison ``settings`` asks for.

    Parameters
    ----------
    settings : Settings
        From :func:`settings_for`.
    progress : callable, optional
        Called with one line of text after each comparison.

    Returns
    -------
    Results
    """
    busy = cpu_busy_fraction()
    results = Results(settings, machine_info(),
                      started=datetime.datetime.now(datetime.timezone.utc).isoformat(
                          timespec="seconds"),
                      cpu_busy_before=busy)
    runner = _Runner(settings, results, progress or (lambda line: None))
    t0 = time.perf_counter()
    for section in settings.sections:
        getattr(runner, section)()
    derive_across(results.measurements)
    results.elapsed_s = time.perf_counter() - t0
    results.cpu_busy_after = cpu_busy_fraction()
    after = machine_info()  # torch is imported by the first torch fill: its threads now
    results.machine["torch_threads"] = after["torch_threads"]
    results.machine["loadavg_after"] = after["loadavg"]
    return results
