"""Constant initializers: zeros, ones, constant(value).

Parallel fills of one bit pattern (``fastinit._core.fill_constant``), in
place with ``out=``.  They draw nothing; ``seed``/``rng`` are accepted and
ignored.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .._generator import Generator
from .._validation import SizeLike
from ._base import Initializer, Plan, checked_real, constant_bits, register, \
    resolve_plan_args, with_call_doc


@register("constant")
class Constant(Initializer):
    """Every element equal to ``value`` (``keras.initializers.Constant``,
    ``torch.nn.init.constant_``).

    Parameters
    ----------
    value : float
        Finite; rounded to the output dtype (overflowing it is an error).
    """

    uses_random = False

    def __init__(self, value: float = 0.0) -> None:
        self.value = checked_real(value, "value")

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        dims, dt = resolve_plan_args(shape, dtype)
        constant_bits(self.value, dt)  # overflow check
        return "constant", {"value": self.value}

    def get_config(self) -> dict:
        return {"value": self.value}


@register("zeros", "zero")
class Zeros(Constant):
    """Every element 0 (``keras.initializers.Zeros``, ``torch.nn.init.zeros_``)."""

    def __init__(self) -> None:
        super().__init__(0.0)

    def get_config(self) -> dict:
        return {}


@register("ones", "one")
class Ones(Constant):
    """Every element 1 (``keras.initializers.Ones``, ``torch.nn.init.ones_``)."""

    def __init__(self) -> None:
        super().__init__(1.0)

    def get_config(self) -> dict:
        return {}


@with_call_doc
def zeros(shape: SizeLike = None, dtype: Any = None, *, seed: Any = None,
          rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
          n_threads: Optional[int] = None) -> np.ndarray:
    """An array of zeros (parallel fill; in place with ``out=``).

    Parameters
    ----------
    {call}

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> fastinit.zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]], dtype=float32)
    """
    return Zeros()(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@with_call_doc
def ones(shape: SizeLike = None, dtype: Any = None, *, seed: Any = None,
         rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
         n_threads: Optional[int] = None) -> np.ndarray:
    """An array of ones (parallel fill; in place with ``out=``).

    Parameters
    ----------
    {call}

    Returns
    -------
    numpy.ndarray
    """
    return Ones()(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@with_call_doc
def constant(shape: SizeLike = None, dtype: Any = None, *, value: float = 0.0,
             seed: Any = None, rng: Optional[Generator] = None,
             out: Optional[np.ndarray] = None, n_threads: Optional[int] = None) -> np.ndarray:
    """An array filled with ``value`` (parallel fill; in place with ``out=``).

    Parameters
    ----------
    {call}
    value : float
        Finite; rounded to ``dtype``; a value that overflows ``dtype`` is a
        ValueError (nothing is written).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> fastinit.constant((2,), value=0.5)
    array([0.5, 0.5], dtype=float32)
    """
    return Constant(value)(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)
