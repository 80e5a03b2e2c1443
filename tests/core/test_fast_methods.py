"""The fast kernels of issue 13: integers, standard_exponential / exponential,
lognormal, laplace, logistic, gumbel, bytes, and array-valued parameters.

* integers: every dtype at awkward ranges equals an independent Python-int
  model of the documented multiply-shift, extremes reach both bounds, and
  chi-square / bit-balance statistics hold.
* the log-based kernels: within a few ulp of float64 / long double references
  computed from the same words, exactly antisymmetric where documented, KS
  tests against scipy, float16/bfloat16 are the float32 values rounded once.
* invariance for the integer dtypes (the float methods are in
  tests/conftest.py's METHODS, which test_invariance.py runs through threads,
  pieces and every SIMD path).
* array-valued parameters give the scalar call's bits where equal.
* bad input: NumPy's exception types, the argument named, nothing written.
"""
import math

import numpy as np
import pytest
import scipy.stats as st

import fastinit
from fastinit import _core
from fastinit._methods import METHODS as FILL_METHODS
from fastinit._simd import simd_info, use_isa
from tests.conftest import INTEGER_DTYPES

NARROW = [np.float16, fastinit.bfloat16]
P_MIN = 1e-6  # statistical tests fail only below this p-value (fixed seeds)


# ------------------------------------------------------------- integers --
def _words_per_integer(dtype):
    return 3 if np.dtype(dtype).itemsize == 8 else 2


def reference_integers(seed, low, high, endpoint, n, dtype):
    """The documented algorithm with Python ints, from the raw stream:
    low + floor(x * count / 2**k), x the little-endian k-bit draw."""
    k = _words_per_integer(dtype)
    words = fastinit.default_rng(seed).random_raw(n * k).astype(object).reshape(n, k)
    top = high if endpoint else high - 1
    count = top - low + 1
    bits = 8 * np.dtype(dtype).itemsize
    values = []
    for row in words:
        x = sum(int(w) << (32 * j) for j, w in enumerate(row))
        values.append((low + (x * count >> (32 * k))) % 2**bits)
    if np.dtype(dtype) == np.bool_:
        return np.array(values, dtype=np.bool_)
    unsigned = np.dtype(f"u{np.dtype(dtype).itemsize}")
    return np.array(values, dtype=unsigned).view(dtype)


AWKWARD = {
    np.int8: [(-128, 128, False), (-128, 127, True), (0, 2**4 + 1, False), (-3, 4, False),
              (5, 6, False)],
    np.uint8: [(0, 256, False), (0, 255, True), (1, 2**7 + 1, False)],
    np.int16: [(-2**15, 2**15, False), (0, 2**13 + 1, False)],
    np.uint16: [(0, 2**16, False), (7, 2**16 - 1, False)],
    np.int32: [(-2**31, 2**31, False), (0, 2**31 - 1, False), (-2**31, 2**31 - 1, True),
               (0, 2**17 + 1, False)],
    np.uint32: [(0, 2**32, False), (0, 2**32 - 1, True), (0, 2**31 + 1, False)],
    np.int64: [(-2**63, 2**63, False), (-2**63, 2**63 - 1, True), (0, 2**31 - 1, False),
               (0, 2**32 + 1, False), (0, 2**33 + 1, False), (0, 2**63 - 1, False),
               (-5, 2**62 + 3, False), (2**63 - 2, 2**63 - 1, False)],
    np.uint64: [(0, 2**64, False), (0, 2**64 - 1, True), (2**63, 2**64, False),
                (0, 2**32, False), (0, 2**40 + 1, False)],
    np.bool_: [(0, 2, False), (0, 1, True), (1, 2, False)],
}
AWKWARD_CASES = [(dt, *case) for dt, cases in AWKWARD.items() for case in cases]


@pytest.mark.parametrize("dtype,low,high,endpoint", AWKWARD_CASES,
                         ids=[f"{np.dtype(c[0]).name}-{c[1]}-{c[2]}-{c[3]}" for c in AWKWARD_CASES])
