"""fastinit.keras against Keras 3 itself (JAX backend in this process).

Ports of the behaviours keras/src/initializers/*_test.py checks (written
here, against the adapter), registration and serialization, fastinit.get()
on every Keras 3 config, name, alias and object, and two-sample
Kolmogorov-Smirnov tests against Keras's own draws for every initializer on
a 2-D and a 4-D kernel.
"""
import inspect

import numpy as np
import pytest
from scipy import stats

keras = pytest.importorskip("keras")
fk = pytest.importorskip("fastinit.keras")

import fastinit  # noqa: E402
from fastinit import initializers as I  # noqa: E402

# Keras's own table of names and aliases (keras.initializers.get resolves these)
from keras.src.initializers import ALL_OBJECTS_DICT as KERAS_NAMES  # noqa: E402
from keras.src.initializers.random_initializers import \
    compute_fans as keras_compute_fans  # noqa: E402

NP = keras.ops.convert_to_numpy
STFT_NAMES = {"STFT", "stft", "STFTInitializer"}
KINDS = sorted({cls.__name__ for cls in KERAS_NAMES.values()} - {"Initializer", "STFT"})

#: one instance per Keras class with non-default arguments (kwargs for both libraries)
ARGS = {
    "Constant": {"value": 0.25}, "Zeros": {}, "Ones": {}, "Identity": {"gain": 0.5},
    "RandomNormal": {"mean": 0.1, "stddev": 0.3, "seed": 3},
    "RandomUniform": {"minval": -0.2, "maxval": 0.6, "seed": 3},
    "TruncatedNormal": {"mean": 0.0, "stddev": 0.2, "seed": 3},
    "VarianceScaling": {"scale": 2.5, "mode": "fan_avg", "distribution": "uniform", "seed": 3},
    "GlorotNormal": {"seed": 3}, "GlorotUniform": {"seed": 3}, "HeNormal": {"seed": 3},
    "HeUniform": {"seed": 3}, "LecunNormal": {"seed": 3}, "LecunUniform": {"seed": 3},
    "Orthogonal": {"gain": 2.0, "seed": 3},
}
SHAPES = {"2d": (256, 192), "4d": (3, 3, 48, 64)}


def test_every_keras_name_is_a_subclass_of_keras_own_class():
    for name, keras_cls in KERAS_NAMES.items():
        if keras_cls is keras.initializers.Initializer:
            continue
        ours = getattr(fk, name)
        assert issubclass(ours, keras_cls), name
        assert inspect.signature(ours) == inspect.signature(keras_cls), name
        if name not in STFT_NAMES:  # STFT is Keras's own fixed kernel, re-exported
            assert ours is not keras_cls and isinstance(ours(), fk.Initializer), name
    assert set(ARGS) == set(KINDS)


@pytest.mark.parametrize("name", KINDS)
def test_registered_serializable_round_trip(name):
    obj = getattr(fk, name)(**ARGS[name])
    keras_obj = getattr(keras.initializers, name)(**ARGS[name])
    if name == "Identity":  # Keras 3.15 loses the gain (no get_config); we keep it
        assert keras_obj.get_config() == {} and obj.get_config() == {"gain": 0.5}
    else:
        assert obj.get_config() == keras_obj.get_config()  # Keras's keys and values
    config = keras.saving.serialize_keras_object(obj)
    assert config["registered_name"] == f"fastinit>{name}"
    back = keras.saving.deserialize_keras_object(config)  # no custom_objects
    assert type(back) is type(obj) and back.get_config() == obj.get_config()
    shape = (6, 6)
    assert np.array_equal(NP(back(shape)), NP(obj(shape)))
    # a layer's config carries it: Dense.from_config() rebuilds our class
    layer = keras.layers.Dense.from_config(
        keras.layers.Dense(4, kernel_initializer=obj).get_config())
    assert type(layer.kernel_initializer) is type(obj)


