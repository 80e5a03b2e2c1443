"""Parameters of the inverse-CDF truncated normal kernel.

The kernel draws p = Phi(alpha) + u (Phi(beta) - Phi(alpha)) and returns
loc + scale * Phi^-1(p), clamped to the bounds representable in the output
dtype.  When the interval lies mostly above the mean it is mirrored (sampled
on [-beta, -alpha] and negated) so that the lower tail, where doubles keep
relative precision, is the one used.

Samples are always finite: an infinite bound is clamped at the dtype's
largest finite value, and float32-computed dtypes (float32, float16,
bfloat16) refuse a ``loc`` or ``scale`` that float32 cannot hold (the kernel
would produce inf or NaN).
"""
from __future__ import annotations

import math

import numpy as np

from . import _dtypes


def ndtr(x: float) -> float:
    """Standard normal CDF, accurate in both tails (math.erfc)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _step(value: np.ndarray, up: bool) -> np.ndarray:
    """The next representable value of a 0-d float array towards +/-inf."""
    if value.dtype == _dtypes.bfloat16:
        bits = value.view(np.uint16).astype(np.int32)
        x = float(value)
        if x == 0.0:
            return np.array(1 if up else 0x8001, np.uint16).view(_dtypes.bfloat16)
        grows = (x > 0) == up
        bits = bits + (1 if grows else -1)
        return np.array(bits, np.uint16).view(_dtypes.bfloat16)
    return np.nextafter(value, value.dtype.type(np.inf if up else -np.inf))


def inward_bound(bound: float, dtype: np.dtype, up: bool) -> float:
    """The representable value of ``dtype`` nearest ``bound`` on the inside.

    ``up=True``: the smallest value >= bound (for a lower bound);
    ``up=False``: the largest value <= bound (for an upper bound).
    """
    if math.isinf(bound):
        return bound
    with np.errstate(over="ignore"):  # a bound beyond the dtype's range becomes inf
        value = np.array(bound).astype(dtype)
    if up and float(value) < bound:
        value = _step(value, True)
    elif not up and float(value) > bound:
        value = _step(value, False)
    return float(value)


def uniform_clamps(low: float, high: float, dtype: np.dtype) -> tuple[float, float]:
    """The bounds a uniform in [low, high] is clamped to last, in ``dtype``.

    Every value lands in [low, high]: the kernel clamps to the bounds rounded
    inward to the dtype (rounding could otherwise step outside).  Stream
    version 3: 16-bit uniforms are rounded to nearest from float32, which can
    reach ``high`` itself, so they are kept in [low, high) where the dtype can.
    ValueError when no value of the dtype lies in [low, high].
    """
    clamp_lo = inward_bound(low, dtype, up=True)
    clamp_hi = inward_bound(high, dtype, up=False)
    if clamp_lo > clamp_hi:
        raise ValueError(f"no {dtype} value lies in [low, high] = [{low!r}, {high!r}]")
    if dtype.itemsize == 2 and high > low:
        below = largest_below(high, dtype)
        clamp_hi = below if below >= clamp_lo else clamp_hi
    return clamp_lo, clamp_hi


def largest_below(bound: float, dtype: np.dtype) -> float:
    """The largest value of ``dtype`` strictly below ``bound`` (a finite float)."""
    value = np.array(inward_bound(bound, dtype, up=False)).astype(dtype)
    if float(value) == bound:
        value = _step(value, False)
    return float(value)


def max_finite(dtype: np.dtype) -> float:
    """The largest finite value of ``dtype``."""
    return float(_step(np.array(np.inf).astype(dtype), False))


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def truncnorm_params(loc: float, scale: float, a: float, b: float, dtype: np.dtype) -> dict:
    if np.dtype(dtype) != np.float64:  # computed in float32 (fi_elem_truncnorm_f32)
        for name, value in (("loc", loc), ("scale", scale)):
            if abs(value) > _FLOAT32_MAX:
                raise ValueError(
                    f"{name}={value} is outside the float32 range in which {np.dtype(dtype)} "
                    f"truncated-normal samples are computed"
                )
    alpha = (a - loc) / scale
    beta = (b - loc) / scale
    flip = 1.0
    if alpha > -beta:  # interval centre above the mean: sample the mirror image
        alpha, beta, flip = -beta, -alpha, -1.0
    p_lo = ndtr(alpha)
    width = ndtr(beta) - p_lo
    if not width > 0.0:
        raise ValueError(
            f"the interval [a, b] = [{a}, {b}] has no probability mass under "
            f"N(loc={loc}, scale={scale}) in double precision; move the bounds closer to loc"
        )
    top = max_finite(dtype)
    clamp_lo = max(inward_bound(a, dtype, up=True), -top)
    clamp_hi = min(inward_bound(b, dtype, up=False), top)
    if clamp_lo > clamp_hi:
        raise ValueError(f"no {dtype} value lies in [a, b] = [{a}, {b}] (finite values only)")
    return {
        "loc": loc, "scale": scale, "p_lo": p_lo, "pc_lo": ndtr(-alpha), "width": width,
        "flip": flip, "clamp_lo": clamp_lo, "clamp_hi": clamp_hi,
    }
