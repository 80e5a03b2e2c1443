"""The gallery of custom distributions and the libm-free math they use.

- Kolmogorov-Smirnov against scipy.stats on 10**7 samples, fixed seeds.
- Element by element against the textbook inverse CDF (libm, float64).
- Frozen bits (sha256), as for every public method (stream contract 6).
- fastinit.numba.fimath against the C library.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
import scipy.stats

import fastinit
from fastinit.numba import fimath, gallery, sample

# name -> (scipy distribution with the same parameters, parameters, seed)
CASES = {
    "laplace": (scipy.stats.laplace(loc=0.5, scale=2.0), dict(loc=0.5, scale=2.0), 101),
    "cauchy": (scipy.stats.cauchy(loc=-1.0, scale=0.3), dict(loc=-1.0, scale=0.3), 102),
    "logistic": (scipy.stats.logistic(loc=3.0, scale=0.7), dict(loc=3.0, scale=0.7), 103),
    "gumbel": (scipy.stats.gumbel_r(loc=-2.0, scale=1.5), dict(loc=-2.0, scale=1.5), 104),
    "exponential": (scipy.stats.expon(scale=0.25), dict(scale=0.25), 105),
    "rayleigh": (scipy.stats.rayleigh(scale=4.0), dict(scale=4.0), 106),
}

# inverse CDFs in float64 with the C library, from one uniform in (0, 1)
TEXTBOOK = {
    "laplace": lambda u, loc, scale: loc - scale * np.sign(u - 0.5) * np.log1p(-2 * np.abs(u - 0.5)),
    # tan(pi x) by reflection near the poles (pi * x itself would lose the
    # relative accuracy of 1/2 - |x| there)
    "cauchy": lambda u, loc, scale: loc + scale * np.where(
        np.abs(u - 0.5) <= 0.25, np.tan(np.pi * (u - 0.5)),
        np.sign(u - 0.5) / np.tan(np.pi * (0.5 - np.abs(u - 0.5)))),
    "logistic": lambda u, loc, scale: loc + scale * (np.log(u) - np.log1p(-u)),
    "gumbel": lambda u, loc, scale: loc - scale * np.log(-np.log(u)),
    "exponential": lambda u, scale: -scale * np.log(u),
    "rayleigh": lambda u, scale: scale * np.sqrt(-2 * np.log(u)),
}

HASHES = {
    ("laplace", "float64"): "2b7d1cec1f2fc82718ad736ca8e60a8095e5ed0fc4a6b976530fe55b3616fb38",
    ("laplace", "float32"): "6862df94efad8458f18b98bdb56c54ebad6481b1e386d1e2bc1105c6a052658f",
    ("cauchy", "float64"): "56a3d89d41845f614d02877d73bdca506a8103532dbb39d72c9f4aff282def8c",
    ("logistic", "float64"): "6f03ee058497b99abfef1d9f823e7bb865ceac8cc5ee1e997b97bfbdc25e7c7b",
    ("gumbel", "float64"): "88d2f714399ac704d264fdfbca67d9265f61b95686b12ab7a8de216d36eb234a",
    ("exponential", "float64"): "59a88751c2bfec21fd3f890c6db97ef406fcc0f72f073dadbcfa5ec2e4c5ea5b",
    ("rayleigh", "float64"): "ba2896ea56d63c2df14e596ef9587ae72251685c42201441ae38bb1405a59d34",
}


def test_gallery_is_complete():
    assert set(CASES) == set(gallery.__all__) == set(TEXTBOOK)
    assert {name for name, _ in HASHES} == set(gallery.__all__)


@pytest.mark.parametrize("name", sorted(CASES))
def test_kolmogorov_smirnov_against_scipy(name):
    frozen, params, seed = CASES[name]
    x = sample(fastinit.default_rng(seed), getattr(gallery, name), size=10**7, **params)
    assert np.isfinite(x).all()
    result = scipy.stats.kstest(x, frozen.cdf)
    # D of a correct sampler is about 0.87 / sqrt(n) = 2.7e-4; the p-value
    # threshold is extreme so that the fixed seeds do not fail by chance.
    assert result.pvalue > 1e-6, (name, result)
    assert result.statistic < 1e-3, (name, result)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_textbook_inverse_cdf_elementwise(name):
    _, params, seed = CASES[name]
    n = 200000
    x = sample(fastinit.default_rng(seed), getattr(gallery, name), size=n, **params)
    u = fastinit.default_rng(seed).random(n)
    assert (u > 0).all()
    expected = TEXTBOOK[name](u, **params)
    # relative to the scale of the distribution (values near loc cancel)
    np.testing.assert_allclose(x, expected, rtol=1e-13, atol=1e-14 * params["scale"])


@pytest.mark.parametrize("name,dtype", sorted(HASHES))
def test_bits_are_frozen(name, dtype):
    rng = fastinit.default_rng(20240601).stream("gallery")
    x = sample(rng, getattr(gallery, name), size=4099, dtype=dtype)
    digest = hashlib.sha256(x.astype(x.dtype.newbyteorder("<")).tobytes()).hexdigest()
    assert digest == HASHES[(name, dtype)]


def test_parameters_are_checked():
    rng = fastinit.default_rng(0)
    for name in gallery.__all__:
        with pytest.raises(ValueError, match="scale must be positive"):
            sample(rng, getattr(gallery, name), size=3, scale=0.0)
    assert rng.position == 0


def test_extreme_uniforms_stay_finite():
    # the smallest and largest uniforms the open interval passes
    for name in gallery.__all__:
        dist = getattr(gallery, name)
        for u in (0.0, 2.0**-53, 0.5, 1 - 2.0**-53):
            assert math.isfinite(dist(u)), (name, u)
    assert gallery.cauchy(0.0) == pytest.approx(-1 / (math.pi * 2.0**-54), rel=1e-15)
    assert gallery.exponential(0.0) == pytest.approx(54 * math.log(2), rel=1e-15)


# ----------------------------------------------------------- fimath --
def _njit_vectorised(f):
    import numba

    @numba.njit(error_model="numpy")  # as distributions are compiled
    def apply(x):
        out = np.empty_like(x)
        for i in range(x.size):
            out[i] = f(x[i])
        return out
    return apply


def test_log_within_one_ulp_and_special_values():
    rs = np.random.default_rng(1)
    x = np.concatenate([
        rs.random(100000),
        np.exp(rs.uniform(-700, 700, 100000)),
        1 + rs.uniform(-1e-6, 1e-6, 10000),
        np.array([5e-324, 2.5e-308, 2.2250738585072014e-308, 1.0, 2.0, 0.5, 1e308]),
    ])
    got = _njit_vectorised(fimath.log)(x)
    want = np.array([math.log(v) for v in x])
    ulp = np.spacing(np.abs(want))
    assert (np.abs(got - want) <= ulp).all()
    assert (got == want).mean() > 0.9  # mostly the same as the (nearly correctly rounded) libm
    special = np.array([0.0, -0.0, -1.0, np.inf, np.nan, -np.inf])
    res = _njit_vectorised(fimath.log)(special)
    assert res[0] == -np.inf and res[1] == -np.inf and np.isnan(res[2])
    assert res[3] == np.inf and np.isnan(res[4]) and np.isnan(res[5])


def test_sinpi_cospi_tanpi_accuracy():
    rs = np.random.default_rng(2)
    x = np.concatenate([rs.uniform(-0.5, 0.5, 100000), [0.0, 0.25, -0.25, 0.5, -0.5, 1e-300]])
    s = _njit_vectorised(fimath.sinpi)(x)
    c = _njit_vectorised(fimath.cospi)(x)
    np.testing.assert_allclose(s, np.sin(np.pi * x), rtol=0, atol=3e-16)
    np.testing.assert_allclose(c, np.cos(np.pi * x), rtol=0, atol=3e-16)
    assert np.abs(s * s + c * c - 1).max() < 5e-16
    inner = np.abs(x) < 0.45
    t = _njit_vectorised(fimath.tanpi)(x)
    np.testing.assert_allclose(t[inner], np.tan(np.pi * x[inner]), rtol=4e-15)
    # near +-1/2: tan(pi (1/2 - d)) = 1 / tan(pi d), d exact, full relative accuracy
    y = 0.5 - np.exp2(-rs.uniform(5, 52, 10000))
    d = 0.5 - y  # exact
    near = _njit_vectorised(fimath.tanpi)(y)
    np.testing.assert_allclose(near, 1 / np.tan(np.pi * d), rtol=4e-15)
    assert t[x == 0.5][0] == np.inf and t[x == -0.5][0] == -np.inf
