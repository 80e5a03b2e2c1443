"""Statistics of every elementwise initializer on large shapes, both layouts.

Expected values are computed here from the published formulas, not taken
from the implementation.  Fixed seeds; a variance must match within six
standard errors (se = var * sqrt((kurtosis - 1) / n)), so a wrong formula --
a wrong fan, a missing 0.8796 correction, a wrong gain -- fails by far.
"""
import math

import numpy as np
import pytest
from scipy import stats

import fastinit
from fastinit.initializers._variance_scaling import TRUNCATED_STDDEV

K = 6.0
# a conv layer 256 -> 512 channels with a 3x3 kernel and a dense layer 1024 -> 2048
CONV = {"torch": (512, 256, 3, 3), "keras": (3, 3, 256, 512), "jax": (3, 3, 256, 512)}
CONV_FANS = (256 * 9, 512 * 9)
DENSE = {"torch": (2048, 1024), "keras": (1024, 2048), "jax": (1024, 2048)}
DENSE_FANS = (1024, 2048)
LAYOUTS = ["torch", "keras", "jax"]
KURT_UNIFORM = 1.8
KURT_NORMAL = 3.0
KURT_TRUNC = float(stats.truncnorm(-2, 2).stats(moments="k")) + 3.0


def check_moments(x, var, kurt, mean=0.0):
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    assert abs(x.mean() - mean) < K * math.sqrt(var / n), (x.mean(), mean)
    se = var * math.sqrt((kurt - 1.0) / n)
    assert abs(x.var() - var) < K * se, (x.var(), var, (x.var() - var) / se)


def check_uniform(x, bound):
    x = np.asarray(x, dtype=np.float64)
    assert x.min() >= -bound and x.max() <= bound
    assert x.max() > bound * (1 - 1e-4) and x.min() < -bound * (1 - 1e-4)
    check_moments(x, bound ** 2 / 3, KURT_UNIFORM)


def check_truncated(x, stddev_before, lo, hi):
    """Truncated to [lo, hi] (absolute) of N(0, stddev_before**2)."""
    x = np.asarray(x, dtype=np.float64)
    assert x.min() >= lo and x.max() <= hi
    dist = stats.truncnorm(lo / stddev_before, hi / stddev_before, scale=stddev_before)
    assert x.max() > hi - 1e-3 * (hi - lo) and x.min() < lo + 1e-3 * (hi - lo)
    check_moments(x, float(dist.var()), float(dist.stats(moments="k")) + 3.0,
                  mean=float(dist.mean()))


def check_plain_normal(x, std):
    x = np.asarray(x, dtype=np.float64)
    assert np.abs(x).max() > 4.5 * std  # not truncated at 2 sigma
    check_moments(x, std ** 2, KURT_NORMAL)


def test_truncated_stddev_constant():
    assert TRUNCATED_STDDEV == pytest.approx(stats.truncnorm(-2, 2).std(), rel=1e-15)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", ["conv", "dense"])
def test_he_normal(layout, which):
    shape, (fan_in, _) = (CONV[layout], CONV_FANS) if which == "conv" else (DENSE[layout], DENSE_FANS)
    w = fastinit.he_normal(shape, layout=layout, seed=1)
    assert w.shape == shape and w.dtype == np.float32
    std = math.sqrt(2.0 / fan_in)
    if layout == "torch":  # kaiming_normal_: plain normal
        check_plain_normal(w, std)
    else:  # HeNormal: truncated at 2 sigma, stddev corrected so the variance is 2 / fan_in
        s = std / TRUNCATED_STDDEV
        check_truncated(w, s, -2 * s, 2 * s)
        check_moments(w, std ** 2, KURT_TRUNC)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_he_uniform(layout):
    w = fastinit.he_uniform(CONV[layout], layout=layout, seed=2)
    check_uniform(w, math.sqrt(6.0 / CONV_FANS[0]))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_kaiming_arguments(layout):
    """PyTorch's a / mode / nonlinearity in every layout: gain**2 / fan."""
    w = fastinit.kaiming_normal(DENSE[layout], a=0.2, mode="fan_out", layout=layout, seed=3)
    var = 2.0 / (1 + 0.2 ** 2) / DENSE_FANS[1]
    check_moments(w, var, KURT_NORMAL if layout == "torch" else KURT_TRUNC)
    w = fastinit.kaiming_uniform(DENSE[layout], nonlinearity="tanh", layout=layout, seed=4)
    check_uniform(w, 5 / 3 * math.sqrt(3.0 / DENSE_FANS[0]))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_glorot(layout):
    fan_in, fan_out = CONV_FANS
    w = fastinit.glorot_uniform(CONV[layout], layout=layout, seed=5)
    check_uniform(w, math.sqrt(6.0 / (fan_in + fan_out)))
    w = fastinit.xavier_uniform(CONV[layout], gain=2.0, layout=layout, seed=6)
    check_uniform(w, 2.0 * math.sqrt(6.0 / (fan_in + fan_out)))
    std = math.sqrt(2.0 / (fan_in + fan_out))
    w = fastinit.glorot_normal(CONV[layout], layout=layout, seed=7)
    if layout == "torch":
        check_plain_normal(w, std)
    else:
        check_truncated(w, std / TRUNCATED_STDDEV, -2 * std / TRUNCATED_STDDEV,
                        2 * std / TRUNCATED_STDDEV)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_lecun(layout):
    fan_in = DENSE_FANS[0]
    check_uniform(fastinit.lecun_uniform(DENSE[layout], layout=layout, seed=8),
                  math.sqrt(3.0 / fan_in))
    w = fastinit.lecun_normal(DENSE[layout], layout=layout, seed=9)
    check_moments(w, 1.0 / fan_in, KURT_NORMAL if layout == "torch" else KURT_TRUNC)


