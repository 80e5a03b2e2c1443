"""Methods without a fast kernel run NumPy's own algorithm on fastinit's stream:
``fastinit.default_rng(s).method(...)`` equals, bit for bit and in the stream
it leaves behind, ``numpy.random.Generator(fastinit.Philox4x32(s)).method(...)``.
This locks their bits to NumPy's algorithms (not to a fastinit stream version),
and replaces the MT19937 known-value tests of test_generator_mt19937.py."""
import numpy as np
import pytest

import fastinit

SEED = 1234567890

#: One representative call per NumPy method (every NumPy Generator method but
#: ``spawn``); a call that draws arrays and one that draws a scalar where NumPy has one.
CALLS = {
    "beta": [((2.0, 3.0, 100), {}), ((np.array([0.5, 2.0]), 3.0), {})],
    "binomial": [((10, 0.3, 100), {}), ((1000, 0.5), {})],
    "bytes": [((37,), {})],
    "chisquare": [((2.0, 100), {})],
    "choice": [((10, 5), {}), ((["a", "b", "c", "d"], 4), {}),
               ((4, 3), {"replace": False, "p": [0.1, 0.3, 0.5, 0.1]}),
               (([[0, 1], [2, 3], [4, 5], [6, 7]], 1), {"axis": 1}),
               ((10000, 5000), {"replace": False})],
    "dirichlet": [(([10, 5, 3], 20), {}), (([0.001, 0.002], 5), {})],
    "exponential": [((2.0, 100), {}), ((), {})],
    "f": [((3, 1000, 100), {})],
    "gamma": [((3, 2, 100), {}), ((0.5,), {})],
    "geometric": [((0.2, 100), {})],
    "gumbel": [((2.0, 2.0, 100), {})],
    "hypergeometric": [((25, 25, 20, 100), {}), ((10, 5, 14), {})],
    "integers": [((-99, 99, (3, 2)), {}), ((0, 99, (3, 2)), {"dtype": np.uint32}),
                 ((-99, 99, (3, 2)), {"endpoint": True}), ((2**40,), {}),
                 ((0, [3, 300, 3000]), {"dtype": np.int16})],
    "laplace": [((2.0, 2.0, 100), {})],
    "logistic": [((2.0, 2.0, 100), {})],
    "lognormal": [((2.0, 0.5, 100), {})],
    "logseries": [((0.9, 100), {})],
    "multinomial": [((100, [0.2, 0.8], 10), {})],
    "multivariate_hypergeometric": [(([3, 4, 5], 5, 5), {"method": "count"}),
                                    (([20, 30, 50], 50, 5), {"method": "marginals"})],
    "multivariate_normal": [(([0, 0], [[1, 0.5], [0.5, 2]], 50), {}),
                            (([0, 0], [[1, 0.5], [0.5, 2]], 50), {"method": "cholesky"})],
    "negative_binomial": [((10, 0.2, 100), {})],
    "noncentral_chisquare": [((10, 2, 100), {})],
    "noncentral_f": [((3, 1000, 2, 100), {})],
    "pareto": [((3.0, 100), {})],
    "permutation": [((100,), {}), ((np.arange(24).reshape(4, 6),), {"axis": 1})],
    "permuted": [((np.arange(12).reshape(2, 6),), {"axis": 1}), ((np.arange(12),), {})],
    "poisson": [((3.0, 100), {}), ((1e6, 10), {}), ((), {})],
    "power": [((0.2, 100), {})],
    "rayleigh": [((0.2, 100), {})],
    "standard_cauchy": [((100,), {})],
    "standard_exponential": [((100,), {}), ((100,), {"dtype": np.float32, "method": "inv"})],
    "standard_gamma": [((3.0, 100), {}), ((0.5, 100), {"dtype": np.float32})],
    "standard_t": [((10, 100), {})],
    "triangular": [((-5, 0, 5, 100), {})],
    "vonmises": [((1.0, 0.2, 100), {}), ((1.0, 1e9, 10), {})],
    "wald": [((1.0, 1.0, 100), {})],
    "weibull": [((1.5, 100), {})],
    "zipf": [((2.0, 100), {})],
}


def delegated_methods():
    return sorted(name for name in dir(fastinit.Generator)
                  if not name.startswith("_")
                  and getattr(getattr(fastinit.Generator, name), "__module__", None)
                  == "fastinit._numpy_methods")


#: Methods that return None and work in place (tested below).
IN_PLACE = {"shuffle"}


def test_every_delegated_method_has_a_call_here():
    assert set(delegated_methods()) <= set(CALLS) | IN_PLACE


@pytest.mark.parametrize("name", [n for n in delegated_methods() if n not in IN_PLACE])
def test_delegated_method_is_numpys_algorithm_on_the_stream(name):
    ours = fastinit.default_rng(SEED)
    ours.random_raw(5)  # a fast draw first: both continue from block 2
    theirs = np.random.Generator(fastinit.Philox4x32(SEED))
    theirs.bit_generator.reserve(5)
    for args, kwargs in CALLS[name]:
        a = getattr(ours, name)(*args, **kwargs)
        b = getattr(theirs, name)(*args, **kwargs)
        assert type(a) is type(b)
        assert np.array_equal(np.asarray(a), np.asarray(b)), (name, args, kwargs)
        assert ours.bit_generator.state == theirs.bit_generator.state


def test_shuffle_in_place():
    x, y = np.arange(50), np.arange(50)
    assert fastinit.default_rng(SEED).shuffle(x) is None
    np.random.Generator(fastinit.Philox4x32(SEED)).shuffle(y)
    assert np.array_equal(x, y) and sorted(x) == list(range(50))


def test_random_float64_is_the_same_uniform_either_way():
    """NumPy's random() over Philox4x32 and fastinit's random() read the same
    two words per value with the same conversion: the same numbers."""
    assert np.array_equal(fastinit.default_rng(SEED).random(1000),
                          np.random.Generator(fastinit.Philox4x32(SEED)).random(1000))
