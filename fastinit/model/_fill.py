"""Filling many tensors in one parallel pass.

Tensor ``name`` of a spec is ``initializer(shape, dtype, rng=root.stream(name))``.
For an elementwise initializer that is one Generator method at stream
position 0 (``initializer.plan``), so any piece of it can be computed alone
with ``fill_at(method, piece, offset, position=0)``, bit for bit.  Every
tensor is therefore cut into pieces of :data:`CHUNK` elements (non-elementwise
initializers -- orthogonal, identity, ... -- stay whole: the large ones are
filled first, one at a time with all threads), and a pool of ``n_threads``
workers fills the pieces of all tensors, largest first, each piece on one
thread with the GIL released.

Compared with one OpenMP-parallel fill per tensor this has no barrier per
tensor: thousands of small tensors run side by side, and a core that another
process is using slows the pass down by its share only, instead of stalling
every fill at its end.  The result does not depend on ``n_threads``.
Ctrl-C stops the pass after the pieces being filled (milliseconds each).
"""
from __future__ import annotations

from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Optional, Sequence

import numpy as np

from .._generator import Generator
from .._threads import resolve_threads

#: Elements per piece: ~5-15 ms of one core, small enough to balance the
#: workers and to stop quickly on Ctrl-C.
CHUNK = 1 << 22


def _pieces(tensor: Any, out: np.ndarray, root: Generator) -> list[tuple[Callable[[], None], int]]:
    """(callable, elements) pairs that together fill ``out`` with tensor ``tensor.name``."""
    init = tensor.initializer
    rng = root.stream(tensor.name)
    if not init.elementwise or out.size <= CHUNK:
        return [(lambda: init(tensor.shape, tensor.dtype, rng=rng, out=out, n_threads=1),
                 out.size)]
    flat = out.reshape(-1)  # a view: out is C-contiguous
    method, params = init.plan(tensor.shape, tensor.dtype)
    pieces = []
    for start in range(0, flat.size, CHUNK):
        piece = flat[start:start + CHUNK]
        if method == "constant":  # no stream: the initializer fills any piece
            pieces.append((lambda p=piece: init(p.shape, p.dtype, out=p, n_threads=1),
                           piece.size))
        else:
            pieces.append((lambda p=piece, s=start: rng.fill_at(
                method, p, s, position=0, n_threads=1, **params), piece.size))
    return pieces


def fill_tensors(items: Sequence[tuple[Any, np.ndarray]], root: Generator,
                 n_threads: Optional[int] = None,
                 on_done: Optional[Callable[[Any], None]] = None) -> None:
    """Fill each ``out`` with its tensor, from ``root.stream(tensor.name)``, in parallel.

    Parameters
    ----------
    items : sequence of (TensorSpec, ndarray)
        The tensors and their C-contiguous outputs (checked before).
    root : Generator
        The generator whose named sub-streams the tensors draw from.
    n_threads : int, optional
        Worker threads; default ``fastinit.get_num_threads()`` (which
        ``fastinit.threads`` sets).
    on_done : callable, optional
        Called with each tensor once it is complete, in the calling thread.
    """
    nt = resolve_threads(n_threads)
    work = []
    for tensor, out in items:
        if tensor.initializer.elementwise or out.size <= CHUNK:
            work.append((tensor, _pieces(tensor, out, root)))
        else:  # a large orthogonal, identity, ...: whole, with its own parallelism
            tensor.initializer(tensor.shape, tensor.dtype, rng=root.stream(tensor.name),
                               out=out, n_threads=nt)
            if on_done is not None:
                on_done(tensor)
    if nt == 1 or sum(len(pieces) for _, pieces in work) <= 1:
        for tensor, pieces in work:
            for piece, _ in pieces:
                piece()
            if on_done is not None:
                on_done(tensor)
        return
    left = {id(tensor): len(pieces) for tensor, pieces in work}
    # Largest pieces first (chunks of large tensors, then small tensors whole):
    # the workers finish together.
    order = sorted(((tensor, piece, size) for tensor, pieces in work for piece, size in pieces),
                   key=lambda item: -item[2])
    with ThreadPoolExecutor(max_workers=nt, thread_name_prefix="fastinit-fill") as pool:
        futures: dict[Future, Any] = {pool.submit(piece): tensor for tensor, piece, _ in order}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION)
                for future in done:
                    future.result()  # re-raises a worker's exception here
                    tensor = futures[future]
                    left[id(tensor)] -= 1
                    if left[id(tensor)] == 0 and on_done is not None:
                        on_done(tensor)
        except BaseException:
            for future in pending:
                future.cancel()
            raise  # leaving the pool waits for the pieces being filled

