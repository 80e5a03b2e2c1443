"""Variance scaling and its presets: Glorot/Xavier, He/Kaiming, LeCun.

Formulas (``n`` is the fan chosen by ``mode``; see ``_fans.py``):

Keras / JAX (``keras.initializers.VarianceScaling``,
``jax.nn.initializers.variance_scaling``)::

    truncated_normal    stddev = sqrt(scale / n) / 0.87962566103423978, truncated at +-2 stddev
    untruncated_normal  stddev = sqrt(scale / n)      ("normal" in JAX)
    uniform             limit  = sqrt(3 * scale / n), U(-limit, limit)

(0.87962566103423978 is the standard deviation of N(0, 1) truncated to
[-2, 2], so the truncated result has variance ``scale / n``.)  The presets:
Glorot = (1, fan_avg), He = (2, fan_in), LeCun = (1, fan_in), all with
``truncated_normal`` for ``*_normal``.

PyTorch (``torch.nn.init``), used by the presets with ``layout="torch"``::

    kaiming_normal_   std = gain / sqrt(fan),  N(0, std**2)    gain = calculate_gain(nonlinearity, a)
    kaiming_uniform_  bound = sqrt(3) * gain / sqrt(fan)
    xavier_normal_    std = gain * sqrt(2 / (fan_in + fan_out)), N(0, std**2)
    xavier_uniform_   bound = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))

so in PyTorch "normal" is a plain normal (docs/CONVENTIONS.md).  The
presets carry PyTorch's arguments in every layout: with ``layout="keras"`` /
``"jax"`` He's ``a``/``nonlinearity`` and Glorot's ``gain`` set
``scale = gain**2``.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .._generator import Generator
from .._validation import SizeLike, positive
from ._base import Initializer, Plan, check_seed, register, resolve_plan_args, with_call_doc
from ._fans import AxisLike, compute_fans, fan_for_mode, normalize_axes, \
    normalize_keras_axes, require_layout, resolve_mode
from ._gain import MAX_NEGATIVE_SLOPE, calculate_gain, gain_squared

#: standard deviation of N(0, 1) truncated to [-2, 2] (Keras, JAX)
TRUNCATED_STDDEV = 0.87962566103423978

DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "normal", "uniform")


def resolve_distribution(distribution: str, layout: str) -> str:
    """Canonical distribution name; what ``"normal"`` means is a convention.

    Keras 3 (``VarianceScaling.__init__``) reads ``"normal"`` as
    ``"truncated_normal"``; JAX's ``variance_scaling`` reads it as
    untruncated, and PyTorch's "normal" is a plain normal.  So ``"normal"``
    follows ``layout``.

    Parameters
    ----------
    distribution : str
    layout : str
        A canonical layout name.

    Returns
    -------
    str
        ``"truncated_normal"``, ``"untruncated_normal"`` or ``"uniform"``.
    """
    if not isinstance(distribution, str):
        raise TypeError(f"distribution must be a string, got {type(distribution).__name__}")
    name = distribution.lower()
    if name not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}, got {distribution!r}")
    if name == "normal":
        return "truncated_normal" if layout == "keras" else "untruncated_normal"
    return name


def keras_plan(scale: float, n: float, distribution: str) -> Plan:
    """The Generator call for Keras/JAX variance scaling with denominator ``n``.

    Parameters
    ----------
    scale : float
    n : float
        The fan chosen by the mode (positive).
    distribution : str
        A canonical name from :func:`resolve_distribution`.

    Returns
    -------
    method : str
    params : dict
    """
    variance = scale / n
    if distribution == "truncated_normal":
        stddev = math.sqrt(variance) / TRUNCATED_STDDEV
        return "truncated_normal", {"loc": 0.0, "scale": stddev, "a": -2.0 * stddev,
                                    "b": 2.0 * stddev}
    if distribution == "untruncated_normal":
        return "normal", {"loc": 0.0, "scale": math.sqrt(variance)}
    limit = math.sqrt(3.0 * variance)
    return "uniform", {"low": -limit, "high": limit}


@register("variance_scaling")
class VarianceScaling(Initializer):
    """Zero-mean draws with variance ``scale / n`` (``keras.initializers.VarianceScaling``,
    ``jax.nn.initializers.variance_scaling``).

    Parameters
    ----------
    scale : float
        Positive.
    mode : {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
        ``n`` is fan_in, fan_out, (fan_in + fan_out) / 2 or
        sqrt(fan_in * fan_out).  A zero fan is a ValueError.
    distribution : {"truncated_normal", "untruncated_normal", "normal", "uniform"}
        ``"normal"`` is truncated with ``layout="keras"`` (as Keras 3) and
        untruncated otherwise (as JAX and PyTorch).
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    layout : {"torch", "keras", "jax"}
        How fans are read from the shape; required.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only, as ``jax.nn.initializers.variance_scaling``.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only, as Keras 3.15: with both, ``fan_in`` and
        ``fan_out`` are the products of those axes (no receptive field).
    """

    layout_aware = True

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None, *,
                 layout: Optional[str] = None, in_axis: AxisLike = None,
                 out_axis: AxisLike = None, batch_axis: AxisLike = None,
                 input_axes: AxisLike = None, output_axes: AxisLike = None) -> None:
        self._set_layout(layout, in_axis, out_axis, batch_axis, input_axes, output_axes)
        self.scale = positive(scale, "scale")
        self.mode = resolve_mode(mode)
        self.distribution = resolve_distribution(distribution, self.layout)
        self.seed = check_seed(seed)

    def _set_layout(self, layout: Optional[str], in_axis: AxisLike, out_axis: AxisLike,
                    batch_axis: AxisLike, input_axes: AxisLike = None,
                    output_axes: AxisLike = None) -> None:
        self.layout = require_layout(layout, type(self).__name__)
        self.in_axis, self.out_axis, self.batch_axis = normalize_axes(
            in_axis, out_axis, batch_axis, self.layout)
        self.input_axes, self.output_axes = normalize_keras_axes(input_axes, output_axes,
                                                                 self.layout)

    def fans(self, shape: SizeLike) -> tuple[int, int]:
        """``(fan_in, fan_out)`` of ``shape`` in this initializer's layout."""
        return compute_fans(shape, self.layout, in_axis=self.in_axis, out_axis=self.out_axis,
                            batch_axis=self.batch_axis, input_axes=self.input_axes,
                            output_axes=self.output_axes)

    def _denominator(self, dims: tuple[int, ...]) -> tuple[tuple[int, int], float]:
        fans = self.fans(dims)
        return fans, fan_for_mode(dims, fans, self.mode, self.layout)

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        dims, _ = resolve_plan_args(shape, dtype)
        _, n = self._denominator(dims)
        return keras_plan(self.scale, n, self.distribution)

    def _axes_config(self) -> dict:
        config = {"layout": self.layout, "in_axis": self.in_axis, "out_axis": self.out_axis,
                  "batch_axis": self.batch_axis}
        if self.layout == "keras":  # Keras 3.15's own keys
            config.update(input_axes=self.input_axes, output_axes=self.output_axes)
        return config

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, **self._axes_config()}


