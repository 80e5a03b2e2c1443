"""Text and JSON reports of a :class:`~fastinit._bench.Results`."""
from __future__ import annotations

import json
import math
import os
from typing import Any, Optional, Sequence

from ._machine import describe
from ._suite import Results, SWEEP_DTYPE, SWEEP_OPS
from ._timing import Measurement


def format_size(n: int) -> str:
    """``2^24`` for powers of two, ``1,000,000`` otherwise."""
    if n > 0 and n & (n - 1) == 0:
        return f"2^{n.bit_length() - 1}"
    return f"{n:,}"


def format_bytes(nbytes: float) -> str:
    """Bytes in KiB/MiB/GiB."""
    for unit, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.4g} {unit}"
    return f"{int(nbytes)} B"


def _fmt(value: Optional[float], spec: str, width: int = 0) -> str:
    text = "-" if value is None or not math.isfinite(value) else format(value, spec)
    return text.rjust(width)


def _groups(ms: Sequence[Measurement]) -> list[list[Measurement]]:
    groups: dict[tuple, list[Measurement]] = {}
    for m in ms:
        groups.setdefault(m.key(), []).append(m)
    return list(groups.values())


_HEAD = (f"  {'implementation':<30} {'thr':>3} {'ms':>9} {'Gsample/s':>10} {'GB/s':>7} "
         f"{'x NumPy':>8} {'% bw':>6}")


def _row(m: Measurement) -> str:
    label = m.info["label"]
    scaling = m.extra.get("scaling")
    if scaling is not None:
        label += f" [x{scaling:.2f} vs 1 thr]"
    return (f"  {label:<30} {m.info['threads']:>3} {m.best * 1e3:>9.2f} "
            f"{m.gsamples_per_s:>10.3f} {m.gb_per_s:>7.2f} {_fmt(m.ratio_numpy, '.2f', 8)} "
            f"{_fmt(m.pct_bandwidth, '.1f', 6)}")


def format_table(results: Results) -> str:
    """The report ``fastinit bench`` prints.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
        One block per comparison (operation, dtype, size) with, per
        implementation: threads, best time, G samples/s, GB/s written, speed
        relative to NumPy ``Generator(PCG64)`` and percentage of the
        plain-store bandwidth baseline; then throughput-vs-size and
        -vs-threads summaries.
    """
    s = results.settings
    lines = [
        f"fastinit bench ({s.mode}): {describe(results.machine)}",
        f"best of {s.min_repeats}-{s.max_repeats} timed calls"
        + (f" (2 for calls over {s.slow_s:g} s)" if s.slow_s and s.min_repeats > 2 else "")
        + f" right after {s.warmup} warmup call; GB/s = bytes written / time",
        "x NumPy = speed relative to NumPy Generator(PCG64) in the same comparison; "
        "% bw = GB/s relative to a plain parallel store of the same bytes (fill_constant)",
    ]
    busy = results.busy()
    if busy is not None and busy > 0.15:
        lines.append(f"WARNING: other processes kept up to {busy:.0%} of the CPUs busy around "
                     "the run; expect noisy (multi-threaded especially) figures")
    for section, title in (("table", "in place (preallocated, already-touched out)"),
                           ("fresh", "fresh allocation + fill (what users see)")):
        for group in _groups([m for m in results.measurements if m.section == section]):
            i = group[0].info
            lines.append("")
            lines.append(f"{i['op']} {i['dtype']}, n={format_size(i['n'])} "
                         f"({format_bytes(i['bytes'])}), {title}")
            lines.append(_HEAD)
            lines.extend(_row(m) for m in group)
    lines.extend(_kernel_summary(results))
    lines.extend(_sweep_tables(results))
    for note in results.skipped:
        lines.append(f"skipped: {note}")
    lines.append("")
    lines.append(f"{len(results.measurements)} measurements in {results.elapsed_s:.1f} s")
    return "\n".join(lines)


def _kernel_summary(results: Results) -> list[str]:
    """Every method and dtype of fastinit's main table in one grid: % of the
    bandwidth baseline and samples/s relative to the float32 standard_normal,
    at the run's thread count."""
    rows = [m for m in results.measurements if m.section == "table"
            and m.info["impl"] == "fastinit" and m.info["threads"] == results.settings.threads]
    if not rows:
        return []
    ops = list(dict.fromkeys(m.info["op"] for m in rows))
    dtypes = list(dict.fromkeys(m.info["dtype"] for m in rows))
    cell = {(m.info["op"], m.info["dtype"]): m for m in rows}
    lines = ["", f"fastinit, {results.settings.threads} threads: % of bandwidth baseline / "
             "samples per second relative to float32 standard_normal",
             f"  {'method':<18}" + "".join(f"{d:>18}" for d in dtypes)]
    for op in ops:
        text = []
        for d in dtypes:
            m = cell.get((op, d))
            text.append("-".rjust(18) if m is None else
                        f"{_fmt(m.pct_bandwidth, '.1f')}% / x{_fmt(m.extra.get('vs_normal32'), '.2f')}"
                        .rjust(18))
        lines.append(f"  {op:<18}" + "".join(text))
    return lines


def _column(m: Measurement) -> str:
    return f"{m.info['label'].split(' (')[0]} ({m.info['threads']}t)"


def _sweep_tables(results: Results) -> list[str]:
    lines: list[str] = []
    for section, axis in (("sizes", "n"), ("threads", "threads")):
        for op in SWEEP_OPS:
            ms = results.select(section, op=op)
            if not ms:
                continue
            columns: list[str] = []
            cells: dict[tuple[Any, str], float] = {}
            for m in ms:
                col = _column(m) if section == "sizes" else m.info["label"].split(" (")[0]
                if col not in columns:
                    columns.append(col)
                cells[(m.info[axis], col)] = m.gsamples_per_s
            keys = sorted({m.info[axis] for m in ms})
            width = max(10, *(len(c) + 2 for c in columns))
            lines.append("")
            what = ("array size" if section == "sizes"
                    else f"threads, n={format_size(ms[0].info['n'])}")
            lines.append(f"{op} {SWEEP_DTYPE}: G samples/s vs {what}")
            lines.append(f"  {axis:>8}" + "".join(f"{c:>{width}}" for c in columns))
            for k in keys:
                label = format_size(k) if section == "sizes" else str(k)
                lines.append(f"  {label:>8}" + "".join(
                    _fmt(cells.get((k, c)), ".3f", width) for c in columns))
    return lines


def write_json(results: Results, path: str | os.PathLike) -> None:
    """Write :meth:`Results.to_dict` to ``path`` (indented JSON)."""
    with open(path, "w") as f:
        json.dump(results.to_dict(), f, indent=1)
        f.write("\n")
