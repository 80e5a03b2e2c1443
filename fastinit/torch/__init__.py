"""PyTorch interop: initialize a module's parameters in place, with zero copies.

``init_module_(module, seed)`` fills every parameter through a NumPy view of
its own memory (``param.detach().numpy()``; for bfloat16 a 16-bit integer
view reinterpreted as ``ml_dtypes.bfloat16``), with fastinit's parallel
kernels.  Parameter ``name`` (its qualified name, as in
``module.named_parameters()``) draws from the sub-stream
``default_rng(seed).stream(name)``, exactly as tensor ``name`` of
``fastinit.init_model``: ``module_spec(module)`` is the spec it follows, so
``init_model(module_spec(module), seed)`` returns the same arrays.

By default each parameter is initialized as its layer's own
``reset_parameters`` would (same distributions, fastinit's stream):

================================  ===================================================
layer                             parameters
================================  ===================================================
Linear, Conv*d, ConvTranspose*d   weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))
                                  (``kaiming_uniform_(a=sqrt(5))`` is that bound)
Bilinear                          U(+-1/sqrt(in1_features)) for weight and bias
Embedding, EmbeddingBag           N(0, 1); the ``padding_idx`` row zeroed afterwards
                                  (also after a rule's initializer)
LayerNorm, RMSNorm, GroupNorm,    weight ones, bias zeros; BatchNorm running
BatchNorm*d, InstanceNorm*d       statistics reset (``reset_running_stats``)
RNN, LSTM, GRU and their cells    U(+-1/sqrt(hidden_size))
MultiheadAttention                in_proj weights xavier_uniform, in_proj and
                                  out_proj biases zeros, bias_k/bias_v xavier_normal
PReLU                             the constant ``init`` (0.25)
Transformer                       every parameter with more than one dimension
                                  xavier_uniform (``Transformer._reset_parameters``)
================================  ===================================================

A subclass that overrides ``reset_parameters`` is not matched by these
defaults.  ``rules`` override them: ``{"Linear.weight": ("normal", {"stddev":
0.02}), "*.bias": "zeros"}``.  Buffers other than the normalization running
statistics are not touched.

The module must live in CPU memory to be filled without copies (other devices
are filled through a CPU staging copy).  A model built on the ``meta`` device
and materialized with ``module.to_empty(device="cpu")`` is initialized here
directly, never holding a second copy of its weights.
"""
from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

import numpy as np
import torch
from torch import nn

from fastinit._dtypes import bfloat16
from fastinit._generator import default_rng
from fastinit._threads import resolve_threads
from fastinit.initializers import compute_fans
from fastinit.model import ENTRY_KEYS, SeedOrGenerator, fill_tensors, is_layout_aware, parse_entry

from ._diagnose import diagnose
from ._lsuv import lsuv_

__all__ = ["init_module_", "module_spec", "diagnose", "lsuv_"]

_NUMPY_DTYPES: dict[torch.dtype, np.dtype] = {
    torch.float32: np.dtype(np.float32),
    torch.float64: np.dtype(np.float64),
    torch.float16: np.dtype(np.float16),
    torch.bfloat16: bfloat16,
}

#: A rule's value: an initializer name, (name, options), a config dict, an
#: initializer object, or None to leave the parameter as it is.
RuleValue = Union[None, str, tuple, Mapping[str, Any], Any]
Rules = Mapping[str, RuleValue]


# ------------------------------------------------------------ entries --
def _uniform(bound: float) -> dict[str, Any]:
    if bound == 0:
        return {"init": "zeros"}
    return {"init": "uniform", "minval": -bound, "maxval": bound}


def _normal(std: float) -> dict[str, Any]:
    return {"init": "normal", "mean": 0.0, "stddev": std}


_ZEROS: dict[str, Any] = {"init": "zeros"}
_ONES: dict[str, Any] = {"init": "ones"}


def _constant(value: float) -> dict[str, Any]:
    return {"init": "constant", "value": float(value)}


def _fan_in(weight_shape: tuple[int, ...]) -> int:
    return compute_fans(weight_shape, "torch")[0]


