"""Hostile inputs (issue 8).

Every public entry point, given any input, either works and returns the
right numbers, or raises a documented exception (TypeError, ValueError,
OverflowError, MemoryError) whose message names the argument at fault -- and
then ``out`` is byte-for-byte untouched and the generator's position has not
moved.  "Works" is checked against independent models where one exists
(tests/hardening_reference.py: Philox in NumPy, the documented word ->
uniform rules), and against the documented affine/rounding relations
otherwise.  Every valid ``out`` array is surrounded by guard bytes that must
survive the fill (no out-of-bounds writes).

The tests at the end pin bugs this file found in code it does not own
(fixed since; they were strict xfail tests until then).
"""
from __future__ import annotations

import decimal
import fractions
import math
import numbers
import operator
import os
import subprocess
import sys
import tempfile
import textwrap

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fastinit
from fastinit import _threads, _validation
from tests.support.processes import (
    BF16,
    inward,
    FLOAT_DTYPES,
    GUARD,
    LAYOUTS,
    METHODS,
    OUT_DTYPES,
    SHAPES,
    blocks_for,
    make_out,
    mentions,
    out_problems,
    reference_fill,
    same_bits,
)
from tests.support.philox_reference import philox4x32_10, stream_words

# FASTINIT_HYPOTHESIS_EXAMPLES=2000 (say) for a thorough run.  The examples
# are the same in every run (CI passes or fails on the code, not on a draw);
# FASTINIT_HYPOTHESIS_EXPLORE=1 draws new ones each run, to search.
PROPERTY = settings(
    derandomize=not os.environ.get("FASTINIT_HYPOTHESIS_EXPLORE"),
    max_examples=int(os.environ.get("FASTINIT_HYPOTHESIS_EXAMPLES", 100)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large],
)
DOCUMENTED = (TypeError, ValueError, OverflowError, MemoryError)
FLOAT_METHODS = [m for m in METHODS if m != "random_raw"]
DEFAULT_PARAMS = {
    "random": {},
    "uniform": {"low": -3.0, "high": 5.0},
    "standard_normal": {},
    "normal": {"loc": 1.5, "scale": 0.5},
    "truncated_normal": {"loc": 0.0, "scale": 1.0, "a": -0.5, "b": 1.5},
    "random_raw": {},
}
MAX_ABS_Z = {"narrow": 6.4, "float64": 9.2}  # documented |z| limits (6.34, 9.16) plus rounding


def resolved_dtype(method, dtype, out):
    if method == "random_raw":
        return np.dtype(np.uint32)
    if dtype is not None:
        return np.dtype(fastinit.bfloat16 if str(dtype).lower() in ("bfloat16", "bf16") else dtype)
    if isinstance(out, np.ndarray):
        return out.dtype
    return np.dtype(np.float64)


def check_values(rng, position, method, params, values: np.ndarray):
    """``values`` (flat) are what ``method(**params)`` must give at ``position``."""
    dt = values.dtype
    n = values.size
    ref = reference_fill(method, dt, rng.key, rng.stream_id, 4 * position, n, params)
    if ref is not None:
        assert same_bits(values, ref), f"{method} {dt} differs from the independent model"
        if method != "random_raw":
            assert np.isfinite(values.astype(np.float64)).all(), f"{method} {dt}: non-finite"
        return
    narrow = dt != np.float64
    as64 = values.astype(np.float64)
    assert np.isfinite(as64).all(), f"{method} {dt} produced non-finite values"
    if method in ("standard_normal", "normal"):
        zt = np.float32 if narrow else np.float64
        z = rng.fill_at("standard_normal", np.empty(n, zt), 0, position=position)
        assert np.abs(z).max(initial=0) <= MAX_ABS_Z["narrow" if narrow else "float64"]
        if method == "standard_normal":
            expect = z.astype(dt)
        else:
            loc, scale = float(params.get("loc", 0.0)), float(params.get("scale", 1.0))
            expect = (zt(loc) + zt(scale) * z).astype(dt)
        assert same_bits(values, expect), f"{method} {dt} is not loc + scale * z"
    elif method == "truncated_normal":
        a, b = float(params.get("a", -2.0)), float(params.get("b", 2.0))
        assert (as64 >= a).all() and (as64 <= b).all(), f"truncated_normal {dt} left [a, b]"


