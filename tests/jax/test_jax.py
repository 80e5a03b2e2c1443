"""fastinit.jax against jax.nn.initializers: signatures, keys, jit/vmap, ports of
JAX's initializer tests (tests/nn_test.py, written here against the adapter),
and two-sample KS tests against JAX's own draws on 2-D and 4-D kernels."""
import inspect

import numpy as np
import pytest
from scipy import stats

jax = pytest.importorskip("jax")
fj = pytest.importorskip("fastinit.jax")

import jax.numpy as jnp  # noqa: E402
import jax.nn.initializers as ji  # noqa: E402

import fastinit  # noqa: E402
from fastinit import initializers as I  # noqa: E402

FACTORIES = ["constant", "uniform", "normal", "truncated_normal", "variance_scaling",
             "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
             "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal",
             "lecun_uniform", "lecun_normal", "orthogonal", "delta_orthogonal"]
KEY = jax.random.key(0)


@pytest.mark.parametrize("name", FACTORIES + ["zeros", "ones"])
def test_signatures_match_jax(name):
    ours, theirs = inspect.signature(getattr(fj, name)), inspect.signature(getattr(ji, name))
    assert list(ours.parameters) == list(theirs.parameters)
    assert [p.default for p in ours.parameters.values()] == \
        [p.default for p in theirs.parameters.values()]


def test_every_jax_initializer_has_a_counterpart():
    public = {n for n in dir(ji) if not n.startswith("_") and n != "Initializer"}
    assert public <= set(fj.__all__)


def test_key_mapping_is_documented_and_stable():
    """Typed and raw keys map to fastinit.default_rng(list of the key's uint32 words)."""
    shape = (64, 48)
    typed, raw = jax.random.key(42), jax.random.PRNGKey(42)
    assert fj.key_seed(typed) == fj.key_seed(raw) == [int(w) for w in
                                                      np.asarray(jax.random.key_data(typed))]
    a = np.asarray(fj.he_normal()(typed, shape))
    assert a.tobytes() == np.asarray(fj.he_normal()(raw, shape)).tobytes()
    want = I.VarianceScaling(2.0, "fan_in", "truncated_normal", layout="jax")(
        shape, seed=fj.key_seed(typed))
    assert a.tobytes() == want.tobytes()
    assert a.tobytes() == fastinit.he_normal(shape, layout="jax",
                                             seed=fj.key_seed(typed)).tobytes()
    k1, k2 = jax.random.split(typed)
    assert not np.array_equal(fj.normal()(k1, shape), fj.normal()(k2, shape))
    rbg = jax.random.key(3, impl="rbg")                # 4 words: all of them count
    assert len(fj.key_seed(rbg)) == 4
    assert fj.normal()(rbg, (3,)).shape == (3,)
    with pytest.raises(TypeError, match="key must be a JAX PRNG key"):
        fj.normal()(np.float32(3.0), (3,))
    with pytest.raises(TypeError, match="single PRNG key"):
        fj.normal()(jax.random.split(typed, 2), (3,))


def test_jit_vmap_and_eager_agree():
    shape = (3, 3, 16, 32)
    for factory in (fj.he_uniform(), fj.orthogonal(), fj.truncated_normal(0.5)):
        eager = np.asarray(factory(KEY, shape))
        jitted = np.asarray(jax.jit(lambda k, f=factory: f(k, shape))(KEY))
        assert eager.tobytes() == jitted.tobytes()
    keys = jax.random.split(KEY, 4)
    batched = np.asarray(jax.vmap(lambda k: fj.normal(1.0)(k, (5, 7)))(keys))
    for i in range(4):
        assert batched[i].tobytes() == np.asarray(fj.normal(1.0)(keys[i], (5, 7))).tobytes()


# ------------------------------------------------- ports of jax's nn_test.py --
ALL_SHAPES = [(2,), (2, 2), (2, 3), (3, 2), (2, 3, 4), (4, 3, 2), (2, 3, 4, 5)]
RECORDS = [("uniform", 1, 4), ("normal", 1, 4), ("he_normal", 2, 4), ("he_uniform", 2, 4),
           ("glorot_normal", 2, 4), ("glorot_uniform", 2, 4), ("lecun_normal", 2, 4),
           ("lecun_uniform", 2, 4), ("orthogonal", 2, 2), ("delta_orthogonal", 4, 4)]
DTYPES = [jnp.float32, jnp.float16, jnp.bfloat16]


@pytest.mark.parametrize("name,lo,hi", RECORDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: jnp.dtype(d).name)
def test_initializer_port(name, lo, hi, dtype):
    """testInitializer and testInitializerProvider: shape and dtype, for every shape."""
    for shape in [s for s in ALL_SHAPES if lo <= len(s) <= hi]:
        if name == "delta_orthogonal" and shape[-1] < shape[-2]:
            continue
        val = getattr(fj, name)()(jax.random.PRNGKey(0), shape, dtype)
        assert jnp.shape(val) == shape and val.dtype == jnp.dtype(dtype)
        val = getattr(fj, name)(dtype=dtype)(jax.random.PRNGKey(0), shape)
        assert jnp.shape(val) == shape and val.dtype == jnp.dtype(dtype)
        assert np.isfinite(np.asarray(val, np.float32)).all()