def _linear(local: str, weight_shape: tuple[int, ...]) -> dict[str, Any]:
    """``kaiming_uniform_(a=sqrt(5))`` weight, U(+-1/sqrt(fan_in)) bias (zero fan: zeros)."""
    fan_in = _fan_in(weight_shape)
    if fan_in == 0:
        return dict(_ZEROS)
    if local == "weight":
        return {"init": "torch_default_weight", "layout": "torch"}
    return {"init": "torch_default_bias", "fan_in": fan_in, "layout": "torch"}


def _xavier(kind: str, shape: tuple[int, ...]) -> dict[str, Any]:
    if sum(compute_fans(shape, "torch")) == 0:
        return dict(_ZEROS)
    return {"init": f"xavier_{kind}", "layout": "torch"}


def _inv_sqrt(n: int) -> float:
    return 1.0 / math.sqrt(n) if n > 0 else 0.0


# ------------------------------------------------- PyTorch's defaults --
def _own(module: nn.Module, cls: type, method: str = "reset_parameters") -> bool:
    """True when ``module`` is a ``cls`` that initializes as ``cls`` does."""
    return isinstance(module, cls) and getattr(type(module), method, None) is getattr(cls, method)


def _default_entry(module: nn.Module, local: str, shape: tuple[int, ...]) -> Optional[dict]:
    """The entry reproducing ``module``'s own init of its parameter ``local``; None if unknown."""
    if _own(module, nn.Linear) or _own(module, nn.modules.conv._ConvNd):
        return _linear(local, tuple(module.weight.shape))
    if _own(module, nn.Bilinear):
        return _uniform(_inv_sqrt(module.weight.shape[1]))
    if _own(module, nn.Embedding) or _own(module, nn.EmbeddingBag):
        return _normal(1.0)
    if (_own(module, nn.LayerNorm) or _own(module, nn.GroupNorm) or _own(module, nn.RMSNorm)
            or _own(module, nn.modules.batchnorm._NormBase)):
        return dict(_ONES) if local == "weight" else dict(_ZEROS)
    if _own(module, nn.RNNBase) or _own(module, nn.RNNCellBase):
        return _uniform(_inv_sqrt(module.hidden_size))
    if _own(module, nn.PReLU):
        return _constant(module.init)
    if _own(module, nn.MultiheadAttention, "_reset_parameters"):
        if local in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
            return _xavier("uniform", shape)
        if local == "in_proj_bias":
            return dict(_ZEROS)
        if local in ("bias_k", "bias_v"):
            return _xavier("normal", shape)
    return None


def _container_overrides(name: str, module: nn.Module) -> dict[str, dict]:
    """Parameters of sub-modules that ``module`` re-initializes after they did."""
    prefix = f"{name}." if name else ""
    if _own(module, nn.MultiheadAttention, "_reset_parameters"):
        if module.in_proj_bias is not None and module.out_proj.bias is not None:
            return {f"{prefix}out_proj.bias": dict(_ZEROS)}
    if _own(module, nn.Transformer, "_reset_parameters"):
        return {f"{prefix}{n}": _xavier("uniform", tuple(p.shape))
                for n, p in module.named_parameters() if p.dim() > 1}
    return {}


# -------------------------------------------------------------- rules --
def _rule_entry(pattern: str, value: RuleValue) -> Optional[dict]:
    """A rule's value as a spec entry without shape/dtype (None: leave as is)."""
    where = f"rules[{pattern!r}]"
    if value is None:
        return None
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[1], Mapping):
            raise TypeError(f"{where} must be a name, (name, options dict), a config dict, "
                            f"an initializer or None, got {value!r}")
        init, options = value[0], dict(value[1])
        for key in options:
            if key in ENTRY_KEYS:
                raise ValueError(f"{where}: {key!r} is not an initializer option")
    else:
        init, options = value, {}
    if "layout" not in options and is_layout_aware(init):
        options["layout"] = "torch"  # parameters are (out, in, *kernel)
    return {"init": init, **options}


