"""Thread policy, in one place (as scikit-learn does).

``n_threads=None`` means ``omp_get_max_threads()``, read at every call, so
``OMP_NUM_THREADS`` and threadpoolctl's limits apply; a negative count counts
from the end (``-1`` = all, ``-2`` = all but one); 0 is an error.  A
``threads(n)`` context manager overrides the default for the code inside it
(per thread of Python code: it is a ContextVar).

Counts above :data:`MAX_THREADS` are lowered to it: the bits never depend
on the thread count (stream contract 2), and asking OpenMP for hundreds of
thousands of threads would crash the process when thread creation fails.
"""
from __future__ import annotations

import contextlib
import contextvars
import operator
import os
from typing import Iterator, Optional

from . import _core

#: Most threads one fill starts (more only oversubscribe the CPUs).
MAX_THREADS = max(256, 8 * (os.cpu_count() or 1))

_override: contextvars.ContextVar[Optional[int]] = contextvars.ContextVar(
    "fastinit_n_threads", default=None
)


def check_thread_count(n_threads: object, argname: str = "n_threads") -> int:
    """An explicit thread count as an int: negative counts from the end, 0 refused.

    TypeError (not an int) / ValueError (0) naming ``argname``.
    """
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
    max_threads = min(_core.omp_max_threads(), MAX_THREADS)
    if n_threads is None:
        return max_threads
    n = check_thread_count(n_threads, "n_threads")
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
