"""PyTorch's layer defaults, to reproduce ``nn.Linear`` / ``nn.Conv*d`` initialization.

``nn.Linear.reset_parameters`` and ``nn._ConvNd.reset_parameters`` (PyTorch
2.x) do::

    kaiming_uniform_(weight, a=sqrt(5))          # = U(+-1 / sqrt(fan_in))
    bound = 1 / sqrt(fan_in)                     # fan_in of the weight
    uniform_(bias, -bound, bound)

``kaiming_uniform_`` with ``a = sqrt(5)`` has gain ``sqrt(2 / (1 + 5))`` and
bound ``sqrt(3) * gain / sqrt(fan_in) = 1 / sqrt(fan_in)``.  PyTorch uses a
bias bound of 0 when ``fan_in`` is 0; fastinit refuses a zero fan instead.
(For ``ConvTranspose`` the weight is ``(in, out / groups, *k)`` and PyTorch
still reads "fan_in" from dimension 1; pass the weight shape and the same
happens here.)
"""
from __future__ import annotations

import math
import operator
from typing import Any, Optional

import numpy as np

from .._generator import Generator
from .._validation import SizeLike
from ._base import Initializer, Plan, check_seed, register, resolve_plan_args, with_call_doc
from ._fans import AxisLike, compute_fans, require_layout
from ._variance_scaling import HeUniform

_SQRT5 = math.sqrt(5.0)


@register("torch_default_weight", "torch_linear_weight", "torch_conv_weight")
class TorchDefaultWeight(HeUniform):
    """PyTorch's default ``nn.Linear``/``nn.Conv*d`` weight:
    ``kaiming_uniform_(a=sqrt(5))`` = U(+-1 / sqrt(fan_in)).

    Parameters
    ----------
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    layout : {"torch", "keras", "jax"}
        Required: the layout of the weight (PyTorch's own is ``"torch"``,
        ``(out, in, *k)``).
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.
    """

    def __init__(self, seed: Optional[int] = None, *, layout: Optional[str] = None,
                 in_axis: AxisLike = None, out_axis: AxisLike = None,
                 batch_axis: AxisLike = None) -> None:
        super().__init__(seed, a=_SQRT5, mode="fan_in", nonlinearity="leaky_relu",
                         layout=layout, in_axis=in_axis, out_axis=out_axis,
                         batch_axis=batch_axis)

    def get_config(self) -> dict:
        return {"seed": self.seed, **self._axes_config()}


@register("torch_default_bias", "torch_linear_bias", "torch_conv_bias")
class TorchDefaultBias(Initializer):
    """PyTorch's default ``nn.Linear``/``nn.Conv*d`` bias: U(+-1 / sqrt(fan_in)).

    Parameters
    ----------
    fan_in : int, optional
        The layer's fan-in (positive).  Give it or ``weight_shape``.
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    weight_shape : tuple of ints, optional
        The layer's weight shape; ``fan_in`` is computed from it in ``layout``.
    layout : {"torch", "keras", "jax"}
        Required: the layout of ``weight_shape`` (PyTorch's own is ``"torch"``).
    """

    layout_aware = True

    def __init__(self, fan_in: Optional[int] = None, seed: Optional[int] = None, *,
                 weight_shape: SizeLike = None, layout: Optional[str] = None) -> None:
        self.layout = require_layout(layout, "TorchDefaultBias")
        if (fan_in is None) == (weight_shape is None):
            raise TypeError("give exactly one of fan_in and weight_shape")
        if weight_shape is not None:
            fan, _ = compute_fans(weight_shape, self.layout)
            argname = f"fan_in of weight_shape={tuple(weight_shape)}"  # type: ignore[arg-type]
        else:
            if isinstance(fan_in, bool):
                raise TypeError("fan_in must be an int, got a bool")
            try:
                fan = operator.index(fan_in)
            except TypeError:
                raise TypeError(f"fan_in must be an int, got {fan_in!r}") from None
            argname = "fan_in"
        if fan <= 0:
            raise ValueError(f"{argname} must be positive, got {fan} (the bias bound "
                             "1/sqrt(fan_in) would divide by zero)")
        self.fan_in = int(fan)
        self.seed = check_seed(seed)

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        resolve_plan_args(shape, dtype)
        bound = 1 / math.sqrt(self.fan_in)
        return "uniform", {"low": -bound, "high": bound}

    def get_config(self) -> dict:
        return {"fan_in": self.fan_in, "seed": self.seed, "layout": self.layout}


@with_call_doc
def torch_default_weight(shape: SizeLike = None, dtype: Any = None, *,
                         layout: Optional[str] = None,
                         in_axis: AxisLike = None, out_axis: AxisLike = None,
                         batch_axis: AxisLike = None, seed: Any = None,
                         rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                         n_threads: Optional[int] = None) -> np.ndarray:
    """PyTorch's default Linear/Conv weight: ``kaiming_uniform_(a=sqrt(5))``,
    i.e. U(+-1 / sqrt(fan_in)).

    Parameters
    ----------
    {call}
    layout : {"torch", "keras", "jax"}
        Required (PyTorch's own: ``"torch"``, ``(out, in, *k)``).
    in_axis, out_axis, batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> w = fastinit.torch_default_weight((128, 64), layout="torch", seed=0)
    >>> bool(abs(w).max() <= 1 / 64 ** 0.5)
    True
    """
    init = TorchDefaultWeight(layout=layout, in_axis=in_axis, out_axis=out_axis,
                              batch_axis=batch_axis)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


@with_call_doc
def torch_default_bias(shape: SizeLike = None, dtype: Any = None, *,
                       fan_in: Optional[int] = None, weight_shape: SizeLike = None,
                       layout: Optional[str] = None, seed: Any = None,
                       rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
                       n_threads: Optional[int] = None) -> np.ndarray:
    """PyTorch's default Linear/Conv bias: U(+-1 / sqrt(fan_in)).

    Parameters
    ----------
    {call}
    fan_in : int, optional
        The layer's fan-in; give it or ``weight_shape``.
    weight_shape : tuple of ints, optional
        The layer's weight shape (fan-in computed in ``layout``).
    layout : {"torch", "keras", "jax"}
        Required: the layout of ``weight_shape`` (PyTorch's own is ``"torch"``).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> b = fastinit.torch_default_bias((128,), weight_shape=(128, 64), layout="torch", seed=0)
    """
    init = TorchDefaultBias(fan_in, weight_shape=weight_shape, layout=layout)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)
