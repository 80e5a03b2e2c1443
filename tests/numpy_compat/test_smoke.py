"""Port of numpy/random/tests/test_smoke.py: every method runs with scalar, array
and broadcast parameters, gives the documented shapes and dtypes, and the state
round-trips.  Run on fastinit.Generator and on numpy.random.Generator over
fastinit.Philox4x32 (the ``make_rng`` fixture, tests/numpy_compat/conftest.py)."""
import pickle
from functools import partial

import numpy as np
import pytest

import fastinit
from tests.numpy_compat.conftest import expect_array_parameters

SEED = 12345
INT_DTYPES = (np.bool_, np.int8, np.int16, np.int32, np.int64,
              np.uint8, np.uint16, np.uint32, np.uint64)


@pytest.fixture
def rg(make_rng):
    return make_rng(SEED)


def params_0(f):
    assert np.isscalar(f())
    assert f(10).shape == (10,)
    assert f((10, 10)).shape == (10, 10)
    assert f((10, 10, 10)).shape == (10, 10, 10)
    assert f(size=(5, 5)).shape == (5, 5)


def params_1(f, bounded=False):
    a, b = 5.0, np.arange(2.0, 12.0)
    c = np.arange(2.0, 102.0).reshape(10, 10)
    d = np.arange(2.0, 1002.0).reshape(10, 10, 10)
    e, g = np.array([2.0, 3.0]), np.arange(2.0, 12.0).reshape(1, 10, 1)
    if bounded:
        a = 0.5
        b, c, d, e, g = (v / (1.5 * v.max()) for v in (b, c, d, e, g))
    assert np.isscalar(f(a))
    assert f(a, size=(10, 10)).shape == (10, 10)
    assert f(b).shape == (10,)
    assert f(c).shape == (10, 10)
    assert f(d).shape == (10, 10, 10)
    assert f(b, size=10).shape == (10,)
    assert f(e, size=(10, 2)).shape == (10, 2)
    assert f(g, size=(10, 10, 10)).shape == (10, 10, 10)


def test_uniform(rg):
    r = rg.uniform(-1.0, 0.0, size=10)
    assert len(r) == 10 and (r > -1).all() and (r <= 0).all()


def test_uniform_array(request, rg):
    expect_array_parameters(request, rg)
    for low, high in ((np.array([-1.0] * 10), 0.0), (np.array([-1.0] * 10), np.array([0.0] * 10)),
                      (-1.0, np.array([0.0] * 10))):
        r = rg.uniform(low, high, size=10)
        assert len(r) == 10 and (r > -1).all() and (r <= 0).all()


def test_random(rg):
    assert len(rg.random(10)) == 10
    params_0(rg.random)


def test_standard_normal(rg):
    assert len(rg.standard_normal(10)) == 10
    params_0(rg.standard_normal)


def test_standard_gamma(rg):
    assert len(rg.standard_gamma(10, 10)) == 10
    assert len(rg.standard_gamma(np.array([10] * 10), 10)) == 10
    params_1(rg.standard_gamma)


def test_standard_exponential(rg):
    assert len(rg.standard_exponential(10)) == 10
    params_0(rg.standard_exponential)
    randoms = rg.standard_exponential(10, dtype="float32")
    assert len(randoms) == 10 and randoms.dtype == np.float32
    params_0(partial(rg.standard_exponential, dtype="float32"))


def test_standard_exponential_float_inv(rg):
    randoms = rg.standard_exponential(10, dtype="float32", method="inv")
    assert len(randoms) == 10 and randoms.dtype == np.float32
    params_0(partial(rg.standard_exponential, dtype="float32", method="inv"))


def test_standard_cauchy_and_t(rg):
    assert len(rg.standard_cauchy(10)) == 10
    params_0(rg.standard_cauchy)
    assert len(rg.standard_t(10, 10)) == 10
    params_1(rg.standard_t)


def test_binomial(rg):
    assert rg.binomial(10, .5) >= 0
    assert rg.binomial(1000, .5) >= 0


def test_reset_state(rg):
    state = rg.bit_generator.state
    int_1 = rg.integers(2**31)
    rg.bit_generator.state = state
    assert rg.integers(2**31) == int_1


def test_entropy_init(make_rng):
    assert make_rng().bit_generator.state != make_rng().bit_generator.state


def test_seed(make_rng):
    rg, rg2 = make_rng(SEED), make_rng(SEED)
    rg.random()
    rg2.random()
    assert rg.bit_generator.state == rg2.bit_generator.state


