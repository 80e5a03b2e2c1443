"""``init_module_``: initialize an existing module's parameters in place, with zero copies.

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
statistics are not touched (non-persistent buffers, which a constructor
computes, are reported).  A Hugging Face model without rules is initialized
by its own ``init_weights`` inside ``fast_init`` instead.

The module must live in CPU memory to be filled without copies (others, and
non-contiguous parameters, are filled through one CPU staging array at a
time).  A model built on the ``meta`` device and materialized with
``materialize_(module)`` (``to_empty`` keeping ties) is initialized here
directly, never holding a second copy of its weights.
"""
from __future__ import annotations

import fnmatch
import math
import warnings
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

import numpy as np
import torch
from torch import nn

from fastinit._generator import default_rng
from fastinit._threads import resolve_threads
from fastinit._validation import allocate
from fastinit.initializers import compute_fans
from fastinit.model import ENTRY_KEYS, SeedOrGenerator, fill_tensors, is_layout_aware, parse_entry

from ._fast_init import fast_init
from ._tensors import NUMPY_DTYPES, bump_version, numpy_view

__all__ = ["init_module_", "module_spec"]

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


def unwrap_compiled(module: object) -> object:
    """The module ``torch.compile`` wrapped (``OptimizedModule._orig_mod``), else ``module``.

    Parameter names are then the model's own, not ``_orig_mod.``-prefixed, so
    rules and stream names do not change when a model is compiled.
    """
    inner = getattr(module, "_orig_mod", None)
    if type(module).__name__ == "OptimizedModule" and isinstance(inner, nn.Module):
        return inner
    return module


def _overlaps(tensor: torch.Tensor) -> bool:
    """True when two indices of ``tensor`` share memory (an ``expand``ed, stride-0 view...)."""
    span = 0  # elements covered by the dimensions with smaller strides
    for stride, size in sorted((st, sz) for sz, st in zip(tensor.shape, tensor.stride())
                               if sz > 1):
        if stride <= span:
            return True
        span += stride * (size - 1)
    return False


def _plan(module: nn.Module, rules: Optional[Rules],
          unmatched: str) -> tuple[list[_Item], list[str]]:
    """The items to fill (entry None: left as is, as a rule said) and the unmatched names."""
    module = unwrap_compiled(module)
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
            if id(param) in seen:  # tied weights: the first name owns them, filled once
                continue
            seen.add(id(param))
            name = f"{mod_name}.{local}" if mod_name else local
            if isinstance(param, nn.parameter.UninitializedParameter):
                raise ValueError(f"parameter {name!r} of a lazy module is not materialized yet: "
                                 "run a forward pass (or materialize it) first")
            shape = tuple(param.shape)
            rule = next((entry for pattern, entry in checked
                         if _match(pattern, name, mod, local)), ...)
            if rule is None:  # explicitly left as is: any dtype, any layout
                items.append(_Item(name, param, None))
                continue
            if rule is not ...:
                entry = rule
            elif not (param.dtype.is_floating_point or param.dtype.is_complex):
                missing.append(f"{name} ({param.dtype})")  # integer, bool: no default
                continue
            elif name in overrides:
                entry = overrides[name]
            else:
                entry = _default_entry(mod, local, shape)
                if entry is None:
                    missing.append(f"{name} ({type(mod).__name__})")
                    continue
            if param.dtype not in NUMPY_DTYPES:
                raise TypeError(f"parameter {name!r} has dtype {param.dtype}; fastinit fills "
                                "float32, float64, float16 and bfloat16 (a rule of None leaves "
                                "it as it is)")
            if not param.is_meta and _overlaps(param):
                raise ValueError(
                    f"parameter {name!r} is an expanded or overlapping view (shape {shape}, "
                    f"strides {tuple(param.stride())}): its elements share memory and cannot "
                    "be initialized independently; nothing was written")
            entry = {"shape": list(shape), "dtype": NUMPY_DTYPES[param.dtype].name, **entry}
            padding = None  # zeroed after any init, as PyTorch and transformers do
            if local == "weight" and isinstance(mod, (nn.Embedding, nn.EmbeddingBag)):
                padding = mod.padding_idx
            items.append(_Item(name, param, entry, padding))
    if missing and unmatched == "error":
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10
                                           else "")
        raise ValueError(
            f"no rule and no PyTorch default for {len(missing)} parameter(s): {shown}; add rules "
            "for them (e.g. rules={'MyLayer.scale': 'ones'} or {'*.pos_embed': ('normal', "
            "{'stddev': 0.02})}; a rule of None leaves a parameter as it is), or pass "
            "unmatched='skip' to leave all of them as they are (after to_empty that is "
            "uninitialized memory)"
        )
    return items, missing


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
    return {item.name: item.entry for item in _plan(module, rules, unmatched)[0]
            if item.entry is not None}


