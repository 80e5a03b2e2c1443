"""The NumPy-style Generator over fastinit's Philox4x32-10 streams."""
from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Optional, Union

import numpy as np

from . import _broadcast, _core, _seeding, _threads
from ._bitgen import Philox4x32
from ._limits import BLOCK_WORDS, check_position, check_stream_end
from ._methods import METHODS, get_method, integer_limits
from ._numpy_methods import NumPyMethods
from ._small_draws import SMALL_DRAW, SMALL_PLANS, make_plan
from ._validation import SizeLike, finish_torch_out, integer, piece_rows, torch_out_array

# The largest |standard variate| each location-scale kernel draws, per
# working precision (float32, float64): what loc + reach * scale must fit.
_NORMAL_REACH = (6.4, 9.2)
_LOG_REACH = (23.0, 45.1)

_MAKE_PLAN = functools.partial(make_plan, methods=METHODS)
#: the packed parameters of the unit draws (random(), standard_normal())
_UNIT_PARAMS = _core.pack_params({})
_NPY_FLOAT64 = np.dtype(np.float64).num


_INTEGER_SCALAR_TYPES = {np.int64: np.int64}  # dtype argument -> NumPy scalar type


def _integer_scalar(value: int, dtype: Any) -> Any:
    """One value of ``integers`` as NumPy returns it: a Python ``int`` or ``bool``
    for ``dtype=int``/``bool`` (gh-7284), else a NumPy scalar of ``dtype``."""
    if dtype is bool or dtype is int:
        return dtype(value)
    scalar_type = _INTEGER_SCALAR_TYPES.get(dtype)  # dtype is hashable: it was drawn
    if scalar_type is None:
        scalar_type = METHODS["integers"].target(None, dtype, None).dtype.type
        if len(_INTEGER_SCALAR_TYPES) < 64:
            _INTEGER_SCALAR_TYPES[dtype] = scalar_type
    return scalar_type(value)


