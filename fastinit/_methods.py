"""The fill methods of the C core: one table that every entry point reads.

``fastinit.Generator`` draws with these, ``Generator.fill_at`` accepts their
names, ``fastinit.dask.Generator`` is generated from this table, and
``fastinit.model`` plans tensors onto them.  A new kernel method is added
here once (with its parameter checks) and everything else follows.
"""
from __future__ import annotations

import math
import numbers
import operator
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

import ml_dtypes
import numpy as np

from . import _core, _dtypes, _truncnorm
from ._validation import DrawTarget, SizeLike, finite, non_negative, positive, real, resolve_draw

__all__ = ["FillMethod", "METHODS", "get_method", "integer_bound", "integer_limits",
           "integer_range"]


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
        The only output dtype (uint32 for ``random_raw``); None otherwise.
    summary : str
        One line for generated docstrings.
    dtype_kind : str
        "float" (float64, float32, float16, bfloat16) or "integer" (the
        integer dtypes and bool).
    default_dtype : numpy.dtype
        The output dtype when neither ``dtype`` nor ``out`` says.
    """

    name: str
    kind: int
    params: tuple[tuple[str, Any], ...]
    check: Callable[..., dict]
    fixed_dtype: Optional[np.dtype]
    summary: str
    dtype_kind: str = "float"
    default_dtype: np.dtype = np.dtype(np.float64)

    def kernel_dtype(self, dtype: np.dtype) -> int:
        """The C kernel's dtype code for an output of ``dtype``."""
        if self.fixed_dtype is not None:
            return _core.U32
        if self.dtype_kind == "integer":
            return _dtypes.integer_kernel_dtype(dtype)
        return _dtypes.kernel_dtype(dtype)

    def target(self, size: SizeLike, dtype: Any, out: Any, *,
               fortran_ok: bool = False) -> DrawTarget:
        """Where a draw of this method goes: :func:`resolve_draw` with this
        method's dtypes."""
        return resolve_draw(size, dtype, out, fixed_dtype=self.fixed_dtype,
                            default_dtype=self.default_dtype, dtype_kind=self.dtype_kind,
                            fortran_ok=fortran_ok)

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
    clamp_lo, clamp_hi = _truncnorm.uniform_clamps(lo, hi, dt)
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


def integer_bound(value: object, argname: str) -> int:
    """An integer bound of ``integers`` as a Python int.

    As NumPy: ints, and reals truncated towards zero (``1.5`` -> 1); NaN is a
    ValueError and infinity an OverflowError (those of ``int()``).
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_, numbers.Integral)):
        return operator.index(value)
    if isinstance(value, numbers.Real):
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{argname} must be an integer, got {value!r}") from None
        except OverflowError:
            raise OverflowError(f"{argname} must be finite, got {value!r}") from None
    raise TypeError(f"{argname} must be an integer, got {type(value).__name__}")


def integer_limits(dt: np.dtype) -> tuple[int, int]:
    """The smallest and largest value of an integer dtype (0 and 1 for bool)."""
    if dt == np.bool_:
        return 0, 1
    info = np.iinfo(dt)
    return int(info.min), int(info.max)


def integer_range(dt: np.dtype, low: int, high: Optional[int], endpoint: bool
                  ) -> tuple[int, int]:
    """``(low, highest value)`` of ``integers(low, high, endpoint=...)`` for
    ``dt``, checked with NumPy's errors (ValueError naming the bound)."""
    if high is None:
        low, high = 0, low
    top = high if endpoint else high - 1
    smallest, largest = integer_limits(dt)
    if low < smallest:
        raise ValueError(f"low is out of bounds for {dt}: low={low}, smallest {smallest}")
    if top > largest:
        raise ValueError(f"high is out of bounds for {dt}: high={high}"
                         f"{'' if endpoint else ' (exclusive)'}, largest {largest}")
    if low > top:
        raise ValueError(f"low > high: low={low}, high={high} (endpoint=True)" if endpoint
                         else f"low >= high: low={low}, high={high}")
    return low, top


def _integers_params(dt: np.dtype, low: Any = 0, high: Any = None,
                     endpoint: Any = False) -> dict:
    lo = integer_bound(low, "low")
    hi = None if high is None else integer_bound(high, "high")
    lo, top = integer_range(dt, lo, hi, bool(endpoint))
    # the kernel adds modulo 2**64; the range 2**64 (a whole 64-bit type) is 0
    return {"int_low": lo % 2**64, "int_range": (top - lo + 1) % 2**64}


