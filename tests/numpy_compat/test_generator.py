"""Port of numpy/random/tests/test_generator_mt19937.py: everything that is not
about MT19937's exact values -- seeds, corner cases, errors, shapes, dtypes,
broadcasting, the state, threads -- run on fastinit.Generator (fast methods and
the methods it runs through NumPy's algorithms alike).  The known-value tests
are replaced by tests/numpy_compat/test_delegation.py (equality with NumPy's
algorithm on fastinit's stream) and tests/core/test_hashes.py (fast kernels)."""
import sys
import threading
import warnings

import numpy as np
import pytest
from numpy.exceptions import AxisError
from numpy.linalg import LinAlgError

import fastinit
from tests.numpy_compat.conftest import expect_array_parameters

SEED = 1234567890
ITYPES = [bool, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64,
          np.uint64]


@pytest.fixture
def random():
    return fastinit.default_rng(SEED)


@pytest.fixture(params=[False, True], ids=["open", "endpoint"])
def endpoint(request):
    return request.param


def int_bounds(dt, endpoint):
    lbnd = 0 if dt is bool else np.iinfo(dt).min
    ubnd = 2 if dt is bool else int(np.iinfo(dt).max) + 1
    return lbnd, ubnd - 1 if endpoint else ubnd


# ------------------------------------------------------------------ TestSeed --
def test_seed_forms_give_the_same_stream():
    draws = [fastinit.default_rng(s).integers(1000) for s in
             (range(10), np.arange(10), list(range(10)))]
    assert draws[0] == draws[1] == draws[2]
    assert fastinit.default_rng(0).integers(1000) == fastinit.default_rng([0]).integers(1000)
    assert (fastinit.Philox4x32(np.random.SeedSequence(0)).random_raw(1)
            == fastinit.Philox4x32(0).random_raw(1))


def test_invalid_seeds():
    for bad, exc in ((-0.5, TypeError), (-1, ValueError), ([-0.5], TypeError),
                     ([-1], ValueError), ([1, -2, 4294967296], ValueError)):
        with pytest.raises(exc, match="seed"):
            fastinit.Philox4x32(bad)
        with pytest.raises(exc, match="seed"):
            fastinit.default_rng(bad)


def test_noninstantiated_bitgen():
    """NumPy raises ValueError for Generator(MT19937); fastinit names the seed."""
    with pytest.raises(TypeError, match="seed"):
        fastinit.Generator(fastinit.Philox4x32)


# -------------------------------------------------------- binomial, multinomial --
def test_binomial_n_zero(random):
    zeros = np.zeros(2, dtype="int")
    for p in [0, .5, 1]:
        assert random.binomial(0, p) == 0
        assert np.array_equal(random.binomial(zeros, p), zeros)


def test_binomial_p_is_nan(random):
    with pytest.raises(ValueError):
        random.binomial(1, np.nan)


def test_multinomial_basics(random):
    random.multinomial(100, [0.2, 0.8])
    random.multinomial(100, [0.2, 0.8, 0.0, 0.0, 0.0])
    assert -5 <= random.integers(-5, -1) < -1
    x = random.integers(-5, -1, 5)
    assert np.all(-5 <= x) and np.all(x < -1)


def test_multinomial_size(random):
    p = [0.5, 0.5]
    assert random.multinomial(1, p, np.uint32(1)).shape == (1, 2)
    assert random.multinomial(1, p, [2, 2]).shape == (2, 2, 2)
    assert random.multinomial(1, p, (2, 2)).shape == (2, 2, 2)
    assert random.multinomial(1, p, np.array((2, 2))).shape == (2, 2, 2)
    with pytest.raises(TypeError):
        random.multinomial(1, p, float(1))


def test_multinomial_invalid(random):
    for n, p in ((100, [1.1, 0.2]), (100, [-.1, 0.9]), (-1, [0.8, 0.2]), ([-1] * 10, [0.8, 0.2])):
        with pytest.raises(ValueError):
            random.multinomial(n, p)
    pvals = np.array([9.9e-01, 9.9e-01] + [1.0e-09] * 8, dtype=np.float32)
    with pytest.raises(ValueError, match="pvals array is cast to 64-bit floating"):
        random.multinomial(1, pvals / pvals.sum())


def test_multinomial_p_non_contiguous():
    p = np.arange(15.)
    p /= np.sum(p[1::3])
    pvals = p[1::3]
    a = fastinit.default_rng(SEED).multinomial(100, pvals=pvals)
    b = fastinit.default_rng(SEED).multinomial(100, pvals=np.ascontiguousarray(pvals))
    assert np.array_equal(a, b)


# ------------------------------------------------ multivariate_hypergeometric --
def test_multivariate_hypergeometric_argument_validation(random):
    for args in ((10, 4), ([2, 3, 4], -1), ([-1, 2, 3], 2), ([2, 3, 4], 10), ([], 1),
                 ([999999999, 101], 5, 1, "marginals")):
        with pytest.raises(ValueError):
            random.multivariate_hypergeometric(*args)
    max_index = np.iinfo(np.int64).max // 8
    with pytest.raises(ValueError):
        random.multivariate_hypergeometric([max_index - 100, 101], 5, 1, "count")


