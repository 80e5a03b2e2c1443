"""Timing: per candidate, a warmup call, then the best of several back-to-back repeats.

This is what ``benchmark.pedantic(rounds=..., warmup_rounds=1)`` does in the
pytest-benchmark suite, so the CLI and pytest-benchmark figures agree.  The
candidates of one comparison run one after the other within seconds, so
their ratios are taken under the same conditions.

Why not round-robin (A B C A B C ...), which would spread slow drifts of a
shared machine evenly?  Because it wakes every thread pool from sleep before
each timed call: OpenMP workers that spin between back-to-back calls sleep
while another library runs, and waking a sleeping worker costs from ~0.3 ms
(idle VM) to a scheduler tick or more (busy machine) per call -- a cost of
the interleaving, not of the fill.  ``interleave=True`` is still available.
"""
from __future__ import annotations

import math
import os
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from ._fills import Fill


@dataclass
class Measurement:
    """The timings of one :class:`~fastinit._bench.Fill` and the figures derived from them.

    Attributes
    ----------
    section : str
        "table", "fresh", "sizes" or "threads".
    info : dict
        :meth:`Fill.info` of what was timed.
    times : list of float
        Seconds per call, warmup excluded.
    warmup : float
        Seconds of the (first) warmup call.
    ratio_numpy : float or None
        Speed relative to NumPy PCG64 in the same comparison (> 1: faster).
    pct_bandwidth : float or None
        GB/s as a percentage of the plain-store baseline's in the same comparison.
    """

    section: str
    info: dict[str, Any]
    times: list[float]
    warmup: float
    ratio_numpy: Optional[float] = None
    pct_bandwidth: Optional[float] = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> float:
        """Fastest call, in seconds."""
        return min(self.times)

    @property
    def median(self) -> float:
        """Median call, in seconds."""
        return statistics.median(self.times)

    @property
    def gsamples_per_s(self) -> float:
        """Billions of elements written per second (best call)."""
        return self.info["n"] / self.best / 1e9

    @property
    def gb_per_s(self) -> float:
        """Gigabytes (1e9) written per second (best call)."""
        return self.info["bytes"] / self.best / 1e9

    def key(self) -> tuple:
        """What identifies the comparison this belongs to."""
        i = self.info
        return (self.section, i["op"], i["dtype"], i["n"], i["fresh"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-able record."""
        d = {"section": self.section, **self.info, "best_s": self.best,
             "median_s": self.median, "gsamples_per_s": self.gsamples_per_s,
             "gb_per_s": self.gb_per_s, "ratio_numpy_pcg64": self.ratio_numpy,
             "pct_bandwidth": self.pct_bandwidth, "repeats": len(self.times),
             "warmup_s": self.warmup, "times_s": self.times}
        d.update(self.extra)
        return d


def plan_repeats(seconds_per_call: float, budget_s: float, min_repeats: int,
                 max_repeats: int, slow_s: Optional[float] = None) -> int:
    """Repeats that fit ``budget_s``, clamped to ``[min_repeats, max_repeats]``.

    Calls slower than ``slow_s`` get ``min(min_repeats, 2)`` repeats: a slow
    single-threaded fill varies little from call to call, and this keeps the
    default run short.

    Parameters
    ----------
    seconds_per_call : float
        Duration of a warmup call.
    budget_s : float
        Time to spend on the timed repeats of one candidate.
    min_repeats, max_repeats : int
        Bounds.
    slow_s : float, optional
        Threshold for slow calls (None: no special case).

    Returns
    -------
    int
    """
    if slow_s is not None and seconds_per_call > slow_s:
        return min(min_repeats, 2)
    if seconds_per_call <= 0:
        return max_repeats
    return max(min_repeats, min(max_repeats, math.ceil(budget_s / seconds_per_call)))


def _timed(fill: Fill) -> float:
    t0 = time.perf_counter()
    result = fill.call()
    t1 = time.perf_counter()
    del result  # a fresh array is freed outside the timed region
    return t1 - t0


def measure_fills(fills: Sequence[Fill], section: str, *, warmup: int = 1,
                  min_repeats: int = 3, max_repeats: int = 20, budget_s: float = 0.25,
                  slow_s: Optional[float] = None,
                  interleave: bool = False) -> list[Measurement]:
    """Time ``fills`` against each other.

    Each fill gets ``warmup`` untimed calls, then a number of timed repeats
    chosen from the warmup's duration (:func:`plan_repeats`), back to back.

    Parameters
    ----------
    fills : sequence of Fill
        The candidates of one comparison.
    section : str
        Recorded in each :class:`Measurement`.
    warmup : int
        Untimed calls before timing (at least 1).
    min_repeats, max_repeats : int
        Bounds on timed calls per fill.
    budget_s : float
        Target seconds of timed calls per fill.
    slow_s : float, optional
        Fills whose warmup took longer get 2 repeats (:func:`plan_repeats`).
    interleave : bool
        Warm up every fill first, then time them in round-robin order
        (see the module docstring for why this is not the default).

    Returns
    -------
    list of Measurement
        In the order of ``fills``.
    """
    def warm_up(fill: Fill) -> tuple[float, int]:
        first = _timed(fill)
        for _ in range(max(warmup, 1) - 1):
            first = min(first, _timed(fill))
        return first, plan_repeats(first, budget_s, min_repeats, max_repeats, slow_s)

    warm: list[float] = []
    times: list[list[float]] = [[] for _ in fills]
    if not interleave:
        for i, fill in enumerate(fills):
            first, repeats = warm_up(fill)
            warm.append(first)
            times[i] = [_timed(fill) for _ in range(repeats)]
    else:
        plans = []
        for fill in fills:
            first, repeats = warm_up(fill)
            warm.append(first)
            plans.append(repeats)
        for r in range(max(plans) if plans else 0):
            for i, fill in enumerate(fills):
                if r < plans[i]:
                    times[i].append(_timed(fill))
    return [Measurement(section, fill.info(), t, w) for fill, t, w in zip(fills, times, warm)]


def cpu_busy_fraction(interval_s: float = 0.3) -> Optional[float]:
    """Fraction of all CPUs' time spent busy (by anything) over ``interval_s``.

    Read from ``/proc/stat`` (Linux); ``None`` elsewhere.  Taken before a run
    to warn when other processes compete for the cores.
    """
    def sample() -> Optional[tuple[int, int]]:
        try:
            with open("/proc/stat") as f:
                fields = f.readline().split()[1:]
        except OSError:
            return None
        values = [int(x) for x in fields]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values[:8]), idle

    a = sample()
    if a is None:
        return None
    time.sleep(interval_s)
    b = sample()
    if b is None:
        return None
    total, idle = b[0] - a[0], b[1] - a[1]
    return None if total <= 0 else max(0.0, min(1.0, 1.0 - idle / total))


def load_average() -> Optional[tuple[float, float, float]]:
    """``os.getloadavg()``, or None where unavailable."""
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None
