"""Fills that ``fast_init`` writes late, so that a fill the model overwrites is never written.

Model constructors fill most weights twice: ``nn.Linear.__init__`` runs
``reset_parameters()`` (``kaiming_uniform_``), then the model's own
initialization (Hugging Face's ``_init_weights``: ``normal_(0, 0.02)``) draws
every weight again.  Inside ``fast_init`` a routed fill of a large tensor only
reserves its range of the stream (``Generator.reserve``) and is *recorded*.
It is written when something could see that memory; a later fill, ``zero_``,
``fill_`` or ``copy_`` of exactly the same memory replaces it unwritten.  The
values are bit for bit those of filling at once: a recorded fill keeps the
stream range it reserved, and ``Generator.fill_at`` at that position writes
what the fill would have written (docs/STREAM.md: position independence).

"Could see that memory" is decided by a ``TorchFunctionMode`` pushed for the
thread while a deferring context is open: a torch function given a tensor
whose storage holds recorded fills writes them first -- except functions that
read no element (shape, dtype, ``detach``, ``.data``, ``view``, ...: a view
shares the storage, so a read through it is caught in turn).  While the mode
runs a Python-level torch function (``torch.nn.init.*``, ``Tensor.__repr__``)
it is off for the torch calls inside, so nothing is recorded there, except in
the ``torch.nn.init`` functions whose only write is one ``uniform_`` or
``normal_`` of their tensor (``kaiming_uniform_``, ``xavier_normal_``, ...;
Hugging Face's wrappers of them, which skip tensors loaded from a
checkpoint, included).  Everything a context recorded is written when it
exits, exceptions included.

A TorchScript module (scripted or traced) runs its forward in C++: a global
forward pre-hook writes what it can read first.  What nothing here can see:
another Python thread reading the tensor before the context exits, C++
extension code handed the tensor directly, a scripted *function* (not a
module) given the tensor, and memory reached without torch -- a
NumPy array or a pointer taken from the tensor before the fill was recorded
(taking one is a use: it writes what was recorded until then).  ``fast_init(defer=False)`` writes every
fill at once for such code.

A record holds a NumPy view of the memory.  A tensor let go inside the
context is seen when nothing else holds its storage (torch's storage use
count, checked every 64 records and at the exit): its record is dropped, its
memory released, nothing written.
"""
from __future__ import annotations

import contextlib
import functools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from fastinit._generator import Generator
from fastinit._methods import get_method
from fastinit._small_draws import SMALL_DRAW

from ._tensors import dense_view, is_dense

__all__ = ["DEFER_ABOVE", "writes_late", "replacing", "overwrite", "record",
           "write_before_script_call", "open_context", "close_context", "recorded_count"]

#: Fills of more elements than this are recorded.  Smaller ones (at most
#: ``SMALL_DRAW``) are drawn at once: NumPy's small-call path may take words
#: the generator buffered, which a fill at a reserved position would not.
DEFER_ABOVE = SMALL_DRAW


@dataclass(eq=False)
class _Fill:
    """One recorded fill: what ``getattr(rng, method)(**params, out=view)`` would write."""

    owner: object
    key: int  # the storage's address
    method: str
    params: dict
    view: np.ndarray  # 1-D, the tensor's dense block; keeps its memory alive
    rng: Generator
    position: int
    n_threads: Optional[int]
    start: int  # byte addresses of the block: [start, end)
    end: int

    def write(self) -> None:
        self.rng.fill_at(self.method, self.view, position=self.position,
                         n_threads=self.n_threads, **self.params)


@dataclass
class _ThreadState:
    """The recorded fills of this thread's deferring contexts, by storage."""

    by_storage: dict[int, list[_Fill]] = field(default_factory=dict)
    owners: list[object] = field(default_factory=list)  # open deferring contexts, in order
    mode: Optional[TorchFunctionMode] = None
    blocked: int = 0  # inside Python torch functions the mode runs: nothing is recorded
    recorded_since_sweep: int = 0


_LOCAL = threading.local()


def _state() -> _ThreadState:
    state = getattr(_LOCAL, "state", None)
    if state is None:
        state = _LOCAL.state = _ThreadState()
    return state


