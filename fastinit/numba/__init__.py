"""Custom distributions compiled with Numba, on fastinit's stream.

>>> import math, fastinit
>>> @fastinit.distribution
... def exponential(u, scale=1.0):
...     return -scale * math.log(u)
>>> x = fastinit.sample(fastinit.default_rng(0), exponential, size=1000, scale=2.0)

- :func:`distribution` -- the decorator (``fastinit.distribution``); its
  ``base=`` gives the function standard normals, exponentials, ... drawn by
  the C core's kernels (:data:`BASES`) instead of uniforms;
- :func:`sample` -- a new draw (``fastinit.sample(rng, dist, ...)``);
- :func:`fill_at` -- part of a draw at an explicit stream position (Dask);
- :mod:`fastinit.numba.gallery` -- Laplace, Cauchy, logistic, Gumbel,
  exponential, ... built on it;
- :mod:`fastinit.numba.fimath` -- libm-free ``log``/``tanpi``... for values
  that are identical on every machine;
- :mod:`fastinit.numba.reference` -- Philox4x32-10 and the stream in pure
  Numba, the independent reference the tests check the C core against.

Importing this package does not import Numba; the first fill does.
"""
from ._api import (
    BASES,
    CONSTRAINTS,
    CompileError,
    Distribution,
    NonFiniteError,
    distribution,
    fill_at,
    sample,
)

__all__ = [
    "BASES",
    "CONSTRAINTS",
    "CompileError",
    "Distribution",
    "NonFiniteError",
    "distribution",
    "fill_at",
    "sample",
]
