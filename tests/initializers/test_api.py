"""The initializer API: plan(), seeds, out=, bad input, configs and get()."""
import json
import math

import numpy as np
import pytest

import fastinit
from fastinit import initializers as I

DTYPES = [np.float32, np.float64, np.float16, fastinit.bfloat16]

# one instance per elementwise class, with non-default arguments, in each layout
ELEMENTWISE = [
    I.Zeros(), I.Ones(), I.Constant(0.25),
    I.RandomNormal(0.1, 0.3), I.RandomUniform(-0.2, 0.6),
    I.TruncatedNormal(0.0, 0.2, a=-1.5, b=2.5, layout="keras"),
    I.TruncatedNormal(0.0, 0.2, a=-0.1, b=0.3, layout="torch"),
    I.VarianceScaling(2.5, "fan_avg", "truncated_normal", layout="torch"),
    I.VarianceScaling(0.5, "fan_geo_avg", "uniform", layout="keras"),
    I.VarianceScaling(1.5, "fan_out", "normal", layout="jax", in_axis=0, out_axis=1),
    I.GlorotUniform(layout="torch"), I.GlorotUniform(gain=1.5, layout="keras"),
    I.GlorotNormal(layout="torch"), I.GlorotNormal(layout="keras"),
    I.HeNormal(layout="torch"), I.HeNormal(a=0.1, mode="fan_out", layout="keras"),
    I.HeUniform(nonlinearity="tanh", layout="torch"), I.HeUniform(layout="jax"),
    I.LecunNormal(layout="torch"), I.LecunNormal(layout="keras"),
    I.LecunUniform(layout="keras"),
    I.TorchDefaultWeight(layout="torch"), I.TorchDefaultBias(fan_in=37, layout="torch"),
]
STRUCTURED = [I.Orthogonal(layout="keras"), I.Orthogonal(2.0, layout="torch", algorithm="qr"),
              I.Identity(0.5), I.Dirac(groups=2, layout="torch"),
              I.Sparse(0.3, 0.02, layout="keras")]
SHAPE = (48, 40)


