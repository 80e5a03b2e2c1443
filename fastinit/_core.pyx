# Cython directives (boundscheck, wraparound, cdivision, ...) are set in one
# place, setup.py, so that FASTINIT_BOUNDSCHECK=1 really turns the checks on.
"""Parallel orchestration of the C kernels (fastinit/src).

Everything here runs after validation: the Python facade
(``fastinit._generator``) checks dtypes, shapes, contiguity and parameters
before calling in, so these functions trust their arguments.

A fill is one OpenMP parallel region.  Work is cut into rounds of
``ROUND_PER_THREAD`` elements per thread; within a round the elements are
split statically and contiguously among the threads, which also makes the
fill the parallel first touch of a fresh array.  Threads do not wait for each
other between rounds (no barrier, no spinning), and the calling thread takes
the GIL between its rounds to check for Ctrl-C, so a multi-gigabyte fill
stops within milliseconds of an interrupt.
"""
from cython.parallel cimport parallel
from libc.stdint cimport uint16_t, uint32_t, uint64_t, int64_t, uintptr_t
cimport numpy as cnp
from libc.math cimport INFINITY

cnp.import_array()

cdef extern from "Python.h":
    int PyErr_CheckSignals() except -1
    int PyErr_CheckSignals_nocheck "PyErr_CheckSignals" ()

cdef extern from "fi_openmp.h" nogil:
    int fi_omp_max_threads()
    int fi_omp_num_threads()
    int fi_omp_thread_num()
    int fi_openmp_enabled()
    int fi_flag_get(const int *flag)
    void fi_flag_set(int *flag)

cdef extern from "fi_philox.h" nogil:
    ctypedef struct fi_stream:
        uint32_t key[2]
        uint32_t stream[2]
    void fi_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out)

cdef extern from "fi_kernels.h" nogil:
    ctypedef struct fi_params:
        double loc, scale, p_lo, pc_lo, width, flip, clamp_lo, clamp_hi
        uint64_t int_low, int_range
    int fi_fill(int kind, int dtype, const fi_stream *s, uint64_t word0, int64_t n,
                void *out, const fi_params *p)
    int fi_words_per_element(int kind, int dtype)
    void fi_fill_constant(void *out, int64_t n, int elem_size, uint64_t value_bits)
    int fi_fill_flat(int kind, int dtype, uint32_t key0, uint32_t key1, uint32_t stream0,
                     uint32_t stream1, uint64_t word0, int64_t n, void *out, double loc,
                     double scale)
    int fi_narrow(int dtype, const float *inp, int64_t n, uint16_t *out)
    int fi_transform_words(int kind, int dtype, const uint32_t *words, int64_t n, void *out,
                           const fi_params *p)
    int fi_exp_array(int dtype, void *x, int64_t n)
    int fi_isa_best()
    int fi_isa_active()
    int fi_isa_set(int isa)
    const char *fi_isa_name(int isa)
    int fi_build_contracts()

# Kinds and dtypes, as in fi_kernels.h.
RAW, UNIFORM, NORMAL, TRUNCNORM = 0, 1, 2, 3
INTEGERS, EXPONENTIAL, LAPLACE, LOGISTIC, GUMBEL, LOGNORMAL = 4, 5, 6, 7, 8, 9
U32, F32, F64, F16, BF16 = 0, 1, 2, 3, 4
U8, U16, U64 = 5, 6, 7  # integer widths; U32 serves 32-bit integers too


def _isa_names():
    """This build's instruction sets, narrowest first (fi_isa_name)."""
    names = []
    while fi_isa_name(len(names)) != NULL:
        names.append(fi_isa_name(len(names)).decode("ascii"))
    return tuple(names)


ISA_NAMES = _isa_names()
fi_isa_active()  # pick the instruction set now, before any kernel thread can race to it
if fi_build_contracts():
    raise ImportError(
        "fastinit's C kernels were compiled with floating-point contraction "
        "(a * b + c fused into one operation, e.g. clang -ffp-contract=fast), which "
        "changes their bits; rebuild with -ffp-contract=off and without -ffast-math"
    )

cdef enum:
    # Elements per thread per round: about 4-16 ms of work, the Ctrl-C latency.
    _ROUND_PER_THREAD = 1 << 22
    # Below this many elements a fill runs on the calling thread only.
    _SERIAL_BELOW = 1 << 15

cdef extern from *:
    """
    #ifndef FI_BOUNDSCHECK_BUILD
    #define FI_BOUNDSCHECK_BUILD 0
    #endif
    """
    int FI_BOUNDSCHECK_BUILD

#: Whether setup.py was asked for bounds checks (FASTINIT_BOUNDSCHECK=1); a
#: test compares it with what bounds_checked() observes.
BOUNDSCHECK_REQUESTED = bool(FI_BOUNDSCHECK_BUILD)

