"""Plain random initializers: random_normal, random_uniform, truncated_normal.

Defaults follow Keras' ``RandomNormal(mean=0, stddev=0.05)``,
``RandomUniform(minval=-0.05, maxval=0.05)`` and
``TruncatedNormal(mean=0, stddev=0.05)``.

Truncated-normal bounds differ between the frameworks (docs/CONVENTIONS.md), so
``truncated_normal`` requires ``layout=`` and takes that framework's
defaults whole (never a mix, which once gave +-40 sigma "bounds"):

* ``layout="keras"`` / ``"jax"``: ``a`` and ``b`` count standard deviations
  from the mean (JAX's ``lower``/``upper``; Keras fixes them at -2, 2),
  so the bounds are ``mean + a * stddev`` and ``mean + b * stddev``;
  default ``stddev`` 0.05 (Keras' ``TruncatedNormal``) or 0.01 (JAX's
  ``truncated_normal``), ``a, b = -2, 2``;
* ``layout="torch"``: ``a`` and ``b`` are absolute values, as
  ``torch.nn.init.trunc_normal_(mean=0, std=1, a=-2, b=2)``, whose
  defaults these are.

``stddev`` is the standard deviation *before* truncation in every layout (as
all three frameworks).  Sampling is by inverse CDF (no rejection).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .._generator import Generator
from .._validation import SizeLike, non_negative, positive, real
from ._base import Initializer, Plan, check_seed, checked_real, register, \
    resolve_plan_args, with_call_doc
from ._fans import require_layout

#: ``stddev`` of ``TruncatedNormal`` when none is given, per layout (each
#: framework's own default)
TRUNCATED_NORMAL_STDDEV = {"torch": 1.0, "keras": 0.05, "jax": 0.01}


@register("random_normal", "normal")
class RandomNormal(Initializer):
    """Normal N(mean, stddev**2) (``keras.initializers.RandomNormal``,
    ``torch.nn.init.normal_``).

    Parameters
    ----------
    mean : float
        Finite.
    stddev : float
        Finite, non-negative.
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05,
                 seed: Optional[int] = None) -> None:
        self.mean = checked_real(mean, "mean")
        self.stddev = non_negative(stddev, "stddev")
        self.seed = check_seed(seed)

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        resolve_plan_args(shape, dtype)
        return "normal", {"loc": self.mean, "scale": self.stddev}

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@register("random_uniform", "uniform")
class RandomUniform(Initializer):
    """Uniform on [minval, maxval) (``keras.initializers.RandomUniform``,
    ``torch.nn.init.uniform_(a, b)``).

    Parameters
    ----------
    minval, maxval : float
        Finite, ``minval <= maxval``.
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05,
                 seed: Optional[int] = None) -> None:
        self.minval = checked_real(minval, "minval")
        self.maxval = checked_real(maxval, "maxval")
        if self.minval > self.maxval:
            raise ValueError(f"minval must be <= maxval, got minval={self.minval}, "
                             f"maxval={self.maxval}")
        if not np.isfinite(self.maxval - self.minval):
            raise OverflowError(f"maxval - minval overflows: minval={self.minval}, "
                                f"maxval={self.maxval}")
        self.seed = check_seed(seed)

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        resolve_plan_args(shape, dtype)
        return "uniform", {"low": self.minval, "high": self.maxval}

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


@register("truncated_normal", "trunc_normal")
class TruncatedNormal(Initializer):
    """Normal N(mean, stddev**2) truncated to [lower, upper].

    Parameters
    ----------
    mean : float
        Finite.
    stddev : float, optional
        Standard deviation before truncation; finite, positive.  Default:
        the layout's framework's (torch 1.0, keras 0.05, jax 0.01).
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    a, b : float
        The bounds, ``a < b``, default -2, 2: multiples of ``stddev`` around
        ``mean`` with ``layout="keras"``/``"jax"`` (Keras'
        ``TruncatedNormal``, JAX's ``truncated_normal(lower, upper)``);
        absolute values with ``layout="torch"`` (``trunc_normal_``).
    layout : {"torch", "keras", "jax"}
        Required: which convention ``a``, ``b`` and the defaults follow.
    """

    layout_aware = True

    def __init__(self, mean: float = 0.0, stddev: Optional[float] = None,
                 seed: Optional[int] = None, *, a: float = -2.0, b: float = 2.0,
                 layout: Optional[str] = None) -> None:
        self.layout = require_layout(layout, "TruncatedNormal")
        self.mean = checked_real(mean, "mean")
        self.stddev = positive(TRUNCATED_NORMAL_STDDEV[self.layout] if stddev is None
                               else stddev, "stddev")
        self.a, self.b = real(a, "a"), real(b, "b")
        if not self.a < self.b:
            raise ValueError(f"a must be < b, got a={self.a}, b={self.b}")
        self.seed = check_seed(seed)
        self.bounds()  # reject bounds that overflow

    def bounds(self) -> tuple[float, float]:
        """The absolute truncation bounds ``(lower, upper)``."""
        if self.layout == "torch":
            return self.a, self.b
        lo = self.mean + self.a * self.stddev
        hi = self.mean + self.b * self.stddev
        if not (np.isfinite(lo) or np.isinf(self.a)) or not (np.isfinite(hi) or np.isinf(self.b)):
            raise OverflowError(f"mean + a*stddev or mean + b*stddev overflows (mean={self.mean}, "
                                f"stddev={self.stddev}, a={self.a}, b={self.b})")
        return lo, hi

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        resolve_plan_args(shape, dtype)
        lo, hi = self.bounds()
        return "truncated_normal", {"loc": self.mean, "scale": self.stddev, "a": lo, "b": hi}

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "a": self.a, "b": self.b, "layout": self.layout}


@with_call_doc
def random_normal(shape: SizeLike = None, dtype: Any = None, *, mean: float = 0.0,
                  stddev: float = 0.05, seed: Any = None, rng: Optional[Generator] = None,
                  out: Optional[np.ndarray] = None,
                  n_threads: Optional[int] = None) -> np.ndarray:
    """Normal N(mean, stddev**2) (``keras.initializers.RandomNormal``,
    ``torch.nn.init.normal_``).

    Parameters
    ----------
    {call}
    mean : float
        Default 0.
    stddev : float
        Default 0.05 (Keras' default).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> w = fastinit.random_normal((256, 128), stddev=0.02, seed=0)
    """
    return RandomNormal(mean, stddev)(shape, dtype, seed=seed, rng=rng, out=out,
                                      n_threads=n_threads)


@with_call_doc
def random_uniform(shape: SizeLike = None, dtype: Any = None, *, minval: float = -0.05,
                   maxval: float = 0.05, seed: Any = None, rng: Optional[Generator] = None,
                   out: Optional[np.ndarray] = None,
                   n_threads: Optional[int] = None) -> np.ndarray:
    """Uniform on [minval, maxval) (``keras.initializers.RandomUniform``,
    ``torch.nn.init.uniform_``).

    Parameters
    ----------
    {call}
    minval, maxval : float
        Default -0.05, 0.05 (Keras' defaults).

    Returns
    -------
    numpy.ndarray
    """
    return RandomUniform(minval, maxval)(shape, dtype, seed=seed, rng=rng, out=out,
                                         n_threads=n_threads)


@with_call_doc
def truncated_normal(shape: SizeLike = None, dtype: Any = None, *, mean: float = 0.0,
                     stddev: Optional[float] = None, a: float = -2.0, b: float = 2.0,
                     layout: Optional[str] = None, seed: Any = None,
                     rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                     n_threads: Optional[int] = None) -> np.ndarray:
    """Truncated normal; ``layout`` says how the bounds ``a``, ``b`` are read.

    Parameters
    ----------
    {call}
    mean : float
        Mean of the normal before truncation (default 0).
    stddev : float, optional
        Its standard deviation; results have a smaller one.  Default: the
        layout's framework's (torch 1.0, keras 0.05, jax 0.01).
    a, b : float
        Bounds, default -2, 2.  ``layout="torch"``: absolute values, as
        ``torch.nn.init.trunc_normal_``.  ``layout="keras"`` or ``"jax"``:
        multiples of ``stddev`` around ``mean`` (Keras' ``TruncatedNormal``
        is -2, 2; JAX's ``lower``/``upper``).
    layout : {"torch", "keras", "jax"}
        Required.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> w = fastinit.truncated_normal((64, 64), stddev=0.02, a=-0.04, b=0.04, layout="torch",
    ...                               seed=0)
    >>> bool(abs(w).max() <= 0.04)
    True
    >>> w = fastinit.truncated_normal((64, 64), stddev=0.02, layout="keras", seed=0)  # +-2 sigma
    """
    init = TruncatedNormal(mean, stddev, a=a, b=b, layout=layout)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)
