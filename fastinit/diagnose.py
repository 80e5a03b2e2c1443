"""Why initialization matters: activation and gradient statistics of a deep MLP.

``fastinit.diagnose(initializer, activation, depth, width)`` pushes a batch of
N(0, 1) inputs through ``depth`` fully-connected layers of ``width`` units
(no biases), each weight drawn by ``initializer`` from its own named stream,
then back-propagates an N(0, 1) output gradient.  It reports, per layer, the
standard deviation of the layer's output (forward) and of the gradient with
respect to the layer's input (backward).  With a good initializer both stay
roughly constant with depth: Xavier/Glorot suits tanh and sigmoid, He suits
ReLU; N(0, 1) explodes and N(0, 0.01) vanishes (Glorot & Bengio 2010; He et
al. 2015).  Pure NumPy; computed in float64 so that exploding and vanishing
values stay visible instead of overflowing.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable, Optional

import numpy as np

from ._generator import default_rng
from ._seeding import SeedLike
from .initializers import Initializer, get

# SELU constants (Klambauer et al. 2017)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_LEAKY_SLOPE = 0.01


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# name -> (f(z), f'(z))
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray],
                             Callable[[np.ndarray], np.ndarray]]] = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "leaky_relu": (lambda z: np.where(z > 0, z, _LEAKY_SLOPE * z),
                   lambda z: np.where(z > 0, 1.0, _LEAKY_SLOPE)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "selu": (lambda z: _SELU_SCALE * np.where(z > 0, z, _SELU_ALPHA * np.expm1(np.minimum(z, 0))),
             lambda z: _SELU_SCALE * np.where(z > 0, 1.0, _SELU_ALPHA * np.exp(np.minimum(z, 0)))),
}

#: |log10(last / first)| thresholds of :meth:`DiagnoseResult.verdict`
GROWTH_LIMIT = 2.0


def _trend(values: np.ndarray) -> str:
    first, last = float(values[0]), float(values[-1])
    if not math.isfinite(last) or not math.isfinite(first):
        return "exploding"
    if last == 0.0 or first == 0.0:
        return "vanishing"
    ratio = math.log10(last / first)
    if ratio > GROWTH_LIMIT:
        return "exploding"
    if ratio < -GROWTH_LIMIT:
        return "vanishing"
    return "stable"


def new_figure(figsize: tuple[float, float]) -> Any:
    """A matplotlib Figure on the Agg canvas (no display needed) for the plots
    of ``diagnose`` results; ImportError with the install hint without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError('plotting needs matplotlib: pip install "fastinit[bench]" '
                          "(or pip install matplotlib)") from exc
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


@dataclasses.dataclass(frozen=True)
class DiagnoseResult:
    """Per-layer statistics from :func:`diagnose`.

    Attributes
    ----------
    initializer : str
        ``repr`` of the initializer.
    label : str
        A short description of the initializer (class and main arguments).
    activation : str
    depth, width, batch : int
    seed : object
        The seed the run used (``None`` draws fresh entropy each run).
    input_std : float
        Standard deviation of the input batch.
    activation_std : numpy.ndarray
        ``activation_std[l]``: std of the output of layer ``l + 1``.
    gradient_std : numpy.ndarray
        ``gradient_std[l]``: std of the loss gradient with respect to the
        input of layer ``l + 1`` (the output gradient is N(0, 1)).
    """

    initializer: str
    label: str
    activation: str
    depth: int
    width: int
    batch: int
    seed: Any
    input_std: float
    activation_std: np.ndarray
    gradient_std: np.ndarray

    def verdict(self) -> dict[str, str]:
        """``{"activations": v, "gradients": v}``, each ``"stable"``, ``"exploding"``
        or ``"vanishing"``: more than a factor ``10**GROWTH_LIMIT`` (100)
        between the first and the last layer, or a non-finite / zero value,
        is not stable.

        Returns
        -------
        dict
        """
        return {"activations": _trend(self.activation_std),
                "gradients": _trend(self.gradient_std[::-1])}

    def table(self, every: int = 1) -> str:
        """A text table: one row per layer (every ``every``-th, plus the last).

        Parameters
        ----------
        every : int
            Print every ``every``-th layer (default all).

        Returns
        -------
        str
        """
        if every < 1:
            raise ValueError(f"every must be >= 1, got {every}")
        v = self.verdict()
        lines = [
            f"initializer: {self.initializer}",
            f"activation: {self.activation}   depth: {self.depth}   width: {self.width}   "
            f"batch: {self.batch}   seed: {self.seed}",
            f"input std: {self.input_std:.4g}",
            f"{'layer':>5}  {'activation std':>14}  {'gradient std':>14}",
        ]
        for i in range(self.depth):
            if i % every and i != self.depth - 1:
                continue
            lines.append(f"{i + 1:>5}  {self.activation_std[i]:>14.4e}  "
                         f"{self.gradient_std[i]:>14.4e}")
        lines.append(f"activations: {v['activations']}   gradients: {v['gradients']}")
        return "\n".join(lines)

    def plot(self, path: str) -> str:
        """Write a PNG plot of both statistics against depth (log scale).

        Parameters
        ----------
        path : str
            Output file.

        Returns
        -------
        str
            ``path``.

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        """
        fig = new_figure((10, 4.2))
        layers = np.arange(1, self.depth + 1)
        v = self.verdict()
        for ax, values, name in zip(
                fig.subplots(1, 2),
                (self.activation_std, self.gradient_std),
                ("activations", "gradients")):
            shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
            ax.semilogy(layers, shown, marker=".", linewidth=1)
            # at least 1e-3 .. 1e3 around 1, so a stable run looks flat
            finite = shown[np.isfinite(shown)]
            low = min(1e-3, float(finite.min()) / 2) if finite.size else 1e-3
            high = max(1e3, float(finite.max()) * 2) if finite.size else 1e3
            ax.set_ylim(low, high)
            ax.axhline(1.0, color="gray", linewidth=0.8, linestyle=":")
            ax.set_xlabel("layer")
            ax.set_ylabel("activation std" if name == "activations"
                          else "std of the gradient w.r.t. the layer input")
            ax.set_title(f"{name}: {v[name]}")
            ax.grid(True, which="major", alpha=0.3)
        fig.suptitle(f"{self.label}, {self.activation}, {self.depth} layers x {self.width}",
                     fontsize=10)
        fig.savefig(path, dpi=100)
        return path