# The same two numbers for Python (fastinit._limits re-exports them; the Numba
# path uses them too): one name and one value each.
ROUND_PER_THREAD = _ROUND_PER_THREAD
SERIAL_BELOW = _SERIAL_BELOW


def bounds_checked():
    """True when this build checks memoryview indices (``FASTINIT_BOUNDSCHECK=1``).

    Indexes one past the end of a view of 1 element whose buffer holds 2:
    with checks on that raises IndexError; with them off it reads the second
    element (inside the buffer, so no undefined behaviour either way).
    """
    buffer = bytearray(2)
    cdef unsigned char[:] view = buffer
    view = view[:1]
    cdef Py_ssize_t past_end = 1
    try:
        view[past_end]
    except IndexError:
        return True
    return False


# Fork safety.  GNU OpenMP keeps its thread pool across fork() but not its
# threads: a child forked after the parent ran a team would wait forever for
# workers that do not exist.  The first team sets _team_started; a child
# forked after that (see fastinit._threads) calls run_serially(), and from
# then on every fill runs on the calling thread (same bits: the bits never
# depend on the thread count).
cdef int _team_started = 0
cdef int _serial_only = 0


def team_started():
    """True once this process has run an OpenMP team (a multi-threaded fill)."""
    return bool(_team_started)


def run_serially():
    """Make every later fill of this process single-threaded (forked children)."""
    global _serial_only
    _serial_only = 1


def serial_only():
    """True after :func:`run_serially`."""
    return bool(_serial_only)


def openmp_enabled():
    """True when the extension was built with OpenMP."""
    return bool(fi_openmp_enabled())


def omp_max_threads():
    """``omp_get_max_threads()``: honours OMP_NUM_THREADS and threadpoolctl."""
    return fi_omp_max_threads()


def isa_best():
    return ISA_NAMES[fi_isa_best()]


def isa_active():
    return ISA_NAMES[fi_isa_active()]


def set_isa(name):
    """Force an instruction set (for tests); returns the one now active."""
    return ISA_NAMES[fi_isa_set(ISA_NAMES.index(name))]


def fill_flat_address():
    """Address of the C function ``fi_fill_flat`` (see src/fi_kernels.h):

    ``int fi_fill_flat(int kind, int dtype, uint32 key0, uint32 key1,
    uint32 stream0, uint32 stream1, uint64 word0, int64 n, void *out,
    double loc, double scale)`` -- single-threaded, GIL-free, for Numba.
    """
    return <uintptr_t>&fi_fill_flat


def fill_address():
    """Address of the C function ``fi_fill`` (see src/fi_kernels.h):

    ``int fi_fill(int kind, int dtype, const fi_stream *s, uint64 word0,
    int64 n, void *out, const fi_params *p)`` -- single-threaded, GIL-free;
    for ``fastinit.Philox4x32``'s one-call small draws (every parameter of
    ``fi_params``, where ``fi_fill_flat`` passes loc and scale only).
    """
    return <uintptr_t>&fi_fill


def words_per_element(int kind, int dtype):
    return fi_words_per_element(kind, dtype)


cdef inline void _fill_span(int kind, int dtype, const fi_stream *s, uint64_t word_base,
                            int wpe, const int64_t *row_offsets, int64_t cols,
                            char *out, int64_t itemsize, const fi_params *p,
                            int64_t lo, int64_t hi) noexcept nogil:
    """Fill flat elements [lo, hi) of a (rows, cols) block; row r starts at
    stream element row_offsets[r]."""
    cdef int64_t r = lo // cols, c = lo % cols, take
    while lo < hi:
        take = cols - c
        if take > hi - lo:
            take = hi - lo
        fi_fill(kind, dtype, s, word_base + <uint64_t>wpe * <uint64_t>(row_offsets[r] + c),
                take, out + lo * itemsize, p)
        lo += take
        r += 1
        c = 0


ctypedef struct _Job:
    # what one fill does with a span [lo, hi) of flat elements of `out`
    int constant               # 1: store value_bits in every element; 0: run a kernel
    uint64_t value_bits
    int kind, dtype, wpe
    const fi_stream *s
    uint64_t word_base
    const fi_params *p
    const int64_t *offs
    int64_t cols
    char *out
    int64_t itemsize


cdef inline void _do_span(const _Job *job, int64_t lo, int64_t hi) noexcept nogil:
    if job.constant:
        fi_fill_constant(job.out + lo * job.itemsize, hi - lo, <int>job.itemsize,
                         job.value_bits)
    else:
        _fill_span(job.kind, job.dtype, job.s, job.word_base, job.wpe, job.offs, job.cols,
                   job.out, job.itemsize, job.p, lo, hi)


