"""``torch.nn.init``'s functions, drawing from fastinit's parallel kernels.

Each function has ``torch.nn.init``'s signature, defaults, warnings and
errors, and computes the same distribution parameters (fans, gains, bounds).
It writes under ``torch.no_grad`` semantics and bumps the tensor's version
counter, as torch does.  It hands the call to ``torch.nn.init`` unchanged when
it is given a ``generator=``, when the tensor has a ``__torch_function__``
override, or when fastinit cannot fill the tensor in place (other devices,
meta, integer dtypes, overlapping or strided views: see ``_tensors``) or
refuses the parameters.

The numbers come from the active ``fast_init`` context's stream, or, outside
one, from a generator seeded by torch's default generator (see ``_routing``).

``constant_``, ``ones_``, ``zeros_``, ``eye_``, ``dirac_`` and
``calculate_gain`` draw nothing: they are torch's own functions (torch's fills
are already parallel), exported here so that every ``torch.nn.init`` name
exists in ``fastinit.torch``.
"""
from __future__ import annotations

import math
import warnings
from typing import Literal, Optional

import numpy as np
import torch
from torch import Tensor

from fastinit._validation import overrides_torch_function

from ._routing import accepts, fill, generator_for_call
from ._tensors import is_fillable

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
    "kaiming_normal_", "orthogonal_", "sparse_",
]

# torch's functions, captured before any fast_init context patches torch.nn.init.
_TORCH = {name: getattr(torch.nn.init, name) for name in __all__}

calculate_gain = _TORCH["calculate_gain"]
constant_ = _TORCH["constant_"]
ones_ = _TORCH["ones_"]
zeros_ = _TORCH["zeros_"]
eye_ = _TORCH["eye_"]
dirac_ = _TORCH["dirac_"]

_FanMode = Literal["fan_in", "fan_out"]
_NonlinearityType = Literal[
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu",
]


def _fill(method: str, tensor: Tensor, **params: float) -> bool:
    rng, n_threads, defer_owner = generator_for_call()
    return fill(method, tensor, rng, n_threads, defer_owner, **params)


def _overridden(tensor: Tensor) -> bool:
    # A tensor subclass goes to torch's function (which dispatches it); an
    # active TorchFunctionMode does not count (torch.device(...), fast_init's).
    return overrides_torch_function(tensor)


def _fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """torch's fans (same rule, same error): dim 1 times the receptive field, dim 0 times it."""
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = math.prod(tensor.shape[2:])
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _uniform(tensor: Tensor, low: float, high: float) -> Tensor:
    with torch.no_grad():
        if not _fill("uniform", tensor, low=low, high=high):
            _TORCH["uniform_"](tensor, low, high)
    return tensor