class _Preset(VarianceScaling):
    """A variance-scaling preset; PyTorch's formula with ``layout="torch"``."""

    _kind = "normal"  # or "uniform"

    def _setup(self, scale: float, mode: str, seed: Optional[int], layout: Optional[str],
               in_axis: AxisLike, out_axis: AxisLike, batch_axis: AxisLike,
               input_axes: AxisLike = None, output_axes: AxisLike = None) -> None:
        self._set_layout(layout, in_axis, out_axis, batch_axis, input_axes, output_axes)
        self.scale = scale
        self.mode = mode
        if self._kind == "uniform":
            self.distribution = "uniform"
        else:  # "normal": plain in PyTorch, truncated in Keras/JAX (docs/CONVENTIONS.md)
            self.distribution = ("untruncated_normal" if self.layout == "torch"
                                 else "truncated_normal")
        self.seed = check_seed(seed)

    def _torch_std(self, fans: tuple[int, int], n: float) -> float:
        raise NotImplementedError

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        dims, _ = resolve_plan_args(shape, dtype)
        fans, n = self._denominator(dims)
        if self.layout != "torch":
            return keras_plan(self.scale, n, self.distribution)
        std = self._torch_std(fans, n)
        if self._kind == "normal":
            return "normal", {"loc": 0.0, "scale": std}
        bound = math.sqrt(3.0) * std
        return "uniform", {"low": -bound, "high": bound}