# ----------------------------------------- ports of keras/src/initializers tests --
def test_random_normal_port():
    shape = (25, 20)
    init = fk.RandomNormal(mean=0.0, stddev=1.0, seed=1234)
    values = NP(init(shape=shape))
    assert (init.mean, init.stddev, init.seed) == (0.0, 1.0, 1234)
    assert values.shape == shape and abs(values.std() - 1.0) < 0.1
    # a fixed seed gives the same values at every call
    init = fk.RandomNormal(seed=1337)
    assert np.array_equal(NP(init(shape)), NP(init(shape)))
    # a SeedGenerator gives new values at every call, reproducibly
    init = fk.RandomNormal(seed=keras.random.SeedGenerator(1337))
    first, second = NP(init(shape)), NP(init(shape))
    assert not np.allclose(first, second)
    again = fk.RandomNormal(seed=keras.random.SeedGenerator(1337))
    assert np.array_equal(NP(again(shape)), first)
    # unseeded: a clone from its config draws other values; seeded: the same
    init = fk.RandomNormal(seed=None)
    assert np.array_equal(NP(init(shape)), NP(init(shape)))   # seed fixed at construction
    clone = fk.RandomNormal.from_config(init.get_config())
    assert not np.allclose(NP(init(shape)), NP(clone(shape)))
    init = fk.RandomNormal(seed=1337)
    clone = fk.RandomNormal.from_config(init.get_config())
    assert np.array_equal(NP(init(shape)), NP(clone(shape)))
    # keras.utils.set_random_seed makes unseeded initializers reproducible, as in Keras
    keras.utils.set_random_seed(7)
    a = NP(fk.RandomNormal()(shape))
    keras.utils.set_random_seed(7)
    assert np.array_equal(a, NP(fk.RandomNormal()(shape)))


def test_random_uniform_port():
    init = fk.RandomUniform(minval=-1.0, maxval=1.0, seed=1234)
    values = NP(init(shape=(5, 5)))
    assert values.shape == (5, 5) and values.min() >= -1.0 and values.max() < 1.0


def test_variance_scaling_port():
    shape = (25, 20)
    for mode, n in (("fan_in", 25), ("fan_out", 20)):
        init = fk.VarianceScaling(scale=2.0, seed=1234, mode=mode)
        values = NP(init(shape))
        assert init.scale == 2.0 and init.seed == 1234 and values.shape == shape
        assert abs(values.std() - np.sqrt(2.0 / n)) < 0.1


def test_orthogonal_port():
    init = fk.Orthogonal(gain=2.0, seed=1234)
    values = NP(init(shape=(5, 5)))
    for i in range(5):
        assert np.linalg.norm(values[:, i]) == pytest.approx(2.0, abs=1e-5)
        for j in range(i):
            assert np.dot(values[:, i], values[:, j]) == pytest.approx(0.0, abs=1e-5)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        init(shape=(5,))


def test_get_port():
    assert isinstance(fk.get("glorot_normal"), fk.GlorotNormal)
    assert isinstance(fk.get("OrthogonalInitializer"), fk.Orthogonal)
    assert isinstance(fk.get({"class_name": "HeNormal", "config": {"seed": 2}}), fk.HeNormal)
    assert fk.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret initializer"):
        fk.get("typo")
    for name, keras_cls in KERAS_NAMES.items():   # every name Keras resolves, resolved to ours
        if keras_cls is not keras.initializers.Initializer:
            assert type(fk.get(name)) is getattr(fk, keras_cls.__name__), name
    with pytest.raises(ValueError, match="Could not interpret initializer"):
        fk.get("Initializer")


@pytest.mark.parametrize("kwargs,match", [
    ({"scale": -1.0}, "Argument `scale` must be positive float"),
    ({"mode": "invalid_mode"}, "Invalid `mode` argument:"),
    ({"distribution": "invalid_dist"}, "Invalid `distribution` argument:"),
])
def test_variance_scaling_invalid_port(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fk.VarianceScaling(**kwargs)


def test_serialization_with_seed_generator_port():
    for cls in (fk.Orthogonal, fk.VarianceScaling, fk.RandomUniform, fk.RandomNormal):
        init = cls(seed=keras.random.SeedGenerator(5))
        back = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(init))
        assert type(back) is cls and back.get_config() == init.get_config()


def test_compute_fans_with_axes_port():
    for shape, ins, outs in (((512, 8, 64), [0], [1, 2]), ((512, 8, 64), [0, 1], [2]),
                             ((3, 3, 16, 32), None, None), ((7,), None, None), ((), None, None)):
        assert I.compute_fans(shape, "keras", input_axes=ins, output_axes=outs) == \
            keras_compute_fans(shape, input_axes=ins, output_axes=outs)


def test_variance_scaling_with_axes_port():
    shape = (32, 4, 16)
    init = fk.VarianceScaling(scale=2.0, seed=1234, mode="fan_in", input_axes=[0],
                              output_axes=[1, 2])
    assert abs(NP(init(shape)).std() - np.sqrt(2.0 / 32)) < 0.1
    init = fk.VarianceScaling(scale=2.0, seed=1234, mode="fan_in")
    assert abs(NP(init(shape)).std() - np.sqrt(2.0 / 128)) < 0.1


def test_mha_query_projection_variance_port():
    """EinsumDense hands input/output axes to Keras VarianceScaling initializers
    (isinstance check): ours are Keras's subclasses, so they get them too."""
    mha = keras.layers.MultiHeadAttention(num_heads=8, key_dim=16,
                                          kernel_initializer=fk.LecunNormal(seed=1))
    mha.build((None, 10, 32), (None, 10, 32))
    kernel = NP(mha.query_dense.kernel.value)
    assert kernel.shape == (32, 8, 16)
    assert type(mha.query_dense.kernel_initializer) is fk.LecunNormal
    assert abs(kernel.std() - np.sqrt(1.0 / 32)) < 0.1 * np.sqrt(1.0 / 32)


def test_constant_initializers_port():
    shape = (3, 3)
    for name in ("Zeros", "Ones", "Constant"):
        ours, theirs = getattr(fk, name)(**ARGS[name]), getattr(keras.initializers, name)(
            **ARGS[name])
        for dtype in ("float32", "float16", "bfloat16", "int32"):
            assert np.array_equal(NP(ours(shape, dtype)), NP(theirs(shape, dtype)))
            assert NP(ours(shape, dtype)).dtype == NP(theirs(shape, dtype)).dtype
    got = NP(fk.Identity(gain=2.0)((3, 4)))
    assert np.array_equal(got, NP(keras.initializers.Identity(gain=2.0)((3, 4))))
    with pytest.raises(ValueError, match="2D matrices"):
        fk.Identity()((3, 3, 3))
    # a non-scalar Constant is Keras's own business
    vec = np.arange(3.0, dtype=np.float32)
    assert np.array_equal(NP(fk.Constant(vec)((2, 3))), np.broadcast_to(vec, (2, 3)))


# ------------------------------------------------------ same values, every form --
@pytest.mark.parametrize("name", [k for k in KINDS if "seed" in ARGS[k]])
def test_same_values_in_every_form(name):
    """fastinit.keras, fastinit.get(object), fastinit.get(Keras's own config) and the
    neutral class with layout="keras" give the same bits for the same seed."""
    shape = (3, 3, 16, 24)
    ours = NP(getattr(fk, name)(**ARGS[name])(shape))
    via_object = fastinit.get(getattr(fk, name)(**ARGS[name]))(shape)
    keras_config = keras.saving.serialize_keras_object(
        getattr(keras.initializers, name)(**ARGS[name]))
    via_config = fastinit.get(keras_config)(shape)
    via_keras_object = fastinit.get(getattr(keras.initializers, name)(**ARGS[name]))(shape)
    assert ours.tobytes() == via_object.tobytes() == via_config.tobytes() \
        == via_keras_object.tobytes()
    assert via_object.layout == "keras" if hasattr(via_object, "layout") else True


def test_fastinit_get_accepts_every_keras_config_name_alias_and_object():
    for name, cls in KERAS_NAMES.items():
        if cls is keras.initializers.Initializer:
            continue
        init = fastinit.get(name, layout="keras")
        assert isinstance(init, I.Initializer), name
        assert getattr(init, "layout", "keras") == "keras"
    # Keras 3.15 configs, including the input_axes/output_axes keys and SeedGenerator seeds
    for kind in KINDS:
        for extra in ({}, {"input_axes": [0], "output_axes": [1, 2]}):
            if extra and not issubclass(getattr(keras.initializers, kind),
                                        keras.initializers.VarianceScaling):
                continue
            keras_obj = getattr(keras.initializers, kind)(**ARGS[kind], **extra)
            config = keras.saving.serialize_keras_object(keras_obj)
            init = fastinit.get(config)
            assert type(init).__name__ == kind
            if extra:
                assert (init.input_axes, init.output_axes) == ([0], [1, 2])
                assert init.fans((32, 4, 16)) == (32, 64)
            assert fastinit.get(keras_obj).get_config() == init.get_config()
    config = keras.saving.serialize_keras_object(
        keras.initializers.HeNormal(seed=keras.random.SeedGenerator(11)))
    assert fastinit.get(config).seed == 11
    live = keras.initializers.HeNormal(seed=keras.random.SeedGenerator(11))
    state = NP(live.seed.state.value).astype(np.uint64)
    assert fastinit.get(live).seed == int(state[0]) << 32 | int(state[1])
    # a Keras object with seed=None holds the int seed Keras drew: repeated calls agree
    unseeded = keras.initializers.GlorotUniform()
    assert fastinit.get(unseeded).seed == unseeded.seed
    # and the layout is Keras's: a conflicting one is an error
    with pytest.raises(ValueError, match="conflicts"):
        fastinit.get(config, layout="torch")


