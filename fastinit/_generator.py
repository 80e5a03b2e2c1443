"""The NumPy-style Generator over fastinit's Philox4x32-10 streams."""
from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

import numpy as np

from . import _core, _seeding, _threads
from ._limits import (BLOCK_WORDS, blocks_for_words, check_position, check_stream_end)
from ._methods import METHODS, get_method
from ._validation import (SizeLike, check_out, finish_torch_out, integer, piece_rows,
                          resolve_draw, torch_out_array)

# One lock for every spawn: SeedSequence objects can be shared between
# generators (pickled copies, default_rng(seq) twice).
_SPAWN_LOCK = threading.Lock()


class Generator:
    """Random fills on a Philox4x32-10 stream; a drop-in for NumPy's fills.

    Element ``i`` of every fill is a pure function of (key, stream id, stream
    position + i), so results do not depend on the thread count, on how the
    work is split, or on the machine (see docs/STREAM.md).
    Each call takes the next unused range of the stream; a shared Generator
    is thread-safe and gives concurrent calls disjoint ranges.

    Parameters
    ----------
    seed : None, int or numpy.random.SeedSequence
        Turned into the 64-bit Philox key through ``SeedSequence``.  ``None``
        draws OS entropy; ``seed_seq.entropy`` records it so a run can be
        repeated with ``Generator(that_entropy)``.

    See Also
    --------
    default_rng : the usual way to make one.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> rng = fastinit.default_rng(42)
    >>> w = rng.standard_normal((4, 3), dtype=np.float32)
    >>> rng.random(out=w)  # in place
    ... # doctest: +SKIP
    """

    def __init__(self, seed: _seeding.SeedLike = None) -> None:
        self._seed_seq = _seeding.to_seed_sequence(seed)
        self._key = _seeding.key_from_seed_sequence(self._seed_seq)
        self._stream_id = 0
        self._block = 0
        self._lock = threading.Lock()

    # ------------------------------------------------------------ identity --
    @classmethod
    def _from_state(cls, seed_seq: np.random.SeedSequence, key: tuple[int, int],
                    stream_id: int, block: int) -> "Generator":
        gen = cls.__new__(cls)
        gen._seed_seq = seed_seq
        gen._key = (int(key[0]), int(key[1]))
        gen._stream_id = int(stream_id)
        gen._block = int(block)
        gen._lock = threading.Lock()
        return gen

    @property
    def seed_seq(self) -> np.random.SeedSequence:
        """The SeedSequence the key came from (its ``entropy`` repeats a run).

        For a named sub-stream it is the parent's extended with the stream id
        in its spawn key, so that ``spawn`` gives children of its own."""
        return self._seed_seq

    @property
    def key(self) -> tuple[int, int]:
        """The Philox key, two 32-bit words."""
        return self._key

    @property
    def stream_id(self) -> int:
        """The 64-bit stream id (counter words 2 and 3); 0 for a root stream."""
        return self._stream_id

    @property
    def position(self) -> int:
        """The next unused Philox block of this stream (4 words each)."""
        return self._block

    @property
    def state(self) -> dict:
        """Everything that determines future draws; assignable."""
        return {"key": self._key, "stream_id": self._stream_id, "position": self._block}

    @state.setter
    def state(self, value: dict) -> None:
        # Strict, like numpy's bit_generator.state: a mapping with exactly
        # these three entries, all ints (a float is not truncated, a str not
        # parsed); nothing changes unless all are valid.
        if not isinstance(value, Mapping):
            raise TypeError(f"state must be a dict with 'key', 'stream_id' and 'position', "
                            f"got {type(value).__name__}")
        if set(value) != {"key", "stream_id", "position"}:
            raise ValueError(f"state must have exactly the entries 'key', 'stream_id' and "
                             f"'position', got {sorted(map(repr, value))}")
        raw_key = value["key"]
        if isinstance(raw_key, (str, bytes)) or not isinstance(raw_key, (Sequence, np.ndarray)):
            raise TypeError(f"state['key'] must be a sequence of two ints, got {raw_key!r}")
        key = tuple(integer(k, "state['key']") for k in raw_key)
        if len(key) != 2 or not all(0 <= k < 2**32 for k in key):
            raise ValueError("state['key'] must be two 32-bit unsigned ints")
        stream_id = integer(value["stream_id"], "state['stream_id']")
        block = integer(value["position"], "state['position']")
        if not 0 <= stream_id < 2**64:
            raise ValueError("state['stream_id'] must be a 64-bit unsigned int")
        check_position(block, "state['position']")
        with self._lock:
            self._key, self._stream_id, self._block = key, stream_id, block

    def __reduce__(self):
        return (Generator._from_state, (self._seed_seq, self._key, self._stream_id, self._block))

    def __repr__(self) -> str:
        return (f"fastinit.Generator(key=({self._key[0]:#010x}, {self._key[1]:#010x}), "
                f"stream_id={self._stream_id:#018x}, position={self._block})")

    # ---------------------------------------------------------- sub-streams --
    def spawn(self, n_children: int) -> list["Generator"]:
        """``n_children`` independent generators, keyed by ``SeedSequence.spawn``.

        As with NumPy, the children of the same SeedSequence are the same
        each time a fresh parent is made from the same seed.
        """
        n = integer(n_children, "n_children")
        if n < 0:
            raise ValueError(f"n_children must be non-negative, got {n}")
        with _SPAWN_LOCK:  # SeedSequence.spawn's child counter is not thread-safe
            children = self._seed_seq.spawn(n)
        return [Generator(child) for child in children]

    def stream(self, name: str) -> "Generator":
        """The named sub-stream ``name``: same key, stream id derived from the name.

        It starts at position 0 whatever this generator has drawn, so
        ``rng.stream("layer1.weight")`` gives the same values in any order and
        beside any other tensors.  Names nest: ``rng.stream("a").stream("b")``.
        """
        stream_id = _seeding.stream_id_for(self._stream_id, name)
        # Children spawned from a named stream must differ from the parent's
        # children: extend the spawn key with the stream id (the key itself
        # stays the parent's; only spawn() uses this SeedSequence).
        seq = np.random.SeedSequence(self._seed_seq.entropy,
                                     spawn_key=tuple(self._seed_seq.spawn_key) + (stream_id,),
                                     pool_size=self._seed_seq.pool_size)
        return Generator._from_state(seq, self._key, stream_id, 0)

    # ------------------------------------------------- extension surface --
    #: Names of the core's fill methods, as :meth:`fill_at` takes them.
    fill_methods: tuple[str, ...] = tuple(METHODS)

    def reserve(self, n_words: int) -> int:
        """Take the next ``n_words`` words of this stream; return the first block.

        The range is rounded up to whole Philox blocks (4 words) and is never
        handed out again by this generator: a lock makes concurrent callers'
        ranges disjoint.  This is what every draw does before filling; an
        extension (a Dask graph, a custom kernel) reserves the range of a draw
        here and fills it with :meth:`fill_at` at the returned position, so its
        values are those a local call would have made.

        Parameters
        ----------
        n_words : int
            Words the draw consumes (elements times words per element).

        Returns
        -------
        int
            The stream position (Philox block) where the reserved range starts.

        Raises
        ------
        ValueError
            When the range would run past the end of the stream (2**64 words);
            nothing is reserved.
        """
        n = integer(n_words, "n_words")
        if n < 0:
            raise ValueError(f"n_words must be non-negative, got {n}")
        blocks = blocks_for_words(n)
        with self._lock:
            start = self._block
            check_stream_end(start, (start + blocks) * BLOCK_WORDS)
            self._block = start + blocks
        return start

    def _kernel_args(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return self._key, _seeding.split64(self._stream_id)

    def _draw(self, method: str, size: SizeLike, dtype: Any, out: Optional[np.ndarray],
              n_threads: Optional[int], **params: Any) -> Any:
        spec = METHODS[method]
        nt = _threads.resolve_threads(n_threads)
        out, tensor = torch_out_array(out)
        where = resolve_draw(size, dtype, out, fixed_dtype=spec.fixed_dtype)
        kparams = spec.kernel_params(where.dtype, params)
        target = where.array()
        base = self.reserve(target.size * spec.words_per_element(where.dtype))
        key, stream = self._kernel_args()
        _core.fill(spec.kind, spec.kernel_dtype(where.dtype), target, key, stream,
                   base * BLOCK_WORDS, kparams, nt)
        return finish_torch_out(tensor, where.result(target))

    def fill_at(self, method: str, out: np.ndarray, offset: int = 0, *,
                position: Optional[int] = None, row_offsets: Optional[np.ndarray] = None,
                n_threads: Optional[int] = None, **params: Any) -> np.ndarray:
        """Fill ``out`` with part of a draw, at an explicit stream position.

        ``rng.fill_at(method, out, offset, position=p, **params)`` writes the
        elements ``offset .. offset + out.size`` of what ``method(**params,
        size=N)`` returns when called at stream position ``p`` (default: this
        generator's current position).  It does not advance the generator.
        This is how pieces of one array are filled separately -- by threads,
        processes or a Dask cluster -- with the same bits as one call.

        Parameters
        ----------
        method : str
            "random", "uniform", "standard_normal", "normal",
            "truncated_normal" or "random_raw".
        out : ndarray
            C-contiguous, writeable; its dtype selects the kernel.
        offset : int
            Index, in the whole draw, of ``out``'s first element.
        position : int, optional
            Stream position (Philox block) at which the whole draw starts.
        row_offsets : ndarray of int64, optional
            For a block of a larger array: ``out`` is seen as
            ``(len(row_offsets), -1)`` and row ``r`` holds elements starting
            at ``row_offsets[r]`` (``offset`` is then ignored).
        **params
            The method's parameters (``loc``, ``scale``, ``low``, ...).
        """
        spec = get_method(method)
        out, tensor = torch_out_array(out)
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
        nt = _threads.resolve_threads(n_threads)
        where = resolve_draw(None, None, out, fixed_dtype=spec.fixed_dtype)
        kparams = spec.kernel_params(where.dtype, params)
        start = self._block if position is None else integer(position, "position")
        check_position(start)
        first, rows = piece_rows(offset, row_offsets, out.size)
        if rows is not None and rows.size == 0:
            return finish_torch_out(tensor, out)  # an empty out, nothing to fill
        wpe = spec.words_per_element(where.dtype)
        if out.size:
            end = (first + out.size if rows is None
                   else int(rows.max()) + out.size // rows.size)
            check_stream_end(start, start * BLOCK_WORDS + end * wpe)
        if rows is None:
            # Whole blocks of the offset move into the position, so that any
            # offset inside the stream fits the kernels' int64 element index.
            skipped = first // BLOCK_WORDS * BLOCK_WORDS
            start += skipped * wpe // BLOCK_WORDS
            rows = np.array([first - skipped], dtype=np.int64)
        key, stream = self._kernel_args()
        _core.fill(spec.kind, spec.kernel_dtype(where.dtype), out, key, stream,
                   start * BLOCK_WORDS, kparams, nt, rows)
        return finish_torch_out(tensor, out)

    # ------------------------------------------------------------ methods --
    def random(self, size: SizeLike = None, dtype: Any = None, out: Optional[np.ndarray] = None,
               *, n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Uniform floats in the half-open interval [0.0, 1.0).

        Drawn on the output format's significand grid: 53 bits (two words)
        for float64, 24 for float32 (one word).  float16 and bfloat16 take
        the float32 value and round it once to nearest even (unbiased: the
        mean is 1/2 up to rounding), keeping values below 1.0 (stream
        version 3).

        Parameters
        ----------
        size : int or tuple of ints, optional
            Output shape.  ``None`` (default) returns a single value, unless
            ``out`` is given.
        dtype : dtype, optional
            float64 (default), float32, float16 or bfloat16 ("bfloat16" or
            ``ml_dtypes.bfloat16``); torch dtypes (``torch.bfloat16``) too.  Defaults to ``out.dtype`` when ``out``
            is given.
        out : ndarray or torch.Tensor, optional
            C-contiguous, writeable array to fill in place (a CPU torch
            tensor is filled through a view of its memory, and returned);
            its shape must equal ``size`` when both are given.
        n_threads : int, optional
            Threads for this call; default ``omp_get_max_threads()``.

        Returns
        -------
        out : float or ndarray
        """
        return self._draw("random", size, dtype, out, n_threads)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: SizeLike = None,
                dtype: Any = None, out: Optional[np.ndarray] = None, *,
                n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Uniform floats in [low, high): ``low + (high - low) * random()``.

        As with NumPy, rounding may produce ``high`` itself when the interval
        is wide relative to the dtype's precision.  Computed in float32 for
        float32/float16/bfloat16 outputs, in float64 for float64.  float16
        and bfloat16 values are the float32 value (24-bit grid) kept within
        the dtype's values in [low, high) and rounded once to nearest even:
        unbiased, and never ``high`` unless it is the dtype's only value in
        the interval (stream version 3).

        Parameters
        ----------
        low, high : float
            Finite bounds with ``low <= high``.
        size, dtype, out, n_threads
            As in :meth:`random`.
        """
        return self._draw("uniform", size, dtype, out, n_threads, low=low, high=high)

    def standard_normal(self, size: SizeLike = None, dtype: Any = None,
                        out: Optional[np.ndarray] = None, *,
                        n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from N(0, 1), by inverse CDF.

        One 32-bit word per element for float32/float16/bfloat16, computed
        in float32 (|z| up to 6.34): a polynomial in log(1 - 4 (p - 1/2)^2)
        for |z| < 3.5 and Wichura's AS 241 (PPND16, float64) beyond, at most
        2.83 ulp (2.1e-7 relative) from the exact quantile of the drawn word,
        and exactly symmetric (p and 1 - p give -z and z).  Two words per
        element for float64, by AS 241 PPND16 in float64 (|z| up to 9.16,
        relative error below 1e-14).  The bits are those of stream version
        2 (``fastinit.STREAM_VERSION``).

        Parameters
        ----------
        size, dtype, out, n_threads
            As in :meth:`random`.
        """
        return self._draw("standard_normal", size, dtype, out, n_threads)

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: SizeLike = None,
               dtype: Any = None, out: Optional[np.ndarray] = None, *,
               n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from N(loc, scale**2): ``loc + scale * standard_normal()``.

        Parameters
        ----------
        loc : float
            Mean, finite.
        scale : float
            Standard deviation, finite and non-negative.
        size, dtype, out, n_threads
            As in :meth:`random`.
        """
        return self._draw("normal", size, dtype, out, n_threads, loc=loc, scale=scale)

    def truncated_normal(self, loc: float = 0.0, scale: float = 1.0, a: float = -2.0,
                         b: float = 2.0, size: SizeLike = None, dtype: Any = None,
                         out: Optional[np.ndarray] = None, *,
                         n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """N(loc, scale**2) restricted to [a, b], by inverse CDF (no rejection).

        The bounds are absolute values, as in ``torch.nn.init.trunc_normal_``
        (not multiples of ``scale``; the Keras/JAX +-2 sigma convention is the
        initializer ``fastinit.truncated_normal``).  Results never leave
        [a, b], also after rounding to float16 or bfloat16.  Consumption is
        that of :meth:`standard_normal`.  In float32 arithmetic (float32,
        float16, bfloat16 outputs) bounds more than 13 sigma from ``loc``
        collapse samples onto the bound.

        Parameters
        ----------
        loc : float
            Mean of the untruncated normal, finite.
        scale : float
            Its standard deviation, finite and positive.
        a, b : float
            Bounds, ``a < b``; either may be infinite.  The interval must
            have a probability mass representable in float64.
        size, dtype, out, n_threads
            As in :meth:`random`.
        """
        return self._draw("truncated_normal", size, dtype, out, n_threads,
                          loc=loc, scale=scale, a=a, b=b)

    def random_raw(self, size: SizeLike = None, out: Optional[np.ndarray] = None, *,
                   n_threads: Optional[int] = None) -> Union[np.ndarray, int]:
        """The raw stream: 32-bit words as uint32.

        Word ``w`` of the stream is output word ``w % 4`` of Philox block
        ``w // 4``; block ``b`` encrypts the counter
        ``(b & 0xffffffff, b >> 32, stream_id & 0xffffffff, stream_id >> 32)``
        under ``key``.

        Parameters
        ----------
        size : int or tuple of ints, optional
        out : ndarray of uint32, optional
        n_threads : int, optional
        """
        return self._draw("random_raw", size, None, out, n_threads)

    def sample(self, dist: Any, size: SizeLike = None, dtype: Any = None,
               out: Optional[np.ndarray] = None, *, n_threads: Optional[int] = None,
               **params: Any) -> Union[np.ndarray, float, np.generic]:
        """Draw from a custom distribution made with :func:`fastinit.distribution`.

        The user's transform (compiled by Numba) is fed uniforms that are
        bit-for-bit those of :meth:`random` (float64) at the same stream
        positions; see :func:`fastinit.numba.sample`.

        Parameters
        ----------
        dist : fastinit.numba.Distribution
        size, dtype, out, n_threads
            As in :meth:`random`.
        **params
            The distribution's keyword parameters.
        """
        # The distribution knows how to draw itself (fastinit.numba); asking it
        # keeps this module free of any import of the Numba layer above it.
        if not callable(getattr(dist, "sample", None)):
            raise TypeError(f"dist must be a fastinit.Distribution (made with "
                            f"fastinit.distribution), got {type(dist).__name__}")
        return dist.sample(self, size=size, dtype=dtype, out=out, n_threads=n_threads, **params)


def default_rng(seed: Union[_seeding.SeedLike, Generator] = None) -> Generator:
    """A :class:`Generator` seeded with ``seed`` (a Generator is returned as is).

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or Generator

    Examples
    --------
    >>> import fastinit
    >>> rng = fastinit.default_rng(42)
    >>> rng.random(3).shape
    (3,)
    """
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)