@pytest.mark.parametrize("method", ["count", "marginals"])
def test_multivariate_hypergeometric_edge_cases(random, method):
    mh = random.multivariate_hypergeometric
    assert np.array_equal(mh([0, 0, 0], 0, method=method), [0, 0, 0])
    assert np.array_equal(mh([], 0, method=method), [])
    assert np.array_equal(mh([], 0, size=1, method=method), np.empty((1, 0), dtype=np.int64))
    assert np.array_equal(mh([1, 2, 3], 0, method=method), [0, 0, 0])
    assert np.array_equal(mh([9, 0, 0], 3, method=method), [3, 0, 0])
    colors = [1, 1, 0, 1, 1]
    assert np.array_equal(mh(colors, sum(colors), method=method), colors)
    assert np.array_equal(mh([3, 4, 5], 12, size=3, method=method), [[3, 4, 5]] * 3)


@pytest.mark.parametrize("nsample", [8, 25, 45, 55])
@pytest.mark.parametrize("method", ["count", "marginals"])
@pytest.mark.parametrize("size", [5, (2, 3), 150000])
def test_multivariate_hypergeometric_typical_cases(nsample, method, size):
    random = fastinit.default_rng(8675309)
    colors = np.array([10, 5, 20, 25])
    sample = random.multivariate_hypergeometric(colors, nsample, size, method=method)
    shape = ((size,) if isinstance(size, int) else size) + colors.shape
    assert sample.shape == shape
    assert (sample >= 0).all() and (sample <= colors).all()
    assert np.array_equal(sample.sum(axis=-1), np.full(size, fill_value=nsample, dtype=int))
    if isinstance(size, int) and size >= 100000:
        np.testing.assert_allclose(sample.mean(axis=0), nsample * colors / colors.sum(),
                                   rtol=1e-3, atol=0.005)


def test_multivariate_hypergeometric_repeatability():
    for colors, n, method in (([3, 4, 5], 5, "count"), ([20, 30, 50], 50, "marginals"),
                              ([20, 30, 50], 12, "marginals")):
        a = fastinit.default_rng(8675309).multivariate_hypergeometric(colors, n, 5, method)
        b = fastinit.default_rng(8675309).multivariate_hypergeometric(colors, n, 5, method)
        assert np.array_equal(a, b)


# ------------------------------------------------------------------ TestSetState --
def test_gaussian_reset(random):
    state = random.bit_generator.state
    old = random.standard_normal(size=3)
    random.bit_generator.state = state
    assert np.array_equal(random.standard_normal(size=3), old)


def test_gaussian_reset_in_media_res(random):
    random.standard_normal()
    state = random.bit_generator.state
    old = random.standard_normal(size=3)
    random.bit_generator.state = state
    assert np.array_equal(random.standard_normal(size=3), old)


def test_negative_binomial_takes_floats(random):
    random.negative_binomial(0.5, 0.5)


# ------------------------------------------------------------------ TestIntegers --
def test_integers_unsupported_type(random, endpoint):
    with pytest.raises(TypeError):
        random.integers(1, endpoint=endpoint, dtype=float)


def test_integers_bounds_checking(random, endpoint):
    for dt in ITYPES:
        lbnd, ubnd = int_bounds(dt, endpoint)
        for low, high in ((lbnd - 1, ubnd), (lbnd, ubnd + 1), (ubnd, lbnd), (1, 0),
                          ([lbnd - 1], ubnd), ([lbnd], [ubnd + 1]), ([ubnd], [lbnd]), (1, [0]),
                          ([ubnd + 1], [ubnd])):
            with pytest.raises(ValueError):
                random.integers(low, high, endpoint=endpoint, dtype=dt)


def test_integers_bounds_checking_array(random, endpoint):
    for dt in ITYPES:
        lbnd = 0 if dt is bool else np.iinfo(dt).min
        ubnd = 2 if dt is bool else int(np.iinfo(dt).max) + (not endpoint)
        for low, high in (([lbnd - 1] * 2, [ubnd] * 2), ([lbnd] * 2, [ubnd + 1] * 2),
                          (ubnd, [lbnd] * 2), ([1] * 2, 0)):
            with pytest.raises(ValueError):
                random.integers(low, high, endpoint=endpoint, dtype=dt)


