"""``fastinit.Philox4x32``: fastinit's stream as a ``numpy.random.BitGenerator``.

NumPy's own distribution algorithms (``np.random.Generator(Philox4x32(s))``,
and the methods ``fastinit.Generator`` delegates to NumPy) read the stream
through the ``bitgen_t`` callbacks below.  They never compute Philox one
word at a time: a refill takes the next ``BUFFER_BLOCKS`` blocks of the
stream and fills the buffer with the C core's (SIMD) raw kernel, called
through ``fastinit._core.fill_flat_address()``, so there is one compiled copy
of the kernels and one instruction-set choice.

The stream position (the next unused block) lives in this object's C
state; it is *the* position of the stream.  ``reserve(n_words)`` -- what
every fastinit fill does first -- takes whole blocks from it under
``self.lock`` and drops the words left in the buffer, so NumPy-algorithm
draws and fastinit's own fills advance one stream without overlap.  NumPy's
``Generator`` holds ``self.lock`` while it draws, and a refill happens only
inside such a draw, so the position is never updated by two threads at once.

Word ``w`` of the stream is word ``w % 4`` of Philox block ``w // 4``
(docs/STREAM.md); ``next_uint64`` reads two words little-endian (first word
low), ``next_double`` is ``(next_uint64 >> 11) * 2**-53``: the float64
uniform of ``fastinit.Generator.random`` on the same two words.
"""
import threading

import numpy as np

from cpython.pycapsule cimport PyCapsule_New
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int64_t, uintptr_t
from libc.string cimport memcpy, memset
from numpy.random cimport BitGenerator, bitgen_t
cimport numpy as cnp

cnp.import_array()

from . import _core
from ._seeding import to_seed_sequence
from ._validation import integer

__all__ = ["Philox4x32", "BUFFER_WORDS"]

cdef extern from "Python.h":
    void PyErr_SetString(object type, const char *message)

from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from libc.math cimport signbit

ctypedef int (*fill_flat_t)(int kind, int dtype, uint32_t key0, uint32_t key1,
                            uint32_t stream0, uint32_t stream1, uint64_t word0, int64_t n,
                            void *out, double loc, double scale) noexcept nogil

cdef extern from "fi_kernels.h":
    ctypedef struct fi_stream:
        uint32_t key[2]
        uint32_t stream[2]
    ctypedef struct fi_params:  # its layout is C's: packed by fastinit._core.pack_params
        pass

ctypedef int (*fill_t)(int kind, int dtype, const fi_stream *s, uint64_t word0, int64_t n,
                       void *out, const fi_params *p) noexcept nogil

# The C core's fills (fastinit/src/fi_kernels.h): the flat one for the buffer
# (kind 0 = raw, dtype 0 = uint32), the struct one for small draws.
cdef fill_flat_t _fill_flat = <fill_flat_t><uintptr_t>_core.fill_flat_address()
cdef fill_t _fill = <fill_t><uintptr_t>_core.fill_address()


cdef inline void _small_fill(fi_bitgen_state *st, int kind, int dtype, uint64_t word0,
                             int64_t n, void *out, const fi_params *p) noexcept nogil:
    """n elements of a draw starting at stream word ``word0``."""
    cdef fi_stream s
    s.key[0], s.key[1] = st.key[0], st.key[1]
    s.stream[0], s.stream[1] = st.stream[0], st.stream[1]
    _fill(kind, dtype, &s, word0, n, out, p)


cdef inline int _unpack(bytes packed, fi_params *p) except -1:
    """Copy the ``fi_params`` packed by ``fastinit._core.pack_params`` into ``p``."""
    if len(packed) != sizeof(fi_params):
        raise ValueError(f"params must be the {sizeof(fi_params)} bytes of "
                         f"fastinit._core.pack_params, got {len(packed)} bytes")
    memcpy(p, <const char *>packed, sizeof(fi_params))
    return 0


