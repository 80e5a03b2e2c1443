"""A Flax model whose kernels come from fastinit.jax, initialized under jax.jit."""
import numpy as np
import pytest

jax = pytest.importorskip("jax")
nn = pytest.importorskip("flax.linen")
fj = pytest.importorskip("fastinit.jax")

import jax.numpy as jnp  # noqa: E402

from fastinit import initializers as I  # noqa: E402


class Net(nn.Module):
    """A small CNN + MLP with a fastinit initializer on every kernel."""

    @nn.compact
    def __call__(self, x):
        x = nn.Conv(16, (3, 3), kernel_init=fj.he_normal())(x)
        x = nn.relu(nn.Conv(8, (3, 3), kernel_init=fj.orthogonal(), param_dtype=jnp.bfloat16)(x))
        x = x.reshape((x.shape[0], -1))
        x = nn.relu(nn.Dense(64, kernel_init=fj.lecun_normal())(x))
        return nn.Dense(10, kernel_init=fj.variance_scaling(2.0, "fan_avg", "uniform"))(x)


def test_flax_model_initialized_under_jit():
    x = jnp.ones((2, 8, 8, 3))
    params = jax.jit(Net().init)(jax.random.key(0), x)["params"]
    eager = Net().init(jax.random.key(0), x)["params"]
    again = jax.jit(Net().init)(jax.random.key(0), x)["params"]
    other = jax.jit(Net().init)(jax.random.key(1), x)["params"]
    kernels = {name: np.asarray(p["kernel"], np.float32) for name, p in params.items()}
    assert set(kernels) == {"Conv_0", "Conv_1", "Dense_0", "Dense_1"}
    for name, layer in params.items():
        # jit, eager and a second jit agree bit for bit: the host draw is a pure function
        for twin in (eager, again):
            assert np.asarray(layer["kernel"]).tobytes() == \
                np.asarray(twin[name]["kernel"]).tobytes(), name
        assert not np.array_equal(layer["kernel"], other[name]["kernel"]), name
    assert params["Conv_1"]["kernel"].dtype == jnp.bfloat16
    # the scales are the initializers': He (2/fan_in), LeCun (1/fan_in: 8*8*8, SAME padding),
    # uniform 2/fan_avg
    assert abs(kernels["Conv_0"].std() / np.sqrt(2 / 27) - 1) < 0.15
    assert abs(kernels["Dense_0"].std() / np.sqrt(1 / 512) - 1) < 0.05
    assert abs(kernels["Dense_1"].std() / np.sqrt(2 / 37) - 1) < 0.1
    conv1 = kernels["Conv_1"].reshape(-1, 8)
    assert np.abs(conv1.T @ conv1 - np.eye(8)).max() < 0.03   # bfloat16 orthonormal columns


def test_flax_kernels_are_fastinit_draws_of_the_keys_flax_passes():
    """Record the key Flax hands each kernel_init (eagerly), redraw with the
    framework-neutral class: the same bits."""
    seen = {}

    def recording(factory, neutral, name):
        def init(key, shape, dtype=jnp.float32):
            seen[name] = (fj.key_seed(key), tuple(shape), neutral)
            return factory(key, shape, dtype)
        return init

    class Small(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Dense(32, kernel_init=recording(
                fj.he_uniform(), I.VarianceScaling(2.0, "fan_in", "uniform", layout="jax"),
                "a"))(x)
            return nn.Dense(4, kernel_init=recording(
                fj.truncated_normal(0.1), I.TruncatedNormal(stddev=0.1, layout="jax"),
                "b"))(x)

    params = Small().init(jax.random.key(3), jnp.ones((1, 16)))["params"]
    for layer, name in (("Dense_0", "a"), ("Dense_1", "b")):
        seed, shape, neutral = seen[name]
        want = neutral(shape, np.float32, seed=seed)
        assert np.asarray(params[layer]["kernel"]).tobytes() == want.tobytes()