cdef void _unpack_params(dict params, fi_params *p):
    p.loc = params.get("loc", 0.0)
    p.scale = params.get("scale", 1.0)
    p.p_lo = params.get("p_lo", 0.0)
    p.pc_lo = params.get("pc_lo", 1.0)
    p.width = params.get("width", 1.0)
    p.flip = params.get("flip", 1.0)
    p.clamp_lo = params.get("clamp_lo", -float("inf"))  # no bounds unless given
    p.clamp_hi = params.get("clamp_hi", float("inf"))
    p.int_low = params.get("int_low", 0)
    p.int_range = params.get("int_range", 0)


def pack_params(dict params):
    """The kernel parameters ``params`` (as ``fill`` takes them) as the bytes of
    the C struct ``fi_params``: what ``fastinit.Philox4x32``'s one-call small
    draws pass to ``fi_fill`` (a checked draw's parameters are packed once)."""
    cdef fi_params p
    _unpack_params(params, &p)
    return (<char *>&p)[:sizeof(fi_params)]


def narrow(int dtype, cnp.ndarray values, cnp.ndarray out):
    """float32 ``values`` -> uint16 bits of float16 (``F16``) or bfloat16 (``BF16``)
    in ``out``, rounded to nearest even by the active ISA's kernels (for tests)."""
    if values.dtype.num != cnp.NPY_FLOAT32 or not values.flags.c_contiguous:
        raise TypeError("values must be a C-contiguous float32 array")
    if out.dtype.num != cnp.NPY_UINT16 or not out.flags.c_contiguous or out.size != values.size:
        raise TypeError("out must be a C-contiguous uint16 array of values.size")
    if dtype != F16 and dtype != BF16:
        raise ValueError("dtype must be F16 or BF16")
    fi_narrow(dtype, <const float *>cnp.PyArray_DATA(values), values.size,
              <uint16_t *>cnp.PyArray_DATA(out))
    return out


def transform_words(int kind, int dtype, cnp.ndarray words, cnp.ndarray out, dict params):
    """Apply a kind's element transform to given uint32 ``words`` (for tests).

    ``words`` must hold ``out.size * words_per_element`` C-contiguous uint32.
    """
    cdef fi_params p
    cdef int wpe = fi_words_per_element(kind, dtype)
    if kind == RAW or wpe == 0:
        raise ValueError(f"no transform for kind={kind} dtype={dtype}")
    if words.dtype.num != cnp.NPY_UINT32 or not words.flags.c_contiguous:
        raise TypeError("words must be a C-contiguous uint32 array")
    if words.size != out.size * wpe or not out.flags.c_contiguous:
        raise ValueError("words.size must be out.size * words_per_element; out C-contiguous")
    _unpack_params(params, &p)
    fi_transform_words(kind, dtype, <const uint32_t *>cnp.PyArray_DATA(words), out.size,
                       cnp.PyArray_DATA(out), &p)
    return out


def fill(int kind, int dtype, cnp.ndarray out, tuple key, tuple stream, uint64_t word_base,
         dict params, int n_threads, cnp.ndarray row_offsets=None):
    """Fill the C-contiguous ``out`` in place.

    ``out`` is seen as ``(rows, cols)`` with ``rows = len(row_offsets)``;
    element (r, c) is element ``row_offsets[r] + c`` of the stream region that
    starts at word ``word_base``.  Without ``row_offsets`` the array is one
    row starting at element 0.
    """
    cdef fi_stream s
    cdef fi_params p
    cdef int64_t total = out.size, cols, rows
    cdef int64_t itemsize = out.itemsize
    cdef int wpe = fi_words_per_element(kind, dtype)
    cdef int nt = n_threads
    cdef char *ptr = <char *>cnp.PyArray_DATA(out)
    cdef cnp.ndarray offsets
    cdef const int64_t *offs
    if wpe == 0:
        raise ValueError(f"no kernel for kind={kind} dtype={dtype}")
    s.key[0], s.key[1] = key
    s.stream[0], s.stream[1] = stream
    _unpack_params(params, &p)
    if total == 0:
        return
    if row_offsets is None:
        offsets = cnp.PyArray_ZEROS(1, [1], cnp.NPY_INT64, 0)
    else:
        offsets = row_offsets
    rows = offsets.shape[0]
    cols = total // rows
    offs = <const int64_t *>cnp.PyArray_DATA(offsets)
    cdef _Job job
    job.constant = 0
    job.kind, job.dtype, job.wpe = kind, dtype, wpe
    job.s, job.word_base, job.p = &s, word_base, &p
    job.offs, job.cols = offs, cols
    job.out, job.itemsize = ptr, itemsize
    _run(&job, total, nt)


