"""Fans in each layout, the gain table, layout/mode names."""
import math

import pytest

import fastinit
from fastinit.initializers import calculate_gain, compute_fans
from fastinit.initializers._fans import fan_for_mode, resolve_layout
from fastinit.initializers._gain import gain_squared


@pytest.mark.parametrize("shape,fans", [
    ((20, 30), (30, 20)),
    ((64, 32, 3, 3), (32 * 9, 64 * 9)),
    ((8, 4, 5), (20, 40)),
    ((2, 3, 4, 5, 6), (3 * 120, 2 * 120)),
])
def test_torch_layout(shape, fans):
    assert compute_fans(shape, "torch") == fans
    assert compute_fans(shape, "pytorch") == fans


@pytest.mark.parametrize("shape,fans", [
    ((), (1, 1)),
    ((7,), (7, 7)),
    ((30, 20), (30, 20)),
    ((3, 3, 32, 64), (32 * 9, 64 * 9)),
    ((5, 4, 8), (20, 40)),
])
def test_keras_layout(shape, fans):
    assert compute_fans(shape, "keras") == fans


def test_same_layer_same_fans_in_both_layouts():
    # a conv layer 32 -> 64 channels, 3x5 kernel
    assert compute_fans((64, 32, 3, 5), "torch") == compute_fans((3, 5, 32, 64), "keras")


def test_jax_axes():
    assert compute_fans((3, 3, 32, 64), "jax") == (288, 576)
    # batch of 4 stacked (in=16, out=8) matrices: the batch axis is no receptive field
    assert compute_fans((4, 16, 8), "jax", in_axis=1, out_axis=2, batch_axis=0) == (16, 8)
    # torch-like layout expressed with axes
    assert compute_fans((64, 32, 3, 3), "jax", in_axis=1, out_axis=0) == (288, 576)
    # several input axes (e.g. heads x head_dim)
    assert compute_fans((8, 64, 512), "jax", in_axis=(0, 1), out_axis=-1) == (512, 512)


@pytest.mark.parametrize("layout", ["torch", "jax"])
@pytest.mark.parametrize("shape", [(), (5,)])
def test_rank_below_two_is_an_error_in_torch_and_jax(layout, shape):
    with pytest.raises(ValueError, match="shape"):
        compute_fans(shape, layout)


def test_axis_errors():
    with pytest.raises(ValueError, match="in_axis.*layout='jax'"):
        compute_fans((3, 4), "torch", in_axis=0)
    with pytest.raises(ValueError, match="batch_axis.*layout='jax'"):
        compute_fans((3, 4), "keras", batch_axis=0)
    with pytest.raises(ValueError, match="out_axis"):
        compute_fans((3, 4), "jax", out_axis=5)
    with pytest.raises(ValueError, match="different axes"):
        compute_fans((3, 4, 5), "jax", in_axis=0, out_axis=0)
    with pytest.raises(TypeError, match="in_axis"):
        compute_fans((3, 4), "jax", in_axis="0")


def test_layout_names():
    assert resolve_layout("TF") == "keras" and resolve_layout("flax") == "jax"
    with pytest.raises(ValueError, match="layout"):
        resolve_layout("caffe")
    with pytest.raises(TypeError, match="layout"):
        resolve_layout(None)


def test_bad_shape():
    with pytest.raises(ValueError, match="shape"):
        compute_fans((3, -1), "torch")
    with pytest.raises(TypeError, match="shape"):
        compute_fans((3, 1.5), "torch")


def test_modes():
    assert fan_for_mode((4, 9), (9, 4), "fan_in", "torch") == 9
    assert fan_for_mode((4, 9), (9, 4), "fan_out", "torch") == 4
    assert fan_for_mode((4, 9), (9, 4), "fan_avg", "torch") == 6.5
    assert fan_for_mode((4, 9), (9, 4), "fan_geo_avg", "torch") == 6.0


@pytest.mark.parametrize("shape,layout,mode,fan", [
    ((0, 5), "torch", "fan_out", "fan_out"),
    ((5, 0), "torch", "fan_in", "fan_in"),
    ((5, 0, 3), "torch", "fan_avg", "fan_in"),
    ((4, 0), "jax", "fan_geo_avg", "fan_out"),
])
def test_zero_fan_is_a_clear_error(shape, layout, mode, fan):
    with pytest.raises(ValueError, match=rf"shape=.*{fan}=0.*divide by zero"):
        fastinit.variance_scaling(shape, mode=mode, layout=layout, seed=0)


def test_keras_layout_divides_by_at_least_one():
    """Keras 3 scales by max(1, fan): a zero fan is no error in its layout."""
    for shape in ((3, 3, 0, 8), (0,)):
        assert fan_for_mode(shape, compute_fans(shape, "keras"), "fan_in", "keras") == 1.0
        assert fastinit.variance_scaling(shape, layout="keras", seed=0).shape == shape


def test_zero_fan_not_used_by_mode_is_fine():
    # fan_out = 0 but mode fan_in uses only fan_in: an empty array, no division by zero
    w = fastinit.he_normal((0, 5), layout="torch", seed=0)
    assert w.shape == (0, 5)


def test_keras_input_and_output_axes():
    """Keras 3.15 compute_fans(shape, input_axes, output_axes): products of those axes,
    no receptive field; used only when both are given."""
    assert compute_fans((3, 3, 32, 64), "keras", input_axes=[2], output_axes=[3]) == (32, 64)
    assert compute_fans((4, 8, 16), "keras", input_axes=[0, 1], output_axes=[-1]) == (32, 16)
    assert compute_fans((3, 3, 32, 64), "keras", input_axes=[2]) == (288, 576)
    with pytest.raises(ValueError, match="input_axes is a Keras option"):
        compute_fans((3, 4), "jax", input_axes=[0], output_axes=[1])
    with pytest.raises(ValueError, match="output_axes"):
        compute_fans((3, 4), "keras", input_axes=[0], output_axes=[2])


# the gain table (PyTorch's calculate_gain documentation)
@pytest.mark.parametrize("name,param,gain", [
    ("linear", None, 1.0), ("conv1d", None, 1.0), ("conv2d", None, 1.0), ("conv3d", None, 1.0),
    ("conv_transpose1d", None, 1.0), ("conv_transpose2d", None, 1.0),
    ("conv_transpose3d", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)), ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
    ("leaky_relu", 0, math.sqrt(2)),
    ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
])
def test_calculate_gain(name, param, gain):
    assert calculate_gain(name, param) == pytest.approx(gain, rel=1e-15)
    assert gain_squared(name, param) == pytest.approx(gain ** 2, rel=1e-15)
    assert fastinit.calculate_gain is calculate_gain


def test_gain_squared_is_exact_for_relu():
    assert gain_squared("relu") == 2.0  # Keras' HeNormal scale, exactly


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        calculate_gain("swish")
    with pytest.raises(ValueError, match="negative slope"):
        calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="negative slope"):
        calculate_gain("leaky_relu", "0.1")
    with pytest.raises(ValueError, match="finite"):
        calculate_gain("leaky_relu", float("nan"))
    with pytest.raises(TypeError, match="nonlinearity"):
        calculate_gain(None)