@pytest.mark.parametrize("init", ELEMENTWISE, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_plan_reproduces_the_initializer(init, dtype):
    """rng.<method>(size, dtype, **params) and rng.fill_at(...) give the same bits."""
    method, params = init.plan(SHAPE, dtype)
    got = init(SHAPE, dtype, rng=fastinit.default_rng(7))
    assert got.dtype == np.dtype(dtype) and got.shape == SHAPE
    if method == "constant":
        assert params == {"value": init.value}
        want = np.full(SHAPE, params["value"], dtype=dtype)
    else:
        want = getattr(fastinit.default_rng(7), method)(size=SHAPE, dtype=dtype, **params)
        # a piece of the same draw, filled on its own at the draw's position
        piece = np.empty((10, SHAPE[1]), dtype=dtype)
        fastinit.default_rng(7).fill_at(method, piece, offset=5 * SHAPE[1], position=0, **params)
        assert piece.tobytes() == got[5:15].tobytes()
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("init", ELEMENTWISE + STRUCTURED, ids=repr)
def test_seed_equals_rng(init):
    shape = (8, 8, 3, 3) if isinstance(init, I.Dirac) else SHAPE
    a = init(shape, seed=123)
    b = init(shape, rng=fastinit.default_rng(123))
    assert a.tobytes() == b.tobytes()
    c = init(shape, seed=np.random.SeedSequence(123))
    assert a.tobytes() == c.tobytes()


def test_rng_advances_and_seeded_initializer_repeats():
    rng = fastinit.default_rng(5)
    he = I.HeNormal(layout="keras")
    a, b = he(SHAPE, rng=rng), he(SHAPE, rng=rng)
    ref = fastinit.default_rng(5)
    method, params = he.plan(SHAPE)
    assert a.tobytes() == getattr(ref, method)(size=SHAPE, dtype=np.float32, **params).tobytes()
    assert b.tobytes() == getattr(ref, method)(size=SHAPE, dtype=np.float32, **params).tobytes()
    # Keras semantics: a seeded initializer gives the same values at each call
    init = I.GlorotUniform(seed=9, layout="keras")
    assert init(SHAPE).tobytes() == init(SHAPE).tobytes()
    assert init(SHAPE).tobytes() == init(SHAPE, seed=9).tobytes()
    assert init(SHAPE).tobytes() != init(SHAPE, seed=10).tobytes()
    # unseeded: fresh entropy
    assert init.__class__(layout="keras")(SHAPE).tobytes() != \
        init.__class__(layout="keras")(SHAPE).tobytes()


def test_named_streams_are_order_independent():
    root = fastinit.default_rng(0)
    a = fastinit.he_normal((16, 16), layout="torch", rng=root.stream("layer1.weight"))
    fastinit.he_normal((16, 16), layout="torch",
                       rng=fastinit.default_rng(0).stream("layer0.weight"))
    b = fastinit.he_normal((16, 16), layout="torch",
                           rng=fastinit.default_rng(0).stream("layer1.weight"))
    assert a.tobytes() == b.tobytes()


def test_threads_do_not_change_bits():
    a = fastinit.glorot_normal((512, 300), layout="keras", seed=3, n_threads=1)
    b = fastinit.glorot_normal((512, 300), layout="keras", seed=3, n_threads=2)
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("init", ELEMENTWISE + STRUCTURED, ids=repr)
def test_in_place(init):
    shape = (8, 8, 3, 3) if isinstance(init, I.Dirac) else SHAPE
    out = np.full(shape, np.nan, dtype=np.float64)
    res = init(shape, seed=4, out=out)
    assert res is out
    assert out.tobytes() == init(shape, np.float64, seed=4).tobytes()
    res = init(seed=4, out=out)  # shape from out
    assert res is out


def test_functions_equal_classes_with_the_same_layout():
    pairs = [
        (fastinit.he_normal, I.HeNormal, {}), (fastinit.kaiming_uniform, I.HeUniform, {"a": 0.3}),
        (fastinit.glorot_uniform, I.GlorotUniform, {"gain": 2.0}),
        (fastinit.xavier_normal, I.GlorotNormal, {}), (fastinit.lecun_normal, I.LecunNormal, {}),
        (fastinit.lecun_uniform, I.LecunUniform, {}),
    ]
    for func, cls, kw in pairs:
        for layout in ("torch", "keras"):
            a = func(SHAPE, layout=layout, seed=1, **kw)
            b = cls(layout=layout, **kw)(SHAPE, seed=1)
            assert a.tobytes() == b.tobytes(), (func, layout)
    assert fastinit.xavier_uniform is fastinit.glorot_uniform
    assert fastinit.kaiming_normal is fastinit.he_normal
    assert fastinit.eye is fastinit.identity
    # the convention rule: no layout, no default, in every form
    for form in (lambda: fastinit.he_normal(SHAPE), lambda: I.HeNormal(),
                 lambda: fastinit.get("he_normal"), lambda: I.TorchDefaultWeight(),
                 lambda: fastinit.truncated_normal(SHAPE), lambda: I.Orthogonal(),
                 lambda: fastinit.dirac((4, 4, 3, 3)), lambda: I.Sparse(),
                 lambda: fastinit.torch_default_bias((4,), fan_in=3),
                 lambda: fastinit.compute_fans((3, 4), None)):
        with pytest.raises(TypeError, match="depends on the weight layout: pass "
                                            "layout='torch' .*'keras' .*'jax'"):
            form()
    # ... and the same name and options give the same values in every form
    for layout in ("torch", "keras", "jax"):
        want = fastinit.he_normal(SHAPE, layout=layout, seed=3).tobytes()
        assert I.HeNormal(layout=layout)(SHAPE, seed=3).tobytes() == want
        assert fastinit.get("he_normal", layout=layout)(SHAPE, seed=3).tobytes() == want
        assert fastinit.get("HeNormal", layout=layout)(SHAPE, seed=3).tobytes() == want


def test_neutral_defaults_never_mix_conventions():
    """truncated_normal: each layout's framework's defaults, whole (it once gave
    0.05 stddev with +-2 absolute bounds: a +-40 sigma 'truncation')."""
    t = I.TruncatedNormal(layout="torch")    # torch.nn.init.trunc_normal_ defaults
    assert (t.stddev, t.bounds()) == (1.0, (-2.0, 2.0))
    k = I.TruncatedNormal(layout="keras")    # keras.initializers.TruncatedNormal
    assert (k.stddev, k.bounds()) == (0.05, (-0.1, 0.1))
    j = I.TruncatedNormal(layout="jax")      # jax.nn.initializers.truncated_normal()
    assert (j.stddev, j.bounds()) == (0.01, (-0.02, 0.02))
    for layout, init in (("torch", t), ("keras", k), ("jax", j)):
        w = fastinit.truncated_normal((256, 256), layout=layout, seed=0)
        lo, hi = init.bounds()
        assert w.min() >= lo and w.max() <= hi and w.min() < 0.9 * lo and w.max() > 0.9 * hi
    # distribution="normal" is a convention too: truncated in Keras 3, plain in JAX/PyTorch
    assert I.VarianceScaling(distribution="normal", layout="keras").distribution == \
        "truncated_normal"
    for layout in ("torch", "jax"):
        assert I.VarianceScaling(distribution="normal", layout=layout).distribution == \
            "untruncated_normal"


def test_presets_are_variance_scaling():
    """Keras' presets equal VarianceScaling with their (scale, mode, distribution)."""
    k = {"layout": "keras"}
    cases = [(I.GlorotUniform(**k), 1.0, "fan_avg", "uniform"),
             (I.GlorotNormal(**k), 1.0, "fan_avg", "truncated_normal"),
             (I.HeNormal(**k), 2.0, "fan_in", "truncated_normal"),
             (I.HeUniform(**k), 2.0, "fan_in", "uniform"),
             (I.LecunNormal(**k), 1.0, "fan_in", "truncated_normal"),
             (I.LecunUniform(**k), 1.0, "fan_in", "uniform")]
    for preset, scale, mode, dist in cases:
        assert isinstance(preset, I.VarianceScaling)
        assert preset.plan((3, 3, 16, 32)) == \
            I.VarianceScaling(scale, mode, dist, **k).plan((3, 3, 16, 32))


def test_plan_values_follow_the_formulas():
    m, p = I.HeNormal(layout="torch").plan((64, 32, 3, 3))
    assert m == "normal" and p["scale"] == math.sqrt(2.0) / math.sqrt(288)
    m, p = I.HeNormal(layout="keras").plan((3, 3, 32, 64))
    s = math.sqrt(2.0 / 288) / 0.87962566103423978
    assert m == "truncated_normal" and p == {"loc": 0.0, "scale": s, "a": -2 * s, "b": 2 * s}
    m, p = I.GlorotUniform(layout="torch").plan((64, 32))
    assert m == "uniform" and p["high"] == math.sqrt(3.0) * math.sqrt(2.0 / 96) == -p["low"]
    m, p = I.TorchDefaultWeight(layout="torch").plan((10, 20))
    assert p["high"] == pytest.approx(1 / math.sqrt(20), rel=1e-15)


@pytest.mark.parametrize("init", STRUCTURED, ids=repr)
def test_structured_have_no_plan(init):
    assert not init.elementwise
    with pytest.raises(NotImplementedError, match="not elementwise"):
        init.plan((4, 4))


# ------------------------------------------------------------------ bad input --
T = "torch"


def _untouched(out):
    return np.all(out == 7)


@pytest.mark.parametrize("call,exc,match", [
    (lambda o: fastinit.he_normal(o.shape, np.float64, out=o, layout=T), TypeError, "dtype"),
    (lambda o: fastinit.he_normal((4, 4), out=o, layout=T), ValueError, "shape"),
    (lambda o: fastinit.he_normal(o.shape, out=o[:, ::2], layout=T), ValueError, "C-contiguous"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout=T, seed=1, rng=fastinit.default_rng(1)),
     ValueError, "seed or rng"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout=T, rng=np.random.default_rng(1)),
     TypeError, "rng must be a fastinit.Generator"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout=T, n_threads=0), ValueError, "n_threads"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout=T, mode="fan_sum"), ValueError, "mode"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout="caffe"), ValueError, "layout"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout=T, nonlinearity="swish"), ValueError,
     "nonlinearity"),
    (lambda o: fastinit.he_normal(o.shape, out=o, layout=T, in_axis=0), ValueError, "in_axis"),
    (lambda o: fastinit.variance_scaling(o.shape, out=o, layout=T, scale=0.0),
     ValueError, "scale"),
    (lambda o: fastinit.variance_scaling(o.shape, out=o, layout=T, distribution="cauchy"),
     ValueError, "distribution"),
    (lambda o: fastinit.random_normal(o.shape, out=o, stddev=-1.0), ValueError, "stddev"),
    (lambda o: fastinit.random_normal(o.shape, out=o, mean=float("nan")), ValueError, "mean"),
    (lambda o: fastinit.random_uniform(o.shape, out=o, minval=1.0, maxval=0.0), ValueError,
     "minval"),
    (lambda o: fastinit.truncated_normal(o.shape, out=o, layout=T, a=1.0, b=1.0),
     ValueError, "a must"),
    (lambda o: fastinit.truncated_normal(o.shape, out=o, layout=T, stddev=0.0),
     ValueError, "stddev"),
    (lambda o: fastinit.constant(o.shape, out=o, value="1"), TypeError, "value"),
    (lambda o: fastinit.constant(o.shape, out=o, value=1e6), ValueError, "value.*overflows"),
    (lambda o: fastinit.orthogonal((16,), out=o.reshape(-1)[:16], layout=T),
     ValueError, "2 dimensions"),
    (lambda o: fastinit.orthogonal(o.shape, out=o, layout=T, gain=0.0), ValueError, "gain"),
    (lambda o: fastinit.orthogonal(o.shape, out=o, layout=T, column_axis=0),
     ValueError, "column_axis"),
    (lambda o: fastinit.identity((2, 8, 2), out=o.reshape(2, 8, 2)), ValueError, "2-D"),
    (lambda o: fastinit.dirac((3, 2, 2, 2), out=o.reshape(-1)[:24].reshape(3, 2, 2, 2), layout=T,
                              groups=2), ValueError, "groups"),
    (lambda o: fastinit.dirac(o.shape, out=o, layout=T), ValueError, "3-D, 4-D or 5-D"),
    (lambda o: fastinit.sparse(o.shape, out=o, layout=T, sparsity=1.5), ValueError, "sparsity"),
    (lambda o: fastinit.torch_default_bias(o.shape, out=o, layout=T, fan_in=0),
     ValueError, "fan_in"),
    (lambda o: fastinit.torch_default_bias(o.shape, out=o, layout=T), TypeError, "fan_in"),
    (lambda o: fastinit.he_normal(o.shape, "int32", out=o, layout=T), TypeError, "dtype"),
])
def test_bad_input_names_the_argument_and_writes_nothing(call, exc, match):
    out = np.full((4, 8), 7, dtype=np.float16)
    with pytest.raises(exc, match=match):
        call(out)
    assert _untouched(out)


