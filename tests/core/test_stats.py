"""Statistical checks with fixed seeds on 10^7 samples, and accuracy of the
transforms against SciPy on the very words that were drawn.

Thresholds are extreme (p-values below 1e-6, five standard errors): a
correct generator with these fixed seeds passes every time; a wrong
transform (a wrong coefficient, a missed bit) fails by orders of magnitude.
"""
import numpy as np
import pytest
from scipy import special, stats

import fastinit
from fastinit import _core

N = 10**7
P_MIN = 1e-6


def assert_moments(x, mean, var, fourth_central):
    x = x.astype(np.float64)
    n = x.size
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / n), x.mean()
    assert abs(x.var() - var) < 5 * np.sqrt((fourth_central - var**2) / n), x.var()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform(dtype):
    x = fastinit.default_rng(101).uniform(-2.0, 3.0, N, dtype=dtype)
    assert x.min() >= -2.0 and x.max() < 3.0
    assert_moments(x, 0.5, 25 / 12, 625 / 80)
    assert stats.kstest(x, lambda t: (t + 2.0) / 5.0).pvalue > P_MIN


NARROW = [pytest.param(np.float16, id="float16"), pytest.param(fastinit.bfloat16, id="bfloat16")]


def _narrow_random_probabilities(dtype):
    """Exact distribution of a 16-bit ``random``: each of the 2^24 float32 grid
    values k / 2^24 rounded to nearest even by NumPy/ml_dtypes (an independent
    rounding), those reaching 1.0 kept at the largest value below it."""
    values = (np.arange(2**24, dtype=np.float32) * np.float32(2.0**-24)).astype(dtype)
    bits = values.view(np.uint16)
    one = np.array(1.0, dtype).view(np.uint16)
    bits = np.where(bits == one, one - 1, bits)  # positive: the next value below
    support, counts = np.unique(bits, return_counts=True)
    return support, counts / 2**24


@pytest.mark.parametrize("dtype", NARROW)
def test_random_narrow_dtypes_follow_the_rounded_float32_grid(dtype):
    """Every value's frequency matches the exact distribution (chi-square over
    the values expected at least 20 times, the rest pooled); none >= 1."""
    support, prob = _narrow_random_probabilities(dtype)
    x = fastinit.default_rng(102).random(2**22, dtype=dtype).view(np.uint16)
    assert x.max() < np.array(1.0, dtype).view(np.uint16)
    index = np.searchsorted(support, x)
    assert np.array_equal(support[index], x)  # only values of the support
    observed = np.bincount(index, minlength=support.size)
    expected = prob * x.size
    common = expected >= 20
    obs = np.append(observed[common], observed[~common].sum())
    exp = np.append(expected[common], expected[~common].sum())
    assert stats.chisquare(obs, exp).pvalue > P_MIN