cdef int _signal_raised() noexcept with gil:
    """1 when a signal handler raised (Ctrl-C); the exception is left set."""
    return PyErr_CheckSignals_nocheck() != 0


cdef int _reraise() except -1:
    return -1  # propagates the exception _signal_raised left set


cdef int _run(const _Job *job, int64_t total, int nt) except -1:
    """Do ``job`` on all ``total`` elements, serially or in one parallel
    region.  Rounds of ROUND_PER_THREAD elements per thread are split
    statically among the team's threads (the fill is the parallel first touch
    of a fresh array); threads go through the rounds without waiting for each
    other, and the calling thread (0) checks for Ctrl-C between its rounds,
    stopping everyone."""
    cdef int stop = 0
    cdef int *stop_flag = &stop
    cdef int t, team
    cdef int64_t round_elems, r_start, r_end, span, lo, hi
    global _team_started
    if total < _SERIAL_BELOW or nt < 1 or _serial_only:
        nt = 1
    if nt == 1:
        r_start = 0
        while r_start < total:
            r_end = min(r_start + _ROUND_PER_THREAD, total)
            with nogil:
                _do_span(job, r_start, r_end)
            PyErr_CheckSignals()
            r_start = r_end
        return 0
    _team_started = 1
    with nogil, parallel(num_threads=nt):
        t = fi_omp_thread_num()
        team = fi_omp_num_threads()  # may be fewer than asked: split by the real team
        round_elems = <int64_t>team * _ROUND_PER_THREAD
        r_start = 0
        while r_start < total and not fi_flag_get(stop_flag):
            r_end = min(r_start + round_elems, total)
            span = r_end - r_start
            lo = r_start + span * t // team
            hi = r_start + span * (t + 1) // team
            _do_span(job, lo, hi)
            if t == 0 and _signal_raised():
                fi_flag_set(stop_flag)
            r_start = r_end
    if stop:
        _reraise()
    return 0


def exp_inplace(cnp.ndarray values):
    """``values[...] = exp(values)`` by the lognormal kernel's own exp (no
    libm), for a C-contiguous float32 or float64 array."""
    cdef int dtype
    if values.dtype.num == cnp.NPY_FLOAT32:
        dtype = F32
    elif values.dtype.num == cnp.NPY_FLOAT64:
        dtype = F64
    else:
        raise TypeError(f"values must be float32 or float64, got {values.dtype}")
    if not values.flags.c_contiguous or not values.flags.writeable:
        raise ValueError("values must be C-contiguous and writeable")
    cdef void *ptr = cnp.PyArray_DATA(values)
    cdef int64_t n = values.size
    with nogil:
        fi_exp_array(dtype, ptr, n)
    return values


def fill_constant(cnp.ndarray out, uint64_t value_bits, int n_threads):
    """Store one bit pattern into every element of the C-contiguous ``out``."""
    cdef _Job job
    job.constant = 1
    job.value_bits = value_bits
    job.out = <char *>cnp.PyArray_DATA(out)
    job.itemsize = out.itemsize
    _run(&job, out.size, n_threads)


def philox4x32(counters, key):
    """Philox4x32-10 block function, vectorised over rows.

    Parameters
    ----------
    counters : array_like of uint32, shape (..., 4)
    key : array_like of uint32, shape (..., 2), broadcast against counters

    Returns
    -------
    ndarray of uint32, shape of ``counters``
    """
    import numpy as np
    c = np.asarray(counters)
    k = np.asarray(key)
    for name, arr, width in (("counters", c, 4), ("key", k, 2)):
        if arr.dtype != np.uint32:
            raise TypeError(f"{name} must be a uint32 array, got dtype {arr.dtype}")
        if arr.ndim < 1 or arr.shape[arr.ndim - 1] != width:
            raise ValueError(f"{name} must have last dimension {width}, got shape {arr.shape}")
    try:
        shape = np.broadcast_shapes(c.shape[:c.ndim - 1], k.shape[:k.ndim - 1])
    except ValueError:
        raise ValueError(f"counters of shape {c.shape} and key of shape {k.shape} do not "
                         f"broadcast (their leading dimensions must)") from None
    c = np.ascontiguousarray(np.broadcast_to(c, shape + (4,))).reshape(-1, 4)
    k = np.ascontiguousarray(np.broadcast_to(k, shape + (2,))).reshape(-1, 2)
    result = np.empty_like(c)
    cdef const uint32_t[:, ::1] cv = c
    cdef const uint32_t[:, ::1] kv = k
    cdef uint32_t[:, ::1] rv = result
    cdef Py_ssize_t i
    with nogil:
        for i in range(cv.shape[0]):
            fi_philox4x32_10(&cv[i, 0], &kv[i, 0], &rv[i, 0])
    return result.reshape(shape + (4,))