class _Glorot(_Preset):
    def __init__(self, seed: Optional[int] = None, *, gain: float = 1.0,
                 layout: Optional[str] = None, in_axis: AxisLike = None,
                 out_axis: AxisLike = None, batch_axis: AxisLike = None,
                 input_axes: AxisLike = None, output_axes: AxisLike = None) -> None:
        self.gain = positive(gain, "gain")
        self._setup(self.gain ** 2, "fan_avg", seed, layout, in_axis, out_axis, batch_axis,
                    input_axes, output_axes)

    def _torch_std(self, fans: tuple[int, int], n: float) -> float:
        return self.gain * math.sqrt(2.0 / float(fans[0] + fans[1]))

    def get_config(self) -> dict:
        return {"seed": self.seed, "gain": self.gain, **self._axes_config()}


@register("glorot_uniform", "xavier_uniform", "XavierUniform")
class GlorotUniform(_Glorot):
    """Glorot (Xavier) uniform: U(+-limit), limit = gain * sqrt(6 / (fan_in + fan_out)).

    ``keras.initializers.GlorotUniform`` (gain 1) and
    ``torch.nn.init.xavier_uniform_(gain)``; the two layouts give the same
    distribution.  Glorot & Bengio (2010).

    Parameters
    ----------
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    gain : float
        PyTorch's gain (positive, default 1); Keras scale = gain**2.
    layout : {"torch", "keras", "jax"}
        Required: which framework's layout and conventions.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15's fan axes).
    """

    _kind = "uniform"


@register("glorot_normal", "xavier_normal", "XavierNormal")
class GlorotNormal(_Glorot):
    """Glorot (Xavier) normal, variance gain**2 * 2 / (fan_in + fan_out).

    ``layout="torch"``: plain normal (``torch.nn.init.xavier_normal_``);
    ``"keras"``/``"jax"``: truncated at +-2 sigma with the 0.8796...
    correction (``keras.initializers.GlorotNormal``).

    Parameters
    ----------
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    gain : float
        Positive, default 1.
    layout : {"torch", "keras", "jax"}
        Required: which framework's layout and conventions.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15's fan axes).
    """

    _kind = "normal"


class _He(_Preset):
    def __init__(self, seed: Optional[int] = None, *, a: float = 0.0, mode: str = "fan_in",
                 nonlinearity: str = "leaky_relu",
               layout: Optional[str] = None,
                 in_axis: AxisLike = None, out_axis: AxisLike = None,
                 batch_axis: AxisLike = None, input_axes: AxisLike = None,
                 output_axes: AxisLike = None) -> None:
        from .._validation import finite
        require_layout(layout, type(self).__name__)  # the first error to report
        self.a = finite(a, "a")
        if nonlinearity == "leaky_relu" and abs(self.a) >= MAX_NEGATIVE_SLOPE:
            raise OverflowError(f"a={a!r} is too large: the gain sqrt(2 / (1 + a**2)) needs "
                                "a**2, which overflows float64")
        self.nonlinearity = nonlinearity
        self._gain = calculate_gain(nonlinearity, self.a)  # validates the name
        self._setup(gain_squared(nonlinearity, self.a), resolve_mode(mode), seed, layout,
                    in_axis, out_axis, batch_axis, input_axes, output_axes)

    def _torch_std(self, fans: tuple[int, int], n: float) -> float:
        return self._gain / math.sqrt(n)

    def get_config(self) -> dict:
        return {"seed": self.seed, "a": self.a, "mode": self.mode,
                "nonlinearity": self.nonlinearity, **self._axes_config()}