cdef int _RAW = _core.RAW
cdef int _U32 = _core.U32
cdef int _U8 = _core.U8
cdef int _U16 = _core.U16
cdef int _U64 = _core.U64
cdef int _F32 = _core.F32
cdef int _F64 = _core.F64

cdef enum:
    # Blocks per refill: 4 KiB of words, in L1.  Large enough that the SIMD
    # kernel's call overhead vanishes per word (a quarter of this cost ~10%
    # more per draw), small enough that the words a reserve() drops cost
    # nothing.
    _BUFFER_BLOCKS = 256
    _BUFFER_WORDS = 4 * _BUFFER_BLOCKS

#: Words one refill takes from the stream (the most a ``reserve`` can skip).
BUFFER_WORDS = _BUFFER_WORDS
cdef uint64_t _STREAM_BLOCKS = (<uint64_t>1) << 62

# SeedSequence.spawn counts its children without a lock; spawning must not
# hand two threads the same child (a SeedSequence can be shared).
_SPAWN_LOCK = threading.Lock()

ctypedef struct fi_bitgen_state:
    uint32_t key[2]
    uint32_t stream[2]
    uint64_t position      # next unused block of the stream
    int buffer_pos         # next unused word of buffer
    int buffer_len         # words in buffer (0 .. _BUFFER_WORDS)
    int exhausted          # 1 once a refill found the stream's end
    uint32_t buffer[_BUFFER_WORDS]


cdef void _report_stream_end() noexcept nogil:
    """Called at the end of the stream (2**64 words): there is no next word.

    The bitgen_t callbacks cannot fail, so the words are zeros and a
    ValueError is left set: the NumPy method that asked for them returns into
    a SystemError caused by it, never a silently wrapped-around stream."""
    with gil:
        PyErr_SetString(ValueError, b"position: the stream ended (2**64 words) during a "
                        b"NumPy-algorithm draw; use another stream (stream(name) or spawn())")


cdef inline void _refill(fi_bitgen_state *st) noexcept nogil:
    cdef uint64_t left = <uint64_t>_STREAM_BLOCKS - st.position
    cdef uint64_t blocks = _BUFFER_BLOCKS if left > _BUFFER_BLOCKS else left
    st.buffer_pos = 0
    if blocks == 0:
        st.exhausted = 1
        memset(st.buffer, 0, sizeof(st.buffer))
        st.buffer_len = _BUFFER_WORDS
        _report_stream_end()
        return
    _fill_flat(_RAW, _U32, st.key[0], st.key[1], st.stream[0], st.stream[1],
               st.position * 4, <int64_t>(blocks * 4), st.buffer, 0.0, 1.0)
    st.position += blocks
    st.buffer_len = <int>(blocks * 4)


cdef inline uint32_t _word(fi_bitgen_state *st) noexcept nogil:
    if st.buffer_pos >= st.buffer_len:
        _refill(st)
    cdef uint32_t w = st.buffer[st.buffer_pos]
    st.buffer_pos += 1
    return w


cdef uint32_t _next_uint32(void *p) noexcept nogil:
    return _word(<fi_bitgen_state *>p)


cdef inline uint64_t _pair(fi_bitgen_state *st) noexcept nogil:
    cdef uint64_t lo, hi
    if st.buffer_pos + 2 <= st.buffer_len:  # the common case: both words buffered
        lo = st.buffer[st.buffer_pos]
        hi = st.buffer[st.buffer_pos + 1]
        st.buffer_pos += 2
        return lo | (hi << 32)
    lo = _word(st)
    hi = _word(st)
    return lo | (hi << 32)


cdef uint64_t _next_uint64(void *p) noexcept nogil:
    return _pair(<fi_bitgen_state *>p)


cdef double _next_double(void *p) noexcept nogil:
    return <double>(_pair(<fi_bitgen_state *>p) >> 11) * (1.0 / 9007199254740992.0)


cdef uint64_t _next_raw(void *p) noexcept nogil:
    return _word(<fi_bitgen_state *>p)


_STATE_KEYS = ("key", "stream_id", "position")