def call_and_check(seed, method, *, size="-", dtype="-", out="-", n_threads="-", params=None,
                   expect=None, snapshot=None):
    """Call ``Generator(seed).method`` and check the outcome.

    ``expect`` is None (must succeed) or a list of (exception type, argument
    name) any of which is acceptable.  ``snapshot()`` returns the bytes that
    must be unchanged by a failed call (out and its guards); by default those
    of ``out``'s base.
    """
    params = dict(params or {})
    kwargs = dict(params)
    for name, value in (("size", size), ("dtype", dtype), ("out", out), ("n_threads", n_threads)):
        if not (isinstance(value, str) and value == "-"):
            kwargs[name] = value
    rng = fastinit.default_rng(seed)
    position = rng.position
    if snapshot is None:
        if isinstance(out, np.ndarray) and out.dtype != object:
            holder = out.base if isinstance(out.base, np.ndarray) else out
            snapshot = lambda: holder.tobytes()  # noqa: E731
        else:
            snapshot = lambda: b""  # noqa: E731
    before = snapshot()
    try:
        result = getattr(rng, method)(**kwargs)
    except DOCUMENTED as exc:
        message = str(exc)
        assert expect, f"{method}({kwargs!r}) raised {type(exc).__name__}: {message}"
        assert any(isinstance(exc, t) and mentions(message, name) for t, name in expect), (
            f"{type(exc).__name__}({message!r}) is not one of {expect}")
        assert rng.position == position, "a refused call consumed stream positions"
        assert snapshot() == before, "a refused call wrote to out"
        return None
    assert not expect, f"{method}({kwargs!r}) should have raised one of {expect}"
    out_given = "out" in kwargs and kwargs["out"] is not None
    size_given = "size" in kwargs and kwargs["size"] is not None
    if out_given:
        assert result is kwargs["out"]
    if not out_given and not size_given:  # a scalar
        dt = resolved_dtype(method, kwargs.get("dtype"), None)
        # Python scalars, as NumPy returns them (float32 included)
        assert type(result) is (int if dt == np.uint32 else float)
        values = np.asarray(result, dtype=dt).reshape(1)
    else:
        assert isinstance(result, np.ndarray)
        values = np.ravel(result, order="K")  # memory order: a Fortran out is filled so
        if not out_given:
            want = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
            assert result.shape == tuple(int(d) for d in want)
    assert values.dtype == resolved_dtype(method, kwargs.get("dtype"), kwargs.get("out"))
    assert rng.position == position + blocks_for(method, values.dtype, values.size)
    check_values(rng, position, method, {k: as_scalar(v) for k, v in params.items()}, values)
    return result


# ------------------------------------------------------------------ sizes --
OK_SIZES = st.one_of(
    st.none(),
    st.integers(0, 300),
    st.integers(0, 300).map(np.int64),
    st.integers(0, 200).map(np.uint16),
    st.lists(st.integers(0, 6), max_size=4).map(tuple),
    st.lists(st.integers(0, 6), max_size=3),
    st.just(()),
    st.integers(1 << 15, 70_000),  # above the serial threshold: the OpenMP path
)
NEGATIVE_SIZES = st.one_of(
    st.integers(-(2**70), -1),
    st.lists(st.integers(-3, 4), min_size=1, max_size=4).filter(lambda d: min(d) < 0).map(tuple),
)
BAD_TYPE_SIZES = st.sampled_from(
    [1.5, 2.0, "3", 3j, np.float64(3.0), (2, 2.0), (2, None), ((2,), 3), [None], {"a": 1},
     np.array([1.5]), object()]
)


@PROPERTY
@given(seed=st.integers(0, 2**64), method=st.sampled_from(METHODS),
       dtype=st.sampled_from(FLOAT_DTYPES), size=OK_SIZES)
def test_valid_sizes_work_and_are_correct(seed, method, dtype, size):
    kw = {} if method == "random_raw" else {"dtype": dtype}
    call_and_check(seed, method, size=size, params=DEFAULT_PARAMS[method], **kw)


@PROPERTY
@given(method=st.sampled_from(METHODS), size=st.one_of(NEGATIVE_SIZES, BAD_TYPE_SIZES))
def test_bad_sizes_are_refused_naming_size(method, size):
    is_negative = isinstance(size, (int, tuple)) and not isinstance(size, bool) and all(
        isinstance(d, int) for d in (size if isinstance(size, tuple) else (size,)))
    expect = [(ValueError, "size")] if is_negative else [(TypeError, "size")]
    call_and_check(1, method, size=size, params=DEFAULT_PARAMS[method], expect=expect)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("size,exc", [
    ((10**7, 10**7), MemoryError),
    ((2**62,), MemoryError),
    ((2**31, 2**31, 4), MemoryError),
    ((2**63,), ValueError),            # larger than any array index
    ((2**64 + 3, 2), ValueError),
    ((0, 2**62, 2**62), ValueError),   # empty, yet NumPy cannot describe it
    ((0, 2**40, 2**40), ValueError),
])
def test_impossible_sizes_are_refused_naming_the_size(method, size, exc):
    rng = fastinit.default_rng(0)
    with pytest.raises(exc) as info:
        getattr(rng, method)(size=size)
    assert str(size) in str(info.value) or "size" in str(info.value)
    if exc is MemoryError:
        assert str(size) in str(info.value) and "GiB" in str(info.value)
    assert rng.position == 0