def test_variance_scaling_multi_and_batch_axis_port():
    shape = (2, 3, 4, 5)
    init = fj.variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis=(0, 1),
                               out_axis=(-2, -1))
    assert init(jax.random.PRNGKey(0), shape).shape == shape
    assert init.fastinit_initializer.fans(shape) == (6, 20)
    init = fj.variance_scaling(1.0, "fan_avg", "truncated_normal", in_axis=0,
                               out_axis=(2, 3), batch_axis=1)
    assert init(jax.random.PRNGKey(0), shape).shape == shape
    assert init.fastinit_initializer.fans(shape) == (2, 20)


def test_variance_scaling_error_port():
    init = fj.variance_scaling(1.0, "fan_avg", "truncated_normal")
    with pytest.raises(ValueError, match="input and output sizes of a 1-dimensional"):
        init(jax.random.PRNGKey(0), (5,))
    with pytest.raises(ValueError, match="invalid mode"):
        fj.variance_scaling(1.0, "fan_sum", "uniform")
    with pytest.raises(ValueError, match="invalid distribution"):
        fj.variance_scaling(1.0, "fan_in", "untruncated_normal")


def test_orthogonal_and_delta_orthogonal_properties():
    """The docstring behaviours of orthogonal(column_axis) and delta_orthogonal."""
    w = np.asarray(fj.orthogonal(scale=2.0, column_axis=0)(KEY, (16, 5, 7)), np.float64)
    m = np.moveaxis(w, 0, -1).reshape(-1, 16) / 2.0
    assert np.abs(m.T @ m - np.eye(16)).max() < 1e-5
    d = np.asarray(fj.delta_orthogonal()(KEY, (3, 3, 8, 16)), np.float64)
    assert np.count_nonzero(d[1, 1]) > 0 and np.count_nonzero(d) == np.count_nonzero(d[1, 1])
    assert np.abs(d[1, 1] @ d[1, 1].T - np.eye(8)).max() < 1e-5
    with pytest.raises(ValueError, match="3D, 4D or 5D"):
        fj.delta_orthogonal()(KEY, (8, 16))
    with pytest.raises(ValueError, match="fan_in"):
        fj.delta_orthogonal()(KEY, (3, 3, 16, 8))
    with pytest.raises(ValueError, match="at least a 2D"):
        fj.orthogonal()(KEY, (4,))


def test_constants_and_bad_dtypes():
    for dtype in (jnp.float32, jnp.bfloat16, jnp.int32):
        assert np.array_equal(fj.zeros(KEY, (2, 3), dtype), ji.zeros(KEY, (2, 3), dtype))
        assert np.array_equal(fj.ones(KEY, (2, 3), dtype), ji.ones(KEY, (2, 3), dtype))
        assert np.array_equal(fj.constant(-7, dtype)(KEY, (2, 3)),
                              ji.constant(-7, dtype)(KEY, (2, 3)))
    with pytest.raises(TypeError, match="dtype"):
        fj.he_normal()(KEY, (4, 4), jnp.complex64)
    with pytest.raises(NotImplementedError, match="out_sharding"):
        fj.normal()(KEY, (4, 4), out_sharding=object())


# ---------------------------------------------------- KS against JAX's own draws --
KS_CASES = [
    ("uniform", {"scale": 0.3}), ("normal", {"stddev": 0.2}),
    ("truncated_normal", {"stddev": 0.2}), ("truncated_normal", {"lower": -1.0, "upper": 3.0}),
    ("glorot_uniform", {}), ("glorot_normal", {}), ("he_uniform", {}), ("he_normal", {}),
    ("lecun_uniform", {}), ("lecun_normal", {}), ("orthogonal", {"scale": 1.5}),
    ("orthogonal", {"column_axis": 0}),
] + [("variance_scaling", {"scale": 0.7, "mode": m, "distribution": d})
     for m in ("fan_out", "fan_geo_avg") for d in ("truncated_normal", "normal", "uniform")]
SHAPES = {"2d": (256, 192), "4d": (3, 3, 48, 64)}


@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize("name,kwargs", KS_CASES, ids=str)
def test_ks_against_jax(name, kwargs, kind):
    shape = SHAPES[kind]
    ours = np.asarray(getattr(fj, name)(**kwargs)(jax.random.key(1), shape)).ravel()
    theirs = np.asarray(getattr(ji, name)(**kwargs)(jax.random.key(2), shape)).ravel()
    p = stats.ks_2samp(ours, theirs).pvalue
    assert p > 1e-6, (name, kwargs, shape, p)


def test_ks_delta_orthogonal_against_jax():
    shape = (3, 3, 128, 160)
    ours = np.asarray(fj.delta_orthogonal()(jax.random.key(1), shape))
    theirs = np.asarray(ji.delta_orthogonal()(jax.random.key(2), shape))
    assert np.count_nonzero(ours[0]) == np.count_nonzero(theirs[0]) == 0
    p = stats.ks_2samp(ours[1, 1].ravel(), theirs[1, 1].ravel()).pvalue
    assert p > 1e-6