@register("he_uniform", "kaiming_uniform", "KaimingUniform")
class HeUniform(_He):
    """He (Kaiming) uniform: U(+-bound), bound = gain * sqrt(3 / fan).

    ``gain = calculate_gain(nonlinearity, a)``; the defaults (leaky_relu
    with a=0) give gain sqrt(2): ``keras.initializers.HeUniform`` and
    ``torch.nn.init.kaiming_uniform_``.  He et al. (2015).

    Parameters
    ----------
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    a : float
        Negative slope of the leaky_relu after this layer (PyTorch's ``a``).
    mode : {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
        PyTorch allows fan_in (preserve forward variance) and fan_out
        (backward).
    nonlinearity : str
        A :func:`calculate_gain` name (default ``"leaky_relu"``, as PyTorch).
    layout : {"torch", "keras", "jax"}
        Required: which framework's layout and conventions.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15's fan axes).
    """

    _kind = "uniform"


@register("he_normal", "kaiming_normal", "KaimingNormal")
class HeNormal(_He):
    """He (Kaiming) normal, variance gain**2 / fan.

    ``layout="torch"``: plain N(0, (gain / sqrt(fan))**2), as
    ``torch.nn.init.kaiming_normal_``; ``"keras"``/``"jax"``: truncated at
    +-2 sigma with the 0.8796... correction, as ``keras.initializers.HeNormal``.

    Parameters
    ----------
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    a : float
        Negative slope of the leaky_relu after this layer.
    mode : {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
    nonlinearity : str
        A :func:`calculate_gain` name (default ``"leaky_relu"``).
    layout : {"torch", "keras", "jax"}
        Required: which framework's layout and conventions.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15's fan axes).
    """

    _kind = "normal"


class _Lecun(_Preset):
    def __init__(self, seed: Optional[int] = None, *, layout: Optional[str] = None,
                 in_axis: AxisLike = None, out_axis: AxisLike = None,
                 batch_axis: AxisLike = None, input_axes: AxisLike = None,
                 output_axes: AxisLike = None) -> None:
        self._setup(1.0, "fan_in", seed, layout, in_axis, out_axis, batch_axis,
                    input_axes, output_axes)

    def _torch_std(self, fans: tuple[int, int], n: float) -> float:
        return 1.0 / math.sqrt(n)

    def get_config(self) -> dict:
        return {"seed": self.seed, **self._axes_config()}


@register("lecun_uniform")
class LecunUniform(_Lecun):
    """LeCun uniform: U(+-sqrt(3 / fan_in)) (``keras.initializers.LecunUniform``).

    Parameters
    ----------
    seed : int, optional
    layout : {"torch", "keras", "jax"}
        Required: which framework's layout and conventions.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15's fan axes).
    """

    _kind = "uniform"


@register("lecun_normal")
class LecunNormal(_Lecun):
    """LeCun normal, variance 1 / fan_in (``keras.initializers.LecunNormal``).

    Truncated (+-2 sigma, corrected) with ``layout="keras"``/``"jax"``;
    plain normal with ``layout="torch"`` (PyTorch's convention for "normal").

    Parameters
    ----------
    seed : int, optional
    layout : {"torch", "keras", "jax"}
        Required: which framework's layout and conventions.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15's fan axes).
    """

    _kind = "normal"


XavierUniform = GlorotUniform
XavierNormal = GlorotNormal
KaimingUniform = HeUniform
KaimingNormal = HeNormal


# ---------------------------------------------------------- functional forms --
_AXES_DOC = """layout : {"torch", "keras", "jax"}
        Required.  The weight layout and its framework's conventions:
        ``"torch"`` ``(out, in, *kernel)``, ``"keras"`` ``(*kernel, in,
        out)``, ``"jax"`` like keras with ``in_axis``/``out_axis``/``batch_axis``.
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only (defaults -2, -1, none).
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only (Keras 3.15: fans are the products of these
        axes when both are given)."""


def _doc(func):
    func.__doc__ = func.__doc__.replace("{axes}", _AXES_DOC)
    return with_call_doc(func)