@pytest.mark.parametrize("kwargs", [{}, {"side": "imag", "window": "hamming", "periodic": True,
                                         "scaling": "spectrum"},
                                     {"window": None, "scaling": None},
                                     {"window": [0.5, 1.0, 1.0, 0.5, 0.25, 0.1]}])
def test_stft_config_gives_keras_kernel(kwargs):
    """The one non-random Keras initializer: fastinit.get() reads its config and
    computes the same kernel (in float64, rounded once: within float32 rounding)."""
    theirs = keras.initializers.STFT(**kwargs)
    ours = fastinit.get(keras.saving.serialize_keras_object(theirs))
    assert isinstance(ours, I.STFT) and fastinit.get(theirs).get_config() == ours.get_config()
    want = NP(theirs((6, 1, 9)))
    got = ours((6, 1, 9))
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.allclose(got, want, rtol=0, atol=2e-6)
    assert np.array_equal(ours((6, 3, 9))[:, 2], got[:, 0])   # repeated over channels
    with pytest.raises(ValueError, match="3-D"):
        ours((6, 9))


def test_distribution_normal_means_truncated_as_keras():
    init = fk.VarianceScaling(scale=1.0, distribution="normal", seed=2)
    assert init.distribution == "truncated_normal"
    values = NP(init((400, 300)))
    limit = 2 * np.sqrt(1 / 400) / 0.87962566103423978
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.99 * limit
    assert abs(values.std() / np.sqrt(1 / 400) - 1) < 0.02


def test_dtypes_and_mixed_precision():
    for dtype in ("float32", "float16", "bfloat16"):
        values = fk.HeUniform(seed=4)((64, 32), dtype)
        assert keras.backend.standardize_dtype(values.dtype) == dtype
        want = fastinit.he_uniform((64, 32), dtype, layout="keras", seed=4)
        assert NP(values).astype(np.float32).tobytes() == want.astype(np.float32).tobytes()
    with pytest.raises(ValueError, match="floating-point"):
        fk.HeNormal(seed=1)((4, 4), "int32")
    policy = keras.config.dtype_policy()
    try:
        keras.config.set_dtype_policy("mixed_bfloat16")      # float32 variables, bf16 compute
        layer = keras.layers.Dense(8, kernel_initializer=fk.GlorotNormal(seed=5))
        layer.build((None, 16))
        assert keras.backend.standardize_dtype(layer.kernel.dtype) == "float32"
        want = fastinit.glorot_normal((16, 8), layout="keras", seed=5)
        assert NP(layer.kernel.value).tobytes() == want.tobytes()
    finally:
        keras.config.set_dtype_policy(policy)
    layer = keras.layers.Dense(8, kernel_initializer=fk.GlorotNormal(seed=5), dtype="bfloat16")
    layer.build((None, 16))
    assert keras.backend.standardize_dtype(layer.kernel.dtype) == "bfloat16"
    want = fastinit.glorot_normal((16, 8), "bfloat16", layout="keras", seed=5)
    assert NP(layer.kernel.value).astype(np.float32).tobytes() == want.astype(np.float32).tobytes()


# ------------------------------------------------- KS against Keras's own draws --
KS_CASES = [(name, ARGS[name]) for name in KINDS if "seed" in ARGS[name]] + [
    ("VarianceScaling", {"scale": 0.7, "mode": m, "distribution": d})
    for m in ("fan_in", "fan_out") for d in ("truncated_normal", "untruncated_normal", "normal")
]


@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize("name,kwargs", KS_CASES, ids=lambda x: str(x))
def test_ks_against_keras(name, kwargs, kind):
    """Two-sample KS: fastinit's values and Keras's (same class and arguments,
    unrelated seeds) come from one distribution (p > 1e-6)."""
    shape = SHAPES[kind]
    kwargs = {**kwargs, "seed": 101}
    ours = NP(getattr(fk, name)(**kwargs)(shape)).ravel()
    theirs = NP(getattr(keras.initializers, name)(**{**kwargs, "seed": 202})(shape)).ravel()
    p = stats.ks_2samp(ours, theirs).pvalue
    assert p > 1e-6, (name, kwargs, shape, p)


def test_neutral_function_in_keras_is_loud_not_silently_torch():
    """The issue's trap: kernel_initializer=fastinit.he_normal used to draw with
    PyTorch's fans; now it says which layout to pick (and where the adapter is)."""
    layer = keras.layers.Dense(8, kernel_initializer=fastinit.he_normal)
    with pytest.raises(TypeError, match=r"layout='torch'.*'keras'.*fastinit\.keras"):
        layer.build((None, 16))
