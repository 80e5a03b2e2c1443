"""fastinit's formulas against torch.nn.init on the same shapes.

Different generators, so values differ: compare the parameters the samples
reveal -- the standard deviation (within six standard errors of the
difference of two estimates) and the bounds (the extreme of 10^5+
uniform samples sits within 2e-4 of the bound) -- and the deterministic
initializers exactly.
"""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.init as tinit  # noqa: E402

import fastinit  # noqa: E402
from fastinit import initializers as I  # noqa: E402

SHAPES = [(512, 1024), (128, 256, 3, 3), (256, 128, 7)]


def torch_fill(fn, shape, **kw):
    t = torch.empty(shape, dtype=torch.float32)
    gen = torch.Generator().manual_seed(0)
    fn(t, generator=gen, **kw)
    return t.numpy().astype(np.float64)


def same_std(a, b, kurtosis):
    """Two samples with the same variance (relative difference within 6 se)."""
    va, vb = a.var(), b.var()
    se = math.sqrt((kurtosis - 1) / a.size + (kurtosis - 1) / b.size)
    assert abs(va / vb - 1) < 6 * se, (va, vb)


def same_bound(ours, theirs, bound):
    assert np.abs(ours).max() <= bound and np.abs(theirs).max() <= bound * (1 + 1e-7)
    assert np.abs(theirs).max() > bound * (1 - 2e-4)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kw", [{}, {"a": 0.2, "mode": "fan_out"},
                                {"nonlinearity": "tanh"}, {"a": math.sqrt(5)}])
def test_kaiming(shape, kw):
    ours = fastinit.kaiming_normal(shape, layout="torch", seed=1, **kw).astype(np.float64)
    theirs = torch_fill(tinit.kaiming_normal_, shape, **kw)
    same_std(ours, theirs, 3.0)
    ours = fastinit.kaiming_uniform(shape, layout="torch", seed=2, **kw).astype(np.float64)
    theirs = torch_fill(tinit.kaiming_uniform_, shape, **kw)
    _, params = I.HeUniform(layout="torch", **kw).plan(shape)
    same_bound(ours, theirs, params["high"])
    same_std(ours, theirs, 1.8)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier(shape, gain):
    ours = fastinit.xavier_normal(shape, gain=gain, layout="torch", seed=3).astype(np.float64)
    same_std(ours, torch_fill(tinit.xavier_normal_, shape, gain=gain), 3.0)
    ours = fastinit.xavier_uniform(shape, gain=gain, layout="torch", seed=4).astype(np.float64)
    theirs = torch_fill(tinit.xavier_uniform_, shape, gain=gain)
    _, params = I.GlorotUniform(gain=gain, layout="torch").plan(shape)
    same_bound(ours, theirs, params["high"])


def test_trunc_normal():
    shape = (1024, 1024)
    kw = {"mean": 0.0, "std": 0.05, "a": -0.06, "b": 0.09}
    ours = fastinit.truncated_normal(shape, mean=0.0, stddev=0.05, a=-0.06, b=0.09,
                                     layout="torch", seed=5).astype(np.float64)
    theirs = torch_fill(tinit.trunc_normal_, shape, **kw)
    assert ours.min() >= -0.06 and ours.max() <= 0.09 and theirs.min() >= -0.06
    assert abs(ours.mean() - theirs.mean()) < 6 * 0.05 * math.sqrt(2 / ours.size)
    same_std(ours, theirs, 3.0)


def test_normal_uniform_constant():
    shape = (2048, 1024)
    same_std(fastinit.random_normal(shape, stddev=0.02, seed=6).astype(np.float64),
             torch_fill(tinit.normal_, shape, std=0.02), 3.0)
    ours = fastinit.random_uniform(shape, minval=-0.3, maxval=0.3, seed=7).astype(np.float64)
    same_bound(ours, torch_fill(tinit.uniform_, shape, a=-0.3, b=0.3), 0.3)
    t = torch.empty(3, 4)
    tinit.constant_(t, 0.7)
    assert np.array_equal(fastinit.constant((3, 4), value=0.7), t.numpy())