def _check_rules(rules: Optional[Rules]) -> list[tuple[str, Optional[dict]]]:
    if rules is None:
        return []
    if not isinstance(rules, Mapping):
        raise TypeError(f"rules must be a mapping of patterns to initializers, "
                        f"got {type(rules).__name__}")
    checked = []
    for pattern, value in rules.items():
        if not isinstance(pattern, str) or not pattern:
            raise TypeError(f"rules keys must be non-empty str patterns, got {pattern!r}")
        checked.append((pattern, _rule_entry(pattern, value)))
    return checked


def _match(pattern: str, qualname: str, module: nn.Module, local: str) -> bool:
    """``pattern`` against the qualified name, or ``Class.param`` for any class in the MRO."""
    if fnmatch.fnmatchcase(qualname, pattern):
        return True
    return any(fnmatch.fnmatchcase(f"{cls.__name__}.{local}", pattern)
               for cls in type(module).__mro__ if cls is not object)


# --------------------------------------------------------------- plan --
@dataclass
class _Item:
    name: str
    param: torch.Tensor
    entry: Optional[dict]  # None: leave as is
    padding_idx: Optional[int] = None


def _plan(module: nn.Module, rules: Optional[Rules], unmatched: str) -> list[_Item]:
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if unmatched not in ("error", "skip"):
        raise ValueError(f"unmatched must be 'error' or 'skip', got {unmatched!r}")
    checked = _check_rules(rules)
    items: list[_Item] = []
    overrides: dict[str, dict] = {}
    missing: list[str] = []
    seen: set[int] = set()
    for mod_name, mod in module.named_modules():
        overrides.update(_container_overrides(mod_name, mod))
        for local, param in mod.named_parameters(recurse=False):
            if id(param) in seen:  # tied weights: the first name owns them
                continue
            seen.add(id(param))
            name = f"{mod_name}.{local}" if mod_name else local
            if isinstance(param, nn.parameter.UninitializedParameter):
                raise ValueError(f"parameter {name!r} of a lazy module is not materialized yet: "
                                 "run a forward pass (or materialize it) first")
            if param.dtype not in _NUMPY_DTYPES:
                raise TypeError(f"parameter {name!r} has dtype {param.dtype}; fastinit fills "
                                "float32, float64, float16 and bfloat16")
            shape = tuple(param.shape)
            rule = next((entry for pattern, entry in checked
                         if _match(pattern, name, mod, local)), ...)
            if rule is not ...:
                entry = rule
            elif name in overrides:
                entry = overrides[name]
            else:
                entry = _default_entry(mod, local, shape)
                if entry is None:
                    missing.append(f"{name} ({type(mod).__name__})")
                    continue
            if entry is not None:
                entry = {"shape": list(shape), "dtype": _NUMPY_DTYPES[param.dtype].name, **entry}
            padding = None  # zeroed after any init, as PyTorch and transformers do
            if entry is not None and local == "weight" and isinstance(
                    mod, (nn.Embedding, nn.EmbeddingBag)):
                padding = mod.padding_idx
            items.append(_Item(name, param, entry, padding))
    if missing and unmatched == "error":
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10
                                           else "")
        raise ValueError(
            f"no rule and no PyTorch default for {len(missing)} parameter(s): {shown}; add rules "
            "for them (e.g. rules={'MyLayer.scale': 'ones'} or {'*.pos_embed': ('normal', "
            "{'stddev': 0.02})}), or pass unmatched='skip' to leave them as they are"
        )
    return items


def module_spec(module: nn.Module, rules: Optional[Rules] = None, *,
                unmatched: str = "error") -> dict[str, dict]:
    """The spec :func:`init_module_` follows: parameter name -> entry.

    ``fastinit.init_model(module_spec(module, rules), seed)`` returns the
    arrays ``init_module_(module, seed, rules)`` writes into the module
    (except the zeroed ``padding_idx`` row of embeddings), and
    ``fastinit.init_tensor(spec, name, seed)`` any single one of them.

    Parameters
    ----------
    module : torch.nn.Module
    rules, unmatched
        As in :func:`init_module_`.

    Returns
    -------
    dict
        Qualified parameter name -> ``{"shape", "dtype", "init", **options}``,
        in ``named_parameters()`` order (parameters left as they are are omitted).
    """
    return {item.name: item.entry for item in _plan(module, rules, unmatched)
            if item.entry is not None}


