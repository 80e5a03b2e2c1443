"""``fast_init``: run existing model code with its random fills on fastinit's kernels.

While at least one ``fast_init`` context is open anywhere in the process,
these torch entry points are replaced:

* ``torch.Tensor.uniform_`` and ``torch.Tensor.normal_`` -- what
  ``nn.Linear.reset_parameters`` (through ``kaiming_uniform_``), every other
  ``torch.nn.init`` function and Hugging Face ``_init_weights``
  (``normal_(0, 0.02)``) end up calling: routed to fastinit;
* ``torch.nn.init.trunc_normal_`` -- fastinit's one-pass inverse-CDF truncated
  normal instead of torch's rejection loop;
* ``torch.Tensor.zero_``, ``fill_`` and ``copy_`` -- torch's own, after
  dropping a deferred fill they replace (``_deferred``): they are seen even
  where the deferring context's ``TorchFunctionMode`` is off.

A routing version draws from fastinit only in a context (Python thread) that
entered ``fast_init``; in every other thread it is exactly torch's function.
It also hands the call to torch when given a ``generator=``, when autograd
must record or refuse the write (grad mode on and the tensor requires grad),
while ``torch.compile`` traces, and for any tensor fastinit cannot fill in
place (see ``_tensors.is_fillable``).  Factory functions
(``torch.randn``, ``torch.rand``) are not replaced either: ``with
torch.device(...)`` recognizes them by identity in a set it caches for the
life of the process, so a replacement seen there once would stop it from
placing later ``torch.randn`` calls on its device.

The patches are installed when the first context opens and removed when the
last one closes, on normal exit and on exceptions alike.  A patch that someone
else has replaced in the meantime is left alone.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional, Union

import torch

from fastinit._generator import Generator, default_rng
from fastinit._seeding import SeedLike
from fastinit._threads import resolve_threads

from . import _deferred, _nn_init
from ._routing import ACTIVE, Route, active_route, fill, seed_from_torch

__all__ = ["fast_init"]

_MISSING = object()


def _parse(args: tuple, kwargs: dict, names: tuple[str, str],
           defaults: tuple[float, float]) -> Optional[dict[str, Any]]:
    """``Tensor.uniform_``/``normal_`` arguments as a dict; None if torch must handle them."""
    if len(args) > 2 or kwargs.get("generator") is not None:
        return None
    unknown = set(kwargs) - set(names) - {"generator"}
    if unknown:
        return None
    values = dict(zip(names, defaults))
    for name, value in zip(names, args):
        if name in kwargs:
            return None  # given twice: torch raises
        values[name] = value
    for name in names:
        if name in kwargs:
            values[name] = kwargs[name]
    return values


def _routable(tensor: torch.Tensor) -> Optional[Route]:
    route = active_route()
    if route is None or (tensor.requires_grad and torch.is_grad_enabled()):
        return None  # autograd must see (or refuse) the write
    return route


class _Patches:
    """The process-wide replacements, counted by open contexts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0
        self._saved: list[tuple[Any, str, Any, Any]] = []  # (owner, name, original, ours)
        self._hook: Optional[Any] = None  # the global forward pre-hook (_deferred)

    def _targets(self) -> list[tuple[Any, str, Callable]]:
        tensor_uniform = torch.Tensor.uniform_
        tensor_normal = torch.Tensor.normal_

        def uniform_(self: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
            route = _routable(self)
            params = route and _parse(args, kwargs, ("from", "to"), (0.0, 1.0))
            if params and fill("uniform", self, route.rng, route.n_threads, route.defer_owner,
                               low=params["from"], high=params["to"]):
                return self
            return _deferred.overwrite(tensor_uniform, self, *args, **kwargs)

        def normal_(self: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
            route = _routable(self)
            params = route and _parse(args, kwargs, ("mean", "std"), (0.0, 1.0))
            if params and fill("normal", self, route.rng, route.n_threads, route.defer_owner,
                               loc=params["mean"], scale=params["std"]):
                return self
            return _deferred.overwrite(tensor_normal, self, *args, **kwargs)

        uniform_.__doc__ = tensor_uniform.__doc__
        normal_.__doc__ = tensor_normal.__doc__
        tensor_zero, tensor_fill, tensor_copy = (torch.Tensor.zero_, torch.Tensor.fill_,
                                                 torch.Tensor.copy_)

        # Whole-tensor writes replace a fill recorded for exactly that memory
        # (_deferred), also where the mode does not see them (inside
        # torch.nn.init functions); otherwise they are torch's.
        def zero_(self: torch.Tensor) -> torch.Tensor:
            return _deferred.overwrite(tensor_zero, self)

        def fill_(self: torch.Tensor, value: Any) -> torch.Tensor:
            return _deferred.overwrite(tensor_fill, self, value)

        def copy_(self: torch.Tensor, src: Any, non_blocking: bool = False) -> torch.Tensor:
            return _deferred.overwrite(tensor_copy, self, src, non_blocking)

        zero_.__doc__, fill_.__doc__, copy_.__doc__ = (tensor_zero.__doc__, tensor_fill.__doc__,
                                                       tensor_copy.__doc__)
        torch_trunc_normal = torch.nn.init.trunc_normal_

        def trunc_normal_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0,
                          a: float = -2.0, b: float = 2.0,
                          generator: Optional[torch.Generator] = None) -> torch.Tensor:
            if active_route() is None:
                return torch_trunc_normal(tensor, mean, std, a, b, generator)
            return _nn_init.trunc_normal_(tensor, mean, std, a, b, generator)

        trunc_normal_.__doc__ = torch_trunc_normal.__doc__
        return [(torch.Tensor, "uniform_", uniform_), (torch.Tensor, "normal_", normal_),
                (torch.Tensor, "zero_", zero_), (torch.Tensor, "fill_", fill_),
                (torch.Tensor, "copy_", copy_), (torch.nn.init, "trunc_normal_", trunc_normal_)]

    def acquire(self) -> None:
        with self._lock:
            if self._open == 0:
                # torch.overrides caches the set of Tensor methods on first use (FX
                # tracing asks it); fill that cache with torch's own methods, not ours.
                torch.overrides.is_tensor_method_or_property(torch.Tensor.normal_)
                for owner, name, ours in self._targets():
                    original = owner.__dict__.get(name, _MISSING)
                    setattr(owner, name, ours)
                    self._saved.append((owner, name, original, ours))
                self._hook = torch.nn.modules.module.register_module_forward_pre_hook(
                    _deferred.write_before_script_call)
            self._open += 1

    def release(self) -> None:
        with self._lock:
            self._open -= 1
            if self._open:
                return
            for owner, name, original, ours in reversed(self._saved):
                if owner.__dict__.get(name) is not ours:
                    continue  # replaced by someone else since: theirs to restore
                if original is _MISSING:
                    delattr(owner, name)  # torch.Tensor inherits it from TensorBase again
                else:
                    setattr(owner, name, original)
            self._saved.clear()
            if self._hook is not None:
                self._hook.remove()
                self._hook = None

    @property
    def installed(self) -> bool:
        return self._open > 0


PATCHES = _Patches()


class fast_init:
    """Route the random fills of model code through fastinit while the context is open.

    ``with fastinit.torch.fast_init(): model = AnyModel(config)``: inside, the
    calls model code makes to fill CPU floating-point tensors
    (``torch.nn.init.*``, ``tensor.uniform_``, ``tensor.normal_``) draw from
    fastinit's parallel kernels, with the distributions and parameters torch
    would use.  Nothing else about the model changes: its buffers, ties and
    custom code run as they always do.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or fastinit.Generator, optional
        ``None`` (default) derives the seed from torch's default CPU generator
        (``torch.initial_seed()`` and one 64-bit draw from it), so
        ``torch.manual_seed(s)`` before the context makes the run repeat, and
        two contexts in a row differ as two plain constructions do.  A
        ``fastinit.Generator`` is drawn from (and advanced) directly.
    n_threads : int, optional
        Threads per fill; default ``omp_get_max_threads()``.  The values do
        not depend on it.
    defer : bool, optional
        ``True`` (default): a routed fill of more than 4096 elements is
        recorded and written when something first reads that memory (any
        torch function given the tensor or a view of it) or when the
        context exits, so a fill the model code overwrites -- each
        ``nn.Linear``'s ``reset_parameters`` under Hugging Face's
        ``_init_weights`` -- is never written.  The values are the same
        bit for bit.  ``False`` writes every fill at once: for code that
        reads the tensors inside the context without a torch function
        (another thread, a C++ extension, a scripted TorchScript function --
        scripted and traced modules are seen --, a NumPy array taken from
        the tensor before it was filled).

    Notes
    -----
    **Streams.**  A context owns one fastinit ``Generator``; each routed fill
    takes the next range of its stream (``Generator.reserve``), so the values
    depend on the seed and the order of the fills (the model's construction
    order), never on the thread count.  A dense non-contiguous tensor
    (``channels_last``, a transpose) is filled in memory order.

    **What is routed.**  CPU tensors of float32, float64, float16 and
    bfloat16 whose elements are one dense block of memory, written without
    autograd (under ``torch.no_grad``, or not requiring grad) -- the version
    counter is bumped as torch's in-place ops do.  Everything else goes to
    torch unchanged: other devices, meta tensors, integer tensors, an explicit
    ``generator=``, sparse or quantized layouts, strided or overlapping views,
    tensor subclasses with ``__torch_function__``, writes autograd must
    record, ``torch.compile`` tracing, and parameters fastinit refuses (torch
    then raises or works as usual).  ``zero_``, ``fill_``, ``copy_`` and the
    other deterministic fills stay torch's.

    **Deferred fills** (``defer=True``).  While the context is open, its
    thread has a ``TorchFunctionMode`` that writes a recorded fill before any
    torch function other than a metadata query or a view can read the
    memory (``sum``, ``numpy()``, ``data_ptr()``, ``torch.save``, a forward
    pass, ``weight_norm``...).  A fill, ``zero_``, ``fill_``, ``copy_`` or
    ``torch.nn.init`` function that writes exactly the same memory replaces
    the recorded fill unwritten; a partial write (one row) writes it first.
    Every recorded fill is written when the context exits, exceptions
    included -- except those of tensors let go meanwhile, which nothing can
    read any more.

    **Threads and nesting.**  The patches are process-wide while any context
    is open, but only the thread (``contextvars`` context) that entered a
    ``fast_init`` is routed; other threads get torch's functions.  Contexts
    nest: the innermost one's generator is used until it exits, then the
    outer one's again.  Everything is restored on exit, exceptions included.

    Examples
    --------
    >>> import torch, fastinit.torch
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> with fastinit.torch.fast_init():
    ...     layer = torch.nn.Linear(1024, 1024)  # reset_parameters() drew from fastinit
    """

    def __init__(self, seed: Union[SeedLike, Generator] = None, *,
                 n_threads: Optional[int] = None, defer: bool = True) -> None:
        resolve_threads(n_threads)  # refused here, naming n_threads
        if seed is not None and not isinstance(seed, Generator):
            default_rng(seed)  # refused here, naming seed
        if not isinstance(defer, bool):
            raise TypeError(f"defer must be True or False, got {defer!r}")
        self._seed = seed
        self._n_threads = n_threads
        self._defer = defer
        self._token: Optional[Any] = None
        self._generator: Optional[Generator] = None

    @property
    def generator(self) -> Optional[Generator]:
        """The fastinit ``Generator`` of the open context (None before it opens)."""
        return self._generator

    def __enter__(self) -> "fast_init":
        if self._token is not None:
            raise RuntimeError("this fast_init context is already open; make a new one")
        seed = self._seed
        if seed is None:
            seed = seed_from_torch()
        self._generator = default_rng(seed)
        PATCHES.acquire()
        if self._defer:
            _deferred.open_context(self)
        self._token = ACTIVE.set(Route(self._generator, self._n_threads,
                                       self if self._defer else None))
        return self

    def __exit__(self, *exc_info: Any) -> None:
        token, self._token = self._token, None
        try:
            if self._defer:
                _deferred.close_context(self)  # every recorded fill written
        finally:
            try:
                ACTIVE.reset(token)
            finally:
                PATCHES.release()


def patches_installed() -> bool:
    """Whether torch's functions are replaced now (some ``fast_init`` is open)."""
    return PATCHES.installed