@pytest.mark.parametrize("layer", [
    lambda: torch.nn.Linear(1024, 512), lambda: torch.nn.Conv2d(64, 128, 3),
    lambda: torch.nn.Conv1d(32, 16, 5), lambda: torch.nn.ConvTranspose2d(64, 32, 4),
])
def test_layer_defaults(layer):
    torch.manual_seed(0)
    mod = layer()
    shape = tuple(mod.weight.shape)
    theirs_w = mod.weight.detach().numpy().astype(np.float64)
    ours_w = fastinit.torch_default_weight(shape, layout="torch", seed=8).astype(np.float64)
    _, params = I.TorchDefaultWeight(layout="torch").plan(shape)
    bound = params["high"]
    assert np.abs(theirs_w).max() <= bound * (1 + 1e-7) and np.abs(ours_w).max() <= bound
    assert np.abs(theirs_w).max() > bound * (1 - 5e-3)   # >= 100k samples
    same_std(ours_w, theirs_w, 1.8)
    theirs_b = mod.bias.detach().numpy()
    ours_b = fastinit.torch_default_bias(theirs_b.shape, weight_shape=shape, layout="torch",
                                         seed=9)
    _, bparams = I.TorchDefaultBias(weight_shape=shape, layout="torch").plan(theirs_b.shape)
    assert bparams["high"] == pytest.approx(bound, rel=1e-12)  # the same 1/sqrt(fan_in)
    assert np.abs(theirs_b).max() <= bparams["high"] * (1 + 1e-7)
    assert np.abs(ours_b).max() <= bparams["high"]


@pytest.mark.parametrize("shape", [(64, 32, 3), (16, 16, 4, 4), (12, 6, 3, 2, 5), (8, 12, 3, 3)])
@pytest.mark.parametrize("groups", [1, 2, 4])
def test_dirac_exact(shape, groups):
    if shape[0] % groups:
        pytest.skip("torch refuses it too")
    t = torch.empty(shape)
    tinit.dirac_(t, groups=groups)
    assert np.array_equal(fastinit.dirac(shape, groups=groups, layout="torch"), t.numpy())


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3)])
def test_eye_exact(shape):
    t = torch.empty(shape)
    tinit.eye_(t)
    assert np.array_equal(fastinit.eye(shape), t.numpy())


def test_sparse_zero_counts():
    shape, s = (200, 60), 0.3
    t = torch.empty(shape)
    tinit.sparse_(t, sparsity=s, std=0.01)
    ours = fastinit.sparse(shape, sparsity=s, std=0.01, layout="torch", seed=10)
    assert np.array_equal((t.numpy() == 0).sum(axis=0), (ours == 0).sum(axis=0))


@pytest.mark.parametrize("shape", [(128, 128), (64, 200), (200, 64), (32, 16, 3, 3)])
def test_orthogonal(shape):
    t = torch.empty(shape)
    tinit.orthogonal_(t, gain=2.0)
    ours = fastinit.orthogonal(shape, gain=2.0, layout="torch", seed=11)
    for w in (t.numpy(), ours):
        m = w.reshape(shape[0], -1).astype(np.float64) / 2.0
        g = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
        assert np.abs(g - np.eye(len(g))).max() < 1e-5
    assert ours.std() == pytest.approx(t.numpy().std(), rel=0.05)


NAMES = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
         "conv_transpose3d", "sigmoid", "tanh", "relu", "selu", "leaky_relu"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("param", [None, 0, 0.2, 3])
def test_gain_table(name, param):
    assert fastinit.calculate_gain(name, param) == pytest.approx(
        tinit.calculate_gain(name, param), rel=1e-15)


def test_gain_errors_like_torch():
    for bad in (True, "x"):
        with pytest.raises(ValueError):
            tinit.calculate_gain("leaky_relu", bad)
        with pytest.raises(ValueError):
            fastinit.calculate_gain("leaky_relu", bad)
    with pytest.raises(ValueError):
        tinit.calculate_gain("swish")
    with pytest.raises(ValueError):
        fastinit.calculate_gain("swish")


@pytest.mark.parametrize("shape", [(20, 30), (64, 32, 3, 3), (5, 4, 2, 2, 2)])
def test_fans(shape):
    assert fastinit.compute_fans(shape, "torch") == \
        tinit._calculate_fan_in_and_fan_out(torch.empty(shape))