def test_memory_error_is_raised_before_anything_is_allocated():
    """Sizes beyond free memory but inside what the OS would hand out lazily
    (overcommit) must be refused by fastinit itself, not by NumPy or by the
    OOM killer during the fill.  The child caps its address space so a missing
    check fails with NumPy's own message instead of endangering the machine."""
    script = textwrap.dedent(
        """
        import resource, sys, tracemalloc
        import numpy as np
        import fastinit
        from fastinit import _validation
        limit = _validation.memory_available_bytes()
        n = (limit + 2**30) // 4                   # 1 GiB more than is available
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/status") as f:
            vm = [int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize")][0]
        resource.setrlimit(resource.RLIMIT_AS, (vm + 2**30, hard))  # no room for the array
        rng = fastinit.default_rng(0)
        tracemalloc.start()
        try:
            rng.random((n,), dtype=np.float32)
        except MemoryError as exc:
            peak = tracemalloc.get_traced_memory()[1]
            print("MemoryError:", exc)
            print("peak", peak, "position", rng.position)
        else:
            print("no error")
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    if "asan" in env.get("LD_PRELOAD", ""):
        pytest.skip("address-space limits do not mix with AddressSanitizer's shadow memory")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("MemoryError: size=("), proc.stdout
    assert "GiB of memory available" in lines[0], "refused by NumPy, not by fastinit"
    peak, position = int(lines[1].split()[1]), int(lines[1].split()[3])
    assert peak < 2**20, f"{peak} bytes were allocated before the refusal"
    assert position == 0


def test_memory_available_is_bounded_by_memory_installed():
    available = _validation.memory_available_bytes()
    assert 0 < available <= _validation.memory_limit_bytes() + _swap_bytes()


def _swap_bytes():
    with open("/proc/meminfo") as f:
        return sum(int(line.split()[1]) * 1024 for line in f if line.startswith("SwapTotal"))


# ----------------------------------------------------------------- dtypes --
VALID_DTYPES = [np.float32, np.float64, np.float16, fastinit.bfloat16, ml_dtypes.bfloat16,
                "float32", "f4", "<f4", "=f4", "float64", "f8", "d", float, "half", "e",
                "bfloat16", "bf16", "BF16", np.dtype("<f8"), "single", "double"]
INVALID_DTYPES = [np.int32, np.int64, np.uint32, np.uint8, np.int8, bool, np.bool_, int,
                  complex, np.complex64, np.complex128, object, ">f4", ">f8", ">f2",
                  np.longdouble, "U3", "S3", "M8[s]", "m8", "V8", "f4,f4", [("a", "f4")],
                  (np.float32, 3), ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2,
                  ml_dtypes.int4, "garbage", "Float32", 1, 2.5, [], "float32\x00"]


@PROPERTY
@given(seed=st.integers(0, 2**32), method=st.sampled_from(FLOAT_METHODS),
       dtype=st.sampled_from(VALID_DTYPES + INVALID_DTYPES),
       size=st.sampled_from([None, 0, 5, (3, 4)]))
def test_dtypes_work_or_are_refused_naming_dtype(seed, method, dtype, size):
    ok = any(dtype is v for v in VALID_DTYPES)
    expect = None if ok else [(TypeError, "dtype")]
    call_and_check(seed, method, size=size, dtype=dtype, params=DEFAULT_PARAMS[method],
                   expect=expect)


def test_random_raw_has_no_dtype_argument():
    with pytest.raises(TypeError, match="dtype"):
        fastinit.default_rng(0).random_raw(3, dtype=np.uint32)


# -------------------------------------------------------------------- out --
@PROPERTY
@given(seed=st.integers(0, 2**32), method=st.sampled_from(METHODS),
       layout=st.sampled_from(LAYOUTS), out_dtype=st.sampled_from(OUT_DTYPES),
       shape=SHAPES, pass_dtype=st.booleans(), size_mode=st.sampled_from(["none", "same", "other"]))
def test_out_arrays_work_or_are_refused_untouched(tmp_path_factory, seed, method, layout,
                                                  out_dtype, shape, pass_dtype, size_mode):
    tmpdir = str(tmp_path_factory.getbasetemp())
    out, snapshot, guards, file_info = make_out(layout, out_dtype, shape, tmpdir)
    out_shape = np.shape(out) if isinstance(out, np.ndarray) else (len(out),)
    size = {"none": None, "same": out_shape, "other": out_shape + (1,)}[size_mode]
    dtype_arg = None
    kwargs = {}
    if method != "random_raw" and pass_dtype:
        dtype_arg = FLOAT_DTYPES[seed % 4]
        kwargs["dtype"] = dtype_arg
    if size is not None:
        kwargs["size"] = size
    expect = out_problems(method, dtype_arg, out, size, fortran_ok=True) or None
    guards_before = guards()
    result = call_and_check(seed, method, out=out, params=DEFAULT_PARAMS[method], expect=expect,
                            snapshot=snapshot, **kwargs)
    assert guards() == guards_before, "bytes around out were written"
    if file_info is not None:
        path, mode, file_bytes = file_info
        if mode == "r+":
            out.flush()
        with open(path, "rb") as f:
            now = f.read()
        if expect is None and mode == "r+":
            end = GUARD + out.nbytes
            assert now[:GUARD] == file_bytes[:GUARD] and now[end:] == file_bytes[end:], \
                "a memmap fill wrote outside out"
            assert now[GUARD:end] == np.asarray(result).tobytes()
        else:
            assert now == file_bytes, "the file behind a refused or copy-on-write memmap changed"


def test_memmap_out_fills_the_file():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "w.bin")
        mm = np.memmap(path, dtype=np.float32, mode="w+", shape=(1000, 37))
        fastinit.default_rng(5).standard_normal(out=mm)
        mm.flush()
        want = fastinit.default_rng(5).standard_normal((1000, 37), dtype=np.float32)
        assert np.fromfile(path, np.float32).tobytes() == want.tobytes()
        del mm


def test_misaligned_out_is_refused_for_every_dtype():
    for dt in FLOAT_DTYPES + [np.dtype(np.uint32)]:
        base = np.zeros(8 * dt.itemsize + 1, np.uint8)
        out = base[1:].view(dt)
        assert not out.flags.aligned
        method = "random_raw" if dt == np.uint32 else "random"
        with pytest.raises(ValueError, match=r"\bout\b"):
            getattr(fastinit.default_rng(0), method)(out=out)
        assert not base.any()


# ------------------------------------------------------------- parameters --
PARAM_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-10, 10),
    st.floats(-10, 10),
    st.integers(-(10**30), 10**30),
    st.sampled_from([
        10**400, -(10**400), fractions.Fraction(10**400, 3), True, False, None, "1.0", 1j,
        np.float32(2.5), np.float16(0.5), np.array(0.5), np.array([0.5]), np.array(1, np.int8),
        np.array(True), np.array("a"), fractions.Fraction(1, 3), decimal.Decimal("0.5"),
        np.float64("nan"), np.longdouble("1e4000"), [], (1,), 0.0, -0.0, 5e-324, 1e308,
        3.4e38, 3.5e38, 65504.0, 70000.0, np.inf, -np.inf,
    ]),
)


def classify(value):
    """The documented treatment of one real-number parameter: ("type" | "overflow" |
    "nan" | "inf" | "ok", float or None)."""
    if isinstance(value, (bool, np.bool_)):
        return "type", None
    if isinstance(value, np.ndarray):
        if value.ndim != 0 or value.dtype.kind not in "iuf":
            return "type", None
        value = value[()]
    if not isinstance(value, numbers.Real):
        return "type", None
    try:
        x = float(value)
    except OverflowError:
        return "overflow", None
    if math.isnan(x):
        return "nan", None
    if math.isinf(x):
        return "inf", x
    return "ok", x


def as_scalar(value):
    """A one-element array-like parameter as its element (NumPy broadcasting:
    it acts as that scalar would); anything else as it is."""
    if np.ndim(value) > 0 and np.size(value) == 1:
        return np.asarray(value).reshape(-1)[0]
    return value


def param_problems(method, params, dtype):
    """Acceptable (type, name) refusals; empty: the call must succeed; starting
    with "maybe": success (finite, correct values) or one of the refusals.

    Array-like parameters broadcast as in NumPy: an empty one cannot broadcast
    to the size (ValueError), one of non-real elements is a TypeError, and a
    one-element one acts as its element."""
    problems, vals = [], {}
    kinds = {"type": TypeError, "overflow": OverflowError, "nan": ValueError}
    for name, value in params.items():
        if np.ndim(value) > 0:
            array = np.asarray(value)
            if array.dtype.kind not in "iuf":
                problems.append((TypeError, name))
                continue
            if array.size == 0:
                problems.append((ValueError, name))
                continue
            value = array.reshape(-1)[0]
        kind, x = classify(value)
        if kind in kinds:
            problems.append((kinds[kind], name))
        elif kind == "inf" and name not in ("a", "b"):
            # an infinite uniform bound is NumPy's OverflowError (the range overflows)
            problems.append((OverflowError if method == "uniform" else ValueError, name))
        else:
            vals[name] = x
    if method == "normal" and "scale" in vals and math.copysign(1.0, vals["scale"]) < 0:
        # (-0.0 too: NumPy refuses it)
        problems.append((ValueError, "scale"))
    if method == "truncated_normal" and "scale" in vals and vals["scale"] <= 0:
        problems.append((ValueError, "scale"))
    if problems:
        return problems
    narrow = np.dtype(dtype) != np.float64
    top = float(ml_dtypes.finfo(dtype).max)
    if method == "uniform":
        lo, hi = vals["low"], vals["high"]
        if lo > hi:
            return [(ValueError, "low"), (ValueError, "high")]
        if math.isinf(hi - lo):
            return [(OverflowError, "high"), (OverflowError, "low")]
        with np.errstate(over="ignore"):
            width32 = abs(np.float64(hi - lo).astype(np.float32)) if narrow else 0.0
        if max(abs(lo), abs(hi)) > top or not np.isfinite(width32) or (
                narrow and abs(hi - lo) > 3.4e38):
            # bounds beyond the output dtype, or a width float32 cannot hold
            return ["maybe", (ValueError, "low"), (ValueError, "high"),
                    (OverflowError, "low"), (OverflowError, "high")]
        if not inward(lo, dtype, up=True) <= inward(hi, dtype, up=False):
            return [(ValueError, "low"), (ValueError, "high")]  # no value of dtype inside
        return []
    if method == "normal":
        loc, scale = vals["loc"], vals["scale"]
        if abs(loc) + MAX_ABS_Z["narrow" if narrow else "float64"] * scale > 0.99 * top:
            return ["maybe", (ValueError, "loc"), (ValueError, "scale")]  # tails overflow
        return []
    # truncated_normal: relational refusals
    loc, scale, a, b = vals["loc"], vals["scale"], vals["a"], vals["b"]
    if not a < b:
        return [(ValueError, "a"), (ValueError, "b")]
    refusals = [(ValueError, "a"), (ValueError, "b")]  # no mass / no representable value
    if narrow and (abs(loc) > 3.4028234663852886e38 or scale > 3.4028234663852886e38):
        refusals += [(ValueError, "loc"), (ValueError, "scale")]
    return ["maybe"] + refusals


@PROPERTY
@given(seed=st.integers(0, 2**32), method=st.sampled_from(["uniform", "normal", "truncated_normal"]),
       dtype=st.sampled_from(FLOAT_DTYPES), data=st.data())
@example(seed=1, method="uniform", dtype=np.dtype(np.float64), data=None)
def test_parameters_work_or_are_refused_naming_them(seed, method, dtype, data):
    names = {"uniform": ["low", "high"], "normal": ["loc", "scale"],
             "truncated_normal": ["loc", "scale", "a", "b"]}[method]
    if data is None:  # the explicit example: low > high
        params = {"low": 2.0, "high": 1.0}
    else:
        params = {name: data.draw(PARAM_VALUES, label=name) for name in names}
    problems = param_problems(method, params, dtype)
    if problems and problems[0] == "maybe":
        # either correct, finite samples or a refusal naming the parameters: a
        # truncated normal's bounds with no probability mass or no representable
        # value, uniform bounds or normal tails beyond the output dtype
        try:
            getattr(fastinit.default_rng(seed), method)(size=64, dtype=dtype, **params)
            problems = None
        except DOCUMENTED:
            problems = problems[1:]
    out = np.full(64, 7, dtype)
    call_and_check(seed, method, out=out, params=params, expect=problems or None)


@pytest.mark.parametrize("name", ["a", "b"])
def test_an_empty_truncation_bound_is_refused_naming_it(name):
    # Found by the property test above (CI, 2026-12-01): the refusal said
    # "a of shape (0,) ... cannot be broadcast", which names a.
    params = {"loc": 0.0, "scale": 1.0, "a": -1.0, "b": 1.0, name: []}
    call_and_check(0, "truncated_normal", out=np.full(64, 7, np.float32), params=params,
                   expect=[(ValueError, name)])


def test_truncated_normal_is_finite_and_bounded_for_extreme_parameters():
    """Bounds beyond the dtype's range clamp at its largest finite value;
    infinite bounds never produce inf; loc/scale float32 cannot hold are refused
    for float32-computed dtypes (fixed in fastinit/_truncnorm.py)."""
    rng = fastinit.default_rng(3)
    cases = [
        (0.0, 1e38, -np.inf, np.inf, np.float32),
        (0.0, 1e38, -np.inf, np.inf, BF16),
        (0.0, 1e308, -np.inf, np.inf, np.float64),
        (0.0, 1e4, -np.inf, np.inf, np.float16),
        (0.0, 1.0, -1e39, 1e39, np.float32),
        (6e4, 1e4, 6e4, 1e6, np.float16),
        (0.0, 1.0, -2.0, 2.0, np.float16),
    ]
    for loc, scale, a, b, dt in cases:
        x = rng.truncated_normal(loc, scale, a, b, size=4096, dtype=dt).astype(np.float64)
        assert np.isfinite(x).all(), (loc, scale, a, b, dt)
        assert (x >= a).all() and (x <= b).all()
    for loc, scale, a, b, dt, name in [
        (1e39, 1.0, -np.inf, np.inf, np.float32, "loc"),
        (0.0, 1e39, -np.inf, np.inf, np.float16, "scale"),
        (1e5, 1e5, 1e5, np.inf, np.float16, "a"),
        (3e38, 1e38, 1e39, 3e39, np.float32, "a"),
    ]:
        with pytest.raises(ValueError) as info:
            rng.truncated_normal(loc, scale, a, b, size=4, dtype=dt)
        assert mentions(str(info.value), name), str(info.value)


def test_parameter_conversion_overflow_names_the_argument():
    rng = fastinit.default_rng(0)
    for kwargs, name in [({"low": -(10**400)}, "low"), ({"high": 10**400}, "high"),
                         ({"loc": fractions.Fraction(10**400, 3)}, "loc"),
                         ({"scale": 10**309}, "scale")]:
        method = "uniform" if ("low" in kwargs or "high" in kwargs) else "normal"
        with pytest.raises(OverflowError, match=rf"\b{name}\b"):
            getattr(rng, method)(size=3, **kwargs)
    assert rng.position == 0


# ------------------------------------------------------------------- seeds --
SEEDS = st.one_of(
    st.integers(-(2**200), 2**200),
    st.integers(0, 2**64 - 1).map(np.uint64),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.lists(st.integers(-2, 2**130), max_size=4),
    st.sampled_from([None, 0, 2**128, 2**128 + 1, 2**1000, True, False, np.bool_(True), 1.5, 2.0,
                     "1", b"1", [1, 2], (1,), [1, 2.5], [1, None], [[1], [2, 3]], [True], 1j,
                     np.array(3), np.array([3, 4]), np.array([-1]), np.array([1.5]),
                     np.float64(3), decimal.Decimal(3), fractions.Fraction(3, 1), {"a": 1}]),
)


def seed_outcome(seed):
    """("type" | "negative" | entropy for numpy.random.SeedSequence), per the
    documented seeds: an int, or a sequence/array of ints, all non-negative."""
    if isinstance(seed, (list, tuple, np.ndarray)):
        items = list(np.asarray(seed, dtype=object).ravel())
    else:
        items = None
    values = []
    for item in (items if items is not None else [seed]):
        if isinstance(item, (bool, np.bool_)):
            return "type"
        try:
            values.append(operator.index(item))
        except TypeError:
            return "type"
    if any(v < 0 for v in values):
        return "negative"
    return values if items is not None else values[0]


@PROPERTY
@given(seed=SEEDS)
def test_seeds_give_the_seed_sequence_key_or_are_refused_naming_seed(seed):
    if seed is None:
        rng = fastinit.default_rng(None)
        again = fastinit.default_rng(rng.seed_seq.entropy)  # entropy repeats a run
        assert again.key == rng.key and same_bits(again.random_raw(8), rng.random_raw(8))
        return
    outcome = seed_outcome(seed)
    if isinstance(outcome, str):
        exc = TypeError if outcome == "type" else ValueError
        with pytest.raises(exc, match=r"\bseed\b"):
            fastinit.default_rng(seed)
        return
    rng = fastinit.default_rng(seed)
    k = np.random.SeedSequence(outcome).generate_state(2, np.uint32)
    assert rng.key == (int(k[0]), int(k[1]))
    assert same_bits(rng.random_raw(9), stream_words(rng.key, 0, 0, 9))


def test_seed_sequence_and_generator_seeds():
    ss = np.random.SeedSequence(12345, spawn_key=(3,))
    assert fastinit.Generator(ss).key == tuple(int(x) for x in ss.generate_state(2, np.uint32))
    g = fastinit.default_rng(1)
    assert fastinit.default_rng(g) is g
    with pytest.raises(TypeError, match=r"\bseed\b"):
        fastinit.Generator(g)
    with pytest.raises(TypeError, match=r"\bseed\b"):
        fastinit.default_rng(np.random.default_rng(0))


# ----------------------------------------------------------------- threads --
THREAD_COUNTS = st.one_of(
    st.none(),
    st.integers(-(2**70), 2**70),
    st.integers(-4, 12),
    st.sampled_from([0, 2**31, 2**31 - 1, 2**63, 10**6, -1, 1.0, 2.5, "2", True, np.int64(3),
                     np.uint8(2), np.array(2), None]),
)


@PROPERTY
@given(n_threads=THREAD_COUNTS, method=st.sampled_from(METHODS))
def test_thread_counts_never_change_bits_or_crash(n_threads, method):
    n = (1 << 15) + 4099  # above the serial threshold
    try:  # the documented type: None or anything with __index__ except a bool
        ok_int = operator.index(n_threads) is not None and not isinstance(n_threads, bool)
    except TypeError:
        ok_int = False
    if n_threads is None or (ok_int and operator.index(n_threads) != 0):
        got = call_and_check(4, method, size=n, n_threads=n_threads, params=DEFAULT_PARAMS[method])
        want = getattr(fastinit.default_rng(4), method)(size=n, n_threads=1,
                                                         **DEFAULT_PARAMS[method])
        assert same_bits(got, want)
        with fastinit.threads(n_threads):
            assert same_bits(getattr(fastinit.default_rng(4), method)(
                size=n, **DEFAULT_PARAMS[method]), want)
        assert 1 <= _threads.resolve_threads(n_threads) <= _threads.MAX_THREADS
        return
    expect = [(ValueError if ok_int else TypeError, "n_threads")]
    call_and_check(4, method, size=n, n_threads=n_threads, params=DEFAULT_PARAMS[method],
                   expect=expect)
    with pytest.raises(expect[0][0], match="n_threads"):
        with fastinit.threads(n_threads):
            pass


def test_huge_thread_count_does_not_crash_the_interpreter():
    """n_threads=200000 used to segfault (OpenMP failing to create threads)."""
    script = ("import fastinit; x = fastinit.default_rng(0).random(10**6, n_threads=200000); "
              "y = fastinit.default_rng(0).random(10**6, n_threads=1); "
              "assert x.tobytes() == y.tobytes(); print('ok')")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_threads_context_is_per_python_thread_and_restored():
    import threading
    base = fastinit.get_num_threads()
    seen = {}

    def worker():
        seen["other"] = fastinit.get_num_threads()

    with fastinit.threads(1):
        assert fastinit.get_num_threads() == 1
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        with fastinit.threads(3):
            assert fastinit.get_num_threads() == 3
        assert fastinit.get_num_threads() == 1
    assert fastinit.get_num_threads() == base
    assert seen["other"] == base


# -------------------------------------------------------------- philox4x32 --
PHILOX_DTYPES = [np.uint32, np.uint32, np.uint32, np.dtype(">u4"), np.int32, np.uint64, np.int64,
                 np.float32, object]


@PROPERTY
@given(cdt=st.sampled_from(PHILOX_DTYPES), kdt=st.sampled_from(PHILOX_DTYPES),
       lead_c=st.lists(st.integers(0, 3), max_size=2), lead_k=st.sampled_from([[], [1], [3], [2, 3]]),
       width_c=st.sampled_from([4, 4, 4, 3, 0]), width_k=st.sampled_from([2, 2, 2, 4, 1]),
       strided=st.booleans(), seed=st.integers(0, 2**32))
def test_philox4x32_works_or_is_refused_naming_the_argument(cdt, kdt, lead_c, lead_k, width_c,
                                                             width_k, strided, seed):
    g = np.random.default_rng(seed)
    c = g.integers(0, 2**32, tuple(lead_c) + (width_c * (2 if strided else 1),), dtype=np.uint64)
    c = c[..., ::2] if strided else c
    k = g.integers(0, 2**32, tuple(lead_k) + (width_k,), dtype=np.uint64)
    c, k = c.astype(cdt), k.astype(kdt)
    c_before, k_before = c.copy(), k.copy()
    problems = []
    if np.dtype(cdt) != np.uint32:
        problems.append((TypeError, "counters"))
    if np.dtype(kdt) != np.uint32:
        problems.append((TypeError, "key"))
    if width_c != 4:
        problems.append((ValueError, "counters"))
    if width_k != 2:
        problems.append((ValueError, "key"))
    try:
        shape = np.broadcast_shapes(tuple(lead_c), tuple(lead_k))
    except ValueError:
        shape = None
    try:
        got = fastinit.philox4x32(c, k)
    except DOCUMENTED as exc:
        if not problems and shape is None:
            assert isinstance(exc, ValueError)  # see the xfail test on its message
        else:
            assert any(isinstance(exc, t) and mentions(str(exc), n) for t, n in problems), exc
    else:
        assert not problems and shape is not None
        cb = np.broadcast_to(c, shape + (4,)).reshape(-1, 4)
        kb = np.broadcast_to(k, shape + (2,)).reshape(-1, 2)
        want = np.array([philox4x32_10(cb[i:i + 1], (int(kb[i, 0]), int(kb[i, 1])))[0]
                         for i in range(cb.shape[0])], np.uint32).reshape(shape + (4,))
        assert got.dtype == np.uint32 and got.shape == shape + (4,)
        assert same_bits(got, want)
    assert same_bits(c, c_before) and same_bits(k, k_before), "philox4x32 modified its input"


# ----------------------------------------------------------------- fill_at --
@PROPERTY
@given(seed=st.integers(0, 2**32), method=st.sampled_from(METHODS),
       dtype=st.sampled_from(FLOAT_DTYPES), position=st.integers(0, 2**40),
       n=st.integers(0, 3000), offset=st.integers(0, 2**40), split=st.integers(0, 3000))
def test_fill_at_equals_the_slice_of_one_draw(seed, method, dtype, position, n, offset, split):
    """fill_at at (position, offset) equals the independent model of the whole draw there."""
    dt = np.dtype(np.uint32) if method == "random_raw" else dtype
    rng = fastinit.default_rng(seed)
    params = DEFAULT_PARAMS[method]
    split = min(split, n)
    a, b = np.empty(split, dt), np.empty(n - split, dt)
    rng.fill_at(method, a, offset, position=position, **params)
    rng.fill_at(method, b, offset + split, position=position, **params)
    assert rng.position == 0, "fill_at must not advance the generator"
    got = np.concatenate([a, b])
    wpe = 2 if dt == np.float64 else 1
    word = 4 * position + wpe * offset
    ref = reference_fill(method, dt, rng.key, 0, word, n, params)
    if ref is None:
        # no independent model: the drawing call at the block holding `word`
        twin = fastinit.default_rng(seed)
        twin.state = dict(twin.state, position=word // 4)
        skip = (word % 4) // wpe
        ref = getattr(twin, method)(size=skip + n, dtype=dt, **params)[skip:]
    assert same_bits(got, ref)


@pytest.mark.parametrize("kwargs,exc,name", [
    ({"method": "nope"}, ValueError, "method"),
    ({"method": 3}, ValueError, "method"),
    ({"offset": -1}, ValueError, "offset"),
    ({"position": -1}, ValueError, "position"),
    ({"position": 2**64}, ValueError, "position"),
    ({"row_offsets": np.array([0, -5])}, ValueError, "row_offsets"),
    ({"row_offsets": np.array([[0], [1]])}, ValueError, "row_offsets"),
    ({"row_offsets": np.array([0, 1, 2, 3])}, ValueError, "row_offsets"),
    ({"low": 3.0, "high": 1.0, "method": "uniform"}, ValueError, "low"),
    ({"loc": 1.0}, TypeError, "loc"),
    ({"n_threads": 0}, ValueError, "n_threads"),
])
def test_fill_at_refusals_name_the_argument_and_leave_out_untouched(kwargs, exc, name):
    kwargs = dict(kwargs)
    method = kwargs.pop("method", "random")
    out = np.full((2, 3), 7.0)
    rng = fastinit.default_rng(0)
    with pytest.raises(exc) as info:
        rng.fill_at(method, out, **kwargs)
    assert name in str(info.value)
    assert (out == 7.0).all() and rng.position == 0


# ------------------------------------------------------ other entry points --
def test_spawn_stream_and_state_refusals():
    rng = fastinit.default_rng(0)
    with pytest.raises(ValueError, match="n_children"):
        rng.spawn(-1)
    with pytest.raises(TypeError, match="name"):
        rng.stream(3)
    with pytest.raises(TypeError, match="name"):
        rng.stream(b"layer")
    for bad, key in [({"key": (1, 2, 3), "stream_id": 0, "position": 0}, "key"),
                     ({"key": (-1, 2), "stream_id": 0, "position": 0}, "key"),
                     ({"key": (1, 2), "stream_id": 2**64, "position": 0}, "stream_id"),
                     ({"key": (1, 2), "stream_id": 0, "position": -1}, "position"),
                     ({"key": (1, 2), "stream_id": 0, "position": 2**64}, "position")]:
        before = rng.state
        with pytest.raises(ValueError, match=key):
            rng.state = bad
        assert rng.state == before


def test_stream_names_with_lone_surrogates_have_stable_ids():
    """Fixed in fastinit/_seeding.py: '\\ud800' raised UnicodeEncodeError."""
    rng = fastinit.default_rng(0)
    a, b = rng.stream("w\ud800"), rng.stream("w\udfff")
    assert a.stream_id != b.stream_id != rng.stream("w").stream_id
    assert a.stream_id == fastinit.default_rng(0).stream("w\ud800").stream_id
    # ordinary names keep their UTF-8 ids
    assert rng.stream("é").stream_id == fastinit._seeding.stream_id_for(0, "é")


# ------------------------------------- bugs found here, fixed in the core --
def test_positions_beyond_2_62_blocks_work_or_are_refused_untouched():
    """A stream holds 2**64 words (2**62 blocks): positions past it are refused."""
    rng = fastinit.default_rng(0)
    with pytest.raises(ValueError, match="position"):
        rng.state = dict(rng.state, position=2**62)
    assert rng.position == 0
    with pytest.raises(ValueError, match="position"):
        rng.fill_at("random_raw", np.empty(8, np.uint32), position=2**62)
    rng.state = dict(rng.state, position=2**62 - 2)
    got = rng.random_raw(8)  # the last two blocks
    assert same_bits(got, stream_words(rng.key, 0, 4 * (2**62 - 2), 8))


def test_fill_at_never_wraps_around_the_stream():
    rng = fastinit.default_rng(0)
    out = np.empty(4, np.uint32)
    try:
        rng.fill_at("random_raw", out, 8, position=2**62 - 1)
    except DOCUMENTED as exc:
        assert "offset" in str(exc) or "position" in str(exc)
    else:
        assert same_bits(out, stream_words(rng.key, 0, 4 * (2**62 - 1) + 8, 4))


@pytest.mark.parametrize("low,high,dtype", [(0.0, 1e39, np.float32), (-3e38, 3e38, np.float32),
                                            (0.0, 1e5, np.float16), (0.0, 3.5e38, BF16)])
def test_uniform_bounds_beyond_the_dtype_are_refused_or_finite(low, high, dtype):
    rng = fastinit.default_rng(0)
    try:
        x = rng.uniform(low, high, size=4096, dtype=dtype)
    except (ValueError, OverflowError) as exc:
        assert mentions(str(exc), "low") or mentions(str(exc), "high")
    else:
        assert np.isfinite(x.astype(np.float64)).all()


@pytest.mark.parametrize("loc,scale,dtype", [(0.0, 1e39, np.float32), (1e39, 1.0, np.float32),
                                             (0.0, 1e5, np.float16), (7e4, 1.0, np.float16)])
def test_normal_parameters_beyond_the_dtype_are_refused_or_finite(loc, scale, dtype):
    rng = fastinit.default_rng(0)
    try:
        x = rng.normal(loc, scale, size=4096, dtype=dtype)
    except (ValueError, OverflowError) as exc:
        assert mentions(str(exc), "loc") or mentions(str(exc), "scale")
    else:
        assert np.isfinite(x.astype(np.float64)).all()


def test_fill_at_empty_row_offsets_for_a_nonempty_out_is_refused():
    out = np.full((2, 3), 7.0)
    with pytest.raises(ValueError, match="row_offsets"):
        fastinit.default_rng(0).fill_at("random", out, row_offsets=np.array([], np.int64))


@pytest.mark.parametrize("kwargs,name", [({"offset": 1.5}, "offset"), ({"offset": "3"}, "offset"),
                                         ({"position": 2.7}, "position"),
                                         ({"row_offsets": np.array([0.5, 10.0])}, "row_offsets")])
def test_fill_at_positions_must_be_integers(kwargs, name):
    with pytest.raises(TypeError, match=name):
        fastinit.default_rng(0).fill_at("random", np.zeros((2, 3)), **kwargs)


def test_fill_at_requires_an_out_array():
    with pytest.raises(TypeError, match="out"):
        fastinit.default_rng(0).fill_at("random", None)


def test_philox4x32_broadcast_mismatch_names_the_arguments():
    with pytest.raises(ValueError) as info:
        fastinit.philox4x32(np.zeros((2, 4), np.uint32), np.zeros((3, 2), np.uint32))
    assert "counters" in str(info.value) and "key" in str(info.value)


@pytest.mark.parametrize("n", [1.5, "2"])
def test_spawn_count_must_be_an_integer(n):
    with pytest.raises(TypeError, match="n_children"):
        fastinit.default_rng(0).spawn(n)