# -------------------------------------------------------- materialize --
def materialize_(module: nn.Module, device: Union[str, torch.device] = "cpu") -> nn.Module:
    """``module.to_empty(device=device)``, with its tied parameters tied again.

    ``to_empty`` gives every module its own new parameter, so weights shared
    between modules (an ``lm_head`` tied to the embedding) stop being shared.
    This records which names share a parameter before, and points them at one
    parameter again after, so that :func:`init_module_` fills it once.  Like
    ``to_empty``, it leaves the memory uninitialized, computed buffers
    included (see ``init_module_``'s ``check_buffers``).

    Parameters
    ----------
    module : torch.nn.Module
        Typically built under ``with torch.device("meta"):``.
    device : str or torch.device
        Where the memory goes (default ``"cpu"``).

    Returns
    -------
    torch.nn.Module
        The module ``to_empty`` returns (``module`` itself).
    """
    module = unwrap_compiled(module)
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    groups: dict[int, list[str]] = {}
    for name, param in module.named_parameters(remove_duplicate=False):
        groups.setdefault(id(param), []).append(name)
    module = module.to_empty(device=device)
    for names in groups.values():
        owner = module.get_parameter(names[0])
        for name in names[1:]:
            parent, _, local = name.rpartition(".")
            setattr(module.get_submodule(parent), local, owner)
    return module


# --------------------------------------------------------------- fill --
def is_hf_model(module: nn.Module) -> bool:
    """Whether ``module`` is a Hugging Face ``PreTrainedModel`` (duck-typed, no import)."""
    return (any(cls.__name__ == "PreTrainedModel" for cls in type(module).__mro__)
            and callable(getattr(module, "init_weights", None))
            and callable(getattr(module, "_init_weights", None)))


def _run_model_own_init(module: nn.Module, rng: Any, n_threads: Optional[int]) -> None:
    """A Hugging Face model's own ``init_weights()`` (``_init_weights`` per module, its
    buffers such as rotary ``inv_freq`` and position ids, then ``tie_weights``), inside
    ``fast_init`` so that its fills run on fastinit's kernels.

    transformers marks each module it has initialized (``_is_hf_initialized``) and
    skips it the next time; the marks are cleared first so that the call really
    initializes (tensors it marks as loaded from a checkpoint stay as they are).
    """
    for sub in module.modules():
        if getattr(sub, "_is_hf_initialized", False):
            sub._is_hf_initialized = False
    # to_empty unties tied weights (lm_head / embed_tokens): tie them again first, so
    # that they are one tensor while the model initializes, as at construction
    module.tie_weights()
    with fast_init(seed=rng, n_threads=n_threads):
        module.init_weights()


def _non_persistent_buffers(module: nn.Module) -> list[str]:
    """Buffers that ``state_dict`` does not hold: computed by the model's own code."""
    persistent = set(module.state_dict(keep_vars=True))
    return [name for name, buf in module.named_buffers()
            if name not in persistent and buf is not None]


def _stage(item: _Item, tensor: Any, rng: Any, n_threads: Optional[int]) -> None:
    """Fill a parameter that cannot be written in place through one CPU staging array.

    One parameter at a time, so the extra memory is at most the largest such
    parameter; the staging array is a NumPy allocation (memory checked first,
    and visible to ``tracemalloc``).
    """
    dtype = NUMPY_DTYPES[item.param.dtype]
    staging = allocate(tuple(item.param.shape), dtype, f"staging for parameter {item.name!r}")
    fill_tensors([(tensor, staging)], rng, n_threads)
    if item.padding_idx is not None:
        staging[item.padding_idx] = 0
    source = torch.from_numpy(staging.view(np.int16) if dtype == np.dtype("bfloat16")
                              else staging)
    if item.param.dtype == torch.bfloat16:
        source = source.view(torch.bfloat16)
    with torch.no_grad():
        item.param.copy_(source)
    del staging, source


