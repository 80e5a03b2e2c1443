"""An independent model of the float32 standard normal (stream version 2) in NumPy.

Written from the formula documented in fastinit/src/fi_normal32.h and
docs/ARCHITECTURE.md, not from its C: every float32 operation is a NumPy
float32 operation (round to nearest even), and each fused multiply-add is
computed exactly in float64 with round-to-odd, then rounded once to float32
(float64 carries more than 2 x 24 + 2 bits, so the result is the correctly
rounded fma).  The tails (u <= -7) are SciPy's float64 ndtri rounded to
float32; fastinit evaluates Wichura's PPND16 there, which agrees to ~1e-16,
so the two round differently only at near-ties (about 1 draw in 10^8 of the
4.6e-4 that reach the tails).
"""
from __future__ import annotations

import numpy as np
from scipy import special

F32 = np.float32
# log(1 + t) = t + t^2 Q(t); P(u) with 2^-32 folded in.  Highest power first,
# the values scripts/fit_normal32.py prints.
Q = [-1.003442183e-01, 1.633564383e-01, -1.732605398e-01, 1.988827735e-01,
     -2.496145964e-01, 3.333526254e-01, -5.000058413e-01]
P = [1.615253264e-09, 6.339011804e-08, 1.009569928e-06, 7.666863894e-06, 1.782469917e-05,
     -1.138893786e-04, -3.480977030e-04, 6.608275697e-03, 3.266495466e-02, -6.562345028e-01,
     2.506628275e+00]
U_TAIL = F32(-7.0)


def fma32(a, b, c) -> np.ndarray:
    """a * b + c with one rounding to float32, for float32 inputs (broadcast)."""
    a, b, c = (np.asarray(x, F32).astype(np.float64) for x in (a, b, c))
    product = a * b  # exact: 24 + 24 significant bits
    s = product + c
    # exact error of that sum (Knuth's two-sum)
    b_virtual = s - product
    err = (product - (s - b_virtual)) + (c - b_virtual)
    # round to odd: when inexact, move an even s to its odd neighbour towards the exact sum
    bits = s.view(np.int64)
    even = (bits & 1) == 0
    step = np.where((err > 0) == (s > 0), 1, -1)
    bits = np.where((err != 0) & even, bits + step, bits)
    return bits.view(np.float64).astype(F32)


def _horner(x: np.ndarray, coefficients: list[float], scale: float = 1.0) -> np.ndarray:
    acc = np.full_like(x, F32(coefficients[0]) * F32(scale))
    for c in coefficients[1:]:
        acc = fma32(x, acc, F32(c) * F32(scale))
    return acc


def standard_normal32(words: np.ndarray) -> np.ndarray:
    """z for each uint32 word: p = (w + 1/2) / 2^32."""
    w = np.asarray(words, np.uint32)
    negative = w < np.uint32(2**31)                           # p < 1/2
    m = np.where(negative, w, ~w).astype(np.int64)            # 2^32 r - 1/2
    q_abs = (2**31 - 1 - m).astype(F32) + F32(0.5)            # 2^32 |q|
    q = np.where(negative, -q_abs, q_abs)
    r4 = (m.astype(F32) + F32(0.5)) * F32(2.0**-30)           # 4 r
    y = r4 * fma32(r4, F32(-0.25), F32(1.0))                  # 4 r (1 - r)
    bits = y.view(np.uint32).astype(np.int64)
    k = (bits - 0x3F3504F3) >> 23                             # y = 2^k m, m in [sqrt(1/2), sqrt(2))
    t = ((bits - (k << 23)) & 0xFFFFFFFF).astype(np.uint32).view(F32) - F32(1.0)
    log_m = fma32(t * t, _horner(t, Q), t)
    fk = k.astype(F32)
    u = fma32(fk, F32(0.693145751953125), fma32(fk, F32(1.428606765330187e-06), log_m))
    z = q * _horner(u, P, scale=2.0**-32)
    tail = u <= U_TAIL
    p_tail = (w[tail].astype(np.float64) + 0.5) * 2.0**-32
    z[tail] = special.ndtri(p_tail).astype(F32)
    return z
