"""Dask arrays filled by fastinit, bit-identical to local fills.

``import fastinit.dask as fd`` gives a Dask-flavoured :class:`Generator` whose
methods return :class:`dask.array.Array` instead of NumPy arrays.

How it stays bit-identical
--------------------------
A call reserves exactly the stream range the same local call would
(``size * words_per_element`` words at the generator's position), when the
call is made, so local and Dask draws from one generator interleave as if all
were local.  Each block of the result is then filled on a worker by the core
kernel at the global position of its elements: the block is seen as rows
(all axes but the trailing contiguous ones flattened) and row ``r`` starts at
the global C-order index of its first element
(:meth:`fastinit.Generator.fill_at` with ``row_offsets``).  Every element is
a pure function of (key, stream id, position), so ``x.compute()`` equals the
local result for any chunking: irregular chunks, chunks that split rows,
any number of workers.

The task graph carries no data: one small :class:`_Draw` description (key,
stream id, first Philox block, method, parameters, global shape, dtype) and,
per block, the block's index ranges.  Blocks are allocated and filled on the
workers.

Threads per task
----------------
A task fills its block with ``n_threads`` threads when the call was given
``n_threads``; otherwise it stays within the thread budget of where it runs:

* in a ``distributed`` worker, which runs up to ``nthreads`` tasks at once on
  its own thread pool, a task uses the one thread it was given;
* in Dask's local threaded or multiprocessing schedulers, likewise one thread
  per task (the pool already has one thread per core);
* in the synchronous scheduler (tasks run one at a time in the main thread
  of the calling process) a task uses fastinit's default,
  :func:`fastinit.get_num_threads`.

Dask and distributed are optional: ``pip install "fastinit[dask]"``.
"""
from __future__ import annotations

import math
import multiprocessing
import threading
from typing import Any, Optional, Sequence, Union

import numpy as np

try:
    import dask.array as da
    from dask.array.core import normalize_chunks
    from dask.base import tokenize
except ImportError as _exc:  # pragma: no cover - exercised by simulating a missing dask
    raise ImportError(
        "fastinit.dask needs Dask, which is not installed: "
        'pip install "fastinit[dask]"  (installs dask[array], distributed and zarr)'
    ) from _exc

from . import _core, _dtypes, _seeding, _threads
from ._generator import _METHODS
from ._generator import Generator as _LocalGenerator
from ._generator import default_rng as _local_default_rng
from ._validation import SizeLike, normalize_size

ChunksLike = Union[str, int, Sequence[Any]]


# ---------------------------------------------------------------- a draw --
class _Draw:
    """Everything a task needs to fill any block of one draw -- and no data.

    Parameters
    ----------
    key : tuple of two ints
        Philox key.
    stream_id : int
        64-bit stream id.
    position : int
        First Philox block of the draw (what the local call would reserve).
    method : str
        A :meth:`fastinit.Generator.fill_at` method.
    params : dict
        The method's parameters, as :meth:`~fastinit.Generator.fill_at` takes
        them.
    shape : tuple of ints
        Shape of the whole array.
    dtype : str
        Name of the output dtype ("float32", "bfloat16", "uint32", ...).
    n_threads : int or None
        Threads per task; ``None`` lets :func:`_task_threads` decide.
    """

    __slots__ = ("key", "stream_id", "position", "method", "params", "shape", "dtype",
                 "n_threads")

    def __init__(self, key: tuple[int, int], stream_id: int, position: int, method: str,
                 params: dict, shape: tuple[int, ...], dtype: str,
                 n_threads: Optional[int]) -> None:
        self.key = (int(key[0]), int(key[1]))
        self.stream_id = int(stream_id)
        self.position = int(position)
        self.method = str(method)
        self.params = dict(params)
        self.shape = tuple(int(d) for d in shape)
        self.dtype = str(dtype)
        self.n_threads = n_threads

    def _fields(self) -> tuple:
        return (self.key, self.stream_id, self.position, self.method, self.params,
                self.shape, self.dtype, self.n_threads)

    def __reduce__(self):
        return (_Draw, self._fields())

    def __dask_tokenize__(self) -> tuple:
        return ("fastinit.dask._Draw", self.key, self.stream_id, self.position, self.method,
                tuple(sorted(self.params.items())), self.shape, self.dtype, self.n_threads)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Draw) and self.__dask_tokenize__() == other.__dask_tokenize__()

    def __hash__(self) -> int:
        return hash(self.__dask_tokenize__())

    def __repr__(self) -> str:
        return (f"_Draw(method={self.method!r}, params={self.params!r}, shape={self.shape}, "
                f"dtype={self.dtype!r}, key=({self.key[0]:#010x}, {self.key[1]:#010x}), "
                f"stream_id={self.stream_id:#x}, position={self.position}, "
                f"n_threads={self.n_threads})")


def _dtype_from_name(name: str) -> np.dtype:
    return _dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


# ------------------------------------------------------------- on workers --
def _current_worker() -> Any:
    """The ``distributed`` worker running this code, or None."""
    try:
        from distributed import get_worker
    except ImportError:
        return None
    try:
        return get_worker()
    except ValueError:
        return None


def _task_threads(n_threads: Optional[int] = None) -> int:
    """Threads one block-filling task uses (see the module docstring).

    Parameters
    ----------
    n_threads : int, optional
        Explicit count given to the call; wins when given (a negative count
        counts from the end of the machine's threads, as everywhere).

    Returns
    -------
    int
        A count >= 1.
    """
    if n_threads is not None:
        return _threads.resolve_threads(n_threads)
    if _current_worker() is not None:
        # The worker runs up to `nthreads` tasks at once, each on one thread
        # of its pool: that pool is its CPU budget.
        return 1
    if (threading.current_thread() is threading.main_thread()
            and multiprocessing.parent_process() is None):
        return _threads.resolve_threads(None)  # synchronous scheduler: one task at a time
    return 1  # a pool thread or a pool process: the pool holds one per core


def _row_offsets(shape: tuple[int, ...], location: Sequence[tuple[int, int]]) -> np.ndarray:
    """Global C-order index of the first element of each contiguous row of a block.

    Parameters
    ----------
    shape : tuple of ints
        Shape of the whole array.
    location : sequence of (start, stop)
        The block's index range along each axis.

    Returns
    -------
    ndarray of int64
        One entry per row: the block, C-ordered, is ``len(offsets)`` rows of
        equal length, each a contiguous run of the whole array.

    Notes
    -----
    Trailing axes that the block spans entirely are merged into the rows, so
    a band of whole rows of a 2-D array is a single run.
    """
    ndim = len(shape)
    if ndim == 0:
        return np.zeros(1, np.int64)
    # axis k: the outermost axis such that every axis after it is spanned fully
    k = ndim - 1
    while k > 0 and location[k] == (0, shape[k]):
        k -= 1
    strides = [1] * ndim
    for axis in range(ndim - 2, -1, -1):
        strides[axis] = strides[axis + 1] * shape[axis + 1]
    offsets = np.array([location[k][0] * strides[k]], dtype=np.int64)
    for axis in range(k - 1, -1, -1):
        start, stop = location[axis]
        along = np.arange(start, stop, dtype=np.int64) * strides[axis]
        offsets = (along[:, None] + offsets[None, :]).ravel()
    return offsets


def _fill_block(draw: _Draw, block_info: Optional[dict] = None) -> np.ndarray:
    """Allocate and fill one block of ``draw``; runs on a worker.

    Parameters
    ----------
    draw : _Draw
        The draw the block belongs to.
    block_info : dict
        Supplied by :func:`dask.array.map_blocks`; only
        ``block_info[None]["array-location"]`` is read.
    """
    if block_info is None:
        raise ValueError("block_info is required (this function is called by dask.array.map_blocks)")
    location = [(int(a), int(b)) for a, b in block_info[None]["array-location"]]
    out = np.empty(tuple(b - a for a, b in location), _dtype_from_name(draw.dtype))
    if out.size == 0:
        return out
    n_threads = _task_threads(draw.n_threads)
    rng = _LocalGenerator(0)
    rng.state = {"key": draw.key, "stream_id": draw.stream_id, "position": draw.position}
    offsets = _row_offsets(draw.shape, location)
    rng.fill_at(draw.method, out, position=draw.position, row_offsets=offsets,
                n_threads=n_threads, **draw.params)
    return out


# ------------------------------------------------------------ graph side --
def _check_chunks(chunks: ChunksLike, shape: tuple[int, ...],
                  dtype: np.dtype) -> tuple[tuple[int, ...], ...]:
    """``chunks`` normalised by Dask; ValueError naming ``chunks`` if it does not fit."""
    try:
        normalized = normalize_chunks(chunks, shape, dtype=dtype)
    except (ValueError, TypeError, ZeroDivisionError, NotImplementedError) as exc:
        raise ValueError(f"chunks={chunks!r} does not fit the array's shape {shape}: {exc}") from exc
    if len(normalized) != len(shape) or any(
            any(c < 0 for c in axis) or sum(axis) != dim for axis, dim in zip(normalized, shape)):
        raise ValueError(f"chunks={chunks!r} does not tile the array's shape {shape} "
                         f"(got {normalized})")
    return normalized


def _check_n_threads(n_threads: Optional[int]) -> Optional[int]:
    if n_threads is None:
        return None
    return _threads._check_count(n_threads, "n_threads")


def _from_draw(draw: _Draw, chunks: tuple[tuple[int, ...], ...]) -> "da.Array":
    """The Dask array whose blocks ``_fill_block`` fills from ``draw``."""
    dtype = _dtype_from_name(draw.dtype)
    name = f"fastinit-{draw.method.replace('_', '-')}-{tokenize(draw, chunks)}"
    return da.map_blocks(_fill_block, draw, name=name, chunks=chunks, dtype=dtype,
                         meta=np.empty((0,) * len(chunks), dtype))


def _draw_array(rng: _LocalGenerator, method: str, size: SizeLike, dtype: Any,
                chunks: ChunksLike, n_threads: Optional[int], params: dict) -> "da.Array":
    """Validate, reserve the local call's stream range, and build the array."""
    shape = normalize_size(size)
    shape = () if shape is None else shape
    if method == "random_raw":
        dt, code = np.dtype(np.uint32), _core.U32
    else:
        dt = _dtypes.resolve_float_dtype(np.float64 if dtype is None else dtype)
        code = _dtypes.kernel_dtype(dt)
    kind, _ = _METHODS[method](dt, **params)  # checks the parameters, naming them
    normalized = _check_chunks(chunks, shape, dt)
    nt = _check_n_threads(n_threads)
    position = rng._reserve(math.prod(shape) * _core.words_per_element(kind, code))
    draw = _Draw(rng.key, rng.stream_id, position, method,
                 {k: float(v) for k, v in params.items()}, shape, dt.name, nt)
    return _from_draw(draw, normalized)