def test_integers_zero_and_extremes(random, endpoint):
    for dt in ITYPES:
        lbnd, ubnd = int_bounds(dt, endpoint)
        is_open = not endpoint
        for tgt in (ubnd - 1, lbnd, (lbnd + ubnd) // 2):
            assert (random.integers(tgt, tgt + is_open, size=1000, endpoint=endpoint,
                                    dtype=dt) == tgt).all()
            assert (random.integers([tgt], [tgt + is_open], size=1000, endpoint=endpoint,
                                    dtype=dt) == tgt).all()
            assert (random.integers([tgt] * 1000, [tgt + 1] * 1000, dtype=dt) == tgt).all() \
                or tgt + 1 > int_bounds(dt, False)[1]


def test_integers_full_range(random, endpoint):
    for dt in ITYPES:
        lbnd, ubnd = int_bounds(dt, endpoint)
        random.integers(lbnd, ubnd, endpoint=endpoint, dtype=dt)
        random.integers([lbnd] * 2, [ubnd], endpoint=endpoint, dtype=dt)


def test_integers_in_bounds_fuzz(endpoint):
    random = fastinit.default_rng()
    for dt in ITYPES[1:]:
        for ubnd in [4, 8, 16]:
            vals = random.integers(2, ubnd - endpoint, size=2**16, endpoint=endpoint, dtype=dt)
            assert vals.max() < ubnd and vals.min() >= 2
    vals = random.integers(0, 2 - endpoint, size=2**16, endpoint=endpoint, dtype=bool)
    assert vals.max() < 2 and vals.min() >= 0


def test_integers_scalar_array_equiv(endpoint):
    for dt in ITYPES:
        lbnd, ubnd = int_bounds(dt, endpoint)
        size = 1000
        scalar = fastinit.default_rng(1234).integers(lbnd, ubnd, size=size, endpoint=endpoint,
                                                     dtype=dt)
        array = fastinit.default_rng(1234).integers([lbnd] * size, [ubnd] * size,
                                                    endpoint=endpoint, dtype=dt)
        assert np.array_equal(scalar, array)
        scalar_array = fastinit.default_rng(1234).integers([lbnd], [ubnd], size=size,
                                                           endpoint=endpoint, dtype=dt)
        assert np.array_equal(scalar, scalar_array)


def test_integers_repeatability(endpoint):
    for dt in ITYPES[1:]:
        a = fastinit.default_rng(1234).integers(0, 6 - endpoint, size=1000,
                                                endpoint=endpoint, dtype=dt)
        b = fastinit.default_rng(1234).integers(0, 6 - endpoint, size=1000,
                                                endpoint=endpoint, dtype=dt)
        assert np.array_equal(a, b)


def test_integers_int64_uint64_broadcast_exceptions(random, endpoint):
    configs = {np.uint64: ((0, 2**65), (-1, 2**62), (10, 9), (0, 0)),
               np.int64: ((0, 2**64), (-(2**64), 2**62), (10, 9), (0, 0),
                          (-2**63 - 1, -2**63 - 1))}
    for dtype, pairs in configs.items():
        for low, high in pairs:
            high = high - endpoint
            for lo, hi in ((low, high), (np.array([[low] * 10]), high), (low, np.array([high] * 10)),
                           (np.array([[low] * 10], dtype=object), high),
                           (low, np.array([high] * 10, dtype=object))):
                with pytest.raises(ValueError):
                    random.integers(lo, hi, endpoint=endpoint, dtype=dtype)


def test_integers_int64_uint64_corner_case(random, endpoint):
    tgt = np.iinfo(np.int64).max
    lbnd = np.int64(tgt)
    ubnd = np.uint64(tgt + 1 - endpoint)
    assert random.integers(lbnd, ubnd, endpoint=endpoint, dtype=np.int64) == tgt


def test_integers_respect_dtype(random, endpoint):
    for dt in ITYPES:
        lbnd, ubnd = int_bounds(dt, endpoint)
        dt = np.bool_ if dt is bool else dt
        assert random.integers(lbnd, ubnd, endpoint=endpoint, dtype=dt).dtype == dt
        assert random.integers([lbnd], [ubnd], endpoint=endpoint, dtype=dt).dtype == dt
        assert random.integers([lbnd] * 2, [ubnd] * 2, endpoint=endpoint, dtype=dt).dtype == dt
    for dt in (bool, int):
        lbnd = 0 if dt is bool else np.iinfo(dt).min
        ubnd = (2 if dt is bool else np.iinfo(dt).max + 1) - endpoint
        sample = random.integers(lbnd, ubnd, endpoint=endpoint, dtype=dt)
        assert not hasattr(sample, "dtype") and type(sample) is dt


def test_integers_zero_size(random, endpoint):
    for dt in ITYPES:
        sample = random.integers(0, 0, (3, 0, 4), endpoint=endpoint, dtype=dt)
        assert sample.shape == (3, 0, 4) and sample.dtype == dt
        assert random.integers(0, -10, 0, endpoint=endpoint, dtype=dt).shape == (0,)
    assert random.integers(0, 0, size=(3, 0, 4)).shape == (3, 0, 4)
    assert random.integers(10, 10, size=0).shape == (0,)


def test_integers_error_byteorder(random):
    other = "<i4" if sys.byteorder == "big" else ">i4"
    with pytest.raises(ValueError):
        random.integers(0, 200, size=10, dtype=other)


@pytest.mark.parametrize("sample_size, high, dtype, chi2max", [
    (500000, 5, np.int8, 125.0), (500000, 7, np.uint8, 150.0),
    (1000000, 2500, np.int16, 3300.0)])
def test_integers_small_dtype_chisquared(random, sample_size, high, dtype, chi2max):
    """Samples of NumPy's slow-marked sizes cut by 10 (p ~ 1e-25 thresholds stay)."""
    samples = random.integers(high, size=sample_size, dtype=dtype)
    _, counts = np.unique(samples, return_counts=True)
    expected = sample_size / high
    assert ((counts - expected) ** 2 / expected).sum() < chi2max


# ---------------------------------------------------------------- TestRandomDist --
@pytest.mark.parametrize("dtype, uint_view", [(np.float32, np.uint32), (np.float64, np.uint64)])
def test_random_distribution_of_lsb(random, dtype, uint_view):
    """A 1 in the last significand bit: probability 1/4 (p < 5e-11 outside)."""
    sample = random.random(100000, dtype=dtype)
    assert 24100 < np.count_nonzero(sample.view(uint_view) & 1) < 25900


def test_random_unsupported_type(random):
    with pytest.raises(TypeError):
        random.random(dtype="int32")


def test_random_float_scalar(random):
    value = random.random(dtype=np.float32)
    assert type(value) is float and 0.0 <= value < 1.0
    assert np.float32(value) == value


def test_choice_exceptions(random):
    sample = random.choice
    for args, kwargs in (((-1, 3), {}), ((3., 3), {}), (([], 3), {}),
                         (([1, 2, 3, 4], 3), {"p": [[0.25, 0.25], [0.25, 0.25]]}),
                         (([1, 2], 3), {"p": [0.4, 0.4, 0.2]}), (([1, 2], 3), {"p": [1.1, -0.1]}),
                         (([1, 2], 3), {"p": [0.4, 0.4]}), (([1, 2, 3], 4), {"replace": False}),
                         (([1, 2, 3], -2), {"replace": False}),
                         (([1, 2, 3], (-1,)), {"replace": False}),
                         (([1, 2, 3], (-1, 1)), {"replace": False}),
                         (([1, 2, 3], 2), {"replace": False, "p": [1, 0, 0]})):
        with pytest.raises(ValueError):
            sample(*args, **kwargs)


def test_choice_return_shape_and_type(random):
    assert random.choice([], size=(0,)).shape == (0,)
    assert random.choice(["a", "b"], size=(3, 0, 4)).shape == (3, 0, 4)
    with pytest.raises(ValueError):
        random.choice([], 10)
    with pytest.raises(ValueError):
        random.choice(np.array([42, 1, 2]), p=[None, None, None])
    p = np.ones(4) / 4.
    for kwargs in ({}, {"replace": False}, {"p": p}, {"p": p, "replace": False}):
        assert random.choice(4, 2, **kwargs).dtype == np.int64


def test_choice_p_non_contiguous():
    p = np.ones(10) / 5
    p[1::2] = 3.0
    a = fastinit.default_rng(SEED).choice(5, 3, p=p[::2])
    b = fastinit.default_rng(SEED).choice(5, 3, p=np.ascontiguousarray(p[::2]))
    assert np.array_equal(a, b)


def test_choice_values_and_empty_tuple_size(random):
    assert set(random.choice(4, 100)) <= {0, 1, 2, 3}
    assert sorted(random.choice(4, 4, replace=False)) == [0, 1, 2, 3]
    assert np.array_equal(random.choice(4, 4, replace=False, shuffle=False), np.arange(4))
    assert random.choice(4, 3, replace=False, p=[0.1, 0.3, 0.5, 0.1]).shape == (3,)
    np.testing.assert_array_equal(random.choice([1, 2, 3], size=()).shape, ())
    assert random.choice([[1, 2, 3]], size=()).tolist() == [1, 2, 3]
    assert random.choice([[1]], size=(), axis=1).tolist() == [1]


def test_bytes(random):
    b = random.bytes(10)
    assert isinstance(b, bytes) and len(b) == 10
    assert random.bytes(0) == b""


@pytest.mark.parametrize("conv", [
    lambda x: np.array([]), lambda x: x, lambda x: np.asarray(x).astype(np.int8),
    lambda x: np.asarray(x).astype(np.float32), lambda x: np.asarray(x).astype(np.complex64),
    lambda x: np.asarray(x).astype(object), lambda x: [(i, i) for i in x],
    lambda x: np.asarray([[i, i] for i in x]), lambda x: np.vstack([x, x]).T,
    lambda x: (np.asarray([(i, i) for i in x], [("a", int), ("b", int)]).view(np.recarray)),
    lambda x: np.asarray([(i, i) for i in x], [("a", object, (1,)), ("b", np.int32, (1,))])])
def test_shuffle(random, conv):
    """Shuffles any sequence in place, keeping its elements."""
    alist = conv([1, 2, 3, 4, 5, 6, 7, 8, 9, 0])
    before = sorted(map(repr, list(alist)))
    random.shuffle(alist)
    assert sorted(map(repr, list(alist))) == before


def test_shuffle_custom_axis(random):
    actual = np.arange(16).reshape((4, 4))
    random.shuffle(actual, axis=1)
    assert all(sorted(row) == list(range(4 * i, 4 * i + 4)) for i, row in enumerate(actual))
    actual = np.arange(16).reshape((4, 4))
    random.shuffle(actual, axis=-1)
    assert sorted(actual.ravel()) == list(range(16))
    x = np.zeros((4, 0))
    random.shuffle(x, axis=1)
    assert x.shape == (4, 0)


def test_shuffle_axis_nonsquare():
    y1 = np.arange(20).reshape(2, 10)
    y2 = y1.copy()
    fastinit.default_rng(SEED).shuffle(y1, axis=1)
    fastinit.default_rng(SEED).shuffle(y2.T)
    assert np.array_equal(y1, y2)


def test_shuffle_masked(random):
    a = np.ma.masked_values(np.reshape(range(20), (5, 4)) % 3 - 1, -1)
    b = np.ma.masked_values(np.arange(20) % 3 - 1, -1)
    a_orig, b_orig = a.copy(), b.copy()
    for _ in range(50):
        random.shuffle(a)
        assert sorted(a.data[~a.mask]) == sorted(a_orig.data[~a_orig.mask])
        random.shuffle(b)
        assert sorted(b.data[~b.mask]) == sorted(b_orig.data[~b_orig.mask])


def test_shuffle_exceptions(random):
    with pytest.raises(AxisError):
        random.shuffle(np.arange(10), 1)
    arr = np.arange(9).reshape((3, 3))
    with pytest.raises(AxisError):
        random.shuffle(arr, 3)
    with pytest.raises(TypeError):
        random.shuffle(arr, slice(1, 2, None))
    with pytest.raises(NotImplementedError):
        random.shuffle([[1, 2, 3], [4, 5, 6]], 1)
    with pytest.raises(TypeError):
        random.shuffle(np.array(3))
    with pytest.raises(AxisError):
        random.shuffle(np.ones((3, 2)), 2)
    a = np.zeros(5)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        random.shuffle(a)


def test_permutation(random):
    alist = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    assert sorted(random.permutation(alist)) == sorted(alist)
    arr_2d = np.atleast_2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 0]).T
    assert sorted(random.permutation(arr_2d).ravel()) == sorted(alist)
    bad_x_str = "abcd"
    with pytest.raises(AxisError):
        random.permutation(bad_x_str)
    with pytest.raises(AxisError):
        random.permutation(1.5)
    assert sorted(random.permutation(10)) == list(range(10))
    y = random.permutation(np.arange(24).reshape(2, 3, 4), axis=1)
    assert y.shape == (2, 3, 4)