def test_integers_equal_the_documented_multiply_shift(dtype, low, high, endpoint):
    n = 2003
    got = fastinit.default_rng(41).integers(low, high, size=n, dtype=dtype, endpoint=endpoint)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, reference_integers(41, low, high, endpoint, n, dtype))
    top = high if endpoint else high - 1
    assert int(got.min()) >= low and int(got.max()) <= top


@pytest.mark.parametrize("dtype,low,high,endpoint", AWKWARD_CASES,
                         ids=[f"{np.dtype(c[0]).name}-{c[1]}-{c[2]}-{c[3]}" for c in AWKWARD_CASES])
def test_integers_extreme_words_give_both_bounds(dtype, low, high, endpoint):
    """The all-zero draw gives low, the all-ones draw the highest value."""
    spec = FILL_METHODS["integers"]
    dt = np.dtype(dtype)
    params = spec.kernel_params(dt, {"low": low, "high": high, "endpoint": endpoint})
    k = _words_per_integer(dtype)
    words = np.array([0] * k + [0xFFFFFFFF] * k, np.uint32)
    out = np.empty(2, dt)
    _core.transform_words(spec.kind, spec.kernel_dtype(dt), words, out, params)
    assert int(out[0]) == low
    assert int(out[1]) == (high if endpoint else high - 1)