@pytest.mark.parametrize("layout", ["torch", "keras"])  # jax reads fans as keras here
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg", "fan_geo_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling(layout, mode, distribution):
    fan_in, fan_out = DENSE_FANS
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2,
         "fan_geo_avg": math.sqrt(fan_in * fan_out)}[mode]
    scale = 3.0
    w = fastinit.variance_scaling(DENSE[layout], scale=scale, mode=mode,
                                  distribution=distribution, layout=layout, seed=10)
    var = scale / n
    if distribution == "uniform":
        check_uniform(w, math.sqrt(3 * var))
    elif distribution == "untruncated_normal":
        check_plain_normal(w, math.sqrt(var))
    else:
        s = math.sqrt(var) / TRUNCATED_STDDEV
        check_truncated(w, s, -2 * s, 2 * s)


def test_variance_scaling_normal_follows_the_layout():
    """"normal" is untruncated in JAX (and PyTorch), truncated in Keras 3."""
    for layout in ("jax", "torch"):
        w = fastinit.variance_scaling((1024, 1024), distribution="normal", layout=layout,
                                      seed=11)
        check_plain_normal(w, math.sqrt(1 / 1024))
    w = fastinit.variance_scaling((1024, 1024), distribution="normal", layout="keras", seed=11)
    s = math.sqrt(1 / 1024) / TRUNCATED_STDDEV
    check_truncated(w, s, -2 * s, 2 * s)


def test_random_family():
    shape = (2048, 1024)
    check_moments(fastinit.random_normal(shape, mean=0.5, stddev=0.1, seed=12), 0.01,
                  KURT_NORMAL, mean=0.5)
    w = fastinit.random_uniform(shape, minval=-0.3, maxval=0.7, seed=13)
    assert w.min() >= -0.3 and w.max() <= 0.7
    check_moments(w, 1.0 / 12, KURT_UNIFORM, mean=0.2)
    # Keras defaults
    check_moments(fastinit.initializers.RandomNormal(seed=1)(shape), 0.05 ** 2, KURT_NORMAL)
    check_uniform(fastinit.initializers.RandomUniform(seed=1)(shape), 0.05)


def test_truncated_normal_torch_bounds_are_absolute():
    w = fastinit.truncated_normal((2048, 1024), mean=0.0, stddev=0.05, a=-0.05, b=0.1,
                                  layout="torch", seed=14)
    check_truncated(w, 0.05, -0.05, 0.1)


@pytest.mark.parametrize("layout", ["keras", "jax"])
def test_truncated_normal_keras_bounds_are_in_stddevs(layout):
    w = fastinit.truncated_normal((2048, 1024), stddev=0.05, layout=layout, seed=15)
    check_truncated(w, 0.05, -0.1, 0.1)  # +-2 stddev, stddev not corrected (Keras)
    w = fastinit.truncated_normal((2048, 1024), mean=1.0, stddev=0.05, a=-1.0, b=3.0,
                                  layout=layout, seed=16)
    assert w.min() >= 0.95 and w.max() <= 1.15
    check_truncated(w - 1.0, 0.05, -0.05, 0.15)


def test_torch_default_weight_and_bias():
    w = fastinit.torch_default_weight((512, 256, 3, 3), layout="torch", seed=17)
    check_uniform(w, 1 / math.sqrt(256 * 9))
    w = fastinit.torch_default_weight((3, 3, 256, 512), layout="keras", seed=17)
    check_uniform(w, 1 / math.sqrt(256 * 9))
    b = fastinit.torch_default_bias((2_000_000,), weight_shape=(512, 256, 3, 3),
                                    layout="torch", seed=18)
    check_uniform(b, 1 / math.sqrt(256 * 9))


@pytest.mark.parametrize("dtype", [np.float16, fastinit.bfloat16, np.float64])
@pytest.mark.parametrize("layout", ["torch", "keras"])
def test_other_dtypes(dtype, layout):
    fan_in = DENSE_FANS[0]
    w = fastinit.he_normal(DENSE[layout], dtype, layout=layout, seed=19)
    assert w.dtype == np.dtype(dtype)
    x = w.astype(np.float64)
    std = math.sqrt(2.0 / fan_in)
    # rounding to 11 (8) significant bits changes the variance by ~2**-22 (2**-16) relative
    assert abs(x.var() / std ** 2 - 1) < 5e-3
    if layout == "keras":  # never outside +-2 sigma, also after rounding
        assert np.abs(x).max() <= 2 * std / TRUNCATED_STDDEV
    u = fastinit.glorot_uniform(DENSE[layout], dtype, layout=layout, seed=20).astype(np.float64)
    bound = math.sqrt(6.0 / sum(DENSE_FANS))
    assert np.abs(u).max() <= bound * (1 + 2 ** -8) and abs(u.var() / (bound ** 2 / 3) - 1) < 5e-3