# --------------------------------------------------------------- fill --
def _numpy_view(tensor: torch.Tensor) -> np.ndarray:
    """A NumPy array sharing ``tensor``'s memory (CPU, contiguous, detached)."""
    if tensor.dtype == torch.bfloat16:
        return tensor.view(torch.int16).numpy().view(bfloat16)
    return tensor.numpy()


def _target(param: torch.Tensor) -> tuple[np.ndarray, Optional[torch.Tensor]]:
    """The array to fill for ``param``: a view of its memory, or a CPU staging copy's.

    Returns the array and the staging tensor to copy back (None when in place).
    """
    data = param.detach()
    if data.device.type == "cpu" and data.is_contiguous():
        return _numpy_view(data), None  # in place, no copy
    staging = torch.empty(tuple(data.shape), dtype=data.dtype, device="cpu")
    return _numpy_view(staging), staging


def init_module_(module: nn.Module, seed: SeedOrGenerator = 0,
                 rules: Optional[Rules] = None, n_threads: Optional[int] = None, *,
                 unmatched: str = "error") -> nn.Module:
    """Initialize ``module``'s parameters in place, each from its own named sub-stream.

    Parameters
    ----------
    module : torch.nn.Module
        Its parameters must be materialized (not on the ``meta`` device: use
        ``module.to_empty(device="cpu")`` first).  CPU parameters are filled
        through views of their memory; others through a CPU staging copy.
    seed : None, int, numpy.random.SeedSequence or fastinit.Generator, optional
        Default 0.  Parameter ``name`` draws from ``default_rng(seed).stream(name)``.
    rules : mapping, optional
        Pattern -> initializer, tried in order before PyTorch's defaults; the
        first match wins.  A pattern (``fnmatch``, case-sensitive) matches a
        parameter's qualified name (``"layers.*.attn.*.weight"``, ``"*.bias"``)
        or ``"Class.param"`` for its module's class or any base class
        (``"Linear.weight"``, ``"_NormBase.bias"``).  A value is an
        initializer name (``"zeros"``), ``(name, options)``
        (``("normal", {"stddev": 0.02})``), a config dict, an initializer
        object, or None to leave the parameter as it is.  Fan-based
        initializers see the PyTorch layout ``(out, in, *kernel)``.
    n_threads : int, optional
        Threads per fill.
    unmatched : {"error", "skip"}, optional
        What to do with parameters that no rule and no default covers (custom
        layers): raise ``ValueError`` listing them (default), or leave them.

    Returns
    -------
    torch.nn.Module
        ``module``.

    Examples
    --------
    >>> import torch, fastinit.torch
    >>> with torch.device("meta"):
    ...     model = torch.nn.Sequential(torch.nn.Linear(512, 512), torch.nn.LayerNorm(512))
    >>> model = model.to_empty(device="cpu")
    >>> _ = fastinit.torch.init_module_(model, seed=0, rules={"*.bias": "zeros"})
    """
    items = _plan(module, rules, unmatched)
    for item in items:
        if item.param.is_meta:
            raise ValueError(
                f"parameter {item.name!r} is on the meta device and has no memory to fill: "
                "materialize the module first, e.g. module.to_empty(device='cpu')")
    tensors = [(item, parse_entry(item.name, item.entry, f"parameter {item.name!r}"))
               for item in items if item.entry is not None]
    rng = default_rng(seed)
    resolve_threads(n_threads)  # checks it before anything is written
    targets = {item.name: (item, *_target(item.param)) for item, _ in tensors}

    def finish(tensor: Any) -> None:
        item, array, staging = targets[tensor.name]
        if item.padding_idx is not None:
            array[item.padding_idx] = 0
        if staging is not None:
            with torch.no_grad():
                item.param.copy_(staging)

    fill_tensors([(tensor, targets[tensor.name][1]) for _, tensor in tensors], rng, n_threads,
                 finish)
    for mod in module.modules():
        if _own(mod, nn.modules.batchnorm._NormBase, "reset_running_stats"):
            mod.reset_running_stats()
    return module