@pytest.mark.parametrize("dtype", INTEGER_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("count", [2, 3, 5, 17, 1000])
def test_integers_small_ranges_chi_square(dtype, count):
    if np.dtype(dtype) == np.bool_ and count > 2:
        pytest.skip("bool has two values")
    if np.dtype(dtype).itemsize == 1 and count > 256:
        pytest.skip("range wider than the type")
    low = 0 if np.dtype(dtype).kind in "ub" else -(count // 2)
    n = 200_000
    x = fastinit.default_rng(count).integers(low, low + count, size=n, dtype=dtype)
    counts = np.bincount(x.astype(np.int64) - low, minlength=count)
    assert counts.size == count
    assert st.chisquare(counts).pvalue > P_MIN


@pytest.mark.parametrize("dtype", [np.uint32, np.int32, np.uint64, np.int64, np.uint16])
def test_integers_full_range_bits_are_balanced(dtype):
    """Each bit of full-range integers is 1 half of the time (z < 6)."""
    info = np.iinfo(dtype)
    n = 200_000
    x = fastinit.default_rng(9).integers(int(info.min), int(info.max), size=n, dtype=dtype,
                                         endpoint=True)
    bits = np.unpackbits(x.view(np.uint8).reshape(n, -1), axis=1)
    z = (bits.sum(axis=0) - n / 2) / math.sqrt(n / 4)
    assert np.abs(z).max() < 6


def test_integers_range_2_31_minus_1_is_uniform():
    high = 2**31 - 1
    x = fastinit.default_rng(3).integers(0, high, size=200_000, dtype=np.int32)
    assert x.max() < high
    assert st.kstest(x / high, "uniform").pvalue > P_MIN


@pytest.mark.parametrize("dtype", INTEGER_DTYPES, ids=lambda d: np.dtype(d).name)
def test_integers_same_bits_for_threads_pieces_and_isas(dtype):
    top = 1 if np.dtype(dtype) == np.bool_ else int(np.iinfo(dtype).max)
    low = 0 if np.dtype(dtype) == np.bool_ else int(np.iinfo(dtype).min) + 3
    n = (1 << 16) * 3 + 12345
    whole = fastinit.default_rng(5).integers(low, top, size=n, dtype=dtype, n_threads=1)
    for n_threads in (2, 3):
        again = fastinit.default_rng(5).integers(low, top, size=n, dtype=dtype,
                                                 n_threads=n_threads)
        assert again.tobytes() == whole.tobytes()
    rng = fastinit.default_rng(5)
    pieces = np.empty_like(whole)
    cuts = [0, 1, 2, 5, 17, 1000, 4099, 65537, n]
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        rng.fill_at("integers", pieces[lo:hi], lo, position=0, low=low, high=top)
    assert pieces.tobytes() == whole.tobytes()
    results = {}
    for isa in simd_info()["available"]:
        with use_isa(isa):
            out = np.empty(20011, dtype)
            fastinit.default_rng(5).fill_at("integers", out, 13, position=7, n_threads=2,
                                            low=low, high=top)
            results[isa] = out.tobytes()
    assert len(set(results.values())) == 1, "an ISA differs from the scalar path"


def test_integers_default_dtype_and_scalar_types():
    rng = fastinit.default_rng(0)
    assert type(rng.integers(10)) is np.int64
    assert type(rng.integers(10, dtype=np.int8)) is np.int8
    assert type(rng.integers(2, dtype=bool)) is bool
    assert type(rng.integers(10, dtype=int)) is int
    assert rng.integers(5, size=3).dtype == np.int64


def test_integers_consume_two_or_three_words_per_element():
    rng = fastinit.default_rng(0)
    rng.integers(10, size=10, dtype=np.int32)  # 20 words -> 5 blocks
    assert rng.position == 5
    rng.integers(10, size=10)                  # int64: 30 words -> 8 blocks
    assert rng.position == 13


# ------------------------------------------------------- log-based kinds --
def _u32_words(n, seed=1):
    extremes = np.array([0, 1, 2, 255, 256, 2**31 - 2, 2**31 - 1, 2**31, 2**31 + 1,
                         2**32 - 257, 2**32 - 2, 2**32 - 1], np.uint32)
    return np.concatenate([extremes, fastinit.default_rng(seed).random_raw(n)])


def _transform(method, dtype, words, **params):
    spec = FILL_METHODS[method]
    dt = np.dtype(dtype)
    n = words.size // spec.words_per_element(dt)
    out = np.empty(n, dt)
    _core.transform_words(spec.kind, spec.kernel_dtype(dt), words, out,
                          spec.kernel_params(dt, params))
    return out


def _reference(method, x, bits, wide):
    """The variate from k-bit draws ``x`` (u = (x + 1/2) / 2**k), in float64
    (``wide=False``) or long double, each formula written on whichever of u
    and 1 - u is small so the reference keeps relative precision."""
    ftype = np.longdouble if wide else np.float64
    scale = ftype(2.0) ** -bits
    mask = (1 << bits) - 1
    a = x.astype(ftype) + ftype(0.5)                                   # 2**k u
    b = (mask - x.astype(object)).astype(ftype) + ftype(0.5)            # 2**k (1 - u)
    u, v = a * scale, b * scale
    lower = x.astype(object) < (1 << (bits - 1))                        # u < 1/2
    log, log1p = np.log, np.log1p
    exponential = np.where(lower, -log1p(-u), -log(v))
    if method == "standard_exponential":
        return exponential
    if method == "laplace":
        return np.where(lower, log(2 * u), -log(2 * v))
    if method == "logistic":  # log(a / b) = log1p((a - b) / b), a - b exact
        diff = (2 * x.astype(object) + 1 - (1 << bits)).astype(ftype)
        return np.where(lower, -log1p(-diff / a), log1p(diff / b))
    if method == "gumbel":
        return -log(exponential)
    raise ValueError(method)


# (method, largest ulp error seen as a multiple of the result's spacing, absolute slack)
LOG_METHODS = [("standard_exponential", 4, 0.0), ("laplace", 4, 0.0), ("logistic", 8, 0.0),
               ("gumbel", 4, 2.0)]  # gumbel near 0: absolute error up to 2 ulp of 1


@pytest.mark.parametrize("method,ulps,slack", LOG_METHODS)
def test_float32_kernels_match_float64_reference(method, ulps, slack):
    words = _u32_words(200_000)
    got = _transform(method, np.float32, words).astype(np.float64)
    want = _reference(method, words, 32, wide=False)
    tol = ulps * np.spacing(np.abs(want).astype(np.float32)).astype(np.float64) + slack * 2.0**-23
    err = np.abs(got - want)
    assert (err <= tol).all(), f"worst {err.max()} at {want[np.argmax(err - tol)]}"


@pytest.mark.parametrize("method,ulps,slack", LOG_METHODS)
def test_float64_kernels_match_long_double_reference(method, ulps, slack):
    if np.finfo(np.longdouble).nmant < 60:
        pytest.skip("long double is not wider than double here")
    words = _u32_words(2 * 50_000)
    words = words[:words.size // 2 * 2]
    got = _transform(method, np.float64, words).astype(np.longdouble)
    want = _reference(method, words.view(np.uint64), 64, wide=True)
    tol = (ulps * np.spacing(np.abs(want).astype(np.float64)).astype(np.longdouble)
           + np.longdouble(slack) * np.longdouble(2.0) ** -52)
    err = np.abs(got - want)
    assert (err <= tol).all(), f"worst {float(err.max())}"


@pytest.mark.parametrize("method", ["laplace", "logistic"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_symmetric_kernels_are_exactly_antisymmetric(method, dtype):
    words = _u32_words(40_000)
    if np.dtype(dtype) == np.float64:
        words = words[:words.size // 2 * 2]
    assert np.array_equal(_transform(method, dtype, words), -_transform(method, dtype, ~words))


@pytest.mark.parametrize("method,lo,hi", [
    ("standard_exponential", 0.0, 22.9), ("laplace", -22.2, 22.2), ("logistic", -22.9, 22.9),
    ("gumbel", -3.14, 22.9)])
def test_float32_extremes_are_finite_and_documented(method, lo, hi):
    words = np.array([0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000], np.uint32)
    x = _transform(method, np.float32, words)
    assert np.isfinite(x).all()
    assert x.min() >= lo and x.max() <= hi
    assert max(abs(x.min()), abs(x.max())) > 0.95 * max(abs(lo), abs(hi))  # the tail is reached


def test_exponential_keeps_relative_precision_of_tiny_values():
    """u near 0 gives E ~ u: relative, not absolute, precision."""
    words = np.arange(0, 4096, dtype=np.uint32)
    got = _transform("standard_exponential", np.float32, words).astype(np.float64)
    want = -np.log1p(-(words + 0.5) * 2.0**-32)
    assert np.allclose(got, want, rtol=5e-7, atol=0)
    assert got[0] == np.float32(2.0**-33)


SCIPY = {
    "standard_exponential": ({}, lambda p: st.expon()),
    "exponential": ({"scale": 2.5}, lambda p: st.expon(scale=p["scale"])),
    "laplace": ({"loc": 1.0, "scale": 2.0}, lambda p: st.laplace(p["loc"], p["scale"])),
    "logistic": ({"loc": -1.0, "scale": 0.5}, lambda p: st.logistic(p["loc"], p["scale"])),
    "gumbel": ({"loc": 0.5, "scale": 2.0}, lambda p: st.gumbel_r(p["loc"], p["scale"])),
    "lognormal": ({"mean": 0.5, "sigma": 0.75},
                  lambda p: st.lognorm(s=p["sigma"], scale=math.exp(p["mean"]))),
}


@pytest.mark.parametrize("method", sorted(SCIPY))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_distribution_ks(method, dtype):
    params, dist = SCIPY[method]
    x = getattr(fastinit.default_rng(2026), method)(size=200_000, dtype=dtype, **params)
    assert x.dtype == np.dtype(dtype)
    assert st.kstest(x.astype(np.float64), dist(params).cdf).pvalue > P_MIN


@pytest.mark.parametrize("method", sorted(SCIPY))
@pytest.mark.parametrize("dtype", [np.float32, np.float64] + NARROW,
                         ids=lambda d: np.dtype(d).name)
def test_distribution_moments(method, dtype):
    params, dist = SCIPY[method]
    n = 400_000
    x = getattr(fastinit.default_rng(7), method)(size=n, dtype=dtype, **params).astype(np.float64)
    d = dist(params)
    sd = math.sqrt(d.var())
    rounding = 2.0**-8 if np.dtype(dtype) == fastinit.bfloat16 else 0.0  # bfloat16: 8-bit
    assert abs(x.mean() - d.mean()) < 6 * sd / math.sqrt(n) + rounding * abs(d.mean()) + 1e-3 * (
        np.dtype(dtype) in (np.float16,))
    if method != "lognormal":  # its variance estimate is too heavy-tailed for a z bound
        assert abs(x.var() / d.var() - 1) < 0.03


@pytest.mark.parametrize("method,params", [(m, SCIPY[m][0]) for m in sorted(SCIPY)])
@pytest.mark.parametrize("dtype", NARROW, ids=lambda d: np.dtype(d).name)
def test_narrow_dtypes_are_float32_values_rounded_once(method, params, dtype):
    narrow = getattr(fastinit.default_rng(3), method)(size=50_000, dtype=dtype, **params)
    wide = getattr(fastinit.default_rng(3), method)(size=50_000, dtype=np.float32, **params)
    assert narrow.tobytes() == wide.astype(dtype).tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lognormal_is_exp_of_the_normal(dtype):
    mean, sigma = -0.3, 1.7
    got = fastinit.default_rng(5).lognormal(mean, sigma, size=100_000, dtype=dtype)
    z = fastinit.default_rng(5).normal(mean, sigma, size=100_000, dtype=dtype)
    if np.dtype(dtype) == np.float32:
        want = np.exp(z.astype(np.float64))
        assert np.allclose(got, want, rtol=2.5e-7, atol=0)
    else:
        want = np.exp(z.astype(np.longdouble))
        assert (np.abs(got - want) <= 3 * np.spacing(want.astype(np.float64))).all()


def test_lognormal_exp_underflows_to_zero_and_keeps_subnormals():
    # mean far below: exp of about -95..-75 lands in float32's subnormal range
    x = fastinit.default_rng(1).lognormal(-85.0, 2.0, size=10_000, dtype=np.float32)
    z = fastinit.default_rng(1).normal(-85.0, 2.0, size=10_000, dtype=np.float32)
    want = np.exp(z.astype(np.float64)).astype(np.float32)
    assert (x >= 0).all() and (x < np.finfo(np.float32).tiny).any()
    assert np.array_equal(x == 0, want == 0) or np.abs(x - want).max() <= 2 * 2.0**-149


def test_exponential_is_scale_times_standard():
    a = fastinit.default_rng(4).standard_exponential(size=1000, dtype=np.float32)
    b = fastinit.default_rng(4).exponential(3.0, size=1000, dtype=np.float32)
    assert np.array_equal(b, np.float32(3.0) * a)


def test_standard_exponential_method_argument():
    rng = fastinit.default_rng(0)
    a = fastinit.default_rng(0).standard_exponential(5, method="inv")
    assert np.array_equal(rng.standard_exponential(5, method="zig"), a)
    with pytest.raises(ValueError, match="method"):
        rng.standard_exponential(5, method="ziggurat")


# ------------------------------------------------------------------ bytes --
def test_bytes_are_the_raw_words_little_endian():
    for length in (0, 1, 3, 4, 5, 17):
        got = fastinit.default_rng(8).bytes(length)
        words = fastinit.default_rng(8).random_raw(-(-length // 4))
        assert isinstance(got, bytes) and len(got) == length
        assert got == words.astype("<u4").tobytes()[:length]
    rng = fastinit.default_rng(0)
    rng.bytes(17)  # 5 words -> 2 blocks
    assert rng.position == 2


@pytest.mark.parametrize("length,exc", [(-1, ValueError), (2.5, TypeError), ("3", TypeError)])
def test_bytes_bad_length(length, exc):
    rng = fastinit.default_rng(0)
    with pytest.raises(exc, match="length"):
        rng.bytes(length)
    assert rng.position == 0


# ------------------------------------------------------ array parameters --
BROADCAST = [
    ("normal", {"loc": 0.5, "scale": 2.0}),
    ("uniform", {"low": -1.0, "high": 3.0}),
    ("truncated_normal", {"loc": 0.1, "scale": 1.0, "a": -1.0, "b": 2.0}),
    ("exponential", {"scale": 3.0}),
    ("laplace", {"loc": 1.0, "scale": 3.0}),
    ("logistic", {"loc": 1.0, "scale": 3.0}),
    ("gumbel", {"loc": 1.0, "scale": 3.0}),
    ("lognormal", {"mean": 0.5, "sigma": 1.5}),
]


@pytest.mark.parametrize("method,params", BROADCAST)
def test_array_parameters_equal_scalar_calls(method, params, float_dtype):
    """Equal parameters as arrays give the scalar call's bits, and the same
    stream consumption."""
    shape = (301, 5)
    first = next(iter(params))
    as_array = dict(params, **{first: np.full(shape[1], params[first])})
    a_rng, b_rng = fastinit.default_rng(3), fastinit.default_rng(3)
    a = getattr(a_rng, method)(size=shape, dtype=float_dtype, **params)
    b = getattr(b_rng, method)(size=shape, dtype=float_dtype, **as_array)
    assert b.dtype == a.dtype and b.shape == shape
    assert a.tobytes() == b.tobytes()
    assert a_rng.position == b_rng.position


@pytest.mark.parametrize("method,params", BROADCAST)
def test_array_parameters_apply_per_element(method, params):
    """Column j of a broadcast draw equals a scalar draw with column j's
    parameters, at that column's stream elements."""
    names = list(params)
    values = [params[name] for name in names]
    columns = [dict(zip(names, values)), dict(zip(names, [v * 2 if v > 0 else v for v in values]))]
    arrays = {name: np.array([c[name] for c in columns]) for name in names}
    n_rows = 400
    got = getattr(fastinit.default_rng(12), method)(size=(n_rows, 2), **arrays)
    for j, column in enumerate(columns):
        full = getattr(fastinit.default_rng(12), method)(size=(n_rows, 2), **column)
        assert np.array_equal(got[:, j], full[:, j])


def test_array_parameters_broadcast_as_numpy():
    rng = fastinit.default_rng(0)
    assert rng.normal([0.0, 1.0], 1.0).shape == (2,)
    assert rng.normal([[0.0], [1.0]], [1.0, 2.0, 3.0]).shape == (2, 3)
    assert rng.normal([0.0, 1.0], 1.0, size=(4, 2)).shape == (4, 2)
    assert rng.uniform(0.0, [1.0, 2.0, 3.0], size=(2, 3), dtype=np.float32).dtype == np.float32
    assert isinstance(rng.normal(np.array(0.0), 1.0), float)  # 0-d: the scalar path
    assert rng.integers([0, 10], [5, 20], size=(3, 2)).shape == (3, 2)
    with pytest.raises(ValueError, match="shape mismatch"):
        rng.normal([0.0, 1.0], 1.0, size=3)
    with pytest.raises(ValueError, match="shape mismatch"):
        rng.integers([0, 1], [10, 2], size=(3, 3))


@pytest.mark.parametrize("call,exc,match", [
    (lambda r, o: r.normal([0.0, 1.0], [1.0, -1.0], out=o), ValueError, "scale"),
    (lambda r, o: r.normal([0.0, np.nan], 1.0, out=o), ValueError, "loc"),
    (lambda r, o: r.normal([0.0, np.inf], 1.0, out=o), ValueError, "loc"),
    (lambda r, o: r.uniform([0.0, 2.0], 1.0, out=o), ValueError, "high - low"),
    (lambda r, o: r.exponential([1.0, -2.0], out=o), ValueError, "scale"),
    (lambda r, o: r.laplace(["a", "b"], 1.0, out=o), TypeError, "loc"),
    (lambda r, o: r.truncated_normal([0.0, 0.0], 1.0, [1.0, -1.0], 0.5, out=o), ValueError,
     "a must be < b"),
    (lambda r, o: r.lognormal([0.0, 1.0], [1.0, -0.0], out=o), ValueError, "sigma"),
    (lambda r, o: r.lognormal([0.0, 705.0], 1.0, out=o), ValueError, "overflow"),
])
def test_array_parameters_bad_input_writes_nothing(call, exc, match):
    rng = fastinit.default_rng(0)
    out = np.full(2, 7.0)
    with pytest.raises(exc, match=match):
        call(rng, out)
    assert (out == 7.0).all() and rng.position == 0


# ------------------------------------------------------------ bad input --
@pytest.mark.parametrize("call,exc,match", [
    (lambda r: r.integers(5, 5, size=3), ValueError, "low >= high"),
    (lambda r: r.integers(6, 5, size=3, endpoint=True), ValueError, "low > high"),
    (lambda r: r.integers(-1, 5, size=3, dtype=np.uint8), ValueError, "low is out of bounds"),
    (lambda r: r.integers(0, 257, size=3, dtype=np.uint8), ValueError, "high is out of bounds"),
    (lambda r: r.integers(0, 3, size=3, dtype=bool), ValueError, "high is out of bounds"),
    (lambda r: r.integers(0, 2**64 + 1, size=3, dtype=np.uint64), ValueError, "high"),
    (lambda r: r.integers(0, 10, size=3, dtype=np.float64), TypeError, "dtype"),
    (lambda r: r.integers(0, 10, size=3, dtype=">i4"), ValueError, "byte order"),
    (lambda r: r.integers(np.nan, 10, size=3), ValueError, "low"),
    (lambda r: r.integers(0, np.inf, size=3), OverflowError, "high"),
    (lambda r: r.integers("a", 10, size=3), TypeError, "low"),
    (lambda r: r.integers(0, 10, size=-1), ValueError, "size"),
    (lambda r: r.exponential(-1.0, size=3), ValueError, "scale"),
    (lambda r: r.exponential(np.nan, size=3), ValueError, "scale"),
    (lambda r: r.exponential(1e300, size=3, dtype=np.float32), ValueError, "overflow"),
    (lambda r: r.laplace(0.0, -1.0, size=3), ValueError, "scale"),
    (lambda r: r.laplace(np.inf, 1.0, size=3), ValueError, "loc"),
    (lambda r: r.logistic(0.0, -1.0, size=3), ValueError, "scale"),
    (lambda r: r.gumbel(0.0, -1.0, size=3), ValueError, "scale"),
    (lambda r: r.gumbel(6e4, 300.0, size=3, dtype=np.float16), ValueError, "overflow"),
    (lambda r: r.lognormal(0.0, -1.0, size=3), ValueError, "sigma"),
    (lambda r: r.lognormal(100.0, 1.0, size=3, dtype=np.float32), ValueError, "overflow"),
    (lambda r: r.lognormal(np.nan, 1.0, size=3), ValueError, "mean"),
    (lambda r: r.standard_exponential(3, dtype=np.int32), TypeError, "dtype"),
])
def test_bad_parameters_name_the_argument_and_draw_nothing(call, exc, match):
    rng = fastinit.default_rng(0)
    with pytest.raises(exc, match=match):
        call(rng)
    assert rng.position == 0


@pytest.mark.parametrize("method", ["integers", "standard_exponential", "lognormal", "gumbel"])
def test_bad_out_is_refused_before_writing(method):
    rng = fastinit.default_rng(0)
    args = (10,) if method == "integers" else ()
    wrong = np.full(4, 7, np.float32) if method == "integers" else np.full(4, 7, np.int64)
    for out, exc in [(wrong, TypeError), (np.full((4, 4), 7, wrong.dtype)[:, ::2], TypeError)]:
        with pytest.raises(exc, match="out"):
            getattr(rng, method)(*args, out=out)
        assert (out == 7).all()
    good = np.full((4, 4), 7, np.int64 if method == "integers" else np.float64)[:, ::2]
    with pytest.raises(ValueError, match="C-contiguous"):
        getattr(rng, method)(*args, out=good)
    assert (good == 7).all() and rng.position == 0