@_doc
def variance_scaling(shape: SizeLike = None, dtype: Any = None, *, scale: float = 1.0,
                     mode: str = "fan_in", distribution: str = "truncated_normal",
                     layout: Optional[str] = None, in_axis: AxisLike = None,
                     out_axis: AxisLike = None, batch_axis: AxisLike = None,
                     input_axes: AxisLike = None, output_axes: AxisLike = None,
                     seed: Any = None, rng: Optional[Generator] = None,
                     out: Optional[np.ndarray] = None,
                     n_threads: Optional[int] = None) -> np.ndarray:
    """Variance scaling: zero mean, variance ``scale / n`` (Keras/JAX formula).

    Parameters
    ----------
    {call}
    scale : float
        Positive.
    mode : {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
    distribution : {"truncated_normal", "untruncated_normal", "normal", "uniform"}
        truncated_normal: +-2 sigma with stddev ``sqrt(scale / n) /
        0.87962566103423978``; ``"normal"`` follows ``layout``: truncated
        for keras (as Keras 3), untruncated for jax and torch.
    {axes}

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> w = fastinit.variance_scaling((3, 3, 64, 128), scale=2.0, mode="fan_in",
    ...                               distribution="uniform", layout="keras", seed=0)
    """
    init = VarianceScaling(scale, mode, distribution, layout=layout, in_axis=in_axis,
                           out_axis=out_axis, batch_axis=batch_axis,
                           input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@_doc
def glorot_uniform(shape: SizeLike = None, dtype: Any = None, *, gain: float = 1.0,
                   layout: Optional[str] = None, in_axis: AxisLike = None,
                  out_axis: AxisLike = None,
                   batch_axis: AxisLike = None, input_axes: AxisLike = None,
                   output_axes: AxisLike = None, seed: Any = None,
                   rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                   n_threads: Optional[int] = None) -> np.ndarray:
    """Glorot/Xavier uniform: U(+-gain * sqrt(6 / (fan_in + fan_out))).

    Same as ``torch.nn.init.xavier_uniform_`` and
    ``keras.initializers.GlorotUniform``; ``xavier_uniform`` is this function.

    Parameters
    ----------
    {call}
    gain : float
        Default 1.
    {axes}

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> w = fastinit.glorot_uniform((512, 256), layout="torch", seed=0)   # (out, in)
    >>> k = fastinit.glorot_uniform((256, 512), layout="keras", seed=0)   # (in, out)
    """
    init = GlorotUniform(gain=gain, layout=layout, in_axis=in_axis, out_axis=out_axis,
                         batch_axis=batch_axis,
                         input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@_doc
def glorot_normal(shape: SizeLike = None, dtype: Any = None, *, gain: float = 1.0,
                  layout: Optional[str] = None, in_axis: AxisLike = None,
                  out_axis: AxisLike = None,
                  batch_axis: AxisLike = None, input_axes: AxisLike = None,
                  output_axes: AxisLike = None, seed: Any = None,
                  rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                  n_threads: Optional[int] = None) -> np.ndarray:
    """Glorot/Xavier normal, variance gain**2 * 2 / (fan_in + fan_out).

    ``layout="torch"``: plain normal, as ``xavier_normal_``;
    ``"keras"``/``"jax"``: truncated at +-2 sigma with the 0.8796...
    correction, as ``GlorotNormal``.  ``xavier_normal`` is this function.

    Parameters
    ----------
    {call}
    gain : float
        Default 1.
    {axes}

    Returns
    -------
    numpy.ndarray
    """
    init = GlorotNormal(gain=gain, layout=layout, in_axis=in_axis, out_axis=out_axis,
                        batch_axis=batch_axis,
                        input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@_doc
def he_uniform(shape: SizeLike = None, dtype: Any = None, *, a: float = 0.0,
               mode: str = "fan_in", nonlinearity: str = "leaky_relu",
               layout: Optional[str] = None,
               in_axis: AxisLike = None, out_axis: AxisLike = None,
               batch_axis: AxisLike = None, input_axes: AxisLike = None,
               output_axes: AxisLike = None, seed: Any = None,
               rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
               n_threads: Optional[int] = None) -> np.ndarray:
    """He/Kaiming uniform: U(+-gain * sqrt(3 / fan)), gain = calculate_gain(nonlinearity, a).

    ``torch.nn.init.kaiming_uniform_`` and (with the defaults)
    ``keras.initializers.HeUniform``.  ``kaiming_uniform`` is this function.

    Parameters
    ----------
    {call}
    a : float
        Negative slope of the following leaky_relu (default 0).
    mode : {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
    nonlinearity : str
        Default ``"leaky_relu"`` (gain sqrt(2) with a=0), as PyTorch.
    {axes}

    Returns
    -------
    numpy.ndarray
    """
    init = HeUniform(a=a, mode=mode, nonlinearity=nonlinearity, layout=layout,
                     in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                     input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@_doc
def he_normal(shape: SizeLike = None, dtype: Any = None, *, a: float = 0.0,
              mode: str = "fan_in", nonlinearity: str = "leaky_relu",
               layout: Optional[str] = None,
              in_axis: AxisLike = None, out_axis: AxisLike = None,
              batch_axis: AxisLike = None, input_axes: AxisLike = None,
              output_axes: AxisLike = None, seed: Any = None,
              rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
              n_threads: Optional[int] = None) -> np.ndarray:
    """He/Kaiming normal, variance gain**2 / fan, gain = calculate_gain(nonlinearity, a).

    ``layout="torch"``: plain N(0, (gain / sqrt(fan))**2), as
    ``torch.nn.init.kaiming_normal_``; ``"keras"``/``"jax"``: truncated at
    +-2 sigma with the 0.8796... correction, as ``keras.initializers.HeNormal``.
    ``kaiming_normal`` is this function.

    Parameters
    ----------
    {call}
    a : float
        Negative slope of the following leaky_relu (default 0).
    mode : {"fan_in", "fan_out", "fan_avg", "fan_geo_avg"}
    nonlinearity : str
        Default ``"leaky_relu"``.
    {axes}

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.he_normal((4096, 4096), layout="torch", seed=0)    # (out, in)
    >>> fastinit.he_normal(w.shape, layout="torch", seed=1, out=w) is w  # in place
    True
    >>> k = fastinit.he_normal((3, 3, 64, 128), layout="keras", seed=0)
    """
    init = HeNormal(a=a, mode=mode, nonlinearity=nonlinearity, layout=layout,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@_doc
def lecun_uniform(shape: SizeLike = None, dtype: Any = None, *, layout: Optional[str] = None,
                  in_axis: AxisLike = None, out_axis: AxisLike = None,
                  batch_axis: AxisLike = None, input_axes: AxisLike = None,
                  output_axes: AxisLike = None, seed: Any = None,
                  rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                  n_threads: Optional[int] = None) -> np.ndarray:
    """LeCun uniform: U(+-sqrt(3 / fan_in)).

    Parameters
    ----------
    {call}
    {axes}

    Returns
    -------
    numpy.ndarray
    """
    init = LecunUniform(layout=layout, in_axis=in_axis, out_axis=out_axis,
                        batch_axis=batch_axis,
                        input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@_doc
def lecun_normal(shape: SizeLike = None, dtype: Any = None, *, layout: Optional[str] = None,
                 in_axis: AxisLike = None, out_axis: AxisLike = None,
                 batch_axis: AxisLike = None, input_axes: AxisLike = None,
                 output_axes: AxisLike = None, seed: Any = None,
                 rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                 n_threads: Optional[int] = None) -> np.ndarray:
    """LeCun normal, variance 1 / fan_in (plain with torch layout, truncated otherwise).

    Parameters
    ----------
    {call}
    {axes}

    Returns
    -------
    numpy.ndarray
    """
    init = LecunNormal(layout=layout, in_axis=in_axis, out_axis=out_axis,
                       batch_axis=batch_axis,
                       input_axes=input_axes, output_axes=output_axes)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal
