"""Dask arrays filled by fastinit, bit-identical to local fills.

``import fastinit.dask as fd`` gives a Dask-flavoured :class:`Generator` whose
methods return :class:`dask.array.Array` instead of NumPy arrays, and the
initializers of the catalogue (``fd.he_normal(shape, chunks=..., seed=7)``,
..., and :func:`initializer` for names, configs and objects), for every one
that is elementwise.  Orthogonal, identity/eye, dirac and sparse are not:
they raise NotImplementedError (make them locally, then
``dask.array.from_array``).

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

import inspect
import math
import multiprocessing
import threading
from typing import Any, Callable, Optional, Sequence, Union

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
from . import initializers as _initializers
from ._generator import Generator as _LocalGenerator
from ._generator import default_rng as _local_default_rng
from ._methods import METHODS, FillMethod
from ._validation import SizeLike, allocate, resolve_draw
from .initializers import constant_bits, resolve_plan_args

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
        Key, stream id and position are unused (0) for ``"constant"``.
    method : str
        A :meth:`fastinit.Generator.fill_at` method, or ``"constant"``.
    params : dict
        The method's parameters, as :meth:`~fastinit.Generator.fill_at` takes
        them (``{"value": v}`` for ``"constant"``).
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
    # checked against the worker's free memory first: MemoryError naming the chunk
    out = allocate(tuple(b - a for a, b in location), _dtype_from_name(draw.dtype), "chunk")
    if out.size == 0:
        return out
    n_threads = _task_threads(draw.n_threads)
    if draw.method == "constant":  # as the local initializer: the value rounded once
        _core.fill_constant(out, constant_bits(draw.params["value"], out.dtype), n_threads)
        return out
    rng = _LocalGenerator(0)
    rng.state = {"key": draw.key, "stream_id": draw.stream_id, "position": draw.position}
    offsets = _row_offsets(draw.shape, location)
    rng.fill_at(draw.method, out, position=draw.position, row_offsets=offsets,
                n_threads=n_threads, **draw.params)
    return out


# ------------------------------------------------------------ graph side --
def _has_bool(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, (tuple, list)):
        return any(_has_bool(v) for v in value)
    if isinstance(value, dict):
        return any(_has_bool(v) for v in value.values())
    return False


def _check_chunks(chunks: ChunksLike, shape: tuple[int, ...],
                  dtype: np.dtype) -> tuple[tuple[int, ...], ...]:
    """``chunks`` normalised by Dask; ValueError naming ``chunks`` if it does not fit."""
    if _has_bool(chunks):  # Dask reads True as 1; a bool is no chunk size (nor a size)
        raise TypeError(f"chunks must be sizes (ints), a tuple of them or a string, "
                        f"got {chunks!r}")
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
    return _threads.check_thread_count(n_threads, "n_threads")


def _from_draw(draw: _Draw, chunks: tuple[tuple[int, ...], ...]) -> "da.Array":
    """The Dask array whose blocks ``_fill_block`` fills from ``draw``."""
    dtype = _dtype_from_name(draw.dtype)
    name = f"fastinit-{draw.method.replace('_', '-')}-{tokenize(draw, chunks)}"
    return da.map_blocks(_fill_block, draw, name=name, chunks=chunks, dtype=dtype,
                         meta=np.empty((0,) * len(chunks), dtype))


def _draw_array(rng: _LocalGenerator, method: str, size: SizeLike, dtype: Any,
                chunks: ChunksLike, n_threads: Optional[int], params: dict) -> "da.Array":
    """Validate, reserve the local call's stream range, and build the array."""
    spec = METHODS[method]
    where = resolve_draw(size, dtype, None, fixed_dtype=spec.fixed_dtype)  # size=None: 0-d
    shape, dt = where.shape, where.dtype
    spec.kernel_params(dt, params)  # checks the parameters, naming them
    normalized = _check_chunks(chunks, shape, dt)
    nt = _check_n_threads(n_threads)
    position = rng.reserve(math.prod(shape) * spec.words_per_element(dt))
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


def _dask_method(spec: FillMethod) -> Callable[..., "da.Array"]:
    """``fastinit.dask.Generator.<name>``, made from the core's method table.

    Its signature is the local method's with ``out`` replaced by the keyword
    ``chunks``; its values are the local method's, block by block.
    """
    local = getattr(_LocalGenerator, spec.name)
    local_sig = inspect.signature(local)
    names = [name for name, _ in spec.params]

    def method(self: "Generator", *args: Any, **kwargs: Any) -> "da.Array":
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        params = {name: arguments[name] for name in names}
        return _draw_array(self._local, spec.name, arguments["size"], arguments.get("dtype"),
                           arguments["chunks"], arguments["n_threads"], params)

    kw = inspect.Parameter.KEYWORD_ONLY
    parameters = [p for p in local_sig.parameters.values() if p.name not in ("out", "n_threads")]
    parameters += [inspect.Parameter("chunks", kw, default="auto", annotation="ChunksLike"),
                   inspect.Parameter("n_threads", kw, default=None, annotation="Optional[int]")]
    signature = local_sig.replace(parameters=parameters, return_annotation="dask.array.Array")
    method.__signature__ = signature  # type: ignore[attr-defined]
    method.__name__ = spec.name
    method.__qualname__ = f"Generator.{spec.name}"
    method.__module__ = __name__
    method.__doc__ = f"""{spec.summary}  As :meth:`fastinit.Generator.{spec.name}`, as a Dask array.

    Takes the local method's arguments (without ``out``) plus ``chunks``,
    reserves the same stream range as the local call, and returns a lazy
    array whose blocks are filled on the workers, bit-identical to the local
    result for any chunking.

    Parameters
    ----------
    {", ".join(names + ["size"] + (["dtype"] if spec.fixed_dtype is None else []))}
        As in :meth:`fastinit.Generator.{spec.name}`; ``size=None`` gives a
        0-d array (one element).
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
    return method


for _spec in METHODS.values():
    setattr(Generator, _spec.name, _dask_method(_spec))
del _spec


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


# ---------------------------------------------------------- initializers --
#: arguments of every local initializer function that are not the initializer's own
_CALL_ARGS = ("shape", "dtype", "seed", "rng", "out", "n_threads")


RngLike = Union["Generator", _LocalGenerator, None]


def _chunked(init: Any, shape: SizeLike, dtype: Any, chunks: ChunksLike, seed: Any,
             rng: RngLike, n_threads: Optional[int]) -> "da.Array":
    """A configured initializer, planned and chunked (see :func:`initializer`)."""
    if not getattr(init, "elementwise", False):
        raise NotImplementedError(
            f"{init!r} is not elementwise, so it cannot be filled block by block for a chunked "
            "array (fastinit.dask supports the elementwise initializers only); make it locally "
            "and wrap it: dask.array.from_array(init(shape, dtype, seed=...), chunks=...)")
    method, params = init.plan(shape, dtype)  # checks shape and dtype (default float32)
    dims, dt = resolve_plan_args(shape, dtype)
    local = rng.local if isinstance(rng, Generator) else rng
    gen = init.generator(seed, local)  # the local call's rule: rng, else seed, else own seed
    if method == "constant":  # draws nothing, as locally
        normalized = _check_chunks(chunks, dims, dt)
        draw = _Draw((0, 0), 0, 0, "constant", params, dims, dt.name,
                     _check_n_threads(n_threads))
        return _from_draw(draw, normalized)
    return _draw_array(gen, method, dims, dt, chunks, n_threads, params)


def initializer(identifier: Any, shape: SizeLike, dtype: Any = None, *,
                chunks: ChunksLike = "auto", seed: Any = None, rng: RngLike = None,
                n_threads: Optional[int] = None, **kwargs: Any) -> "da.Array":
    """Any elementwise initializer of the catalogue as a Dask array.

    ``initializer(identifier, shape, dtype, chunks=c, seed=s, **kwargs)
    .compute()`` equals ``fastinit.get(identifier, **kwargs)(shape, dtype,
    seed=s)`` bit for bit; with ``rng=`` it reserves the same stream range as
    that local call.

    Parameters
    ----------
    identifier : str, dict, fastinit.initializers.Initializer or class
        Anything :func:`fastinit.initializers.get` accepts; a layout-dependent
        initializer given by name or class needs ``layout=`` among ``kwargs``.
    shape : int or tuple of ints
        Shape of the array.
    dtype : dtype, optional
        float32 (default), float64, float16 or bfloat16.
    chunks : str, int or tuple, optional
        As in :meth:`Generator.random`; default "auto".
    seed : None, int or numpy.random.SeedSequence, optional
        Draw from ``fastinit.default_rng(seed)``.  Not with ``rng``.
    rng : fastinit.dask.Generator or fastinit.Generator, optional
        Reserve the draw on this generator's stream (it advances).
    n_threads : int, optional
        Threads per task (default: the scheduler's budget, see the module).
    **kwargs
        Constructor arguments, with a name or a class
        (``initializer("random_normal", (4, 4), stddev=0.02)``).

    Returns
    -------
    dask.array.Array

    Raises
    ------
    NotImplementedError
        For initializers that are not elementwise (orthogonal, identity,
        dirac, sparse).
    """
    init = _initializers.get(identifier, **kwargs)
    if init is None:
        raise TypeError("identifier must name an initializer, got None")
    return _chunked(init, shape, dtype, chunks, seed, rng, n_threads)


def _initializer_function(name: str) -> Callable[..., "da.Array"]:
    """``fastinit.dask.<name>``: ``fastinit.<name>`` returning a Dask array.

    The initializer is built as the local function builds it -- from the
    local function's own keyword defaults, updated with the caller's (so a
    layout-dependent one requires ``layout=`` here too) -- then planned and
    chunked.
    """
    local_fn = getattr(_initializers, name)
    local_sig = inspect.signature(local_fn)
    own = {p.name: p.default for p in local_sig.parameters.values()
           if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in _CALL_ARGS}

    def function(shape: SizeLike = None, dtype: Any = None, *, chunks: ChunksLike = "auto",
                 seed: Any = None, rng: RngLike = None, n_threads: Optional[int] = None,
                 **kwargs: Any) -> "da.Array":
        unknown = sorted(set(kwargs) - set(own))
        if unknown:
            raise TypeError(f"{name}() got unexpected keyword argument(s) {unknown}; "
                            f"it takes {sorted(own)}")
        init = _initializers.get(name, **{**own, **kwargs})
        return _chunked(init, shape, dtype, chunks, seed, rng, n_threads)

    kw = inspect.Parameter.KEYWORD_ONLY
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [local_sig.parameters["shape"], local_sig.parameters["dtype"],
         inspect.Parameter("chunks", kw, default="auto", annotation="ChunksLike")]
        + [p for p in local_sig.parameters.values() if p.name in own]
        + [inspect.Parameter("seed", kw, default=None, annotation="Any"),
           inspect.Parameter("rng", kw, default=None, annotation="RngLike"),
           inspect.Parameter("n_threads", kw, default=None, annotation="Optional[int]")],
        return_annotation="dask.array.Array")
    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    function.__doc__ = f"""``fastinit.{name}`` as a Dask array, bit-identical to the local result.

    ``fastinit.dask.{name}(shape, dtype, chunks=c, seed=s, **kw).compute()``
    equals ``fastinit.{name}(shape, dtype, seed=s, **kw)`` for any ``c``; with
    ``rng=`` the draw takes the same stream range as the local call.

    Parameters
    ----------
    shape : int or tuple of ints
        Shape of the array.
    dtype : dtype, optional
        float32 (default), float64, float16 or bfloat16.
    chunks : str, int or tuple, optional
        As in :meth:`fastinit.dask.Generator.random`; default "auto".
    seed : None, int or numpy.random.SeedSequence, optional
        Draw from ``fastinit.default_rng(seed)``.  Not with ``rng``.
    rng : fastinit.dask.Generator or fastinit.Generator, optional
        Reserve the draw on this generator's stream (it advances).
    n_threads : int, optional
        Threads per task (default: the scheduler's budget).
    **kwargs
        The initializer's own arguments, as ``fastinit.{name}``:
        {", ".join(own) or "none"}.

    Returns
    -------
    dask.array.Array

    Raises
    ------
    NotImplementedError
        If the initializer is not elementwise (orthogonal, identity/eye,
        dirac, sparse): those cannot be filled block by block.
    """
    return function


# Each elementwise initializer of the catalogue, as a real module-level name
# (IDEs and type checkers see them; a test checks the list against the
# catalogue's fastinit.initializers.FUNCTIONS).
zeros = _initializer_function("zeros")
ones = _initializer_function("ones")
constant = _initializer_function("constant")
random_normal = _initializer_function("random_normal")
random_uniform = _initializer_function("random_uniform")
truncated_normal = _initializer_function("truncated_normal")
variance_scaling = _initializer_function("variance_scaling")
glorot_uniform = _initializer_function("glorot_uniform")
glorot_normal = _initializer_function("glorot_normal")
xavier_uniform = _initializer_function("xavier_uniform")
xavier_normal = _initializer_function("xavier_normal")
he_uniform = _initializer_function("he_uniform")
he_normal = _initializer_function("he_normal")
kaiming_uniform = _initializer_function("kaiming_uniform")
kaiming_normal = _initializer_function("kaiming_normal")
lecun_uniform = _initializer_function("lecun_uniform")
lecun_normal = _initializer_function("lecun_normal")
# not elementwise: these raise NotImplementedError (see _chunked)
orthogonal = _initializer_function("orthogonal")
identity = _initializer_function("identity")
eye = _initializer_function("eye")
dirac = _initializer_function("dirac")
sparse = _initializer_function("sparse")
torch_default_weight = _initializer_function("torch_default_weight")
torch_default_bias = _initializer_function("torch_default_bias")

__all__ = ["Generator", "default_rng", "initializer",
           "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
           "variance_scaling", "glorot_uniform", "glorot_normal", "xavier_uniform",
           "xavier_normal", "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal",
           "lecun_uniform", "lecun_normal", "orthogonal", "identity", "eye", "dirac", "sparse",
           "torch_default_weight", "torch_default_bias"]
