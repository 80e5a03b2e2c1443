"""Array-valued parameters (NumPy broadcasting) for the core's methods.

``normal(loc=array, ...)``, ``uniform(low=array, ...)``, ``integers(low=array,
...)`` and the like take the same stream words as the scalar-parameter call of
the same size, and give the same bits wherever the parameters are equal to a
scalar call's: each element is computed by the same operations, only with its
own parameters.

* Location-scale methods (normal, exponential, Laplace, logistic, Gumbel):
  a standard fill in the working precision (float32 for float32, float16 and
  bfloat16; float64 for float64), then ``loc + scale * z`` by NumPy in that
  precision -- the kernels' own last two operations, each rounded once (no
  fused multiply-add on either side) -- then one rounding to the output dtype.
* uniform: the dtype's own grid of ``random``, then ``low + (high - low) * u``
  as the kernel does.
* integers: the raw words, then the kernel's multiply-shift in exact uint64
  arithmetic (``fi_integers.h``).
* truncated_normal: the raw words, then the kernel's element transform per
  distinct parameter combination (its parameters are not a location-scale
  family's).

Every check runs before anything is drawn or written.  As in NumPy, a
parameter counts as an array when it has at least one dimension: 0-d arrays
and scalars take the scalar path.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Optional

import ml_dtypes
import numpy as np

from . import _core
from ._truncnorm import uniform_clamps
from ._validation import DrawTarget, SizeLike, normalize_size, resolve_draw

__all__ = ["has_array", "location_scale", "lognormal", "uniform", "integers", "by_combination"]

#: fill(method, out): a standard draw of ``method`` into ``out`` (reserves its words)
FillStandard = Callable[[str, np.ndarray], Any]
#: raw_words(n): reserve the next n words of the stream and return them (uint32)
RawWords = Callable[[int], np.ndarray]


_SCALAR_TYPES = frozenset((float, int, bool))


def has_array(*values: Any) -> bool:
    """True when any value has a dimension (NumPy's test for its array path)."""
    # Python numbers first: np.ndim costs a microsecond, a scalar call little more
    return any(type(v) not in _SCALAR_TYPES and np.ndim(v) > 0 for v in values)


def _as_real_array(value: Any, argname: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{argname} must be a real number or an array of them: {exc}") from None
    if array.dtype == object and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                     for v in array.ravel()):
        try:  # Python ints beyond float64: the scalar path's OverflowError
            array = array.astype(np.float64)
        except OverflowError:
            raise OverflowError(f"{argname} is too large to be represented as a float64") from None
    if array.dtype.kind not in "iuf" or array.dtype == np.bool_:
        raise TypeError(f"{argname} must be real numbers, got an array of dtype {array.dtype}")
    array = array.astype(np.float64)
    if np.isnan(array).any():
        raise ValueError(f"{argname} must not contain NaN")
    return array


def _shape(size: SizeLike, out: Optional[np.ndarray], params: dict[str, np.ndarray]
           ) -> tuple[int, ...]:
    """The output shape: ``size`` (or ``out.shape``), which the parameters must
    broadcast to, else the parameters' broadcast shape (NumPy's rule)."""
    shape = normalize_size(size)
    if shape is None and isinstance(out, np.ndarray):
        shape = tuple(out.shape)
    shapes = [a.shape for a in params.values()]
    try:
        common = np.broadcast_shapes(*shapes)
        if shape is not None and np.broadcast_shapes(shape, common) != shape:
            raise ValueError
    except ValueError:
        described = ", ".join(f"{name} of shape {a.shape}" for name, a in params.items())
        target = f" to size {shape}" if shape is not None else " together"
        raise ValueError(f"shape mismatch: {described} cannot be broadcast{target}") from None
    return common if shape is None else shape


def _dtypes_finfo_max(dt: np.dtype) -> float:
    return float(ml_dtypes.finfo(dt).max)


def _work_dtype(dt: np.dtype) -> np.dtype:
    """Where the kernels compute: float64 for float64, float32 otherwise."""
    return np.dtype(np.float64) if dt == np.float64 else np.dtype(np.float32)


def _finish(target: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` (in the working precision) into ``target``, rounded once."""
    if values is not target:
        target[...] = values.astype(target.dtype)  # one rounding, to nearest even
    return target


def location_scale(fill: FillStandard, standard: str, loc: Any, scale: Any, size: SizeLike,
                   dtype: Any, out: Optional[np.ndarray], *, reach: tuple[float, float],
                   loc_name: str = "loc", scale_name: str = "scale",
                   fixed_loc: Optional[float] = None) -> np.ndarray:
    """``loc + scale * standard()`` with broadcast parameters.

    Parameters
    ----------
    fill : callable
        Fills an array with the standard method ``standard``.
    loc, scale : array_like
        Finite; ``scale >= 0``.  ``fixed_loc`` replaces ``loc`` (exponential).
    reach : (float, float)
        The largest |standard variate| computed in float32 and in float64;
        ``|loc| + reach * scale`` must fit the output dtype.
    """
    params = {scale_name: _as_real_array(scale, scale_name)}
    if fixed_loc is None:
        params[loc_name] = _as_real_array(loc, loc_name)
    where = resolve_draw(_shape(size, out, params), dtype, out)
    scale_a = params[scale_name]
    loc_a = params.get(loc_name, np.zeros((), np.float64))
    if not np.isfinite(loc_a).all():
        raise ValueError(f"{loc_name} must be finite")
    if not np.isfinite(scale_a).all():
        raise ValueError(f"{scale_name} must be finite")
    if np.signbit(scale_a).any():  # as NumPy, -0.0 counts as negative
        raise ValueError(f"{scale_name} must be non-negative (got {scale_a.min()})")
    largest = _dtypes_finfo_max(where.dtype)
    far = reach[1] if where.dtype == np.float64 else reach[0]
    if scale_a.size and loc_a.size and (np.abs(loc_a) + far * scale_a).max() > largest:
        raise ValueError(f"{loc_name} and {scale_name}: samples up to |{loc_name}| + {far} * "
                         f"{scale_name} would overflow {where.dtype} (largest {largest:.6g})")
    target = where.array()
    work = _work_dtype(where.dtype)
    z = target if target.dtype == work else np.empty(target.shape, work)
    fill(standard, z)
    values = np.multiply(scale_a.astype(work), z, out=z)
    values = np.add(loc_a.astype(work), values, out=z)
    return _finish(target, values)


def lognormal(fill: FillStandard, mean: Any, sigma: Any, size: SizeLike, dtype: Any,
              out: Optional[np.ndarray], *, z_reach: tuple[float, float]) -> np.ndarray:
    """``exp(normal(mean, sigma))`` with broadcast parameters: the broadcast
    normal in the working precision, then the lognormal kernel's exp."""
    params = {"mean": _as_real_array(mean, "mean"), "sigma": _as_real_array(sigma, "sigma")}
    where = resolve_draw(_shape(size, out, params), dtype, out)
    mu, s = params["mean"], params["sigma"]
    if not (np.isfinite(mu).all() and np.isfinite(s).all()):
        raise ValueError("mean and sigma must be finite")
    if np.signbit(s).any():
        raise ValueError("sigma must be non-negative")
    far = z_reach[1] if where.dtype == np.float64 else z_reach[0]
    top = np.log(_dtypes_finfo_max(where.dtype))
    if mu.size and s.size and (mu + far * s).max() > top:
        raise ValueError(f"mean and sigma: samples up to exp(mean + {far} * sigma) would "
                         f"overflow {where.dtype}")
    work = _work_dtype(where.dtype)
    target = where.array()
    z = target if target.dtype == work else np.empty(target.shape, work)
    location_scale(fill, "standard_normal", mu, s, where.shape, work, z, reach=z_reach)
    _core.exp_inplace(z)
    return _finish(target, z)


def uniform(fill: FillStandard, low: Any, high: Any, size: SizeLike, dtype: Any,
            out: Optional[np.ndarray]) -> np.ndarray:
    """``low + (high - low) * random()`` with broadcast bounds, as the kernel:
    the width in float64, then both rounded to the working precision."""
    params = {"low": _as_real_array(low, "low"), "high": _as_real_array(high, "high")}
    where = resolve_draw(_shape(size, out, params), dtype, out)
    lo, hi = params["low"], params["high"]
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise OverflowError("low and high must be finite (range exceeds valid bounds)")
    if (lo > hi).any():
        raise ValueError("high - low < 0: every low must be <= its high")
    with np.errstate(over="ignore"):
        width = hi - lo
    if not np.isfinite(width).all():
        raise OverflowError("high - low overflows float64")
    largest = _dtypes_finfo_max(where.dtype)
    if np.maximum(np.abs(lo), np.abs(hi)).max(initial=0.0) > largest:
        raise ValueError(f"low and high must lie within the range of {where.dtype}")
    work = _work_dtype(where.dtype)
    if work == np.float32 and width.max(initial=0.0) > float(np.finfo(np.float32).max):
        raise OverflowError(f"high - low overflows float32, in which {where.dtype} values are "
                            f"computed")
    # The bounds each value is clamped to last, as the kernel does (one rule:
    # _truncnorm.uniform_clamps), computed once per distinct (low, high).
    lo_b, hi_b = np.broadcast_arrays(lo, hi)
    pairs, inverse = np.unique(np.stack([lo_b.ravel(), hi_b.ravel()], axis=1), axis=0,
                               return_inverse=True)
    bounds = np.array([uniform_clamps(float(a), float(b), where.dtype) for a, b in pairs],
                      dtype=work).reshape(-1, 2)
    clamp_lo = bounds[:, 0][inverse.ravel()].reshape(lo_b.shape)
    clamp_hi = bounds[:, 1][inverse.ravel()].reshape(lo_b.shape)
    target = where.array()
    # u on the working precision's grid: float32's 24 bits for float32 and the
    # 16-bit dtypes (stream version 3), 53 bits for float64.
    u = target if target.dtype == work else np.empty(target.shape, work)
    fill("random", u)
    values = np.multiply(width.astype(work), u, out=u)
    values = np.add(lo.astype(work), values, out=values)
    values = np.clip(values, clamp_lo, clamp_hi, out=values)
    return _finish(target, values)


def _python_ints(value: Any, argname: str) -> np.ndarray:
    """An integer array_like as int64/uint64, or as Python ints (object) when
    its values need more than 64 bits; TypeError naming ``argname`` otherwise."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        array = np.asarray(value, dtype=object)
    if array.dtype.kind in "iu":
        return array
    if array.dtype == np.bool_:
        return array.astype(np.int64)
    if array.dtype == object and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                     for v in array.ravel()):
        return array
    raise TypeError(f"{argname} must be integers, got an array of dtype {array.dtype}")


def _to_u64(array: np.ndarray) -> np.ndarray:
    """Values modulo 2**64, as uint64."""
    if array.dtype == object:
        return np.array([int(v) % 2**64 for v in array.ravel()], np.uint64).reshape(array.shape)
    return array.astype(np.uint64)  # two's complement wrap for negative int64


def integers(raw_words: RawWords, limits: tuple[int, int], low: Any, high: Any, endpoint: bool,
             where_of: Callable[[tuple[int, ...]], DrawTarget], size: SizeLike,
             out: Optional[np.ndarray]) -> np.ndarray:
    """``integers`` with broadcast bounds: the kernel's multiply-shift
    (fi_integers.h) in exact uint64 arithmetic, element by element."""
    lo = _python_ints(low, "low")
    hi = None if high is None else _python_ints(high, "high")
    if hi is None:
        lo, hi = np.zeros((), np.int64), lo
    where = where_of(_shape(size, out, {"low": lo, "high": hi}))
    smallest, largest = limits
    name = "bool" if where.dtype == np.bool_ else str(where.dtype)
    if lo.size and int(lo.min()) < smallest:
        raise ValueError(f"low is out of bounds for {name}")
    if hi.size and int(hi.max()) - (0 if endpoint else 1) > largest:
        raise ValueError(f"high is out of bounds for {name}")
    lo_b, hi_b = np.broadcast_arrays(lo, hi)
    empty = (lo_b > hi_b) if endpoint else (lo_b >= hi_b)
    if np.asarray(empty, dtype=bool).any():
        raise ValueError("low > high" if endpoint else "low >= high")
    target = where.array()
    n = target.size
    wide = where.dtype.itemsize == 8
    wpe = 3 if wide else 2
    words = raw_words(n * wpe).reshape(n, wpe).astype(np.uint64)
    low_u = np.broadcast_to(_to_u64(lo), target.shape).ravel()
    count = np.broadcast_to(_to_u64(hi) - _to_u64(lo) + np.uint64(endpoint),
                            target.shape).ravel()  # modulo 2**64: 0 is 2**64
    m32, s32 = np.uint64(0xFFFFFFFF), np.uint64(32)
    if not wide:  # floor(x * count / 2**64), count <= 2**32
        w0, w1 = words[:, 0], words[:, 1]
        offset = (w1 * count + ((w0 * count) >> s32)) >> s32
    else:  # floor(x * count / 2**96) by 32-bit columns, as fi_bounded_offset96
        w0, w1, w2 = words[:, 0], words[:, 1], words[:, 2]
        r0 = count & m32
        r1 = np.where(count == 0, np.uint64(1 << 32), count >> s32)
        p0, p1, p2 = w0 * r0, w1 * r0, w2 * r0
        q0, q1, q2 = w0 * r1, w1 * r1, w2 * r1
        c32 = (p1 & m32) + (q0 & m32) + (p0 >> s32)
        c64 = (p1 >> s32) + (q0 >> s32) + (p2 & m32) + (q1 & m32) + (c32 >> s32)
        offset = (p2 >> s32) + (q1 >> s32) + q2 + (c64 >> s32)
    values = (low_u + offset).reshape(target.shape)
    target[...] = values.astype(where.dtype)  # modulo 2**bits, as the kernel
    return target


def by_combination(raw_words: RawWords, kind: int, kernel_dtype: int, words_per_element: int,
                   kernel_params: Callable[..., dict], params: dict[str, Any], size: SizeLike,
                   dtype: Any, out: Optional[np.ndarray]) -> np.ndarray:
    """A method with broadcast parameters, by the kernel's own element
    transform (``_core.transform_words``) once per distinct combination of
    parameter values.  ``kernel_params(dtype, **combination)`` checks each
    combination (naming the argument at fault) before anything is drawn."""
    arrays = {name: _as_real_array(v, name) for name, v in params.items()}
    where = resolve_draw(_shape(size, out, arrays), dtype, out)
    names = list(arrays)
    columns = [np.broadcast_to(arrays[name], where.shape).ravel() for name in names]
    stacked = np.stack(columns, axis=1) if columns else np.zeros((0, 0))
    combos, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    checked = [kernel_params(where.dtype, {name: float(v) for name, v in zip(names, row)})
               for row in combos]
    target = where.array()
    n = target.size
    words = raw_words(n * words_per_element).reshape(n, words_per_element)
    flat = target.reshape(-1)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(combos) + 1))
    for g, kparams in enumerate(checked):
        idx = order[bounds[g]:bounds[g + 1]]
        part = np.empty(idx.size, target.dtype)
        _core.transform_words(kind, kernel_dtype, np.ascontiguousarray(words[idx]).ravel(),
                              part, kparams)
        flat[idx] = part
    return target