@pytest.mark.parametrize("dtype", NARROW)
def test_narrow_uniform_is_unbiased(dtype):
    """Issue 18 (found against Keras): the 16-bit uniform(-1, 1) of stream
    version 2 took 256 bfloat16 values and had a mean of -(high - low)/512.
    Now: the mean of 2^27 samples within 4 standard errors of 0, more than
    256 distinct bfloat16 values (2048 float16), none outside [low, high)."""
    rng = fastinit.default_rng(118)
    total, seen = 0.0, np.zeros(2**16, bool)
    for _ in range(2**27 // 2**23):
        x = rng.uniform(-1.0, 1.0, 2**23, dtype=dtype)
        total += x.astype(np.float64).sum()
        seen |= np.bincount(x.view(np.uint16), minlength=2**16) > 0
    mean = total / 2**27
    assert abs(mean) < 4 * np.sqrt(1 / 3) / np.sqrt(2**27), mean
    values = np.flatnonzero(seen).astype(np.uint16).view(dtype).astype(np.float64)
    assert values.size > (256 if dtype != np.float16 else 2048)
    assert -1.0 <= values.min() and values.max() < 1.0


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("low,high", [(0.1, 0.7), (-0.001, 0.002), (1.001, 1.002), (3.0, 3.0)])
def test_narrow_uniform_stays_in_bounds_the_dtype_cannot_hold(dtype, low, high):
    """Bounds between two 16-bit values: samples stay in [low, high) (in [low, high]
    when high is the dtype's only value there); no value at all is refused."""
    values = np.arange(2**16, dtype=np.uint32).astype(np.uint16).view(dtype).astype(np.float64)
    inside = values[(values >= low) & (values <= high)]
    rng = fastinit.default_rng(119)
    if inside.size == 0:
        with pytest.raises(ValueError, match="low"):
            rng.uniform(low, high, 10, dtype=dtype)
        return
    x = rng.uniform(low, high, 10**5, dtype=dtype).astype(np.float64)
    assert x.min() >= low and x.max() <= high
    if (inside < high).any():
        assert x.max() < high


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal(dtype):
    x = fastinit.default_rng(103).normal(1.0, 2.0, N, dtype=dtype)
    assert_moments(x, 1.0, 4.0, 3 * 16.0)
    assert stats.kstest(x, lambda t: special.ndtr((t - 1.0) / 2.0)).pvalue > P_MIN
    # the tails are there, at the right frequency: P(|z| > 4) = 6.33e-5
    tail = np.count_nonzero(np.abs(x - 1.0) > 8.0)
    assert abs(tail - N * 6.334e-5) < 5 * np.sqrt(N * 6.334e-5)


@pytest.mark.parametrize("dtype", [np.float16, fastinit.bfloat16])
def test_normal_narrow_dtypes(dtype):
    x = fastinit.default_rng(104).standard_normal(N, dtype=dtype).astype(np.float64)
    assert np.isfinite(x).all()
    # rounding to 8/11 significant bits adds variance ~ x^2 * 2^-2p / 3; allow it
    assert abs(x.mean()) < 5 / np.sqrt(N)
    assert abs(x.var() - 1.0) < 5 * np.sqrt(2 / N) + 2.0 ** -16


def truncnorm_cdf(a, b, loc, scale):
    lo, mass = special.ndtr(a), special.ndtr(b) - special.ndtr(a)
    if a > 0:  # upper tail: use survival functions for precision
        lo, mass = special.ndtr(-a), special.ndtr(-a) - special.ndtr(-b)
        return lambda t: (lo - special.ndtr(-(t - loc) / scale)) / mass
    return lambda t: (special.ndtr((t - loc) / scale) - lo) / mass


@pytest.mark.parametrize("dtype,n", [(np.float32, N), (np.float64, N)])
@pytest.mark.parametrize("a,b", [(-2.0, 2.0), (-0.5, 3.0), (1.0, 4.0), (-6.0, -5.0)])
def test_truncated_normal(dtype, n, a, b):
    loc, scale = 0.5, 1.5
    if (a, b) != (-2.0, 2.0):
        n = N // 10  # the +-2 sigma case carries the 10^7 check; others 10^6
    x = fastinit.default_rng(105).truncated_normal(loc, scale, loc + a * scale, loc + b * scale,
                                                   n, dtype=dtype)
    assert x.min() >= loc + a * scale and x.max() <= loc + b * scale
    law = stats.truncnorm(a, b, loc=loc, scale=scale)
    m1, m2, m3, m4 = (law.moment(k) for k in range(1, 5))
    fourth_central = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    assert_moments(x, m1, law.var(), fourth_central)
    assert stats.kstest(x, truncnorm_cdf(a, b, loc, scale)).pvalue > P_MIN


@pytest.mark.parametrize("dtype", [np.float16, fastinit.bfloat16])
def test_truncated_normal_narrow_dtypes_never_leave_bounds(dtype):
    """The issue's example: N(0, 0.02) in [-0.04, 0.04], where rounding to the
    narrow dtype could otherwise step outside the bounds."""
    x = fastinit.default_rng(106).truncated_normal(0.0, 0.02, a=-0.04, b=0.04, size=N, dtype=dtype)
    xf = x.astype(np.float64)
    assert xf.min() >= -0.04 and xf.max() <= 0.04
    # samples do reach the neighbourhood of both bounds
    assert xf.min() < -0.039 and xf.max() > 0.039
    assert abs(xf.std() - stats.truncnorm(-2, 2, scale=0.02).std()) < 1e-4


def test_truncated_normal_bounds_not_representable():
    """Bounds between two float16 values: results stay inside [a, b]."""
    a, b = -0.0123456, 0.0234567
    x = fastinit.default_rng(107).truncated_normal(0.0, 0.01, a, b, 10**6, dtype=np.float16)
    assert x.astype(np.float64).min() >= a and x.astype(np.float64).max() <= b


def _ulp32(x: np.ndarray) -> np.ndarray:
    f = np.abs(x.astype(np.float32))
    return (np.nextafter(f, np.float32(np.inf)) - f).astype(np.float64)


def test_float32_normal_accuracy_against_scipy():
    """Each float32 normal is within 2.1e-7 relative of the exact quantile of
    its word, p = (w + 1/2) / 2^32 (which float64 holds exactly), and half an
    ulp off on average.  (Over all 2^32 words, stream version 2 measured at
    most 2.04e-7, 2.83 ulp, mean 0.471 ulp; version 1 had up to 4e-7.)"""
    rng = fastinit.default_rng(108)
    w = rng.fill_at("random_raw", np.empty(2 * 10**6, np.uint32), position=0)
    z = rng.fill_at("standard_normal", np.empty(w.size, np.float32), position=0)
    exact = special.ndtri((w.astype(np.float64) + 0.5) / 2**32)
    err = np.abs(z - exact)
    assert (err / np.abs(exact)).max() < 2.1e-7
    ulps = err / _ulp32(exact)
    assert ulps.max() < 3.0 and ulps.mean() < 0.5


def truncnorm32_reference(words, params):
    """The exact quantile at the kernel's p (stream version 3): near the centre
    from 2^32 q = q_mid + (w - 2^31) width, as the kernel computes it in double
    (erfinv(2q) needs no 1/2 + q, which would round); in the tails from the
    kernel's p and its complement, whichever is below 1/2."""
    q_mid = (params["p_lo"] - 0.5) * 2.0**32 + params["width"] * 2147483648.5
    q = (q_mid + (words.astype(np.float64) - 2.0**31) * params["width"]) * 2.0**-32
    centre = np.abs(q) < 0.4
    z = np.empty(words.size)
    z[centre] = np.sqrt(2.0) * special.erfinv(2.0 * q[centre])
    u = (words[~centre].astype(np.float64) + 0.5) * 2.0**-32
    p = params["p_lo"] + u * params["width"]
    pc = params["pc_lo"] - u * params["width"]
    z[~centre] = np.where(p < pc, special.ndtri(np.minimum(p, pc)), -special.ndtri(np.minimum(p, pc)))
    return params["flip"] * z


TRUNCATIONS = [(-2.0, 2.0), (-1.0, 3.0), (0.0, np.inf), (3.0, 6.0), (-np.inf, -5.0), (-0.5, 0.1)]


@pytest.mark.parametrize("a,b", TRUNCATIONS)
def test_float32_truncated_normal_accuracy(a, b):
    """Stream version 3: the float32 normal's kernel at the truncated p, at most
    2.7 ulp from the exact quantile on these words (mean about 0.5), never
    outside [a, b].  (Over all 2^32 words, ``-m slow``
    test_float32_truncated_normal_all_words: up to 3.05 ulp, in [3, 6]; the
    normal's polynomial alone reaches 2.83; version 2's AS241 PPND7 in float32
    had up to 5.5 ulp, mean 0.85, on these words.)"""
    from fastinit import _truncnorm

    params = _truncnorm.truncnorm_params(0.0, 1.0, a, b, np.float32)
    w = np.arange(0, 2**32, 4099, dtype=np.uint64).astype(np.uint32)  # 1.05e6 words
    z = _core.transform_words(_core.TRUNCNORM, _core.F32, w, np.empty(w.size, np.float32), params)
    exact = truncnorm32_reference(w, params)
    ulps = np.abs(z - exact) / _ulp32(exact)
    assert ulps.max() < 2.75 and ulps.mean() < 0.5
    assert z.min() >= params["clamp_lo"] and z.max() <= params["clamp_hi"]


@pytest.mark.slow
@pytest.mark.parametrize("a,b", TRUNCATIONS)
def test_float32_truncated_normal_all_words(a, b):
    """As above over all 2^32 words (each interval about 256 x 3 s of CPU
    here: the scalar kernel path and the reference's erfinv and ndtri)."""
    from fastinit import _truncnorm

    params = _truncnorm.truncnorm_params(0.0, 1.0, a, b, np.float32)
    worst, total, chunk = 0.0, 0.0, 2**24
    for start in range(0, 2**32, chunk):
        w = np.arange(start, start + chunk, dtype=np.uint64).astype(np.uint32)
        z = _core.transform_words(_core.TRUNCNORM, _core.F32, w, np.empty(chunk, np.float32), params)
        exact = truncnorm32_reference(w, params)
        ulps = np.abs(z - exact) / _ulp32(exact)
        worst, total = max(worst, ulps.max()), total + ulps.sum()
        assert z.min() >= params["clamp_lo"] and z.max() <= params["clamp_hi"]
    print(f"[{a}, {b}]: max {worst:.3f} ulp, mean {total / 2**32:.4f} ulp")
    # measured: [-2, 2] max 2.827 ulp, mean 0.4734; [-1, 3] 2.836, 0.4805; [0, inf] 2.872,
    # 0.4706; [3, 6] 3.049, 0.4531; (-inf, -5] 0.500, 0.2500 (the float64 tail);
    # [-0.5, 0.1] 2.837, 0.4950 (the sampled test's 2.75 is exceeded by a few words of most)
    assert worst < 3.1 and total / 2**32 < 0.5


def test_float32_normal_across_the_tail_switch():
    """Words around |z| = 3.5, where fi_normal32.h hands over from its
    polynomial to the float64 tail (at |z| = 3.507), on both sides."""
    low = np.arange(900_000, 1_100_000, dtype=np.uint32)  # z from about -3.55 to -3.45
    w = np.concatenate([low, np.uint32(2**32 - 1) - low])
    z = _core.transform_words(_core.NORMAL, _core.F32, w, np.empty(w.size, np.float32), {})
    exact = special.ndtri((w.astype(np.float64) + 0.5) / 2**32)
    assert (np.abs(z) > 3.5).any() and (np.abs(z) < 3.5).any()
    assert (np.abs(z - exact) / np.abs(exact)).max() < 2.1e-7


def test_float32_normal_is_exactly_symmetric():
    """Words w and 2^32 - 1 - w (p and 1 - p) give exactly opposite values."""
    w = fastinit.default_rng(110).random_raw(10**6)
    w[:4] = [0, 1, 2**31 - 1, 2**31]
    pair = np.concatenate([w, np.uint32(2**32 - 1) - w])
    z = _core.transform_words(_core.NORMAL, _core.F32, pair, np.empty(pair.size, np.float32), {})
    np.testing.assert_array_equal(z[:w.size], -z[w.size:])


def test_float64_normal_accuracy_against_scipy():
    rng = fastinit.default_rng(109)
    x = rng.fill_at("random_raw", np.empty(2 * 10**6, np.uint32), position=0).view(np.uint64)
    z = rng.fill_at("standard_normal", np.empty(x.size, np.float64), position=0)
    # exact quantile of p = (x + 1/2) / 2^64, evaluated where float64 keeps precision:
    # centre: sqrt(2) erfinv(2q) with q = p - 1/2; tails: ndtri of the tail mass
    q = ((x ^ np.uint64(2**63)).view(np.int64).astype(np.float64) + 0.5) / 2**64
    tail = np.where(q < 0, x, ~x).astype(np.float64) / 2**64
    exact = np.where(np.abs(q) <= 0.4, np.sqrt(2) * special.erfinv(2 * q),
                     np.sign(q) * -special.ndtri(tail))
    rel = np.abs(z - exact) / np.abs(exact)
    assert rel.max() < 1e-14


def test_extreme_words_reach_the_deepest_tails():
    words = np.array([0, 1, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1], np.uint32)
    z = _core.transform_words(_core.NORMAL, _core.F32, words, np.empty(6, np.float32), {})
    exact = special.ndtri((words.astype(np.float64) + 0.5) / 2**32)
    np.testing.assert_allclose(z, exact, rtol=2.1e-7)
    assert z[0] == -z[-1] and z[0] < -6.33
    pair = np.array([0, 0, 2**32 - 1, 2**32 - 1], np.uint32)
    z64 = _core.transform_words(_core.NORMAL, _core.F64, pair, np.empty(2, np.float64), {})
    np.testing.assert_allclose(z64, [special.ndtri(2.0**-65), -special.ndtri(2.0**-65)],
                               rtol=1e-14)


def test_tail_words_against_scipy():
    """The far tails, word by word (ndtri's r > 0.075 and r < 0.075 regions)."""
    w = np.unique(np.concatenate([np.arange(20000), 2 ** np.arange(32, dtype=np.uint64) - 1,
                                  np.arange(2**31 - 5000, 2**31 + 5000)])).astype(np.uint32)
    z = _core.transform_words(_core.NORMAL, _core.F32, w, np.empty(w.size, np.float32), {})
    exact = special.ndtri((w.astype(np.float64) + 0.5) / 2**32)
    assert (np.abs(z - exact) / np.abs(exact)).max() < 2.1e-7