def _normal(tensor: Tensor, mean: float, std: float) -> Tensor:
    with torch.no_grad():
        if not _fill("normal", tensor, loc=mean, scale=std):
            _TORCH["normal_"](tensor, mean, std)
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Fill the input Tensor with values drawn from the uniform distribution :math:`U(a, b)`.

    As ``torch.nn.init.uniform_``, from fastinit's stream.
    """
    if generator is not None or _overridden(tensor):
        return _TORCH["uniform_"](tensor, a, b, generator)
    return _uniform(tensor, a, b)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Fill the input Tensor with values drawn from :math:`N(\text{mean}, \text{std}^2)`.

    As ``torch.nn.init.normal_``, from fastinit's stream.
    """
    if generator is not None or _overridden(tensor):
        return _TORCH["normal_"](tensor, mean, std, generator)
    return _normal(tensor, mean, std)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Fill the input Tensor from :math:`N(\text{mean}, \text{std}^2)` truncated to [a, b].

    As ``torch.nn.init.trunc_normal_`` (absolute bounds ``a``, ``b``), by
    fastinit's inverse-CDF truncated normal: one pass, no rejection loop, and
    values never outside ``[a, b]``.  It warns as torch does when ``mean`` is
    more than 2 ``std`` from ``[a, b]``.
    """
    if tensor.is_meta:  # torch: no storage, nothing to do (and no warning)
        return tensor
    params = {"loc": mean, "scale": std, "a": a, "b": b}
    if (generator is not None or not is_fillable(tensor)
            or not accepts("truncated_normal", tensor, **params)):
        return _TORCH["trunc_normal_"](tensor, mean, std, a, b, generator)
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    with torch.no_grad():
        if not _fill("truncated_normal", tensor, **params):  # pragma: no cover (checked above)
            _TORCH["trunc_normal_"](tensor, mean, std, a, b)
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0,
                    generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Xavier (Glorot) uniform: :math:`U(-a, a)`, ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    As ``torch.nn.init.xavier_uniform_``, from fastinit's stream.
    """
    if generator is not None:
        return _TORCH["xavier_uniform_"](tensor, gain, generator)
    fan_in, fan_out = _fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return _uniform(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0,
                   generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Xavier (Glorot) normal: :math:`N(0, \text{std}^2)`, ``std = gain * sqrt(2 / fan_sum)``.

    ``fan_sum = fan_in + fan_out``.  As ``torch.nn.init.xavier_normal_``, from
    fastinit's stream.
    """
    if generator is not None:
        return _TORCH["xavier_normal_"](tensor, gain, generator)
    fan_in, fan_out = _fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _normal(tensor, 0.0, std)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    fan = _correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: _FanMode = "fan_in",
                     nonlinearity: _NonlinearityType = "leaky_relu",
                     generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Kaiming (He) uniform: :math:`U(-b, b)`, ``b = gain * sqrt(3 / fan_mode)``.

    As ``torch.nn.init.kaiming_uniform_`` (``nn.Linear`` and ``nn.Conv*``'s
    ``reset_parameters`` use it with ``a=sqrt(5)``), from fastinit's stream.
    """
    if generator is not None or _overridden(tensor):
        return _TORCH["kaiming_uniform_"](tensor, a, mode, nonlinearity, generator)
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return _uniform(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: _FanMode = "fan_in",
                    nonlinearity: _NonlinearityType = "leaky_relu",
                    generator: Optional[torch.Generator] = None) -> Tensor:
    r"""Kaiming (He) normal: :math:`N(0, \text{std}^2)`, ``std = gain / sqrt(fan_mode)``.

    As ``torch.nn.init.kaiming_normal_``, from fastinit's stream.
    """
    if generator is not None or _overridden(tensor):
        return _TORCH["kaiming_normal_"](tensor, a, mode, nonlinearity, generator)
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return _normal(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def orthogonal_(tensor: Tensor, gain: float = 1,
                generator: Optional[torch.Generator] = None) -> Tensor:
    r"""A (semi) orthogonal matrix, trailing dimensions flattened, times ``gain``.

    As ``torch.nn.init.orthogonal_``: the Gaussian matrix is drawn by fastinit,
    its QR decomposition (signs fixed by ``diag(R)``) is torch's.
    """
    if generator is not None:
        return _TORCH["orthogonal_"](tensor, gain, generator)
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0 or tensor.is_meta:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flattened = tensor.new_empty((rows, cols))
    _normal(flattened, 0.0, 1.0)
    if rows < cols:
        flattened.t_()
    q, r = torch.linalg.qr(flattened)
    q *= torch.diag(r, 0).sign()
    if rows < cols:
        q.t_()
    with torch.no_grad():
        tensor.view_as(q).copy_(q)
        tensor.mul_(gain)
    return tensor


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: Optional[torch.Generator] = None) -> Tensor:
    r"""A 2-D sparse matrix: :math:`N(0, \text{std}^2)`, ``ceil(sparsity * rows)`` zeros a column.

    As ``torch.nn.init.sparse_``; the zeroed rows of each column are a random
    permutation's first ones, drawn (like the values) from fastinit's stream.
    """
    if generator is not None:
        return _TORCH["sparse_"](tensor, sparsity, std, generator)
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if tensor.is_meta:
        return tensor
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    rng, n_threads, defer_owner = generator_for_call()
    with torch.no_grad():
        if not fill("normal", tensor, rng, n_threads, defer_owner, loc=0.0, scale=std):
            _TORCH["normal_"](tensor, 0.0, std)
        if cols and rows:
            # one random permutation of the rows per column: argsort of uniforms
            keys = rng.random((cols, rows), n_threads=n_threads)
            zero_rows = np.argsort(keys, axis=1, kind="stable")[:, :num_zeros]
            if zero_rows.size:
                col_index = np.broadcast_to(np.arange(cols)[:, None], zero_rows.shape)
                tensor[torch.from_numpy(zero_rows.ravel()),
                       torch.from_numpy(np.ascontiguousarray(col_index).ravel())] = 0
    return tensor