def test_shape_errors():
    with pytest.raises(TypeError, match="shape is required"):
        fastinit.he_normal(layout="torch")
    with pytest.raises(ValueError, match="shape"):
        fastinit.glorot_uniform((4, -2), layout="torch")
    with pytest.raises(ValueError, match="fan_in=0"):
        fastinit.he_normal((4, 0), layout="torch")
    with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
        fastinit.zeros(out=[1.0, 2.0])


def test_constant_family():
    for dt in DTYPES:
        assert np.all(fastinit.zeros((300, 7), dt) == 0)
        assert np.all(fastinit.ones((300, 7), dt) == 1)
        assert np.all(fastinit.constant((5, 3), dt, value=-2.5) == -2.5)
    w = np.empty((64, 64), fastinit.bfloat16)
    assert fastinit.constant(value=0.1, out=w) is w
    assert np.all(w == np.array(0.1, fastinit.bfloat16))
    assert fastinit.zeros((), np.float64) == 0


# -------------------------------------------------------------- configuration --
ALL = ELEMENTWISE + STRUCTURED + [
    I.Orthogonal(layout="jax", column_axis=0), I.Dirac(layout="keras"),
    I.VarianceScaling(layout="jax", in_axis=[0, 1], out_axis=-1, batch_axis=2),
    I.TorchDefaultBias(weight_shape=(3, 3, 8, 16), layout="keras", seed=4),
    I.HeNormal(seed=42, layout="jax"),
]