#: The largest |variate| of the log-based kernels (fi_exponential.h): 22.9
#: from one word (float32, float16, bfloat16), 45.1 from two (float64).
def _log_variate_max(dt: np.dtype) -> float:
    return 45.1 if dt == np.float64 else 23.0


def _check_fits(dt: np.dtype, loc: float, scale: float, reach: float, what: str) -> None:
    largest = _largest_finite(dt)
    if abs(loc) + reach * scale > largest:
        raise ValueError(f"{what}: samples up to |loc| + {reach} * scale would overflow {dt} "
                         f"(largest {largest:.6g})")


def _std_exponential_params(dt: np.dtype) -> dict:
    return {"loc": 0.0, "scale": 1.0}


def _exponential_params(dt: np.dtype, scale: float = 1.0) -> dict:
    beta = non_negative(scale, "scale")
    _check_fits(dt, 0.0, beta, _log_variate_max(dt), f"scale={beta}")
    return {"loc": 0.0, "scale": beta}


def _location_scale_params(dt: np.dtype, loc: float = 0.0, scale: float = 1.0) -> dict:
    mu, beta = finite(loc, "loc"), non_negative(scale, "scale")
    _check_fits(dt, mu, beta, _log_variate_max(dt), f"loc={mu}, scale={beta}")
    return {"loc": mu, "scale": beta}


def _lognormal_params(dt: np.dtype, mean: float = 0.0, sigma: float = 1.0) -> dict:
    mu, s = finite(mean, "mean"), non_negative(sigma, "sigma")
    z_max = 9.2 if dt == np.float64 else 6.4  # as for normal
    top = math.log(_largest_finite(dt))
    if mu + z_max * s > top:
        raise ValueError(f"mean={mu}, sigma={s}: samples up to exp(mean + {z_max} * sigma) "
                         f"would overflow {dt} (largest {_largest_finite(dt):.6g})")
    work = np.float64 if dt == np.float64 else np.float32  # where mean + sigma * z is computed
    if abs(mu) + z_max * s > float(np.finfo(work).max):
        raise ValueError(f"mean={mu}, sigma={s}: mean + sigma * z would overflow {np.dtype(work)}")
    return {"loc": mu, "scale": s}


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
    FillMethod("integers", _core.INTEGERS, (("low", 0), ("high", None), ("endpoint", False)),
               _integers_params, None,
               "Integers in [low, high) (or [low, high] with endpoint=True), by "
               "multiply-shift of a 64-bit (96-bit for 64-bit dtypes) draw.",
               dtype_kind="integer", default_dtype=np.dtype(np.int64)),
    FillMethod("standard_exponential", _core.EXPONENTIAL, (), _std_exponential_params, None,
               "Samples from the standard exponential distribution, by inverse CDF."),
    FillMethod("exponential", _core.EXPONENTIAL, (("scale", 1.0),), _exponential_params, None,
               "Samples from the exponential distribution of mean scale."),
    FillMethod("lognormal", _core.LOGNORMAL, (("mean", 0.0), ("sigma", 1.0)), _lognormal_params,
               None, "exp(N(mean, sigma**2)): exp of the normal's values."),
    FillMethod("laplace", _core.LAPLACE, (("loc", 0.0), ("scale", 1.0)), _location_scale_params,
               None, "Samples from the Laplace (double exponential) distribution."),
    FillMethod("logistic", _core.LOGISTIC, (("loc", 0.0), ("scale", 1.0)),
               _location_scale_params, None, "Samples from the logistic distribution."),
    FillMethod("gumbel", _core.GUMBEL, (("loc", 0.0), ("scale", 1.0)), _location_scale_params,
               None, "Samples from the Gumbel (extreme value type I) distribution."),
)

#: name -> FillMethod, in the order above.
METHODS: Mapping[str, FillMethod] = {m.name: m for m in _TABLE}


def get_method(name: object, argname: str = "method") -> FillMethod:
    """The :class:`FillMethod` called ``name``; ValueError listing the choices."""
    try:
        return METHODS[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise ValueError(f"{argname} must be one of {sorted(METHODS)}, got {name!r}") from None
