"""Thread policy, in one place (as scikit-learn does).

``n_threads=None`` means ``omp_get_max_threads()``, read at every call, so
``OMP_NUM_THREADS`` and threadpoolctl's limits apply; a negative count counts
from the end (``-1`` = all, ``-2`` = all but one); 0 is an error.  A
``threads(n)`` context manager overrides the default for the code inside it
(per thread of Python code: it is a ContextVar).

Forked children: a process forked (``os.fork``, ``multiprocessing``'s
"fork" start method) after its parent ran a multi-threaded fill -- of the C
core, or of Numba's threading layer -- cannot start threads safely (GNU
OpenMP would wait forever for the parent's pool; Numba's OpenMP layer kills
the child).  Such a child runs every fill on one thread: the same bits, no
hang.  Children made by "spawn" or "forkserver", and children forked before
any multi-threaded fill, get all threads.

Counts above :data:`MAX_THREADS` are lowered to it: the bits never depend
on the thread count (stream contract 2), and asking OpenMP for hundreds of
thousands of threads would crash the process when thread creation fails.
"""
from __future__ import annotations

import contextlib
import contextvars
import operator
import os
import sys
from typing import Iterator, Optional

import numpy as np

from . import _core

#: Most threads one fill starts (more only oversubscribe the CPUs).
MAX_THREADS = max(256, 8 * (os.cpu_count() or 1))

_override: contextvars.ContextVar[Optional[int]] = contextvars.ContextVar(
    "fastinit_n_threads", default=None
)


def _numba_threads_launched() -> bool:
    parallel = sys.modules.get("numba.np.ufunc.parallel")
    return bool(getattr(parallel, "_is_initialized", False))


def _after_fork_in_child() -> None:
    if _core.team_started() or _numba_threads_launched():
        _core.run_serially()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)


def forked_serial() -> bool:
    """True in a child forked after its parent ran threads: fills are serial here."""
    return _core.serial_only()


def check_thread_count(n_threads: object, argname: str = "n_threads") -> int:
    """An explicit thread count as an int: negative counts from the end, 0 refused.

    TypeError (not an int, or a bool) / ValueError (0) naming ``argname``.
    """
    if isinstance(n_threads, (bool, np.bool_)):  # an int to operator.index, never a count
        raise TypeError(f"{argname} must be an int or None, got {n_threads!r}")
    try:
        n = operator.index(n_threads)
    except TypeError:
        raise TypeError(f"{argname} must be an int or None, got {n_threads!r}") from None
    if n == 0:
        raise ValueError(f"{argname}=0 is invalid: use None for all threads or a count >= 1")
    return n


def resolve_threads(n_threads: Optional[int] = None) -> int:
    """The number of threads a fill uses."""
    if n_threads is None:
        n_threads = _override.get()
    if n_threads is not None:
        check_thread_count(n_threads, "n_threads")
    if _core.serial_only():
        return 1
    max_threads = min(_core.omp_max_threads(), MAX_THREADS)
    if n_threads is None:
        return max_threads
    n = operator.index(n_threads)  # checked above
    if n < 0:
        return max(1, max_threads + 1 + n)
    return min(n, MAX_THREADS)


def get_num_threads() -> int:
    """Threads the next fill will use by default."""
    return resolve_threads(None)


@contextlib.contextmanager
def threads(n_threads: Optional[int]) -> Iterator[None]:
    """Use ``n_threads`` for fills inside the ``with`` block.

    Examples
    --------
    >>> import fastinit
    >>> with fastinit.threads(1):
    ...     x = fastinit.default_rng(0).random(10)
    """
    if n_threads is not None:
        check_thread_count(n_threads, "n_threads")
    token = _override.set(n_threads)
    try:
        yield
    finally:
        _override.reset(token)
