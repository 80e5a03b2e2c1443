"""fastinit's own elementary functions for Numba-compiled distributions.

``math.log`` and friends compile to calls into the C library (``libm``),
whose results may differ in the last bit between library versions, CPUs
(glibc picks FMA variants at run time) and vector vs scalar variants (Intel
SVML, when Numba has it).  The functions here are plain IEEE arithmetic
(``+ - * /`` and bit manipulation; no fused multiply-add, no library call),
written without data-dependent branches, so a distribution built on them
gives the same bits on every machine -- stream contract point 4 -- and its
loop can be vectorised.  The gallery (:mod:`fastinit.numba.gallery`) uses
them; user distributions may too::

    from fastinit.numba import fimath

    @fastinit.distribution
    def exponential(u, scale=1.0):
        return -scale * fimath.log(u)

Accuracy (measured by the tests): ``log`` below one ulp; ``sinpi``/``cospi``
within 3e-16 absolute (compared with libm on pi*x) and ``tanpi``
within 4e-15 relative on their documented
domains.  All take and return float64.

They are inlined into their caller (``inline="always"``) and so follow the
caller's error model: a distribution's function is compiled with
``error_model="numpy"`` (division by zero gives inf/nan, as here at
``tanpi(1/2)``); in your own ``numba.njit`` code use that error model too,
or Numba's default raises ``ZeroDivisionError`` instead.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._runtime import bits_f64, f64_bits

__all__ = ["log", "sinpi", "cospi", "tanpi"]

_LN2_HI = 6.93147180369123816490e-01  # ln 2 split as in fdlibm: e * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_SQRT2 = 1.4142135623730951
_TWO52 = 4503599627370496.0


@njit(cache=True, inline="always", error_model="numpy")
def _log_normal(x):
    # x = 2**e * m, m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact).  As in fdlibm:
    # log(1 + f) = f - hfsq + s * (hfsq + R), s = f / (2 + f), hfsq = f*f/2, where
    # R = 2 z/3 + 2 z**2/5 + ... (z = s*s <= 0.0295) is the Taylor series of
    # 2 atanh(s)/s - 2, truncated after z**10 (next term < 2e-18 relative).
    bits = f64_bits(x)
    e = np.int64(bits >> np.uint64(52)) - 1023
    m = bits_f64((bits & np.uint64(0x000FFFFFFFFFFFFF)) | np.uint64(0x3FF0000000000000))
    big = m > _SQRT2
    m = m * 0.5 if big else m
    e = e + 1 if big else e
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    r = 2.0 / 21.0
    r = 2.0 / 19.0 + z * r
    r = 2.0 / 17.0 + z * r
    r = 2.0 / 15.0 + z * r
    r = 2.0 / 13.0 + z * r
    r = 2.0 / 11.0 + z * r
    r = 2.0 / 9.0 + z * r
    r = 2.0 / 7.0 + z * r
    r = 2.0 / 5.0 + z * r
    r = 2.0 / 3.0 + z * r
    r = z * r
    hfsq = 0.5 * f * f
    fe = np.float64(e)
    return fe * _LN2_HI - ((hfsq - (s * (hfsq + r) + fe * _LN2_LO)) - f)


@njit(cache=True, inline="always", error_model="numpy")
def log(x):
    """Natural logarithm of a float64, without libm.

    Exact special cases as IEEE: ``log(0) = -inf``, ``log(x < 0) = nan``,
    ``log(inf) = inf``, ``log(nan) = nan``; subnormals are handled.
    Error below one ulp (the fdlibm reduction with a Taylor series).
    """
    sub = x < 2.2250738585072014e-308
    xs = x * _TWO52 if sub else x  # subnormal: scale into the normal range
    r = _log_normal(xs)
    r = r - 52.0 * _LN2_HI - 52.0 * _LN2_LO if sub else r
    r = -np.inf if x == 0.0 else r
    r = np.inf if x == np.inf else r
    r = np.nan if not (x >= 0.0) else r
    return r


# sin(pi x) = x * sum_k S[k] x**(2k), cos(pi x) = sum_k C[k] x**(2k), Taylor
# coefficients (-1)**k pi**(2k+1) / (2k+1)! and (-1)**k pi**(2k) / (2k)!, rounded
# to float64 from 60-digit values; used for |x| <= 1/4 (|pi x| <= 0.786), where
# the first neglected terms are below 5e-24.
_S = (3.141592653589793, -5.16771278004997, 2.5501640398773455, -0.5992645293207921,
      0.08214588661112823, -0.0073704309457143504, 0.00046630280576761255,
      -2.1915353447830217e-05, 7.952054001475513e-07, -2.2948428997269873e-08,
      5.392664662608129e-10)
_C = (1.0, -4.934802200544679, 4.0587121264167685, -1.3352627688545895, 0.2353306303588932,
      -0.02580689139001406, 0.0019295743094039231, -0.0001046381049248457,
      4.303069587032947e-06, -1.3878952462213771e-07, 3.604730797462501e-09)


@njit(cache=True, inline="always", error_model="numpy")
def _sinpi_kernel(x):
    x2 = x * x
    p = _S[10]
    p = _S[9] + x2 * p
    p = _S[8] + x2 * p
    p = _S[7] + x2 * p
    p = _S[6] + x2 * p
    p = _S[5] + x2 * p
    p = _S[4] + x2 * p
    p = _S[3] + x2 * p
    p = _S[2] + x2 * p
    p = _S[1] + x2 * p
    return x * _S[0] + x * (x2 * p)


@njit(cache=True, inline="always", error_model="numpy")
def _cospi_kernel(x):
    x2 = x * x
    p = _C[10]
    p = _C[9] + x2 * p
    p = _C[8] + x2 * p
    p = _C[7] + x2 * p
    p = _C[6] + x2 * p
    p = _C[5] + x2 * p
    p = _C[4] + x2 * p
    p = _C[3] + x2 * p
    p = _C[2] + x2 * p
    p = _C[1] + x2 * p
    return 1.0 + x2 * p


@njit(cache=True, inline="always", error_model="numpy")
def sinpi(x):
    """``sin(pi * x)`` for ``|x| <= 1/2`` (no argument reduction beyond that)."""
    a = abs(x)
    b = 0.5 - a  # exact for a in [1/4, 1/2]
    r = _sinpi_kernel(a) if a <= 0.25 else _cospi_kernel(b)
    return -r if x < 0.0 else r


@njit(cache=True, inline="always", error_model="numpy")
def cospi(x):
    """``cos(pi * x)`` for ``|x| <= 1/2``."""
    a = abs(x)
    b = 0.5 - a
    return _cospi_kernel(a) if a <= 0.25 else _sinpi_kernel(b)


@njit(cache=True, inline="always", error_model="numpy")
def tanpi(x):
    """``tan(pi * x)`` for ``|x| <= 1/2``; ``tanpi(+-1/2) = +-inf``.

    Near ``+-1/2`` it is computed as ``1 / tan(pi * (1/2 - |x|))`` with
    ``1/2 - |x|`` exact, so the tails keep full relative accuracy (this is
    what a Cauchy sampler needs).
    """
    a = abs(x)
    b = 0.5 - a
    lo = a <= 0.25
    y = a if lo else b
    s = _sinpi_kernel(y)
    c = _cospi_kernel(y)
    r = s / c if lo else c / s
    return -r if x < 0.0 else r