@pytest.mark.parametrize("draw", [
    lambda g: g.standard_normal(size=10),
    lambda g: g.integers(0, 2**24, 10, dtype=np.uint32),
    lambda g: g.random(size=10, dtype="float32"),
    lambda g: g.standard_gamma(4.0, 11, dtype=np.float32),
])
def test_reset_state_after_warmup(make_rng, draw):
    rg = make_rng(SEED)
    for warm in (lambda: rg.standard_normal(13), lambda: rg.integers(0, 2**48, 13, np.uint64),
                 lambda: rg.standard_gamma(11.0, 13), lambda: rg.random(13, np.float32)):
        warm()
    state = rg.bit_generator.state
    n1 = draw(rg)
    rg2 = make_rng()
    rg2.bit_generator.state = state
    assert np.array_equal(draw(rg2), n1)
    assert rg.bit_generator.state == rg2.bit_generator.state


def test_permutation_and_shuffle(rg):
    original = np.arange(200, 0, -1)
    assert (original != rg.permutation(original)).any()
    x = original.copy()
    rg.shuffle(x)
    assert (x != original).any() and sorted(x) == sorted(original)


def test_beta(rg):
    assert len(rg.beta(2.0, 2.0, 10)) == 10
    assert len(rg.beta(np.array([2.0] * 10), 2.0)) == 10
    assert len(rg.beta(2.0, np.array([2.0] * 10))) == 10
    assert len(rg.beta(np.array([2.0] * 10), np.array([2.0] * 10))) == 10
    assert rg.beta(np.array([2.0] * 10), np.array([[2.0]] * 10)).shape == (10, 10)


def test_bytes(rg):
    vals = rg.bytes(10)
    assert isinstance(vals, bytes) and len(vals) == 10


@pytest.mark.parametrize("name, args, bounded", [
    ("chisquare", (2.0,), False), ("exponential", (2.0,), False), ("poisson", (10,), False),
    ("rayleigh", (0.2,), True), ("geometric", (0.5,), True),
])
def test_one_parameter_methods(rg, name, args, bounded):
    method = getattr(rg, name)
    assert len(method(*args, 10)) == 10
    params_1(method if name != "geometric" else rg.exponential, bounded=bounded)


@pytest.mark.parametrize("name, args", [
    ("f", (3, 1000)), ("gamma", (3, 2)), ("gumbel", (2.0, 2.0)), ("laplace", (2.0, 2.0)),
    ("logistic", (2.0, 2.0)), ("logseries", (0.5,)), ("negative_binomial", (10, 0.2)),
    ("noncentral_chisquare", (10, 2)), ("noncentral_f", (3, 1000, 2)), ("normal", (10, 0.2)),
    ("pareto", (3.0,)), ("power", (0.2,)), ("integers", (10, 20)), ("vonmises", (10, 0.2)),
    ("wald", (1.0, 1.0)), ("weibull", (1.0,)), ("zipf", (10,)), ("lognormal", (0.0, 1.0)),
])
def test_sized_draws(rg, name, args):
    assert len(getattr(rg, name)(*args, 10)) == 10


def test_noncentral_f_arrays(rg):
    assert len(rg.noncentral_f(np.array([3] * 10), 1000, 2)) == 10
    assert len(rg.noncentral_f(3, np.array([1000] * 10), 2)) == 10
    assert len(rg.noncentral_f(3, 1000, np.array([2] * 10))) == 10


def test_zipf_arrays(rg):
    vec_1d = np.arange(2.0, 102.0)
    assert len(rg.zipf(vec_1d)) == 100
    assert rg.zipf(vec_1d[None, :]).shape == (1, 100)
    assert rg.zipf(np.arange(2.0, 102.0, 0.01).reshape((100, 100))).shape == (100, 100)


def test_hypergeometric_and_triangular(rg):
    assert np.isscalar(rg.hypergeometric(25, 25, 20))
    assert rg.hypergeometric(np.array([25] * 10), 25, 20).shape == (10,)
    assert np.isscalar(rg.triangular(-5, 0, 5))
    assert rg.triangular(-5, np.array([0] * 10), 5).shape == (10,)


def test_multivariate_normal(rg):
    x = rg.multivariate_normal([0, 0], [[1, 0], [0, 100]], 5000)
    assert x.shape == (5000, 2)
    y = rg.multivariate_normal([0, 0], [[1, 0], [0, 100]], 5000)
    assert (x != y).any()


def test_multinomial_and_dirichlet(rg):
    assert rg.multinomial(100, [1.0 / 3, 2.0 / 3]).shape == (2,)
    assert rg.multinomial(100, [1.0 / 3, 2.0 / 3], size=10).shape == (10, 2)
    assert rg.dirichlet((10, 5, 3), 20).shape == (20, 3)


def test_pickle(rg):
    rg.poisson(3.0, 5)
    unpick = pickle.loads(pickle.dumps(rg))
    assert type(rg) is type(unpick)
    assert rg.bit_generator.state == unpick.bit_generator.state