def init_module_(module: nn.Module, seed: SeedOrGenerator = 0,
                 rules: Optional[Rules] = None, n_threads: Optional[int] = None, *,
                 unmatched: str = "error", own_init: Optional[bool] = None,
                 check_buffers: bool = True) -> nn.Module:
    """Initialize ``module``'s parameters in place, each from its own named sub-stream.

    The simplest fast route for existing model code is to build the model
    inside :func:`fast_init` (its own code runs: buffers, ties, custom
    layers).  ``init_module_`` is for a module that already exists, e.g. one
    built on the ``meta`` device and materialized with ``to_empty``.

    A Hugging Face model (a ``PreTrainedModel``) given without ``rules`` is
    initialized by its own ``init_weights()`` -- its ``_init_weights``
    defaults, its computed buffers (rotary ``inv_freq``, position ids) and
    its weight ties -- run inside ``fast_init(seed)``: the values then come
    from the seed's stream in the model's fill order, not from named
    sub-streams.  Any other module (or ``own_init=False``) follows
    :func:`module_spec`: each parameter from its named sub-stream.

    Parameters
    ----------
    module : torch.nn.Module
        Its parameters must be materialized (not on the ``meta`` device: use
        :func:`materialize_` -- ``to_empty`` keeping tied weights tied -- or
        ``module.to_empty(device="cpu")`` first).  A ``torch.compile``d module
        is initialized through the module it wraps, under the same names.
        Contiguous CPU parameters are filled through views of their memory;
        others (``channels_last``, other devices) through one CPU staging
        array at a time, so the extra memory is at most the largest of them.
        Expanded (stride-0) or overlapping parameters are refused before
        anything is written.  Tied parameters are filled once, under their
        first name.
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
        layers, integer parameters): raise ``ValueError`` listing them
        (default), or leave them with a ``UserWarning`` that lists them.  A
        rule of None leaves one parameter (of any dtype) silently.
    own_init : bool, optional
        Run a Hugging Face model's own ``init_weights()`` inside
        ``fast_init`` (default: when ``module`` is one and ``rules`` is None).
    check_buffers : bool, optional
        Warn (default) when the module has non-persistent buffers -- values
        its constructor computes, which ``to_empty`` leaves uninitialized and
        which this function does not recompute.

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
    return _init_module(module, seed, rules, n_threads, unmatched, own_init, check_buffers)


def _init_module(module: nn.Module, seed: SeedOrGenerator, rules: Optional[Rules],
                 n_threads: Optional[int], unmatched: str, own_init: Optional[bool],
                 check_buffers: bool) -> nn.Module:
    outer = module
    module = unwrap_compiled(module)
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if own_init is None:
        own_init = rules is None and is_hf_model(module)
    elif own_init and not is_hf_model(module):
        raise ValueError("own_init=True needs a Hugging Face PreTrainedModel (one with "
                         "init_weights/_init_weights); use rules for other modules")
    elif own_init and rules is not None:
        raise ValueError("rules and own_init=True exclude each other: the model's own "
                         "_init_weights decides every tensor")
    rng = default_rng(seed)
    resolve_threads(n_threads)  # checks it before anything is written
    if own_init:
        for name, param in module.named_parameters():
            if param.is_meta:
                raise ValueError(
                    f"parameter {name!r} is on the meta device and has no memory to fill: "
                    "materialize the module first, e.g. module.to_empty(device='cpu')")
        _run_model_own_init(module, rng, n_threads)
        return outer
    items, missing = _plan(module, rules, unmatched)
    for item in items:
        if item.entry is not None and item.param.is_meta:
            raise ValueError(
                f"parameter {item.name!r} is on the meta device and has no memory to fill: "
                "materialize the module first, e.g. module.to_empty(device='cpu')")
    tensors = [(item, parse_entry(item.name, item.entry, f"parameter {item.name!r}"))
               for item in items if item.entry is not None]
    in_place = [(item, tensor) for item, tensor in tensors
                if item.param.device.type == "cpu" and item.param.is_contiguous()]
    staged = [(item, tensor) for item, tensor in tensors
              if not (item.param.device.type == "cpu" and item.param.is_contiguous())]
    arrays = {item.name: numpy_view(item.param) for item, _ in in_place}
    by_name = {item.name: item for item, _ in in_place}

    def finish(tensor: Any) -> None:
        item = by_name[tensor.name]
        if item.padding_idx is not None:
            arrays[item.name][item.padding_idx] = 0
        bump_version(item.param)

    fill_tensors([(tensor, arrays[item.name]) for item, tensor in in_place], rng, n_threads,
                 finish)
    for item, tensor in staged:  # one at a time: extra memory <= the largest of them
        _stage(item, tensor, rng, n_threads)
    for mod in module.modules():
        if _own(mod, nn.modules.batchnorm._NormBase, "reset_running_stats"):
            mod.reset_running_stats()
    if missing:  # unmatched="skip" (else _plan raised)
        warnings.warn(f"init_module_ left {len(missing)} parameter(s) as they are "
                      f"(unmatched='skip'): {', '.join(missing[:10])}"
                      f"{' ...' if len(missing) > 10 else ''}; after to_empty they hold "
                      "uninitialized memory", UserWarning, stacklevel=3)
    computed = _non_persistent_buffers(module)
    if computed and check_buffers:
        warnings.warn(
            f"init_module_ initializes parameters only; the buffers {computed[:10]} are "
            "computed by the model at construction (not saved in its state_dict) and hold "
            "uninitialized memory if it was materialized with to_empty. Build the model "
            "inside fastinit.torch.fast_init() instead (its own code then runs), or pass "
            "check_buffers=False if they are valid", UserWarning, stacklevel=3)
    return outer
