"""The PNG plot of a run: throughput vs array size and vs threads.

matplotlib is optional (the ``bench`` extra); it is imported only here, with
the non-interactive Agg backend.
"""
from __future__ import annotations

import os
from typing import Any

from ._machine import describe
from ._suite import SWEEP_DTYPE, SWEEP_OPS, Results

MISSING_MATPLOTLIB = (
    "the plot needs matplotlib, which is not installed: "
    "pip install 'fastinit[bench]' (or pip install matplotlib), or pass --no-plot"
)

_STYLE = {
    "fastinit": {"color": "C3", "marker": "o"},
    "numpy-pcg64": {"color": "C0", "marker": "s"},
    "numpy-threaded": {"color": "C9", "marker": "^"},
    "torch": {"color": "C1", "marker": "D"},
    "bandwidth": {"color": "0.45", "marker": "", "linestyle": "--"},
}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(MISSING_MATPLOTLIB) from exc
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    return plt



def plot(results: Results, path: str | os.PathLike) -> None:
    """Write a PNG: G samples/s vs array size (left) and vs threads (right).

    One row per operation in the sweeps (float32 ``random`` and
    ``standard_normal``); the plain-store baseline is drawn as elements
    stored per second, the ceiling for any fill.

    Parameters
    ----------
    results : Results
        A run that includes the "sizes" and/or "threads" sections.
    path : path-like
        Output file (PNG).

    Raises
    ------
    ImportError
        With an installation hint when matplotlib is missing.
    """
    plt = _pyplot()
    from matplotlib.ticker import NullLocator
    fig, axes = plt.subplots(len(SWEEP_OPS), 2, figsize=(12, 4.2 * len(SWEEP_OPS)),
                             squeeze=False)
    for row, op in enumerate(SWEEP_OPS):
        ax = axes[row][0]
        series: dict[tuple[str, int], list[tuple[int, float]]] = {}
        labels: dict[tuple[str, int], str] = {}
        for m in results.select("sizes", op=op):
            key = (m.info["impl"], m.info["threads"])
            series.setdefault(key, []).append((m.info["n"], m.gsamples_per_s))
            labels[key] = f"{m.info['label']}, {m.info['threads']} thr"
        for key, points in series.items():
            points.sort()
            style = dict(_STYLE.get(key[0], {}))
            if key[0] == "fastinit" and key[1] == 1:
                style["linestyle"] = ":"
            ax.plot([p[0] for p in points], [p[1] for p in points], label=labels[key],
                    **style)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel(f"array size (elements of {SWEEP_DTYPE})")
        ax.set_ylabel("G samples/s")
        ax.set_title(f"{op}, {SWEEP_DTYPE}, in place: vs array size")
        ax.grid(True, which="both", alpha=0.3)
        if series:
            ax.legend(fontsize=8)

        ax = axes[row][1]
        tseries: dict[str, list[tuple[int, float]]] = {}
        tlabels: dict[str, str] = {}
        n = None
        for m in results.select("threads", op=op):
            tseries.setdefault(m.info["impl"], []).append((m.info["threads"], m.gsamples_per_s))
            tlabels[m.info["impl"]] = m.info["label"].split(" (")[0]
            n = m.info["n"]
        for impl, points in tseries.items():
            points.sort()
            ax.plot([p[0] for p in points], [p[1] for p in points], label=tlabels[impl],
                    **_STYLE.get(impl, {}))
        base = dict(tseries.get("fastinit", []))
        counts = sorted({p[0] for pts in tseries.values() for p in pts})
        if 1 in base and len(counts) > 1:
            ax.plot(counts, [base[1] * t for t in counts], color="C3", alpha=0.35,
                    linestyle=":", label="fastinit, linear scaling")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("threads")
        ax.set_ylabel("G samples/s")
        if counts:
            ax.set_xticks(counts, [str(c) for c in counts])
            ax.xaxis.set_minor_locator(NullLocator())
        ax.set_title(f"{op}, {SWEEP_DTYPE}, in place: vs threads"
                     + (f" (n=2^{n.bit_length() - 1})" if n and n & (n - 1) == 0 else ""))
        ax.grid(True, which="both", alpha=0.3)
        if tseries:
            ax.legend(fontsize=8)
    title = f"fastinit bench ({results.settings.mode}): {describe(results.machine)}"
    busy = results.busy()
    if busy is not None and busy > 0.15:
        title += (f"\nother processes kept up to {busy:.0%} of the CPUs busy around the run: "
                  "noisy, multi-threaded figures especially")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
