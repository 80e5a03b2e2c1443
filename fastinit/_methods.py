"""The fill methods of the C core: one table that every entry point reads.

``fastinit.Generator`` draws with these, ``Generator.fill_at`` accepts their
names, ``fastinit.dask.Generator`` is generated from this table, and
``fastinit.model`` plans tensors onto them.  A new kernel method is added
here once (with its parameter checks) and everything else follows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

import ml_dtypes
import numpy as np

from . import _core, _dtypes, _truncnorm
from ._validation import finite, non_negative, positive, real

__all__ = ["FillMethod", "METHODS", "get_method"]


@dataclass(frozen=True)
class FillMethod:
    """One method of the C core.

    Attributes
    ----------
    name : str
        The Generator method's name.
    kind : int
        The kernel kind (``fastinit._core.UNIFORM``, ...).
    params : tuple of (name, default)
        The distribution parameters, in signature order.
    check : callable
        ``check(dtype, **params) -> kernel params``: validates the parameters
        for an output dtype, naming the argument at fault.
    fixed_dtype : numpy.dtype or None
        The only output dtype (uint32 for ``random_raw``); None for the floats.
    summary : str
        One line for generated docstrings.
    """

    name: str
    kind: int
    params: tuple[tuple[str, float], ...]
    check: Callable[..., dict]
    fixed_dtype: Optional[np.dtype]
    summary: str

    def kernel_dtype(self, dtype: np.dtype) -> int:
        """The C kernel's dtype code for an output of ``dtype``."""
        return _core.U32 if self.fixed_dtype is not None else _dtypes.kernel_dtype(dtype)

    def words_per_element(self, dtype: np.dtype) -> int:
        """Stream words each element consumes (fixed per method and dtype)."""
        return _core.words_per_element(self.kind, self.kernel_dtype(dtype))

    def kernel_params(self, dtype: np.dtype, params: Mapping[str, Any]) -> dict:
        """Validated kernel parameters; TypeError for unknown names."""
        unknown = sorted(set(params) - {name for name, _ in self.params})
        if unknown:
            raise TypeError(f"{self.name}() got unexpected keyword argument(s) {unknown}; "
                            f"it takes {[name for name, _ in self.params]}")
        return self.check(dtype, **params)


def _largest_finite(dt: np.dtype) -> float:
    return float(ml_dtypes.finfo(dt).max)


def _no_params(dt: np.dtype) -> dict:
    return {"loc": 0.0, "scale": 1.0}


def _random_params(dt: np.dtype) -> dict:
    # 16-bit values are rounded to nearest from float32 (stream version 3): kept below 1
    if dt.itemsize == 2:
        return {"loc": 0.0, "scale": 1.0, "clamp_lo": 0.0,
                "clamp_hi": _truncnorm.largest_below(1.0, dt)}
    return {"loc": 0.0, "scale": 1.0}


def _uniform_params(dt: np.dtype, low: float = 0.0, high: float = 1.0) -> dict:
    lo, hi = real(low, "low"), real(high, "high")
    for name, value in (("low", lo), ("high", hi)):
        if math.isinf(value):  # NumPy's type for this: the range cannot be represented
            raise OverflowError(f"{name}={value}: high - low range exceeds valid bounds")
    if lo > hi:
        raise ValueError(f"low must be <= high, got low={lo}, high={hi}")
    width = hi - lo
    if math.isinf(width):
        raise OverflowError(f"high - low overflows: low={lo}, high={hi}")
    largest = _largest_finite(dt)
    if max(abs(lo), abs(hi)) > largest:
        raise ValueError(f"low={lo} and high={hi} must lie within the range of {dt} "
                         f"(+-{largest:.6g})")
    if dt != np.float64 and abs(hi - lo) > float(np.finfo(np.float32).max):
        raise OverflowError(f"high - low overflows float32, in which {dt} values are computed: "
                            f"low={lo}, high={hi}")
    # Every value lands in [low, high]: the kernel clamps last to the bounds
    # rounded inward to the dtype (rounding could otherwise step outside).
    clamp_lo = _truncnorm.inward_bound(lo, dt, up=True)
    clamp_hi = _truncnorm.inward_bound(hi, dt, up=False)
    if clamp_lo > clamp_hi:
        raise ValueError(f"no {dt} value lies in [low, high] = [{lo!r}, {hi!r}]")
    if dt.itemsize == 2 and hi > lo:
        # stream version 3: 16-bit uniforms are rounded to nearest from float32,
        # which reaches high itself; keep them in [low, high) where the dtype can
        below = _truncnorm.largest_below(hi, dt)
        clamp_hi = below if below >= clamp_lo else clamp_hi
    return {"loc": lo, "scale": width, "clamp_lo": clamp_lo, "clamp_hi": clamp_hi}


def _normal_params(dt: np.dtype, loc: float = 0.0, scale: float = 1.0) -> dict:
    mean, std = finite(loc, "loc"), non_negative(scale, "scale")
    # the largest |z| a draw can produce: 6.34 from one word, 9.16 from two
    z_max = 9.2 if dt == np.float64 else 6.4
    largest = _largest_finite(dt)
    if abs(mean) + z_max * std > largest:
        raise ValueError(f"loc={mean}, scale={std}: samples up to |loc| + {z_max} * scale would "
                         f"overflow {dt} (largest {largest:.6g})")
    return {"loc": mean, "scale": std}


def _truncated_normal_params(dt: np.dtype, loc: float = 0.0, scale: float = 1.0,
                             a: float = -2.0, b: float = 2.0) -> dict:
    mean, std = finite(loc, "loc"), positive(scale, "scale")
    lo, hi = real(a, "a"), real(b, "b")
    if not lo < hi:
        raise ValueError(f"a must be < b, got a={lo}, b={hi}")
    return _truncnorm.truncnorm_params(mean, std, lo, hi, dt)


def _raw_params(dt: np.dtype) -> dict:
    return {}


_TABLE = (
    FillMethod("random", _core.UNIFORM, (), _random_params, None,
               "Uniform floats in the half-open interval [0.0, 1.0)."),
    FillMethod("uniform", _core.UNIFORM, (("low", 0.0), ("high", 1.0)), _uniform_params, None,
               "Uniform floats in [low, high)."),
    FillMethod("standard_normal", _core.NORMAL, (), _no_params, None,
               "Samples from N(0, 1), by inverse CDF."),
    FillMethod("normal", _core.NORMAL, (("loc", 0.0), ("scale", 1.0)), _normal_params, None,
               "Samples from N(loc, scale**2)."),
    FillMethod("truncated_normal", _core.TRUNCNORM,
               (("loc", 0.0), ("scale", 1.0), ("a", -2.0), ("b", 2.0)),
               _truncated_normal_params, None,
               "N(loc, scale**2) restricted to [a, b] (absolute bounds), by inverse CDF."),
    FillMethod("random_raw", _core.RAW, (), _raw_params, np.dtype(np.uint32),
               "The raw stream: 32-bit words as uint32."),
)

#: name -> FillMethod, in the order above.
METHODS: Mapping[str, FillMethod] = {m.name: m for m in _TABLE}


def get_method(name: object, argname: str = "method") -> FillMethod:
    """The :class:`FillMethod` called ``name``; ValueError listing the choices."""
    try:
        return METHODS[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise ValueError(f"{argname} must be one of {sorted(METHODS)}, got {name!r}") from None