cdef class Philox4x32(BitGenerator):
    """fastinit's Philox4x32-10 stream as a NumPy ``BitGenerator``.

    ``numpy.random.Generator(fastinit.Philox4x32(seed))`` runs NumPy's
    algorithms on the stream ``fastinit.default_rng(seed)`` draws from, and
    ``fastinit.default_rng(seed).bit_generator`` is one of these, sharing
    that generator's stream position.

    Parameters
    ----------
    seed : None, int, sequence of ints or numpy.random.SeedSequence
        As for :func:`fastinit.default_rng`: the key is
        ``SeedSequence(seed).generate_state(2, numpy.uint32)``.

    Attributes
    ----------
    lock : threading.Lock
        Held by ``numpy.random.Generator`` while it draws, and by
        :meth:`reserve`.
    seed_seq : numpy.random.SeedSequence

    Notes
    -----
    ``random_raw`` returns one 32-bit stream word per value (as uint64, as
    NumPy's ``MT19937`` does); ``next_uint64`` consumes two words, first
    word low.  Words come from a buffer of ``BUFFER_WORDS`` words refilled
    from the stream by the C core; :meth:`reserve` (every fastinit fill)
    drops the unused rest of the buffer.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> g = np.random.Generator(fastinit.Philox4x32(0))
    >>> g.poisson(3.0, size=4).shape
    (4,)
    """

    #: Words one refill takes from the stream into the buffer (the most a
    #: fastinit fill can skip).
    BUFFER_WORDS = _BUFFER_WORDS

    cdef fi_bitgen_state rng_state
    cdef object _key_tuple
    cdef object _stream_tuple
    cdef object _stream_id

    def __init__(self, seed=None):
        BitGenerator.__init__(self, to_seed_sequence(seed))
        k0, k1 = self._seed_seq.generate_state(2, np.uint32)
        self._bitgen.state = <void *>&self.rng_state
        self._bitgen.next_uint64 = &_next_uint64
        self._bitgen.next_uint32 = &_next_uint32
        self._bitgen.next_double = &_next_double
        self._bitgen.next_raw = &_next_raw
        self._set(int(k0), int(k1), 0, 0, 0)

    cdef _set(self, uint32_t k0, uint32_t k1, uint64_t stream_id, uint64_t position,
              int buffered):
        """Point at ``position`` with the ``buffered`` words before it unused."""
        cdef fi_bitgen_state *st = &self.rng_state
        cdef int blocks
        st.key[0], st.key[1] = k0, k1
        st.stream[0], st.stream[1] = <uint32_t>stream_id, <uint32_t>(stream_id >> 32)
        st.exhausted = 0
        st.position = position
        st.buffer_pos = st.buffer_len = 0
        if buffered:
            blocks = (buffered + 3) // 4
            _fill_flat(_RAW, _U32, k0, k1, st.stream[0], st.stream[1],
                       (position - blocks) * 4, blocks * 4, st.buffer, 0.0, 1.0)
            st.buffer_len = blocks * 4
            st.buffer_pos = st.buffer_len - buffered
        self._key_tuple = (int(k0), int(k1))
        self._stream_id = int(stream_id)
        self._stream_tuple = (int(st.stream[0]), int(st.stream[1]))

    # ---------------------------------------------------------- identity --
    @property
    def key(self):
        """The Philox key, two 32-bit words."""
        return self._key_tuple

    @property
    def stream_id(self):
        """The 64-bit stream id (counter words 2 and 3)."""
        return self._stream_id

    @property
    def stream_words(self):
        """The stream id as the two 32-bit counter words (low, high)."""
        return self._stream_tuple

    @property
    def position(self):
        """The next Philox block no draw has taken (buffered words come before it)."""
        return self.rng_state.position

    @property
    def buffered(self):
        """Words taken from the stream into the buffer and not used yet."""
        return self.rng_state.buffer_len - self.rng_state.buffer_pos

    @property
    def state(self):
        """The state, as a dict; assignable.

        ``{"bit_generator": "Philox4x32", "state": {"key": (k0, k1),
        "stream_id": s, "position": p}, "buffered": n}``: the next NumPy
        draw reads the ``n`` stream words before block ``p``, then blocks
        ``p, p + 1, ...``; the next fastinit fill starts at block ``p``.
        """
        with self.lock:
            return {"bit_generator": "Philox4x32",
                    "state": {"key": self._key_tuple, "stream_id": self._stream_id,
                              "position": int(self.rng_state.position)},
                    "buffered": self.rng_state.buffer_len - self.rng_state.buffer_pos}

    @state.setter
    def state(self, value):
        if not isinstance(value, dict):
            raise TypeError(f"state must be a dict, got {type(value).__name__}")
        expected = {"bit_generator", "state", "buffered"}
        if set(value) != expected:
            raise ValueError(f"state must have exactly the keys {sorted(expected)}; "
                             f"missing {sorted(expected - set(value))}, "
                             f"unexpected {sorted(set(value) - expected, key=repr)}")
        if value["bit_generator"] != "Philox4x32":
            raise ValueError(f"state['bit_generator'] must be 'Philox4x32' (state must be "
                             f"for a Philox4x32 bit generator), got {value['bit_generator']!r}")
        inner = value["state"]
        if not isinstance(inner, dict) or set(inner) != set(_STATE_KEYS):
            raise ValueError(f"state['state'] must be a dict with exactly the keys "
                             f"{list(_STATE_KEYS)}, got {inner!r}")
        self.set_position(inner["key"], inner["stream_id"], inner["position"],
                          value["buffered"], prefix="state['state']")

    def set_position(self, key, stream_id, position, buffered=0, *, prefix="state"):
        """Point the stream at ``(key, stream_id, position)`` with ``buffered``
        words before ``position`` unused; every value is checked first.

        This is the state setter's check-and-assign (``fastinit.Generator.state``
        uses it); ``prefix`` is how messages name the values.
        """
        if isinstance(key, (str, bytes)):
            raise TypeError(f"{prefix}['key'] must be a sequence of two ints, got {key!r}")
        try:
            k = tuple(integer(v, f"{prefix}['key']") for v in key)
        except TypeError:
            raise TypeError(f"{prefix}['key'] must be two 32-bit unsigned ints, "
                            f"got {key!r}") from None
        if len(k) != 2 or not all(0 <= v < 2**32 for v in k):
            raise ValueError(f"{prefix}['key'] must be two 32-bit unsigned ints, got {key!r}")
        sid = integer(stream_id, f"{prefix}['stream_id']")
        if not 0 <= sid < 2**64:
            raise ValueError(f"{prefix}['stream_id'] must be a 64-bit unsigned int, got {sid}")
        pos = integer(position, f"{prefix}['position']")
        if not 0 <= pos < _STREAM_BLOCKS:
            raise ValueError(f"{prefix}['position'] must be in [0, 2**62) (a stream holds "
                             f"2**62 blocks of 4 words), got {pos}")
        name = "state['buffered']" if prefix.endswith("['state']") else f"{prefix}['buffered']"
        n = integer(buffered, name)
        if not 0 <= n <= min(_BUFFER_WORDS, 4 * pos):
            raise ValueError(f"{name} must be in [0, {min(_BUFFER_WORDS, 4 * pos)}] "
                             f"(words before position {pos}), got {n}")
        with self.lock:
            self._set(k[0], k[1], sid, pos, n)

    # ------------------------------------------- fastinit's fill surface --
    cdef uint64_t _take(self, uint64_t n_words) except? 0xFFFFFFFFFFFFFFFF:
        """reserve() for a checked count: the first block of ``n_words`` words."""
        cdef uint64_t start, blocks = (n_words + 3) // 4
        with self.lock:
            start = self.rng_state.position
            if blocks > _STREAM_BLOCKS - start:
                raise ValueError(
                    f"position={start}: this draw needs stream words up to "
                    f"{(start + blocks) * 4}, past the end of the stream (2**64 words); "
                    f"use another stream (Generator.stream(name) or spawn())")
            self.rng_state.position = start + blocks
            self.rng_state.buffer_pos = self.rng_state.buffer_len = 0
        return start

    def reserve(self, n_words):
        """Take the next ``n_words`` words (whole blocks); return the first block.

        Drops the words still in the buffer (the next NumPy-algorithm draw
        starts after the reserved range).  Holds ``self.lock``, so
        concurrent callers, and NumPy draws, get disjoint ranges.

        Raises
        ------
        ValueError
            When the range would run past the end of the stream (2**64
            words), naming ``position``; nothing is reserved.
        """
        n = integer(n_words, "n_words")
        if n < 0:
            raise ValueError(f"n_words must be non-negative, got {n}")
        if n > 4 * _STREAM_BLOCKS:
            self._take(4 * _STREAM_BLOCKS)  # raises, naming the position
        return self._take(n)

    def reserve_and_fill(self, int kind, int dtype, int words_per_element, cnp.ndarray out,
                         bytes params):
        """Reserve the words of ``out.size`` elements and fill ``out`` on this thread.

        For small draws: one call instead of ``reserve`` and the parallel
        fill.  ``out`` must be C-contiguous, writeable and of the dtype the
        kernel writes, and ``params`` the packed checked parameters
        (``fastinit._core.pack_params``); the caller has checked both.
        Returns the first block.
        """
        return self._reserve_and_fill(kind, dtype, words_per_element, out, params)

    cdef uint64_t _reserve_and_fill(self, int kind, int dtype, int words_per_element,
                                    cnp.ndarray out, bytes params) except? 0xFFFFFFFFFFFFFFFF:
        cdef fi_params p
        _unpack(params, &p)
        cdef int64_t n = out.size
        cdef uint64_t start = self._take(<uint64_t>n * words_per_element)
        cdef fi_bitgen_state *st = &self.rng_state
        cdef uint64_t word0 = start * 4
        cdef void *data = cnp.PyArray_DATA(out)
        if n == 0:
            return start
        with nogil:
            _small_fill(st, kind, dtype, word0, n, data, &p)
        return start

    def reserve_new(self, int kind, int dtype, int words_per_element, object shape,
                    int typenum, bytes params, int64_t max_elements):
        """A new array of ``shape`` and NumPy type number ``typenum``, reserved
        and filled on this thread: :meth:`reserve_and_fill` without the
        Python-level allocation, for NumPy's small calls.

        ``shape`` is an int or a tuple of ints; anything else (NumPy or bool
        integers, negative sizes), no element, or more than ``max_elements``
        returns None without drawing: the caller's general path takes it.
        """
        cdef cnp.npy_intp dims[32]
        cdef int nd, i
        cdef int64_t count = 1
        if type(shape) is int:
            if not 0 < shape <= max_elements:
                return None
            nd = 1
            dims[0] = shape
            count = shape
        elif type(shape) is tuple and 0 < len(<tuple>shape) <= 32:
            nd = len(<tuple>shape)
            for i in range(nd):
                n = (<tuple>shape)[i]
                if type(n) is not int or not 0 <= n <= max_elements:
                    return None
                dims[i] = n
                count *= dims[i]
                if count > max_elements:  # stays below 2**63: each factor is small
                    return None
            if count == 0:
                return None
        else:
            return None
        cdef cnp.ndarray out = cnp.PyArray_EMPTY(nd, dims, typenum, 0)
        self._reserve_and_fill(kind, dtype, words_per_element, out, params)
        return out

    def reserve_one(self, int kind, int dtype, int words_per_element, bytes params):
        """Reserve and compute one element of a draw; return it as a Python float
        (float64 and float32 kernels) or int (the unsigned bits of an integer
        kernel: uint8, uint16, uint32, uint64).

        The scalar call (``rng.random()``) without allocating an array: the
        element is the one a draw of size 1 at the same position gives.
        """
        cdef fi_params p
        _unpack(params, &p)
        cdef double value64 = 0.0
        cdef float value32 = 0.0
        cdef uint64_t bits = 0  # an integer kernel writes its low bytes (little-endian)
        cdef void *data
        if dtype == _F64:
            data = &value64
        elif dtype == _F32:
            data = &value32
        elif dtype in (_U32, _U8, _U16, _U64):
            data = &bits
        else:
            raise ValueError(f"reserve_one draws float64, float32 or unsigned integers, "
                             f"not kernel dtype {dtype}")
        cdef uint64_t start = self._take(words_per_element)
        cdef fi_bitgen_state *st = &self.rng_state
        _small_fill(st, kind, dtype, start * 4, 1, data, &p)
        if dtype == _F64:
            return value64
        if dtype == _F32:
            return value32
        if dtype == _U8:
            return (<uint8_t *>data)[0]
        if dtype == _U16:
            return (<uint16_t *>data)[0]
        if dtype == _U32:
            return (<uint32_t *>data)[0]
        return bits

    def draw_small(self, dict plans, object make_plan, str method, object dtype,
                   tuple values, object size, int64_t max_elements):
        """NumPy's small calls in compiled code: one value (``size`` None) or a
        new array of ``size`` (at most ``max_elements``) of ``method`` with
        parameter ``values`` and ``dtype``, by the plan (a
        ``fastinit._small_draws.SmallPlan``) that ``plans`` holds for them.

        A call not seen before asks ``make_plan(key, method, dtype, values)``,
        which checks it, may store the plan in ``plans`` under ``key`` (False:
        never one) and returns it, or None.  Returns None, drawing nothing, when there is no
        plan (unhashable or refused arguments: the caller's general path
        raises), when ``size`` is not a small size of Python ints, or when a
        -0.0 stands where the plan was made for +0.0.
        """
        cdef Py_ssize_t i, n = len(values)
        cdef tuple types = PyTuple_New(n)
        for i in range(n):
            kind_of = type(values[i])
            Py_INCREF(kind_of)
            PyTuple_SET_ITEM(types, i, kind_of)
        # the types too: True == 1 and 2.0 == 2, but not every type is accepted
        key = (method, dtype, values, types)
        try:
            plan = plans.get(key)
        except TypeError:  # unhashable: an array or a list
            return None
        if plan is None:
            plan = make_plan(key, method, dtype, values)
            if plan is None:
                return None
        elif plan is False:  # known to take the general path (float16, ...)
            return None
        cdef tuple fields = <tuple>plan  # a NamedTuple: a tuple subclass
        for i in fields[6]:  # zero_parameters: the plan is +0.0's, not -0.0's
            if signbit(<double>values[i]):
                return None
        cdef int kind = fields[0], dtype_code = fields[1], words_per_element = fields[2]
        if size is None:
            value = self.reserve_one(kind, dtype_code, words_per_element, fields[4])
            return value if fields[5] is None else fields[5](value)
        return self.reserve_new(kind, dtype_code, words_per_element, size, fields[3],
                                fields[4], max_elements)

    # ------------------------------------------------------- NumPy's API --
    def spawn(self, n_children):
        """``n_children`` independent bit generators, from ``seed_seq.spawn``.

        Parameters
        ----------
        n_children : int

        Returns
        -------
        list of Philox4x32
        """
        n = integer(n_children, "n_children")
        if n < 0:
            raise ValueError(f"n_children must be non-negative, got {n}")
        with _SPAWN_LOCK:
            children = self._seed_seq.spawn(n)
        return [type(self)(child) for child in children]

    def __reduce__(self):
        return (_restore, (type(self), self._seed_seq, self.state))

    def __repr__(self):
        return (f"Philox4x32(key=({self._key_tuple[0]:#010x}, {self._key_tuple[1]:#010x}), "
                f"stream_id={self._stream_id:#018x}, position={self.rng_state.position})")


def _restore(cls, seed_seq, state):
    bit_generator = cls(seed_seq)
    bit_generator.state = state
    return bit_generator
