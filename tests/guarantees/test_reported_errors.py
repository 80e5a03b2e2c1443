"""Bad input found by an independent attack on the guarantees (issue 15): each
case is refused with the ecosystem's exception type naming the argument, or
gives values inside the documented bounds."""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

import fastinit
from fastinit.model import init_model, init_tensor, load_spec
from tests.support.processes import mentions

BF16 = np.dtype(fastinit.bfloat16)


# ------------------------------------------------------------ bounds --
@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16, np.float64],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("low,high", [(0.7, 0.700001), (0.1, 0.3), (-0.3, 0.7), (1 / 3, 2 / 3),
                                      (0.7, 0.71), (-1e-3, 1 / 3), (-2.5, 1e-7)])
def test_uniform_never_leaves_low_high(dtype, low, high):
    # Bounds that the dtype cannot represent: rounding low, low + width * u,
    # or the conversion to 16 bits used to step outside [low, high].
    dtype = np.dtype(dtype)
    try:
        x = fastinit.default_rng(5).uniform(low, high, size=1 << 16, dtype=dtype)
    except ValueError as exc:  # only when no value of the dtype lies in [low, high]
        assert mentions(str(exc), "low") and mentions(str(exc), "high")
        lo16 = np.array(low).astype(dtype).astype(np.float64)
        assert not any(low <= v <= high for v in (np.nextafter(lo16, -1), lo16))
        return
    wide = x.astype(np.float64)
    assert wide.min() >= low and wide.max() <= high
    assert len(np.unique(wide)) > 1 or dtype != np.float64


def test_uniform_with_no_value_of_the_dtype_inside_is_refused_naming_the_bounds():
    rng = fastinit.default_rng(0)
    with pytest.raises(ValueError, match=r"low, high"):
        rng.uniform(0.7, 0.70001, size=4, dtype=np.float16)
    assert rng.position == 0
    assert fastinit.default_rng(0).uniform(0.5, 0.5, size=3, dtype=np.float16).tolist() == [0.5] * 3


@pytest.mark.parametrize("dtype,gain", [("float32", 3e38), ("bfloat16", 3e38),
                                        ("float16", 7e4), ("float64", 1.7e308)])
def test_orthogonal_with_a_gain_beyond_the_dtype_is_refused(dtype, gain):
    with pytest.raises(ValueError, match=r"\bgain\b"):
        fastinit.orthogonal((8, 8), dtype, gain=gain, seed=0, layout="torch")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_orthogonal_just_inside_the_gain_limit_is_finite(dtype):
    gain = float(np.finfo(dtype).max) / 4
    for shape in [(1, 1), (64, 64), (40, 70), (70, 40)]:
        w = fastinit.orthogonal(shape, dtype, gain=gain, seed=1, layout="torch")
        assert np.isfinite(w).all()


# ------------------------------------------------------- parameters --
@pytest.mark.parametrize("init", ["he_normal", "he_uniform"])
def test_he_with_a_slope_whose_square_overflows_names_a(init):
    with pytest.raises(OverflowError, match=r"\ba="):
        getattr(fastinit, init)((3, 3), a=1e200, seed=0, layout="torch")
    # a is only used by leaky_relu, as in PyTorch
    assert getattr(fastinit, init)((3, 3), a=1e200, nonlinearity="relu", seed=0, layout="torch").shape == (3, 3)


def test_calculate_gain_with_a_slope_whose_square_overflows_names_param():
    from fastinit.initializers import calculate_gain
    with pytest.raises(OverflowError, match=r"\bparam\b"):
        calculate_gain("leaky_relu", 1e200)


# ------------------------------------------------------------- state --
@pytest.mark.parametrize("bad,error", [
    (None, TypeError),
    ("{'key': (1, 2)}", TypeError),
    ({"key": (1, 2), "stream_id": 0}, ValueError),                       # missing position
    ({"key": (1, 2), "stream_id": 0, "position": 0, "extra": 1}, ValueError),
    ({"key": (1, 2), "stream_id": 0.9, "position": 0}, TypeError),       # was truncated to 0
    ({"key": (1, 2), "stream_id": 0, "position": 3.7}, TypeError),       # was truncated to 3
    ({"key": (1.5, 2), "stream_id": 0, "position": 0}, TypeError),
    ({"key": ("1", "2"), "stream_id": 0, "position": 0}, TypeError),     # was parsed
    ({"key": "12", "stream_id": 0, "position": 0}, TypeError),
    ({"key": (1, 2), "stream_id": "5", "position": 0}, TypeError),
    ({"key": (1, 2), "stream_id": True, "position": 0}, TypeError),
    ({"key": None, "stream_id": 0, "position": 0}, TypeError),
])
def test_state_setter_is_strict_and_changes_nothing_when_it_refuses(bad, error):
    rng = fastinit.default_rng(1)
    rng.random(5)
    before = rng.state
    with pytest.raises(error, match=r"\bstate\b"):
        rng.state = bad
    assert rng.state == before