@pytest.mark.parametrize("init", ALL, ids=repr)
def test_config_json_round_trip(init):
    text = json.dumps(I.serialize(init))
    again = fastinit.get(json.loads(text))
    assert type(again) is type(init) and again.get_config() == init.get_config()
    assert again == init
    assert type(init).from_config(json.loads(json.dumps(init.get_config()))) == init
    assert fastinit.get(text) == init  # JSON text
    shape = (8, 8, 3, 3) if isinstance(init, I.Dirac) else ((4, 6, 5, 3) if isinstance(
        init, I.VarianceScaling) and init.batch_axis is not None else SHAPE)
    assert again(shape, seed=1).tobytes() == init(shape, seed=1).tobytes()


def test_get():
    k = {"layout": "keras"}
    assert isinstance(fastinit.get("glorot_uniform", **k), I.GlorotUniform)
    assert isinstance(fastinit.get("GlorotUniform", **k), I.GlorotUniform)
    assert isinstance(fastinit.get("xavier_uniform", **k), I.GlorotUniform)
    assert isinstance(fastinit.get("kaiming_normal", **k), I.HeNormal)
    assert isinstance(fastinit.get("eye"), I.Identity)
    assert isinstance(fastinit.get("IdentityInitializer"), I.Identity)   # Keras's aliases
    assert isinstance(fastinit.get("OrthogonalInitializer", **k), I.Orthogonal)
    assert fastinit.get("random_normal", stddev=0.02).stddev == 0.02
    assert fastinit.get(I.HeNormal, **k) == I.HeNormal(**k)
    init = I.Orthogonal(**k)
    assert fastinit.get(init) is init
    assert fastinit.get(None) is None
    # a config without a layout takes the caller's, and needs one
    keras_cfg = {"class_name": "HeNormal", "config": {"seed": None}}
    with pytest.raises(TypeError, match="layout"):
        fastinit.get(keras_cfg)
    assert fastinit.get(keras_cfg, layout="torch").layout == "torch"
    # the caller's layout applies to layout-aware initializers only
    assert fastinit.get("he_normal", layout="torch").layout == "torch"
    assert fastinit.get("zeros", layout="torch") == I.Zeros()
    assert fastinit.get(keras_cfg, layout="keras").layout == "keras"
    with pytest.raises(ValueError, match="conflicts"):
        fastinit.get(I.serialize(I.HeNormal(**k)), layout="torch")
    with pytest.raises(ValueError, match="unknown initializer.*glorot_uniform"):
        fastinit.get("glorot_unifrom")
    with pytest.raises(TypeError, match="identifier"):
        fastinit.get(3.0)
    with pytest.raises(TypeError, match="keyword arguments"):
        fastinit.get(init, gain=2.0)
    with pytest.raises(TypeError, match="bad config for RandomNormal"):
        fastinit.get({"class_name": "RandomNormal", "config": {"sigma": 1.0}})
    with pytest.raises(ValueError, match="class_name"):
        fastinit.get({"config": {}})
    with pytest.raises(TypeError, match="seed"):
        I.HeNormal(seed=1.5, **k)
    assert "glorot_uniform" in I.registered_names()