def _storage_key(tensor: torch.Tensor) -> Optional[int]:
    if tensor.device.type != "cpu" or tensor.layout is not torch.strided or tensor.is_meta:
        return None
    try:
        return tensor.untyped_storage().data_ptr()
    except (RuntimeError, NotImplementedError, TypeError):  # wrapped / functional tensors
        return None


def _block(view: np.ndarray) -> tuple[int, int]:
    start = view.ctypes.data
    return start, start + view.nbytes


def _write(state: _ThreadState, key: int, fills: Iterable[_Fill]) -> None:
    for rec in list(fills):
        rec.write()  # may raise KeyboardInterrupt: then it stays recorded
        remaining = state.by_storage.get(key, [])
        if rec in remaining:
            remaining.remove(rec)
        if not remaining:
            state.by_storage.pop(key, None)


def _write_arguments(state: _ThreadState, args: Iterable[Any], depth: int = 0) -> None:
    for arg in args:
        if isinstance(arg, torch.Tensor):
            key = _storage_key(arg)
            if key is not None and key in state.by_storage:
                _write(state, key, state.by_storage[key])
        elif depth < 3 and isinstance(arg, (list, tuple)):  # torch.cat([...]), _foreach_*
            _write_arguments(state, arg, depth + 1)
        elif depth < 3 and isinstance(arg, dict):
            _write_arguments(state, arg.values(), depth + 1)


def _write_what_is_read(state: _ThreadState, args: Iterable[Any], kwargs: dict) -> None:
    """Write every recorded fill in the storage of a tensor among ``args`` and
    ``kwargs`` (in lists, tuples and dicts too): a function is about to read them."""
    if state.by_storage:
        with torch._C.DisableTorchFunction():
            _write_arguments(state, args)
            _write_arguments(state, kwargs.values())


def _keep_only(state: _ThreadState, keep: Callable[[_Fill], bool]) -> None:
    """Forget, unwritten, every record for which ``keep`` is false."""
    for key, fills in list(state.by_storage.items()):
        fills[:] = [rec for rec in fills if keep(rec)]
        if not fills:
            del state.by_storage[key]


def writes_late() -> bool:
    """Whether a large fill in this thread may be recorded now."""
    state = _state()
    return bool(state.owners) and state.blocked == 0


def _claim(tensor: torch.Tensor) -> list[_Fill]:
    """Before ``tensor`` is written whole: take out the recorded fills of exactly
    its memory (returned), and write now those that overlap it otherwise."""
    state = _state()
    if not state.by_storage:
        return []
    with torch._C.DisableTorchFunction():
        key = _storage_key(tensor)
        fills = state.by_storage.get(key) if key is not None else None
        if not fills:
            return []
        exact: list[_Fill] = []
        if tensor.numel() > 0 and (tensor.is_contiguous() or is_dense(tensor)):
            start = tensor.data_ptr()
            end = start + tensor.numel() * tensor.element_size()
            exact = [rec for rec in fills if (rec.start, rec.end) == (start, end)]
        _write(state, key, [rec for rec in fills if rec not in exact])
        for rec in exact:
            fills.remove(rec)
        if not fills:
            state.by_storage.pop(key, None)
        return exact


@contextlib.contextmanager
def replacing(tensor: torch.Tensor) -> Iterator[None]:
    """While the block writes all of ``tensor``: the fill recorded for exactly
    that memory is dropped if the block ends normally, kept if it raises
    (those overlapping it otherwise are written first)."""
    replaced = _claim(tensor)
    try:
        yield
    except BaseException:
        state = _state()
        for rec in replaced:
            state.by_storage.setdefault(rec.key, []).append(rec)
        raise