FILLS = {
    "standard_normal": lambda g, **kw: g.standard_normal(**kw),
    "random": lambda g, **kw: g.random(**kw),
    "standard_exponential": lambda g, **kw: g.standard_exponential(**kw),
    "standard_gamma": lambda g, **kw: g.standard_gamma(1.0, **kw),
    "standard_gamma(array)": lambda g, **kw: g.standard_gamma(np.arange(97.0) + 1.0, **kw),
}
#: NumPy's check_output takes a Fortran-ordered out for these (memory order)
FORTRAN_OK = {"standard_normal", "random", "standard_exponential"}


@pytest.mark.parametrize("name", sorted(FILLS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_output_fill(rg, name, dtype):
    """out= gives what size= gives from the same state."""
    fill, size = FILLS[name], (31, 7, 97)
    state = rg.bit_generator.state
    existing = np.zeros(size, dtype=dtype)
    assert fill(rg, out=existing, dtype=dtype) is existing
    rg.bit_generator.state = state
    assert np.array_equal(fill(rg, size=size, dtype=dtype), existing)
    rg.bit_generator.state = state
    sized = np.zeros(size, dtype=dtype)
    fill(rg, out=sized, size=sized.shape, dtype=dtype)
    assert np.array_equal(sized, existing)


@pytest.mark.parametrize("name", sorted(FILLS))
def test_fortran_ordered_output_as_numpy(rg, name):
    """A Fortran-ordered out is filled in memory order where NumPy's check_output
    allows it (random, standard_normal, standard_exponential), refused elsewhere."""
    fill, size = FILLS[name], (31, 7, 97)
    state = rg.bit_generator.state
    existing = np.zeros(size, order="F")
    if name not in FORTRAN_OK:
        with pytest.raises(ValueError):
            fill(rg, out=existing)
        assert not existing.any()
        return
    assert fill(rg, out=existing) is existing
    rg.bit_generator.state = state
    direct = fill(rg, size=size)
    assert np.array_equal(direct.ravel(), existing.ravel(order="K"))


def test_output_fill_error(rg):
    size = (31, 7, 97)
    existing = np.empty(size)
    with pytest.raises(TypeError):
        rg.standard_normal(out=existing, dtype=np.float32)
    with pytest.raises(ValueError):
        rg.standard_normal(out=existing[::3])
    existing = np.empty(size, dtype=np.float32)
    with pytest.raises(TypeError):
        rg.standard_normal(out=existing, dtype=np.float64)
    existing = np.zeros(size, dtype=np.float32)
    with pytest.raises(TypeError):
        rg.standard_gamma(1.0, out=existing, dtype=np.float64)
    with pytest.raises(ValueError):
        rg.standard_gamma(1.0, out=existing[::3], dtype=np.float32)
    existing = np.zeros(size, dtype=np.float64)
    with pytest.raises(TypeError):
        rg.standard_gamma(1.0, out=existing, dtype=np.float32)
    with pytest.raises(ValueError):
        rg.standard_gamma(1.0, out=existing[::3])


def bounds(dtype):
    if dtype == np.bool_:
        return 0, 2
    info = np.iinfo(dtype)
    return info.min, int(info.max) + 1


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_integers_broadcast(make_rng, dtype):
    lower, upper = bounds(dtype)

    def fresh():
        return make_rng(SEED)
    a = fresh().integers(lower, [upper] * 10, dtype=dtype)
    assert np.array_equal(a, fresh().integers([lower] * 10, upper, dtype=dtype))
    assert np.array_equal(a, fresh().integers(lower, upper, size=10, dtype=dtype))
    assert np.array_equal(a, fresh().integers(np.array([lower] * 10),
                                              np.array([upper], dtype=object), size=10,
                                              dtype=dtype))
    assert np.array_equal(a, fresh().integers(np.array([lower] * 10), np.array([upper] * 10),
                                              size=10, dtype=dtype))
    a = fresh().integers(0, upper, size=10, dtype=dtype)
    assert np.array_equal(a, fresh().integers([upper] * 10, dtype=dtype))


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_integers_numpy_arrays(rg, dtype):
    high, low = np.array([1]), np.array([0])
    assert rg.integers(low, high, dtype=dtype).shape == (1,)
    assert rg.integers(low[0], high, dtype=dtype).shape == (1,)
    assert rg.integers(low, high[0], dtype=dtype).shape == (1,)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_integers_broadcast_errors(rg, dtype):
    lower, upper = bounds(dtype)
    for args in ((lower, [upper + 1] * 10), (lower - 1, [upper] * 10),
                 ([lower - 1], [upper] * 10), ([0], [0])):
        with pytest.raises(ValueError):
            rg.integers(*args, dtype=dtype)


def test_fastinit_generator_identity_semantics():
    """fastinit's own generator keeps its state API beside NumPy's."""
    rng = fastinit.default_rng(SEED)
    rng.poisson(2.0, 3)
    assert rng.state["position"] == rng.bit_generator.state["state"]["position"]
    assert rng.state["buffered"] == rng.bit_generator.state["buffered"]