class Generator:
    """A fastinit Generator whose fills are Dask arrays.

    Each method takes the local method's arguments (without ``out``) plus
    ``chunks``, reserves the same stream range as the local call, and returns
    a lazy :class:`dask.array.Array` whose blocks are filled on the workers.
    ``fd.default_rng(s).method(..., chunks=c).compute()`` equals
    ``fastinit.default_rng(s).method(...)`` bit for bit, for any ``c``, and so
    do successive calls.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence, fastinit.Generator or Generator
        As for :func:`fastinit.default_rng`.  A :class:`fastinit.Generator`
        (or this class's) is shared, not copied: Dask and local draws then
        advance one stream.

    Examples
    --------
    >>> import fastinit, fastinit.dask as fd
    >>> x = fd.default_rng(7).standard_normal((1000, 300), chunks=(256, 128), dtype="float32")
    >>> y = fastinit.default_rng(7).standard_normal((1000, 300), dtype="float32")
    >>> bool((x.compute() == y).all())
    True
    """

    def __init__(self, seed: Union[_seeding.SeedLike, _LocalGenerator, "Generator"] = None
                 ) -> None:
        self._local = _local_default_rng(seed.local if isinstance(seed, Generator) else seed)

    @property
    def local(self) -> _LocalGenerator:
        """The :class:`fastinit.Generator` whose stream this one reserves from."""
        return self._local

    @property
    def seed_seq(self) -> np.random.SeedSequence:
        """The SeedSequence the key came from."""
        return self._local.seed_seq

    @property
    def key(self) -> tuple[int, int]:
        """The Philox key, two 32-bit words."""
        return self._local.key

    @property
    def stream_id(self) -> int:
        """The 64-bit stream id."""
        return self._local.stream_id

    @property
    def position(self) -> int:
        """The next unused Philox block of the stream."""
        return self._local.position

    def stream(self, name: str) -> "Generator":
        """The named sub-stream, as :meth:`fastinit.Generator.stream`."""
        return Generator(self._local.stream(name))

    def spawn(self, n_children: int) -> list["Generator"]:
        """Independent generators, as :meth:`fastinit.Generator.spawn`."""
        return [Generator(child) for child in self._local.spawn(n_children)]

    def __repr__(self) -> str:
        return f"fastinit.dask.Generator({self._local!r})"

    # ------------------------------------------------------------ methods --
    def random(self, size: SizeLike = None, dtype: Any = None, *, chunks: ChunksLike = "auto",
               n_threads: Optional[int] = None) -> "da.Array":
        """Uniform floats in [0.0, 1.0), as :meth:`fastinit.Generator.random`.

        Parameters
        ----------
        size : int or tuple of ints, optional
            Shape of the array; ``None`` gives a 0-d array (one element).
        dtype : dtype, optional
            float64 (default), float32, float16 or bfloat16.
        chunks : str, int, tuple, optional
            Any chunk specification :func:`dask.array.core.normalize_chunks`
            accepts ("auto", a block shape, explicit per-axis sizes, ...).
        n_threads : int, optional
            Threads per task; by default each task stays within the
            scheduler's thread budget (see :mod:`fastinit.dask`).

        Returns
        -------
        dask.array.Array
        """
        return _draw_array(self._local, "random", size, dtype, chunks, n_threads, {})

    def uniform(self, low: float = 0.0, high: float = 1.0, size: SizeLike = None,
                dtype: Any = None, *, chunks: ChunksLike = "auto",
                n_threads: Optional[int] = None) -> "da.Array":
        """Uniform floats in [low, high), as :meth:`fastinit.Generator.uniform`.

        Parameters
        ----------
        low, high : float
            Finite bounds, ``low <= high``.
        size, dtype, chunks, n_threads
            As in :meth:`random`.

        Returns
        -------
        dask.array.Array
        """
        return _draw_array(self._local, "uniform", size, dtype, chunks, n_threads,
                           {"low": low, "high": high})

    def standard_normal(self, size: SizeLike = None, dtype: Any = None, *,
                        chunks: ChunksLike = "auto",
                        n_threads: Optional[int] = None) -> "da.Array":
        """Samples from N(0, 1), as :meth:`fastinit.Generator.standard_normal`.

        Parameters
        ----------
        size, dtype, chunks, n_threads
            As in :meth:`random`.

        Returns
        -------
        dask.array.Array
        """
        return _draw_array(self._local, "standard_normal", size, dtype, chunks, n_threads, {})

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: SizeLike = None,
               dtype: Any = None, *, chunks: ChunksLike = "auto",
               n_threads: Optional[int] = None) -> "da.Array":
        """Samples from N(loc, scale**2), as :meth:`fastinit.Generator.normal`.

        Parameters
        ----------
        loc : float
            Mean, finite.
        scale : float
            Standard deviation, finite and non-negative.
        size, dtype, chunks, n_threads
            As in :meth:`random`.

        Returns
        -------
        dask.array.Array
        """
        return _draw_array(self._local, "normal", size, dtype, chunks, n_threads,
                           {"loc": loc, "scale": scale})

    def truncated_normal(self, loc: float = 0.0, scale: float = 1.0, a: float = -2.0,
                         b: float = 2.0, size: SizeLike = None, dtype: Any = None, *,
                         chunks: ChunksLike = "auto",
                         n_threads: Optional[int] = None) -> "da.Array":
        """N(loc, scale**2) restricted to [a, b] (absolute bounds), as
        :meth:`fastinit.Generator.truncated_normal`.

        Parameters
        ----------
        loc : float
            Mean of the untruncated normal, finite.
        scale : float
            Its standard deviation, finite and positive.
        a, b : float
            Bounds, ``a < b``; either may be infinite.
        size, dtype, chunks, n_threads
            As in :meth:`random`.

        Returns
        -------
        dask.array.Array
        """
        return _draw_array(self._local, "truncated_normal", size, dtype, chunks, n_threads,
                           {"loc": loc, "scale": scale, "a": a, "b": b})

    def random_raw(self, size: SizeLike = None, *, chunks: ChunksLike = "auto",
                   n_threads: Optional[int] = None) -> "da.Array":
        """The raw stream as uint32, as :meth:`fastinit.Generator.random_raw`.

        Parameters
        ----------
        size, chunks, n_threads
            As in :meth:`random`.

        Returns
        -------
        dask.array.Array
        """
        return _draw_array(self._local, "random_raw", size, None, chunks, n_threads, {})


def default_rng(seed: Union[_seeding.SeedLike, _LocalGenerator, Generator] = None) -> Generator:
    """A Dask-flavoured :class:`Generator` (one is returned as is).

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence, fastinit.Generator or fastinit.dask.Generator
        A :class:`fastinit.Generator` is wrapped and shared, so local and
        Dask draws advance the same stream.

    Returns
    -------
    Generator
    """
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)


__all__ = ["Generator", "default_rng"]