def overwrite(write: Callable[..., Any], tensor: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
    """``write(tensor, *args, **kwargs)``, a torch function that writes all of
    ``tensor`` (``zero_``, ``fill_``, ``copy_``, torch's ``uniform_``...), as
    :func:`replacing`.  What the other arguments hold is written first
    (``copy_`` from a view of the tensor itself reads it)."""
    _write_what_is_read(_state(), args, kwargs)
    with replacing(tensor):
        return write(tensor, *args, **kwargs)


def record(owner: object, method: str, tensor: torch.Tensor, view: np.ndarray, rng: Generator,
           n_threads: Optional[int], params: dict) -> None:
    """Reserve the stream range ``getattr(rng, method)(**params, out=view)`` would
    take, and record the fill instead of writing it (see the module docstring).
    The caller has checked ``params``, that ``view.size > DEFER_ABOVE`` and that
    :func:`writes_late`, and records inside :func:`replacing`."""
    key = _storage_key(tensor)
    assert key is not None  # dense_view gave a view: a CPU strided tensor
    spec = get_method(method)
    position = rng.reserve(view.size * spec.words_per_element(view.dtype))
    start, end = _block(view)
    state = _state()
    state.by_storage.setdefault(key, []).append(
        _Fill(owner, key, method, dict(params), view, rng, position, n_threads, start, end))
    state.recorded_since_sweep += 1
    if state.recorded_since_sweep >= 64:
        _forget_unreachable(state)


def _holder(view: np.ndarray) -> torch.Tensor:
    """The tensor at the root of a record's NumPy view."""
    base: Any = view
    while isinstance(base, np.ndarray):
        base = base.base
    return base


def _storage_references(view: np.ndarray) -> Optional[int]:
    """How many references the storage under ``view`` has (None where torch
    does not say)."""
    use_count = getattr(torch._C, "_storage_Use_Count", None)
    if use_count is None:
        return None
    with torch._C.DisableTorchFunction():
        return use_count(_holder(view).untyped_storage()._cdata)


@functools.cache
def _own_references() -> Optional[int]:
    """The references of a storage that only a record holds (measured once)."""
    tensor = torch.empty(DEFER_ABOVE + 1)
    view = dense_view(tensor)
    del tensor
    return _storage_references(view) if view is not None else None


def _forget_unreachable(state: _ThreadState) -> None:
    """Drop the records whose memory nothing but the record holds: the tensor
    was let go inside the context, nobody can read it, and its memory is
    released now instead of at the exit."""
    state.recorded_since_sweep = 0
    own = _own_references()
    if own is not None:
        _keep_only(state, lambda rec: _storage_references(rec.view) != own)


def recorded_count() -> int:
    """How many fills this thread has recorded and not written."""
    return sum(len(fills) for fills in _state().by_storage.values())


# ------------------------------------------------------ what counts as use --
def _functions(owner: Any, names: Iterable[str]) -> set:
    return {getattr(owner, name) for name in names if hasattr(owner, name)}


def _properties(names: Iterable[str], accessor: str) -> set:
    found = set()
    for name in names:
        prop = getattr(torch.Tensor, name, None)
        if prop is not None and hasattr(prop, accessor):
            found.add(getattr(prop, accessor))
    return found


#: Torch functions that read no element of their tensors (metadata, or a view
#: sharing the storage, which is watched in turn).  Anything not listed counts
#: as a read: the list only decides how early a recorded fill is written.
_NO_ELEMENT_READ = (
    _functions(torch.Tensor, (
        "size", "dim", "ndimension", "numel", "nelement", "stride", "storage_offset",
        "is_contiguous", "element_size", "is_floating_point", "is_complex", "is_inference",
        "get_device", "requires_grad_", "detach", "view", "view_as", "as_strided", "t",
        "transpose", "permute", "unsqueeze", "squeeze", "expand", "expand_as", "narrow",
        "select", "split", "chunk", "unbind", "__len__", "__hash__", "_is_view",
        "is_shared", "is_pinned", "has_names", "is_conj", "is_neg", "new_empty", "new_zeros",
        "new_ones", "new_full", "new_tensor"))
    | _functions(torch, ("empty_like", "zeros_like", "ones_like", "full_like", "rand_like",
                         "randn_like", "randint_like"))
    | _properties((
        "shape", "dtype", "device", "ndim", "data", "requires_grad", "is_leaf", "grad_fn",
        "layout", "is_cuda", "is_cpu", "is_meta", "is_sparse", "is_quantized", "is_mkldnn",
        "is_nested", "names", "_version", "itemsize", "nbytes", "output_nr", "_base", "grad"),
        "__get__")
    | _properties(("requires_grad", "data", "grad", "names"), "__set__"))

#: torch.nn.init functions whose only write is one ``tensor.uniform_`` or
#: ``tensor.normal_`` (torch 2.4-2.13): that fill may be recorded.
_ONE_FILL = frozenset({"uniform_", "normal_", "kaiming_uniform_", "kaiming_normal_",
                       "xavier_uniform_", "xavier_normal_"})
#: ... and those that write their whole tensor (through the patched fills,
#: ``zero_``, ``fill_`` or ``copy_``, which claim it) before reading any of it:
#: what was recorded for it need not be written first.
_WRITE_BEFORE_READING = _ONE_FILL | {"trunc_normal_", "constant_", "ones_", "zeros_",
                                     "orthogonal_", "sparse_", "dirac_"}
_TORCH_INIT = {getattr(torch.nn.init, name): name for name in _WRITE_BEFORE_READING
               if hasattr(torch.nn.init, name)}


def _init_function(func: Any) -> Optional[str]:
    """The ``torch.nn.init`` name ``func`` stands for, or None."""
    try:
        name = _TORCH_INIT.get(func)
    except TypeError:  # unhashable
        return None
    if name is None and getattr(func, "__module__", None) == "transformers.initialization":
        # Hugging Face replaces torch.nn.init's functions while it builds a
        # model by wrappers that call torch's own unless the tensor was loaded
        # from a checkpoint (then they write nothing, and the record stays).
        name = getattr(func, "__name__", None)
        if name not in _WRITE_BEFORE_READING:
            name = None
    return name


def _target(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """An init function's arguments other than its tensor (first, or ``tensor=``)."""
    if args:
        return args[1:], kwargs
    return (), {k: v for k, v in kwargs.items() if k != "tensor"}


class _WriteBeforeUse(TorchFunctionMode):
    """Writes recorded fills before any torch function can read their memory."""

    def __torch_function__(self, func: Any, types: Any, args: tuple = (),
                           kwargs: Optional[dict] = None) -> Any:
        kwargs = kwargs or {}
        if func in _NO_ELEMENT_READ:
            return func(*args, **kwargs)
        state = _state()
        init = _init_function(func)
        # an init function writes its tensor before reading it: only the
        # other arguments are read
        read_args, read_kwargs = _target(args, kwargs) if init else (args, kwargs)
        _write_what_is_read(state, read_args, read_kwargs)
        if init in _ONE_FILL:
            return func(*args, **kwargs)
        # This mode is off inside func: a fill recorded there could be read
        # unseen by the torch calls after it, so fills are written at once.
        state.blocked += 1
        try:
            return func(*args, **kwargs)
        finally:
            state.blocked -= 1


def write_before_script_call(module: torch.nn.Module, args: tuple) -> None:
    """Forward pre-hook (global while a ``fast_init`` is open): a TorchScript
    module (scripted or traced) runs its forward in C++, where the mode sees
    nothing, so what it can read -- its parameters, buffers and arguments --
    is written first.  Other modules' forwards are seen op by op."""
    state = _state()
    if state.by_storage and isinstance(module, torch.jit.ScriptModule):
        _write_what_is_read(state, (*module.parameters(), *module.buffers(), *args), {})


def open_context(owner: object) -> None:
    """``owner`` (a ``fast_init``) starts recording fills in this thread."""
    state = _state()
    if not state.owners:
        state.mode = _WriteBeforeUse()
        state.mode.__enter__()
    state.owners.append(owner)


def close_context(owner: object) -> None:
    """Write every fill ``owner`` recorded (in the order recorded); stop watching
    when it was the last deferring context of the thread.

    If writing is interrupted (Ctrl-C), what was not written is forgotten
    (nothing is written after the context) and the exception propagates.
    """
    state = _state()
    try:
        _forget_unreachable(state)
        for key, fills in list(state.by_storage.items()):
            _write(state, key, [rec for rec in fills if rec.owner is owner])
    finally:
        _keep_only(state, lambda rec: rec.owner is not owner)
        if owner in state.owners:
            state.owners.remove(owner)
        if not state.owners and state.mode is not None:
            mode, state.mode = state.mode, None
            mode.__exit__(None, None, None)