def test_permutation_exceptions(random):
    with pytest.raises(AxisError):
        random.permutation(np.arange(10), 1)
    arr = np.arange(9).reshape((3, 3))
    with pytest.raises(AxisError):
        random.permutation(arr, 3)
    with pytest.raises(TypeError):
        random.permutation(arr, slice(1, 2, None))


@pytest.mark.parametrize("dtype", [int, object])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_permuted(dtype, axis):
    x = np.arange(12).reshape(2, 6).astype(dtype)
    y = fastinit.default_rng(SEED).permuted(x, axis=axis)
    assert y.dtype == dtype
    fastinit.default_rng(SEED).permuted(x, axis=axis, out=x)
    assert np.array_equal(x, y)
    if axis is None:
        assert sorted(y.ravel()) == list(range(12))
    else:
        assert np.array_equal(np.sort(y, axis=axis), np.arange(12).reshape(2, 6))


def test_permuted_with_strides():
    x0 = np.arange(22).reshape(2, 11)
    x1 = x0.copy()
    x = x0[:, ::3]
    y = fastinit.default_rng(SEED).permuted(x, axis=1, out=x)
    assert y is x
    x1[:, ::3] = y
    assert np.array_equal(x1, x0)


def test_permuted_errors(random):
    assert np.array_equal(random.permuted([]), [])
    for outshape in [(2, 3), 5]:
        with pytest.raises(ValueError, match="same shape"):
            random.permuted(np.array([1, 2, 3]), out=np.zeros(outshape, dtype=int))
    with pytest.raises(TypeError, match="Cannot cast"):
        random.permuted(np.ones((3, 5)), axis=1, out=np.zeros((3, 5), dtype=np.int32))
    x = np.zeros((2, 5))
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        random.permuted(x, axis=1, out=x)