def test_state_round_trips():
    rng = fastinit.default_rng(1).stream("a")
    rng.random(7)
    other = fastinit.default_rng(2)
    other.state = rng.state
    assert other.random(4).tobytes() == rng.random(4).tobytes()
    other.state = {"key": np.array([1, 2], np.uint32), "stream_id": np.uint64(3),
                   "position": np.int64(4)}
    assert other.state == {"key": (1, 2), "stream_id": 3, "position": 4}


# ---------------------------------------------------------- booleans --
@pytest.mark.parametrize("call,name", [
    (lambda r: r.random(size=True), "size"),
    (lambda r: r.random(size=(2, True)), "size"),
    (lambda r: r.standard_normal(size=np.True_), "size"),
    (lambda r: r.random(size=3, n_threads=True), "n_threads"),
    (lambda r: r.random(size=3, n_threads=False), "n_threads"),
    (lambda r: fastinit.threads(True).__enter__(), "n_threads"),
])
def test_booleans_are_refused_as_sizes_and_thread_counts(call, name):
    rng = fastinit.default_rng(0)
    with pytest.raises(TypeError) as info:
        call(rng)
    assert mentions(str(info.value), name), info.value
    assert rng.position == 0


@pytest.mark.parametrize("chunks", [True, (True, 2), ((1, 1), True)])
def test_booleans_are_refused_as_dask_chunks(chunks):
    fd = pytest.importorskip("fastinit.dask")
    rng = fd.default_rng(0)
    with pytest.raises(TypeError, match=r"\bchunks\b"):
        rng.random(size=(2, 2), chunks=chunks)
    assert rng.position == 0


# ------------------------------------------------------------ specs --
def test_a_tensor_name_given_twice_in_a_json_spec_is_refused(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{"w": {"shape": [2], "init": "zeros"}, "w": {"shape": [3], "init": "ones"}}')
    with pytest.raises(ValueError, match=r"spec=.*'w' is given twice"):
        load_spec(path)


def test_a_tensor_name_given_twice_in_a_yaml_spec_is_refused(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "spec.yaml"
    path.write_text("w:\n  shape: [2]\n  init: zeros\nw:\n  shape: [3]\n  init: ones\n")
    with pytest.raises(ValueError, match=r"spec=.*'w' is given twice"):
        load_spec(path)
    path.write_text("base: &b {shape: [2], init: zeros}\nw:\n  <<: *b\n  dtype: float16\n")
    assert load_spec(path).tensors["w"].dtype == np.float16  # merge keys still work


def test_a_null_dtype_means_the_default_dtype(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"w": {"shape": [2], "init": "zeros", "dtype": None},
                                "v": {"shape": [2], "init": "zeros"}}))
    spec = load_spec(path)
    assert spec.tensors["w"].dtype == spec.tensors["v"].dtype == np.float32


def test_a_lone_surrogate_tensor_name_is_refused_before_a_file_is_written(tmp_path):
    spec = {"ok": {"shape": [4], "init": "ones"}, "bad\udc80": {"shape": [4], "init": "zeros"}}
    assert init_model(spec, seed=0)["bad\udc80"].shape == (4,)  # a valid stream name in memory
    target = tmp_path / "m.safetensors"
    with pytest.raises(ValueError, match=r"tensor name 'bad\\udc80'.*UTF-8"):
        init_model(spec, seed=0, out=target)
    assert os.listdir(tmp_path) == []


def test_init_tensor_checks_memory_naming_the_tensor():
    spec = {"huge": {"shape": [1 << 20, 1 << 20], "init": "zeros"}}  # 4 TiB
    with pytest.raises(MemoryError, match=r"spec\['huge'\]\['shape'\].*memory available"):
        init_tensor(spec, "huge")
    assert math.prod(load_spec(spec).tensors["huge"].shape) == 1 << 40


def test_a_dask_chunk_checks_the_workers_memory_naming_the_chunk():
    fd = pytest.importorskip("fastinit.dask")
    big = fd.default_rng(0).random(size=(1 << 20, 1 << 20), chunks=(1 << 20, 1 << 20),
                                   dtype="float32")  # one 4 TiB chunk
    with pytest.raises(MemoryError, match=r"chunk=\(1048576, 1048576\).*memory available"):
        big.compute(scheduler="synchronous")
