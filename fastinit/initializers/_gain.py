"""``calculate_gain``: PyTorch's table of recommended gains.

Values from ``torch.nn.init.calculate_gain`` (PyTorch 2.x documentation):
linear / conv / conv_transpose / sigmoid 1, tanh 5/3, relu sqrt(2),
leaky_relu sqrt(2 / (1 + negative_slope**2)) (slope 0.01 when not given),
selu 3/4.
"""
from __future__ import annotations

import math
import numbers
from typing import Optional

#: names whose gain is 1 (PyTorch's ``linear_fns`` plus sigmoid)
_UNIT_GAIN = (
    "linear", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid",
)

NONLINEARITIES = _UNIT_GAIN + ("tanh", "relu", "leaky_relu", "selu")


def _negative_slope(param: Optional[float]) -> float:
    if param is None:
        return 0.01
    if isinstance(param, bool) or not isinstance(param, numbers.Real):
        raise ValueError(f"param (the leaky_relu negative slope) {param!r} is not a valid number")
    slope = float(param)
    if not math.isfinite(slope):
        raise ValueError(f"param (the leaky_relu negative slope) must be finite, got {slope}")
    if abs(slope) >= MAX_NEGATIVE_SLOPE:
        raise OverflowError(f"param (the leaky_relu negative slope) {slope} is too large: "
                            "1 + param**2 overflows float64")
    return slope


#: Negative slopes whose square overflows float64 (2**1024) are refused.
MAX_NEGATIVE_SLOPE = 2.0**512


def _check_name(nonlinearity: str) -> str:
    if not isinstance(nonlinearity, str):
        raise TypeError(f"nonlinearity must be a string, got {type(nonlinearity).__name__}")
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}; use one of "
                         f"{', '.join(NONLINEARITIES)}")
    return nonlinearity


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The recommended gain for ``nonlinearity``, as ``torch.nn.init.calculate_gain``.

    ================= ==========================================
    nonlinearity      gain
    ================= ==========================================
    linear, conv*d,   1
    conv_transpose*d,
    sigmoid
    tanh              5/3
    relu              sqrt(2)
    leaky_relu        sqrt(2 / (1 + negative_slope**2))
    selu              3/4
    ================= ==========================================

    Parameters
    ----------
    nonlinearity : str
        A name from the table (PyTorch's ``nn.functional`` names).
    param : float, optional
        ``leaky_relu`` only: its negative slope (default 0.01).  Ignored
        for the other nonlinearities, as in PyTorch.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        An unknown ``nonlinearity``, or a ``param`` that is not a finite
        real number (a bool is refused, as in PyTorch).

    Examples
    --------
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    name = _check_name(nonlinearity)
    if name in _UNIT_GAIN:
        return 1.0
    if name == "tanh":
        return 5.0 / 3
    if name == "relu":
        return math.sqrt(2.0)
    if name == "leaky_relu":
        return math.sqrt(2.0 / (1 + _negative_slope(param) ** 2))
    return 3.0 / 4  # selu


def gain_squared(nonlinearity: str, param: Optional[float] = None) -> float:
    """``calculate_gain(nonlinearity, param) ** 2`` without the square root's rounding.

    This is the Keras/JAX ``scale`` of the same initializer: relu gives
    exactly 2.0 (Keras' ``HeNormal`` scale), not ``sqrt(2) ** 2``.

    Parameters
    ----------
    nonlinearity : str
    param : float, optional

    Returns
    -------
    float
    """
    name = _check_name(nonlinearity)
    if name in _UNIT_GAIN:
        return 1.0
    if name == "tanh":
        return 25.0 / 9
    if name == "relu":
        return 2.0
    if name == "leaky_relu":
        return 2.0 / (1 + _negative_slope(param) ** 2)
    return 9.0 / 16  # selu