def test_dirichlet_size_and_bad_alpha(random):
    p = np.array([51.72840233779265162, 39.74494232180943953])
    assert random.dirichlet(p, np.uint32(1)).shape == (1, 2)
    assert random.dirichlet(p, [2, 2]).shape == (2, 2, 2)
    assert random.dirichlet(p, np.array((2, 2))).shape == (2, 2, 2)
    with pytest.raises(TypeError):
        random.dirichlet(p, float(1))
    for bad in (np.array([5.4e-01, -1.0e-16]), [[5, 1]], [[5], [1]], [[[5], [1]], [[1], [5]]],
                np.array([[5, 1], [1, 5]])):
        with pytest.raises(ValueError):
            random.dirichlet(bad)


def test_dirichlet_alpha_non_contiguous_and_zeros(random):
    a = np.array([51.72840233779265162, -1.0, 39.74494232180943953])
    x = fastinit.default_rng(SEED).dirichlet(a[::2], size=(3, 2))
    y = fastinit.default_rng(SEED).dirichlet(np.ascontiguousarray(a[::2]), size=(3, 2))
    assert np.array_equal(x, y)
    for alpha in ([0.0, 0.0, 1.0], [0.0, 0.0, 0.01], [1.0, 0.0, 0.0, 2.0]):
        alpha = np.array(alpha)
        assert (random.dirichlet(alpha)[alpha == 0] == 0.0).all()
    small = random.dirichlet(1e-9 * np.array([1., 1.0e-3]), size=(3, 2))
    np.testing.assert_allclose(small.sum(axis=-1), 1.0)


