"""What ``diagnose`` and ``lsuv_`` share: which modules are layers, how a batch is fed.

A *layer* is a module that owns (directly, not through a child) a parameter
named ``weight`` with at least two dimensions: ``Linear``, ``Conv*d``,
``ConvTranspose*d``, ``Bilinear``, ``Embedding`` and any custom module built the
same way.  ``MultiheadAttention`` is one layer: it owns ``in_proj_weight`` (or
``q/k/v_proj_weight``) and computes its output projection itself, so its
``out_proj`` child is part of it rather than a layer of its own.  Normalization
layers (one-dimensional weights), recurrent layers (``weight_ih_l0``, ...) and
modules whose weights are reparametrized (``torch.nn.utils.parametrize``) are
not layers.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional

import numpy as np
import torch
from torch import nn

from fastinit._generator import default_rng

__all__ = ["Layer", "find_layers", "call_model", "batch_size", "first_tensor", "channel_dim",
           "torch_seed", "seeded_torch_rng", "kept_buffers", "parameter_names"]


@dataclass
class Layer:
    """One layer: its module, the weight that scales its output, what else it owns.

    Attributes
    ----------
    name : str
        Qualified module name (``model.named_modules()``).
    module : torch.nn.Module
    scale : torch.nn.Parameter
        The weight the output is linear in (``out_proj.weight`` for attention).
    weights : list of torch.nn.Parameter
        Every weight matrix of the layer (orthogonal pre-init in ``lsuv_``).
    biases : list of torch.nn.Parameter
        Its biases (zeroed by ``lsuv_``).
    """

    name: str
    module: nn.Module
    scale: nn.Parameter
    weights: list = field(default_factory=list)
    biases: list = field(default_factory=list)


def _own(module: nn.Module, local: str) -> Optional[nn.Parameter]:
    """``module``'s own parameter ``local`` (not a child's), or None."""
    for name, param in module.named_parameters(recurse=False):
        if name == local:
            return param
    return None


def find_layers(model: nn.Module, *, embeddings: bool = True) -> list[Layer]:
    """The layers of ``model`` in ``named_modules()`` order (see the module docstring).

    A module reachable under several names (shared) appears once, under its
    first name.  ``embeddings=False`` leaves out ``Embedding``/``EmbeddingBag``.
    """
    for name, param in model.named_parameters():
        if isinstance(param, nn.parameter.UninitializedParameter):
            raise ValueError(f"parameter {name!r} of a lazy module is not materialized yet: "
                             "run a forward pass first")
    layers: list[Layer] = []
    part_of_attention: set[int] = set()
    for name, module in model.named_modules():
        if id(module) in part_of_attention:
            continue
        if isinstance(module, nn.MultiheadAttention):
            part_of_attention.add(id(module.out_proj))
            weights = [p for p in (_own(module, n) for n in (
                "in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"))
                if p is not None] + [module.out_proj.weight]
            biases = [p for p in (_own(module, "in_proj_bias"), module.out_proj.bias)
                      if p is not None]
            layers.append(Layer(name, module, module.out_proj.weight, weights, biases))
            continue
        if not embeddings and isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
            continue
        weight = _own(module, "weight")
        if weight is None or weight.dim() < 2:
            continue
        bias = _own(module, "bias")
        layers.append(Layer(name, module, weight, [weight], [] if bias is None else [bias]))
    return layers


def parameter_names(model: nn.Module) -> dict[int, str]:
    """``id(param)`` -> its name in ``model.named_parameters()`` (a tied one: its first name)."""
    return {id(param): name for name, param in model.named_parameters()}


def channel_dim(module: nn.Module, output: torch.Tensor) -> int:
    """The dimension of ``output`` that indexes ``module``'s units."""
    if isinstance(module, nn.modules.conv._ConvNd) and output.dim() >= 2:
        return 1  # (N, C, *spatial)
    return output.dim() - 1  # (..., features)


def first_tensor(value: Any) -> Optional[torch.Tensor]:
    """The first tensor in a module's output (a tensor, a tuple/list, or a mapping)."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        for item in value:
            found = first_tensor(item)
            if found is not None:
                return found
    return None


def _check_batch(batch: Any) -> None:
    if isinstance(batch, torch.Tensor):
        return
    if isinstance(batch, (tuple, list, Mapping)):
        if first_tensor(batch) is None:
            raise ValueError("batch contains no tensor")
        return
    raise TypeError(f"batch must be a tensor, a tuple/list of positional arguments or a "
                    f"mapping of keyword arguments, got {type(batch).__name__}")


def call_model(model: nn.Module, batch: Any) -> Any:
    """``model(batch)``, ``model(*batch)`` for a tuple/list, ``model(**batch)`` for a mapping."""
    if isinstance(batch, torch.Tensor):
        return model(batch)
    if isinstance(batch, Mapping):
        return model(**batch)
    return model(*batch)


def batch_size(batch: Any) -> int:
    """Examples in ``batch``: dim 0 of its first tensor (checks the batch's type)."""
    _check_batch(batch)
    tensor = first_tensor(batch)
    if tensor.dim() == 0:
        raise ValueError("batch: its first tensor is a scalar; the first dimension must "
                         "index the examples")
    return int(tensor.shape[0])


def torch_seed(seed: Any) -> int:
    """A torch seed drawn from fastinit's stream ``"torch"`` of ``seed``."""
    low, high = default_rng(seed).stream("torch").random_raw(2).astype(np.uint64)
    return int(low | ((high & np.uint64(0x7FFFFFFF)) << np.uint64(32)))


@contextlib.contextmanager
def seeded_torch_rng(model: nn.Module, seed: int) -> Iterator[None]:
    """Run with torch's RNG seeded by ``seed`` (an int from :func:`torch_seed`), leaving
    the caller's RNG state as it was.

    Dropout and other random layers then draw the same masks on every pass.
    """
    cuda = sorted({p.device.index or 0 for p in model.parameters() if p.device.type == "cuda"})
    with torch.random.fork_rng(devices=cuda):
        if cuda:
            torch.manual_seed(seed)
        else:  # CPU only: skip torch.manual_seed's lazy CUDA seeding (a stack trace per call)
            torch.default_generator.manual_seed(seed)
        yield


@contextlib.contextmanager
def kept_buffers(model: nn.Module) -> Iterator[None]:
    """Restore every buffer afterwards (BatchNorm's running statistics, in training mode)."""
    saved = [(buf, buf.detach().clone()) for buf in model.buffers()]
    try:
        yield
    finally:
        with torch.no_grad():
            for buf, copy in saved:
                buf.copy_(copy)