def _label(init: Initializer) -> str:
    skip = ("seed", "in_axis", "out_axis", "batch_axis", "column_axis", "algorithm")
    args = ", ".join(f"{k}={v!r}" for k, v in init.get_config().items()
                     if k not in skip and v is not None)
    return f"{type(init).__name__}({args})"


def diagnose(initializer: Any, activation: str = "relu", depth: int = 50, width: int = 512,
             *, layout: Optional[str] = None, batch: int = 256,
             seed: SeedLike = 0) -> DiagnoseResult:
    """Activation and gradient std through a deep random MLP initialized by ``initializer``.

    Parameters
    ----------
    initializer : str, dict or Initializer
        Anything :func:`fastinit.get` accepts (``"he_normal"``,
        ``fastinit.initializers.RandomNormal(stddev=1.0)``, ...).  Weights are
        ``(width, width)``; an initializer with ``layout="torch"`` is used as
        ``(out, in)``, any other as ``(in, out)``.
    layout : {"torch", "keras", "jax"}, optional
        Passed to :func:`fastinit.get`: required when ``initializer`` is the
        name of a layout-dependent initializer (``"he_normal"``, ...).
    activation : str
        One of ``linear``, ``relu``, ``leaky_relu`` (slope 0.01), ``tanh``,
        ``sigmoid``, ``selu``.
    depth : int
        Number of layers (>= 1).
    width : int
        Units per layer (>= 1).
    batch : int
        Rows of the input batch (>= 2), default 256.
    seed : None, int or numpy.random.SeedSequence
        Layer ``l``'s weight comes from ``default_rng(seed).stream(f"layer{l}")``,
        the input from stream ``"input"``, the output gradient from ``"grad"``.

    Returns
    -------
    DiagnoseResult
        With ``.table()``, ``.plot(path)`` and ``.verdict()``.

    Examples
    --------
    >>> import fastinit
    >>> r = fastinit.diagnose("he_normal", "relu", depth=20, width=128, layout="keras")
    >>> r.verdict()["activations"]
    'stable'
    """
    init = get(initializer, layout=layout)
    if not isinstance(init, Initializer):
        raise TypeError("initializer must not be None")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    for name, value, low in (("depth", depth, 1), ("width", width, 1), ("batch", batch, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    f, df = ACTIVATIONS[activation]
    root = default_rng(seed)
    torch_layout = getattr(init, "layout", None) == "torch"
    weights = []
    for layer in range(1, depth + 1):
        w = init((width, width), np.float64, rng=root.stream(f"layer{layer}"))
        weights.append(w.T if torch_layout else w)  # as (in, out)
    x = root.stream("input").standard_normal((batch, width))
    act_std = np.empty(depth)
    grad_std = np.empty(depth)
    slopes = []
    with np.errstate(all="ignore"):
        h = x
        for layer, w in enumerate(weights):
            z = h @ w
            h = f(z)
            slopes.append(df(z))
            act_std[layer] = h.std()
        g = root.stream("grad").standard_normal((batch, width))
        for layer in range(depth - 1, -1, -1):
            g = (g * slopes[layer]) @ weights[layer].T
            grad_std[layer] = g.std()
    return DiagnoseResult(
        initializer=repr(init), label=_label(init), activation=activation, depth=int(depth), width=int(width),
        batch=int(batch), seed=seed, input_std=float(x.std()),
        activation_std=act_std, gradient_std=grad_std)