@pytest.mark.parametrize("name, kwargs, zero", [
    ("exponential", {"scale": 0}, 0), ("gamma", {"shape": 0, "scale": 0}, 0),
    ("gumbel", {"scale": 0}, 0), ("laplace", {"scale": 0}, 0), ("lognormal", {"sigma": 0}, 1),
    ("normal", {"scale": 0}, 0), ("rayleigh", {"scale": 0}, 0),
    ("standard_gamma", {"shape": 0}, 0)])
def test_zero_scale_gives_the_location_and_negative_zero_is_refused(random, name, kwargs, zero):
    """Ports of the ``*_0`` tests: scale 0 gives the location; -0. is refused."""
    for _ in range(2):  # (the second call: after the checks of the first are remembered)
        assert getattr(random, name)(**kwargs) == zero
        negative = {k: -0. for k in kwargs}
        with pytest.raises(ValueError):
            getattr(random, name)(**negative)
        with pytest.raises(ValueError):
            getattr(random, name)(**negative, size=3)


def test_weibull_0(random):
    assert np.array_equal(random.weibull(a=0, size=12), np.zeros(12))
    with pytest.raises(ValueError):
        random.weibull(a=-0.)


@pytest.mark.parametrize("call", [
    lambda r: r.geometric(1.1), lambda r: r.geometric([1.1] * 10), lambda r: r.geometric(-0.1),
    lambda r: r.geometric([-0.1] * 10), lambda r: r.geometric(np.nan),
    lambda r: r.geometric([np.nan] * 10), lambda r: r.negative_binomial(100, np.nan),
    lambda r: r.negative_binomial(100, [np.nan] * 10), lambda r: r.negative_binomial(1, 0),
    lambda r: r.negative_binomial(2**62, 0.1), lambda r: r.negative_binomial([2**62], [0.1]),
    lambda r: r.poisson(-1), lambda r: r.poisson([-1] * 10),
    lambda r: r.poisson(np.iinfo("int64").max), lambda r: r.poisson([np.iinfo("int64").max] * 10),
    lambda r: r.poisson(np.nan), lambda r: r.poisson([np.nan] * 10),
    lambda r: r.logseries(np.nextafter(0., -1)), lambda r: r.logseries(1.),
    lambda r: r.logseries(np.nan), lambda r: r.logseries(np.array([5.] * 10)[::2])])
def test_value_errors(random, call):
    with np.errstate(invalid="ignore"):
        with pytest.raises(ValueError):
            call(random)


def test_hypergeometric_corners(random):
    assert (random.hypergeometric(5, 0, 3, size=4) == 3).all()
    assert (random.hypergeometric(15, 0, 12, size=4) == 12).all()
    assert (random.hypergeometric(0, 5, 3, size=4) == 0).all()
    assert (random.hypergeometric(0, 15, 12, size=4) == 0).all()
    assert random.logseries(0) == 1


