"""Ready-made distributions built on :func:`fastinit.distribution`.

Each is an inverse-CDF transform of one uniform in the open interval (0, 1)
(the default ``interval="open"``), so every element consumes exactly two
stream words, and each uses the libm-free functions of
:mod:`fastinit.numba.fimath`, so its values are the same bits on every
machine (stream contract point 4) and are frozen by hash tests
(``math.sqrt`` is allowed: IEEE 754 requires it correctly rounded).

>>> import fastinit
>>> from fastinit.numba import gallery
>>> rng = fastinit.default_rng(0)
>>> w = fastinit.sample(rng, gallery.laplace, size=(64, 64), dtype="float32", scale=0.05)

Parameters follow ``scipy.stats`` (``loc``, ``scale``) so that
``gallery.X(loc=a, scale=b)`` matches ``scipy.stats.X(loc=a, scale=b)``.
"""
from __future__ import annotations

import math

from . import fimath
from ._api import distribution

__all__ = ["laplace", "cauchy", "logistic", "gumbel", "exponential", "rayleigh"]

_POS = {"scale": "positive"}


@distribution(constraints=_POS)
def laplace(u, loc=0.0, scale=1.0):
    """Laplace (double exponential): ``scipy.stats.laplace(loc, scale)``."""
    v = u - 0.5  # exact on the 53-bit grid
    t = fimath.log(1.0 - 2.0 * abs(v))  # 1 - 2|v| exact, in [2**-53, 1]
    return loc + (scale * t if v < 0.0 else -(scale * t))


@distribution(constraints=_POS)
def cauchy(u, loc=0.0, scale=1.0):
    """Cauchy (Lorentz): ``scipy.stats.cauchy(loc, scale)``; ``tan(pi (u - 1/2))``."""
    return loc + scale * fimath.tanpi(u - 0.5)


@distribution(constraints=_POS)
def logistic(u, loc=0.0, scale=1.0):
    """Logistic: ``scipy.stats.logistic(loc, scale)``; ``log(u / (1 - u))``."""
    return loc + scale * (fimath.log(u) - fimath.log(1.0 - u))


@distribution(constraints=_POS)
def gumbel(u, loc=0.0, scale=1.0):
    """Gumbel (maximum): ``scipy.stats.gumbel_r(loc, scale)``; ``-log(-log(u))``."""
    return loc - scale * fimath.log(-fimath.log(u))


@distribution(constraints=_POS)
def exponential(u, scale=1.0):
    """Exponential: ``scipy.stats.expon(scale=scale)``; ``-log(u)``.

    (``u`` and ``1 - u`` have the same law; ``u`` keeps the small values,
    i.e. the large ones of the result, exact.)
    """
    return -scale * fimath.log(u)


@distribution(constraints=_POS)
def rayleigh(u, scale=1.0):
    """Rayleigh: ``scipy.stats.rayleigh(scale=scale)``; ``sqrt(-2 log u)``.

    (``math.sqrt`` is correctly rounded by IEEE 754, hence machine-independent.)
    """
    return scale * math.sqrt(-2.0 * fimath.log(u))
