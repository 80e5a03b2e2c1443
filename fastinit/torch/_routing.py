"""Which fastinit stream a torch fill draws from, and the one function that fills.

Inside ``fastinit.torch.fast_init`` the calling context (a Python thread, or an
asyncio task that copied it) has an active :class:`Route`: a fastinit
``Generator`` whose consecutive ranges the fills take, in call order
(``Generator.reserve``), and a thread count.  Outside any ``fast_init``, each
call of a ``fastinit.torch.<fn>_`` function makes a fresh generator seeded from
torch's default CPU generator (``torch.initial_seed()`` and one 64-bit draw
from it), so ``torch.manual_seed`` controls it as it controls ``torch.nn.init``.
"""
from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import torch

from fastinit._generator import Generator, default_rng
from fastinit._methods import get_method

from . import _deferred
from ._tensors import NUMPY_DTYPES, bump_version, dense_view

__all__ = ["Route", "ACTIVE", "active_route", "seed_from_torch", "generator_for_call", "accepts",
           "fill"]


@dataclass(frozen=True)
class Route:
    """Where routed fills of one ``fast_init`` context draw from."""

    rng: Generator
    n_threads: Optional[int]
    #: The ``fast_init`` whose large fills are recorded and written late
    #: (``_deferred``); None: every fill is written at once.
    defer_owner: Optional[object] = None


#: The route of the current context (thread / task); None outside ``fast_init``.
ACTIVE: contextvars.ContextVar[Optional[Route]] = contextvars.ContextVar(
    "fastinit_torch_route", default=None)


def active_route() -> Optional[Route]:
    """The innermost ``fast_init`` route of this thread, or None.

    None as well while ``torch.compile`` traces (Dynamo must see torch's ops).
    """
    route = ACTIVE.get()
    if route is not None and torch.compiler.is_compiling():
        return None
    return route


def seed_from_torch() -> np.random.SeedSequence:
    """A seed that torch's default CPU generator determines (and advances by one draw).

    ``torch.manual_seed(s)`` makes it repeat; two calls in a row differ, as two
    models built one after the other with plain torch do.
    """
    draw = int(torch.randint(0, 2**62, (), dtype=torch.int64))
    return np.random.SeedSequence([torch.initial_seed(), draw])


def generator_for_call() -> tuple[Generator, Optional[int], Optional[object]]:
    """The generator, thread count and deferring ``fast_init`` (or None) one
    ``fastinit.torch.<fn>_`` call draws with."""
    route = active_route()
    if route is not None:
        return route.rng, route.n_threads, route.defer_owner
    return default_rng(seed_from_torch()), None, None


def accepts(method: str, tensor: torch.Tensor, **params: Any) -> bool:
    """Whether fastinit's ``method`` takes these parameters for ``tensor``'s dtype.

    What fastinit refuses (a float16 normal whose tails overflow, ``low >
    high``, a non-number...) is left to torch, which then does what it does
    (works, or raises its own error).
    """
    dtype = NUMPY_DTYPES.get(tensor.dtype)
    if dtype is None:
        return False
    try:
        get_method(method).kernel_params(dtype, params)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def fill(method: str, tensor: torch.Tensor, rng: Generator, n_threads: Optional[int],
         defer_owner: Optional[object] = None, **params: Any) -> bool:
    """Fill ``tensor`` in place with ``rng.<method>(**params)``; False if torch must do it.

    Nothing is written and nothing is drawn when it returns False.  The write
    goes through a view of the tensor's memory, outside autograd (as under
    ``torch.no_grad``), and bumps the tensor's version counter as torch's
    in-place ops do.  With ``defer_owner`` (a ``fast_init`` that defers), a
    large fill is recorded and written late, with the same values
    (``_deferred``).
    """
    # fastinit's own torch calls are not uses of the memory (_deferred's mode)
    with torch._C.DisableTorchFunction():
        view = dense_view(tensor)
        if view is None or not accepts(method, tensor, **params):
            return False
        # (also under a fast_init(defer=False) nested inside a deferring one)
        with _deferred.replacing(tensor):
            if (defer_owner is not None and view.size > _deferred.DEFER_ABOVE
                    and _deferred.writes_late()):
                _deferred.record(defer_owner, method, tensor, view, rng, n_threads, params)
            else:
                getattr(rng, method)(**params, out=view, n_threads=n_threads)
        bump_version(tensor)
    return True