@pytest.mark.parametrize("method", ["svd", "eigh", "cholesky"])
def test_multivariate_normal_behaviour(random, method):
    mean, size = (.123456789, 10), (3, 2)
    assert random.multivariate_normal(mean, [[1, 0], [0, 1]], size, method=method).shape \
        == (3, 2, 2)
    assert random.multivariate_normal(mean, [[1, 0], [0, 1]], method=method).shape == (2,)
    mean = [0, 0]
    with pytest.raises(ValueError):
        random.multivariate_normal(mean, [[1, 2], [1, 2]], check_valid="raise")
    cov = [[1, 2], [2, 1]]
    if method != "cholesky":
        with pytest.warns(RuntimeWarning):
            random.multivariate_normal(mean, cov, method=method)
        with pytest.raises(ValueError):
            random.multivariate_normal(mean, cov, check_valid="raise", method=method)
        samples = random.multivariate_normal(mean, [[1, 1], [1, 1]], size=(3, 2), method=method)
        np.testing.assert_array_almost_equal(samples[..., 0], samples[..., 1], decimal=6)
    else:
        with pytest.raises(LinAlgError):
            random.multivariate_normal(mean, cov, method=method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        random.multivariate_normal(mean, cov, check_valid="ignore", method="svd")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        random.multivariate_normal(mean, np.array([[1, 0.1], [0.1, 1]], dtype=np.float32),
                                   method=method)
    for args, kwargs in (((mean, np.eye(2)), {"check_valid": "other"}),
                         ((np.zeros((2, 1, 1)), np.eye(2)), {}),
                         ((np.zeros(2), np.empty((3, 2))), {}), ((np.zeros(2), np.eye(3)), {})):
        with pytest.raises(ValueError):
            random.multivariate_normal(*args, **kwargs)
    for m, c in (([0], [[1 + 1j]]), ([0j], [[1]])):
        with pytest.raises(TypeError, match="must not be complex"):
            random.multivariate_normal(m, c)
    s = random.multivariate_normal(np.array([1, 2]), np.array([[2, 1], [1, 2]]), size=(1000,),
                                   method=method)
    centred = s - np.array([1, 2])
    assert np.all(np.abs(centred.mean(-2)) < 0.1)
    assert np.all(np.abs(centred.T @ centred / 999 - np.array([[2, 1], [1, 2]])) < 0.2)


def test_nan_parameters_give_nan(random):
    assert np.isnan(random.noncentral_f(dfnum=5, dfden=2, nonc=np.nan))
    assert np.isnan(random.vonmises(mu=0., kappa=np.nan))


def test_standard_exponential_and_gamma_types(random):
    for call in (lambda: random.standard_exponential(dtype=np.int32),
                 lambda: random.standard_gamma(1., dtype="int32"),
                 lambda: random.standard_normal(dtype=np.int32)):
        with pytest.raises(TypeError):
            call()
    value = random.standard_gamma(3, dtype=np.float32)
    assert type(value) is float
    out = np.zeros((3, 2), dtype=np.float32)
    random.standard_gamma(10.0, out=out, dtype=np.float32)
    assert (out > 0).all()
    random.standard_gamma(10.0, out=out, size=(3, 2), dtype=np.float32)
    with pytest.raises(ValueError):
        random.standard_gamma(10.0, size=20, out=np.zeros(10))
    with pytest.raises(ValueError):
        random.standard_gamma(10.0, size=(10, 1), out=np.zeros(10))


def test_uniform_range_bounds(random):
    fmin, fmax = np.finfo("float").min, np.finfo("float").max
    for low, high in ((-np.inf, 0), (0, np.inf), (fmin, fmax)):
        with pytest.raises(OverflowError):
            random.uniform(low, high)
    random.uniform(low=np.nextafter(fmin, 1), high=fmax / 1e17)


def test_uniform_range_bounds_arrays(request, random):
    expect_array_parameters(request, random)
    for low, high in (([-np.inf], [0]), ([0], [np.inf])):
        with pytest.raises(OverflowError):
            random.uniform(low, high)


def test_uniform_zero_and_negative_range(random):
    assert random.uniform(1.5, 1.5) == 1.5
    with pytest.raises(ValueError):
        random.uniform(2, 1)


def test_uniform_zero_and_negative_range_arrays(request, random):
    expect_array_parameters(request, random)
    np.testing.assert_allclose(random.uniform([0.0, np.pi], [0.0, np.pi]), [0.0, np.pi])
    np.testing.assert_allclose(random.uniform([[2145.12], [2145.12]], [2145.12, 2145.12]),
                               2145.12 + np.zeros((2, 2)))
    with pytest.raises(ValueError):
        random.uniform([1, 2], [1, 1])
    with pytest.raises(ValueError):
        random.uniform([[0, 1], [2, 3]], 2)


def test_scalar_exception_propagation(random):
    """An object whose conversion raises raises through NumPy's algorithms.  The
    fast uniform reads a 0-d array's value without calling ``__float__`` (a
    deliberate difference, docs/NUMPY.md): it draws normally."""
    class ThrowingFloat(np.ndarray):
        def __float__(self):
            raise TypeError

    class ThrowingInteger(np.ndarray):
        def __int__(self):
            raise TypeError

    throwing_int = np.array(1).view(ThrowingInteger)
    with pytest.raises(TypeError):
        random.hypergeometric(throwing_int, 1, 1)
    throwing_float = np.array(1.0).view(ThrowingFloat)
    assert random.uniform(throwing_float, throwing_float) == 1.0


def test_vonmises_ranges(random):
    assert np.isfinite(random.vonmises(mu=0., kappa=1.1e-8, size=10**5)).all()
    for mu in [-7., -np.pi, -3.1, np.pi, 3.2]:
        for kappa in [1e-9, 1e-6, 1, 1e3, 1e15]:
            r = random.vonmises(mu, kappa, 50)
            assert np.all(r > -np.pi) and np.all(r <= np.pi)


def test_wald_nonnegative(random):
    assert np.all(random.wald(mean=1e9, scale=2.25, size=1000) >= 0.0)


def test_binomial_p_extremely_small_mean(random):
    """NumPy's test with 2*10**7 samples cut to 2*10**6 (6 sigma)."""
    n, p, size = 50000000000, 5e-17, 2000000
    x = random.binomial(n, p, size=size)
    sigma = np.sqrt(n * p * (1 - p) / size)
    assert abs(n * p - x.mean()) < 6 * sigma


# -------------------------------------------------------------- TestBroadcast --
#: (method, good parameters, index of the parameter given a bad value, bad value)
BROADCAST = [
    ("uniform", (0, 1), 1, -1), ("normal", (0, 1), 1, -1), ("beta", (1, 2), 0, -1),
    ("beta", (1, 2), 1, -1), ("exponential", (2,), 0, -1), ("standard_gamma", (1,), 0, -1),
    ("gamma", (2, 2), 0, -1), ("gamma", (2, 2), 1, -1), ("f", (2, 3), 0, -1), ("f", (2, 3), 1, -1),
    ("noncentral_f", (2, 3, 2), 0, -1), ("noncentral_f", (2, 3, 2), 2, -1),
    ("chisquare", (1,), 0, -1), ("noncentral_chisquare", (1, 2), 0, -1),
    ("noncentral_chisquare", (1, 2), 1, -1), ("standard_t", (1,), 0, -1),
    ("vonmises", (2, 1), 1, -1), ("pareto", (1,), 0, -1), ("weibull", (1,), 0, -1),
    ("power", (1,), 0, -1), ("laplace", (0, 1), 1, -1), ("gumbel", (0, 1), 1, -1),
    ("logistic", (0, 1), 1, -1), ("lognormal", (0, 1), 1, -1), ("rayleigh", (1,), 0, -1),
    ("wald", (1, 1), 0, 0), ("wald", (1, 1), 1, 0), ("triangular", (1, 2, 3), 0, 3),
    ("triangular", (1, 2, 3), 2, 1), ("binomial", (1, 0.5), 0, -1),
    ("binomial", (1, 0.5), 1, 2), ("negative_binomial", (1, 0.5), 0, -1),
    ("negative_binomial", (1, 0.5), 1, 2), ("poisson", (1,), 0, -1), ("zipf", (2,), 0, 0),
    ("geometric", (0.5,), 0, 2), ("hypergeometric", (10, 5, 3), 0, -1),
    ("hypergeometric", (10, 5, 3), 2, 16), ("logseries", (0.5,), 0, 2),
]


@pytest.mark.parametrize("name, good, bad_at, bad", BROADCAST)
def test_broadcast(request, name, good, bad_at, bad):
    """Each parameter given as a 3-vector broadcasts to the same draw, and a bad
    value in any broadcast position raises ValueError."""
    if name in ("uniform", "normal"):
        expect_array_parameters(request, fastinit.default_rng(0))
    draws = []
    for i in range(len(good)):
        args = [[g] * 3 if j == i else [g] for j, g in enumerate(good)]
        draws.append(getattr(fastinit.default_rng(123456789), name)(*args))
    for d in draws[1:]:
        assert np.array_equal(d, draws[0])
    assert draws[0].shape == (3,)
    random = fastinit.default_rng(123456789)
    for i in range(len(good)):
        args = [[g] * 3 if j == i else [g] for j, g in enumerate(good)]
        args[bad_at] = [bad] * len(args[bad_at])
        with np.errstate(invalid="ignore"), pytest.raises(ValueError):
            getattr(random, name)(*args)


def test_multinomial_broadcast_errors_and_empty_outputs(random):
    with pytest.raises(ValueError):
        random.multinomial(1, [[1 / 6] * 6, [1 / 4] * 6])
    with pytest.raises(ValueError):
        random.multinomial(6, 0.5)
    assert random.multinomial(np.empty((10, 0, 6), "i8"), [1 / 6] * 6).shape == (10, 0, 6, 6)
    assert random.multinomial(12, np.empty((10, 0, 10))).shape == (10, 0, 10)
    assert random.multinomial(np.empty((3, 0, 7), "i8"), np.empty((3, 0, 7, 4))).shape \
        == (3, 0, 7, 4)
    for n in [10, np.array([[[[10]]]]), np.array([10, 10])]:
        assert random.multinomial(n, [[0.1, 0.9], [0.2, 0.8]]).shape[-1] == 2


# ----------------------------------------------------------------- TestThread --
@pytest.mark.parametrize("draw, shape", [
    (lambda g: g.normal(size=10000), (10000,)),
    (lambda g: g.standard_normal(size=10000), (10000,)),
    (lambda g: g.exponential(scale=np.ones((100, 1000))), (100, 1000)),
    (lambda g: g.multinomial(10, [1 / 6.] * 6, size=10000), (10000, 6)),
])
def test_threads_give_the_serial_results(draw, shape):
    seeds = range(4)
    out1 = np.empty((len(seeds),) + shape)
    out2 = np.empty((len(seeds),) + shape)

    def run(seed, out):
        out[...] = draw(fastinit.default_rng(seed))

    threads = [threading.Thread(target=run, args=(s, o)) for s, o in zip(seeds, out1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s, o in zip(seeds, out2):
        run(s, o)
    assert np.array_equal(out1, out2)


# -------------------------------------------------------- TestSingleEltArrayInput --
def test_single_element_array_inputs(random):
    one, two, three = np.array([2]), np.array([3]), np.array([4])
    for name in ("exponential", "standard_gamma", "chisquare", "standard_t", "pareto",
                 "weibull", "power", "rayleigh", "poisson", "zipf"):
        assert getattr(random, name)(one).shape == (1,)
    for name in ("geometric", "logseries"):
        assert getattr(random, name)(np.array([0.5])).shape == (1,)
    for name in ("beta", "gamma", "f", "noncentral_chisquare", "vonmises", "laplace", "gumbel",
                 "logistic", "lognormal", "wald", "binomial", "negative_binomial"):
        b = np.array([0.5]) if name in ("binomial", "negative_binomial") else two
        for args in ((one, b), (one[0], b), (one, b[0])):
            assert getattr(random, name)(*args).shape == (1,)
    for name in ("noncentral_f", "triangular", "hypergeometric"):
        for args in ((one, two, three), (one[0], two, three), (one, two[0], three)):
            assert getattr(random, name)(*args).shape == (1,)
    for dt in ITYPES:
        for low, high in ((np.array([0]), np.array([1])), (0, np.array([1])), (np.array([0]), 1)):
            assert random.integers(low, high, dtype=dt).shape == (1,)


def test_single_element_array_inputs_of_the_fast_methods(request, random):
    expect_array_parameters(request, random)
    one, two = np.array([2]), np.array([3])
    for name in ("uniform", "normal"):
        for args in ((one, two), (one[0], two), (one, two[0])):
            assert getattr(random, name)(*args).shape == (1,)