class Generator(NumPyMethods):
    """Random fills on a Philox4x32-10 stream; a drop-in for NumPy's fills.

    Element ``i`` of every fill is a pure function of (key, stream id, stream
    position + i), so results do not depend on the thread count, on how the
    work is split, or on the machine (see docs/STREAM.md).
    Each call takes the next unused range of the stream; a shared Generator
    is thread-safe and gives concurrent calls disjoint ranges.

    Every other method of ``numpy.random.Generator`` (``integers``,
    ``choice``, ``poisson``, ...) runs NumPy's own algorithm on the same
    stream through :attr:`bit_generator`, a :class:`fastinit.Philox4x32`
    that holds the stream position (docs/NUMPY.md lists the differences).

    Parameters
    ----------
    seed : None, int, sequence of ints, numpy.random.SeedSequence or Philox4x32
        Turned into the 64-bit Philox key through ``SeedSequence``.  ``None``
        draws OS entropy; ``seed_seq.entropy`` records it so a run can be
        repeated with ``Generator(that_entropy)``.  A ``fastinit.Philox4x32``
        is used as it is (the generator draws from its stream, as
        ``numpy.random.Generator(bit_generator)`` does).

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

    def __init__(self, seed: Union[_seeding.SeedLike, Philox4x32] = None) -> None:
        if isinstance(seed, Philox4x32):
            bit_generator = seed
        elif isinstance(seed, (np.random.BitGenerator, np.random.Generator)):
            raise TypeError(f"seed must be an int, a sequence of ints, None, a SeedSequence or a "
                            f"fastinit.Philox4x32, got {type(seed).__name__} (fastinit's fast "
                            f"fills need fastinit's stream)")
        else:
            bit_generator = Philox4x32(seed)
        self._bit_generator = bit_generator
        self._numpy_generator = np.random.Generator(bit_generator)

    # ------------------------------------------------------------ identity --
    @classmethod
    def _from_state(cls, seed_seq: np.random.SeedSequence, key: tuple[int, int],
                    stream_id: int, block: int, buffered: int = 0) -> "Generator":
        bit_generator = Philox4x32(seed_seq)
        bit_generator.set_position(key, stream_id, block, buffered)
        return cls(bit_generator)

    @property
    def bit_generator(self) -> Philox4x32:
        """The :class:`fastinit.Philox4x32` this generator draws from (its stream
        position is this generator's)."""
        return self._bit_generator

    @property
    def seed_seq(self) -> np.random.SeedSequence:
        """The SeedSequence the key came from (its ``entropy`` repeats a run).

        For a named sub-stream it is the parent's extended with the stream id
        in its spawn key, so that ``spawn`` gives children of its own."""
        return self._bit_generator.seed_seq

    @property
    def key(self) -> tuple[int, int]:
        """The Philox key, two 32-bit words."""
        return self._bit_generator.key

    @property
    def stream_id(self) -> int:
        """The 64-bit stream id (counter words 2 and 3); 0 for a root stream."""
        return self._bit_generator.stream_id

    @property
    def position(self) -> int:
        """The next unused Philox block of this stream (4 words each)."""
        return self._bit_generator.position

    @property
    def state(self) -> dict:
        """Everything that determines future draws; assignable.

        ``{"key", "stream_id", "position"}``, and ``"buffered"`` when the bit
        generator's buffer holds words: that many words before ``position``
        are still unused by NumPy-algorithm draws.
        """
        inner = self._bit_generator.state
        if inner["buffered"]:
            return dict(inner["state"], buffered=inner["buffered"])
        return dict(inner["state"])

    @state.setter
    def state(self, value: dict) -> None:
        # Strict, like numpy's bit_generator.state: a mapping with exactly these
        # entries, all ints (a float is not truncated, a str not parsed);
        # nothing changes unless all are valid (Philox4x32.set_position checks).
        if not isinstance(value, Mapping):
            raise TypeError(f"state must be a dict with 'key', 'stream_id' and 'position', "
                            f"got {type(value).__name__}")
        expected = {"key", "stream_id", "position"}
        if not expected <= set(value) <= expected | {"buffered"}:
            raise ValueError(f"state must have exactly the entries 'key', 'stream_id' and "
                             f"'position' (and 'buffered'), got {sorted(map(repr, value))}")
        self._bit_generator.set_position(value["key"], value["stream_id"], value["position"],
                                         value.get("buffered", 0))

    def __reduce__(self):
        state = self.state
        return (Generator._from_state, (self.seed_seq, state["key"], state["stream_id"],
                                        state["position"], state.get("buffered", 0)))

    def __str__(self) -> str:
        return f"{type(self).__name__}({type(self._bit_generator).__name__})"

    def __repr__(self) -> str:
        key = self.key
        return (f"fastinit.Generator(key=({key[0]:#010x}, {key[1]:#010x}), "
                f"stream_id={self.stream_id:#018x}, position={self.position})")

    # ---------------------------------------------------------- sub-streams --
    def spawn(self, n_children: int) -> list["Generator"]:
        """``n_children`` independent generators, keyed by ``SeedSequence.spawn``.

        As with NumPy, the children of the same SeedSequence are the same
        each time a fresh parent is made from the same seed.
        """
        return [Generator(child) for child in self._bit_generator.spawn(n_children)]

    def stream(self, name: str) -> "Generator":
        """The named sub-stream ``name``: same key, stream id derived from the name.

        It starts at position 0 whatever this generator has drawn, so
        ``rng.stream("layer1.weight")`` gives the same values in any order and
        beside any other tensors.  Names nest: ``rng.stream("a").stream("b")``.
        """
        stream_id = _seeding.stream_id_for(self.stream_id, name)
        # Children spawned from a named stream must differ from the parent's
        # children: extend the spawn key with the stream id (the key itself
        # stays the parent's; only spawn() uses this SeedSequence).
        parent = self.seed_seq
        seq = np.random.SeedSequence(parent.entropy,
                                     spawn_key=tuple(parent.spawn_key) + (stream_id,),
                                     pool_size=parent.pool_size)
        return Generator._from_state(seq, self.key, stream_id, 0)

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
        return self._bit_generator.reserve(n_words)

    def _kernel_args(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return self._bit_generator.key, self._bit_generator.stream_words

    def _small(self, method: str, size: SizeLike, dtype: Any, values: tuple = ()) -> Any:
        """NumPy's small calls (one value, or a new array of up to ``SMALL_DRAW``
        elements) in one call into the bit generator; ``None`` when the call
        is not one (the general path takes it).  ``values``: the method's
        parameters, all of them, in its order.  See ``fastinit._small_draws``."""
        return self._bit_generator.draw_small(SMALL_PLANS, _MAKE_PLAN, method, dtype, values,
                                              size, SMALL_DRAW)

    def _draw(self, method: str, size: SizeLike, dtype: Any, out: Optional[np.ndarray],
              n_threads: Optional[int], **params: Any) -> Any:
        if out is None and n_threads is None and not params:
            # (methods with parameters try their small calls before their checks)
            small = self._small(method, size, dtype)
            if small is not None:
                return small
        spec = METHODS[method]
        tensor = None
        if out is not None:  # a CPU torch tensor is filled through a view of its memory
            out, tensor = torch_out_array(out)
        # NumPy fills a Fortran-ordered out= in memory order; so does fastinit
        # (element k of its memory is element k of the draw).
        where = spec.target(size, dtype, out, fortran_ok=True)
        kparams = spec.kernel_params(where.dtype, params)
        target = where.array()
        flat = target if target.flags.c_contiguous else target.T
        kind, kdtype = spec.kind, spec.kernel_dtype(where.dtype)
        if target.size <= SMALL_DRAW:
            # On this thread, in one call into the bit generator, without
            # resolving a thread count (the bits never depend on it).
            if n_threads is not None:
                _threads.check_thread_count(n_threads)
            self._bit_generator.reserve_and_fill(
                kind, kdtype, _core.words_per_element(kind, kdtype), flat,
                _core.pack_params(kparams))
            return finish_torch_out(tensor, where.result(target))
        nt = _threads.resolve_threads(n_threads)
        base = self.reserve(target.size * spec.words_per_element(where.dtype))
        key, stream = self._kernel_args()
        _core.fill(kind, kdtype, flat, key, stream, base * BLOCK_WORDS, kparams, nt)
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
            One of :attr:`fill_methods` ("random", "uniform", "normal",
            "integers", "exponential", ...).
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
        where = spec.target(None, None, out)
        kparams = spec.kernel_params(where.dtype, params)
        start = self.position if position is None else integer(position, "position")
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
        if out is None and dtype is None and n_threads is None:  # NumPy's common calls
            if size is None:
                return self._bit_generator.reserve_one(_core.UNIFORM, _core.F64, 2, _UNIT_PARAMS)
            if type(size) is int and 0 < size <= SMALL_DRAW:
                return self._bit_generator.reserve_new(_core.UNIFORM, _core.F64, 2, size,
                                                       _NPY_FLOAT64, _UNIT_PARAMS, SMALL_DRAW)
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
        low, high : float or array_like of floats
            Finite bounds with ``low <= high``.  Arrays broadcast with each
            other and with ``size`` as in NumPy; each element is then what a
            scalar call with its bounds gives at the same stream position.
        size, dtype, out, n_threads
            As in :meth:`random`.
        """
        if out is None and n_threads is None:  # NumPy's small calls first: one lookup
            value = self._small("uniform", size, dtype, (low, high))
            if value is not None:
                return value
        if _broadcast.has_array(low, high):
            return _broadcast.uniform(self._standard_filler(n_threads), low, high, size, dtype, out)
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
        if out is None and dtype is None and n_threads is None:  # NumPy's common calls
            if size is None:
                return self._bit_generator.reserve_one(_core.NORMAL, _core.F64, 2, _UNIT_PARAMS)
            if type(size) is int and 0 < size <= SMALL_DRAW:
                return self._bit_generator.reserve_new(_core.NORMAL, _core.F64, 2, size,
                                                       _NPY_FLOAT64, _UNIT_PARAMS, SMALL_DRAW)
        return self._draw("standard_normal", size, dtype, out, n_threads)

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: SizeLike = None,
               dtype: Any = None, out: Optional[np.ndarray] = None, *,
               n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from N(loc, scale**2): ``loc + scale * standard_normal()``.

        Parameters
        ----------
        loc : float or array_like of floats
            Mean, finite.
        scale : float or array_like of floats
            Standard deviation, finite and non-negative.  Array-valued
            ``loc``/``scale`` broadcast with each other and with ``size`` as in
            NumPy: the draw is then a standard normal fill followed by
            ``loc + scale * z`` in the same precision, so each element equals
            a scalar call's with its parameters at the same stream position.
        size, dtype, out, n_threads
            As in :meth:`random`.
        """
        if out is None and n_threads is None:  # NumPy's small calls first: one lookup
            value = self._small("normal", size, dtype, (loc, scale))
            if value is not None:
                return value
        if _broadcast.has_array(loc, scale):
            return _broadcast.location_scale(self._standard_filler(n_threads), "standard_normal",
                                             loc, scale, size, dtype, out, reach=_NORMAL_REACH)
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

        Notes
        -----
        ``loc``, ``scale``, ``a`` and ``b`` may be arrays, broadcast with each
        other and with ``size`` as in NumPy; each element is then exactly
        what a scalar call with its parameters gives at the same stream
        position (the kernel's transform is applied once per distinct
        combination of parameters).
        """
        if out is None and n_threads is None:  # NumPy's small calls first: one lookup
            value = self._small("truncated_normal", size, dtype, (loc, scale, a, b))
            if value is not None:
                return value
        if _broadcast.has_array(loc, scale, a, b):
            return self._by_combination("truncated_normal", size, dtype, out, n_threads,
                                        loc=loc, scale=scale, a=a, b=b)
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

    # ------------------------------------- more of numpy.random.Generator --
    def _standard_filler(self, n_threads: Optional[int]) -> "_broadcast.FillStandard":
        return lambda method, out: self._draw(method, None, None, out, n_threads)

    def _raw_words(self, n_threads: Optional[int]) -> "_broadcast.RawWords":
        def take(n: int) -> np.ndarray:
            words = np.empty(n, np.uint32)
            self._draw("random_raw", None, None, words, n_threads)
            return words
        return take

    def _by_combination(self, method: str, size: SizeLike, dtype: Any,
                        out: Optional[np.ndarray], n_threads: Optional[int],
                        **params: Any) -> np.ndarray:
        spec = METHODS[method]
        dt = spec.target(None, dtype, out).dtype
        return _broadcast.by_combination(
            self._raw_words(n_threads), spec.kind, spec.kernel_dtype(dt),
            spec.words_per_element(dt), spec.kernel_params, params, size, dt, out)

    def integers(self, low: Any, high: Any = None, size: SizeLike = None, dtype: Any = np.int64,
                 endpoint: bool = False, out: Optional[np.ndarray] = None, *,
                 n_threads: Optional[int] = None) -> Union[np.ndarray, np.integer, bool]:
        """Random integers from ``low`` (inclusive) to ``high`` (exclusive, or
        inclusive with ``endpoint=True``).

        ``integers(high)`` draws from ``[0, high)``.  Each value is
        ``low + floor(x * n / 2**k)`` for ``n`` possible values and a ``k``-bit
        draw ``x``: ``k = 64`` (two stream words) for 8-, 16- and 32-bit
        dtypes and bool, ``k = 96`` (three words) for 64-bit dtypes.  There is
        no rejection step, so the consumption is fixed and every element is
        independent of the others; the price is a bias of at most ``n /
        2**k <= 2**-32`` relative: each value has probability
        ``floor(2**k / n) / 2**k`` or ``ceil(2**k / n) / 2**k``.  Exact at any
        range, up to the full range of the dtype.

        Parameters
        ----------
        low : int or array_like of ints
            Lowest value (or ``high`` when ``high`` is None).
        high : int or array_like of ints, optional
            One above the highest value (the highest with ``endpoint=True``).
        size : int or tuple of ints, optional
            Output shape; ``None`` returns one value.
        dtype : dtype, optional
            int64 (default), int8 ... int64, uint8 ... uint64, or bool.
        endpoint : bool, optional
            Include ``high``.
        out : ndarray, optional
            C-contiguous, writeable array of ``dtype`` to fill in place.
        n_threads : int, optional
            Threads for this call; default ``omp_get_max_threads()``.

        Returns
        -------
        out : numpy integer, int, bool or ndarray
            As NumPy, when ``size`` and ``out`` are None: a NumPy scalar of
            ``dtype``, or a Python ``int``/``bool`` for ``dtype=int``/``bool``.
            A ``size`` with no element returns an empty array without
            checking the bounds (as NumPy).

        Raises
        ------
        ValueError
            ``low >= high`` (``low > high`` with ``endpoint``), or a bound
            outside the dtype ("low is out of bounds for int8").
        TypeError
            A dtype that is not an integer type.
        """
        if out is None and n_threads is None:
            value = self._small("integers", size, dtype, (low, high, endpoint))
            if value is not None:
                return value if type(value) is np.ndarray else _integer_scalar(value, dtype)
        spec = METHODS["integers"]
        empty = spec.target(size, dtype, out)
        if not empty.scalar and 0 in empty.shape:
            return empty.array()  # as NumPy: no element, nothing checked or drawn
        if _broadcast.has_array(low, high):
            dt = spec.target(None, dtype, out).dtype
            return _broadcast.integers(self._raw_words(n_threads), integer_limits(dt), low, high,
                                       bool(endpoint), lambda shape: spec.target(shape, dt, out),
                                       size, out)
        result = self._draw("integers", size, dtype, out, n_threads, low=low, high=high,
                            endpoint=endpoint)
        if isinstance(result, np.ndarray):
            return result
        return _integer_scalar(result, dtype)

    def standard_exponential(self, size: SizeLike = None, dtype: Any = None, method: str = "zig",
                             out: Optional[np.ndarray] = None, *,
                             n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from the standard exponential distribution (mean 1).

        By inverse CDF, ``-log(1 - u)``, with fastinit's own log (no libm):
        one word per element for float32/float16/bfloat16 (values in
        (1.2e-10, 22.9)), two for float64 (in (2.7e-20, 45.1)); small values
        keep full relative precision.

        Parameters
        ----------
        size : int or tuple of ints, optional
        dtype : dtype, optional
            float64 (default), float32, float16 or bfloat16.
        method : {"zig", "inv"}, optional
            Accepted for NumPy compatibility and otherwise ignored: fastinit
            always uses the inverse CDF (a ziggurat's rejection step would
            make the consumption variable).
        out : ndarray, optional
        n_threads : int, optional
            As in :meth:`random`.

        Returns
        -------
        out : float or ndarray
        """
        if method not in ("zig", "inv"):
            raise ValueError(f"method must be 'zig' or 'inv', got {method!r}")
        return self._draw("standard_exponential", size, dtype, out, n_threads)

    def exponential(self, scale: Any = 1.0, size: SizeLike = None, dtype: Any = None,
                    out: Optional[np.ndarray] = None, *,
                    n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from the exponential distribution of mean ``scale``:
        ``scale * standard_exponential()``.

        Parameters
        ----------
        scale : float or array_like of floats
            Finite, non-negative.  Arrays broadcast as in NumPy.
        size, dtype, out, n_threads
            As in :meth:`standard_exponential`.

        Returns
        -------
        out : float or ndarray
        """
        if out is None and n_threads is None:  # NumPy's small calls first: one lookup
            value = self._small("exponential", size, dtype, (scale,))
            if value is not None:
                return value
        if _broadcast.has_array(scale):
            return _broadcast.location_scale(
                self._standard_filler(n_threads), "standard_exponential", 0.0, scale, size,
                dtype, out, reach=_LOG_REACH, fixed_loc=0.0)
        return self._draw("exponential", size, dtype, out, n_threads, scale=scale)

    def _location_scale(self, method: str, loc: Any, scale: Any, size: SizeLike, dtype: Any,
                        out: Optional[np.ndarray], n_threads: Optional[int]) -> Any:
        if out is None and n_threads is None:  # NumPy's small calls first: one lookup
            value = self._small(method, size, dtype, (loc, scale))
            if value is not None:
                return value
        if _broadcast.has_array(loc, scale):
            return _broadcast.location_scale(self._standard_filler(n_threads), method, loc,
                                             scale, size, dtype, out, reach=_LOG_REACH)
        return self._draw(method, size, dtype, out, n_threads, loc=loc, scale=scale)

    def laplace(self, loc: Any = 0.0, scale: Any = 1.0, size: SizeLike = None, dtype: Any = None,
                out: Optional[np.ndarray] = None, *,
                n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from the Laplace (double exponential) distribution.

        ``loc + scale * s * log(2 min(u, 1 - u))`` with ``s`` the sign of
        ``u - 1/2``: one word per element (two for float64), exactly
        antisymmetric, |variate| < 22.2 (float64: 44.4).

        Parameters
        ----------
        loc : float or array_like of floats
            Location (the mean), finite.
        scale : float or array_like of floats
            Scale, finite and non-negative (variance ``2 scale**2``).
        size, dtype, out, n_threads
            As in :meth:`standard_exponential`.

        Returns
        -------
        out : float or ndarray
        """
        return self._location_scale("laplace", loc, scale, size, dtype, out, n_threads)

    def logistic(self, loc: Any = 0.0, scale: Any = 1.0, size: SizeLike = None,
                 dtype: Any = None, out: Optional[np.ndarray] = None, *,
                 n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from the logistic distribution: ``loc + scale * log(u / (1 - u))``.

        One word per element (two for float64); exactly antisymmetric; near
        ``u = 1/2`` by the atanh series so small values keep relative
        precision; |variate| < 22.9 (float64: 45.1).

        Parameters
        ----------
        loc : float or array_like of floats
            Location (the mean), finite.
        scale : float or array_like of floats
            Scale, finite and non-negative (variance ``scale**2 pi**2 / 3``).
        size, dtype, out, n_threads
            As in :meth:`standard_exponential`.

        Returns
        -------
        out : float or ndarray
        """
        return self._location_scale("logistic", loc, scale, size, dtype, out, n_threads)

    def gumbel(self, loc: Any = 0.0, scale: Any = 1.0, size: SizeLike = None, dtype: Any = None,
               out: Optional[np.ndarray] = None, *,
               n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from the Gumbel (extreme value type I) distribution:
        ``loc - scale * log(E)``, ``E`` a standard exponential.

        One word per element (two for float64); variates in (-3.14, 22.9)
        (float64: (-3.81, 45.1)).

        Parameters
        ----------
        loc : float or array_like of floats
            Location (the mode), finite.
        scale : float or array_like of floats
            Scale, finite and non-negative.
        size, dtype, out, n_threads
            As in :meth:`standard_exponential`.

        Returns
        -------
        out : float or ndarray
        """
        return self._location_scale("gumbel", loc, scale, size, dtype, out, n_threads)

    def lognormal(self, mean: Any = 0.0, sigma: Any = 1.0, size: SizeLike = None,
                  dtype: Any = None, out: Optional[np.ndarray] = None, *,
                  n_threads: Optional[int] = None) -> Union[np.ndarray, float, np.generic]:
        """Samples from the log-normal distribution: ``exp(normal(mean, sigma))``.

        The normal's values (same words, same bits as :meth:`normal`) through
        fastinit's own exp (no libm): relative error below 1e-7 (float64:
        2e-16) of the exp of the drawn normal.

        Parameters
        ----------
        mean : float or array_like of floats
            Mean of the underlying normal, finite.
        sigma : float or array_like of floats
            Its standard deviation, finite and non-negative.  ``mean + 6.4 *
            sigma`` (float64: 9.2) must stay below the log of the dtype's
            largest value, so no sample overflows.  Arrays broadcast as in
            NumPy (the broadcast normal, then the same exp).
        size, dtype, out, n_threads
            As in :meth:`standard_exponential`.

        Returns
        -------
        out : float or ndarray
        """
        if out is None and n_threads is None:  # NumPy's small calls first: one lookup
            value = self._small("lognormal", size, dtype, (mean, sigma))
            if value is not None:
                return value
        if _broadcast.has_array(mean, sigma):
            return _broadcast.lognormal(self._standard_filler(n_threads), mean, sigma, size,
                                        dtype, out, z_reach=_NORMAL_REACH)
        return self._draw("lognormal", size, dtype, out, n_threads, mean=mean, sigma=sigma)

    def bytes(self, length: int) -> bytes:
        """``length`` random bytes: the next ``ceil(length / 4)`` stream words,
        little-endian, the last word's unused bytes dropped.

        Parameters
        ----------
        length : int
            Number of bytes, non-negative.

        Returns
        -------
        bytes
        """
        n = integer(length, "length")
        if n < 0:
            raise ValueError(f"length must be non-negative, got {n}")
        words = self._raw_words(1)(-(-n // 4))
        return words.astype("<u4", copy=False).tobytes()[:n]

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


def default_rng(seed: Union[_seeding.SeedLike, Generator, Philox4x32] = None) -> Generator:
    """A :class:`Generator` seeded with ``seed`` (a Generator is returned as is).

    Parameters
    ----------
    seed : None, int, sequence of ints, numpy.random.SeedSequence, Generator or Philox4x32
        What ``numpy.random.default_rng`` accepts, with fastinit's types: a
        ``fastinit.Generator`` is returned as is, a ``fastinit.Philox4x32``
        is wrapped (the generator draws from its stream).

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
