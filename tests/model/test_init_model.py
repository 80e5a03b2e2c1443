"""Whole-model initialization (issue 5): init_model, init_tensor, specs, presets, files."""
import errno
import hashlib
import json
import math
import os
import sys

import numpy as np
import pytest

import fastinit
from fastinit.model import ProgressEvent, init_model, init_tensor, load_spec, presets

safetensors = pytest.importorskip("safetensors")
from safetensors import safe_open  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402


def _spec():
    """A small spec with every dtype, several initializers, odd sizes."""
    return {
        "embed.weight": {"shape": [97, 33], "init": "normal", "mean": 0.0, "stddev": 0.02},
        "proj.weight": {"shape": [40, 33], "dtype": "bfloat16", "init": "glorot_uniform",
                        "layout": "torch"},
        "proj.bias": {"shape": [40], "dtype": "bfloat16", "init": "zeros"},
        "conv.weight": {"shape": [8, 3, 3, 3], "dtype": "float16", "init": "he_normal",
                        "layout": "torch"},
        "trunc": {"shape": [1001], "dtype": "float64", "init": "truncated_normal",
                  "stddev": 0.5, "a": -1.0, "b": 1.0, "layout": "torch"},
        "uni": {"shape": [7, 5], "init": "uniform", "minval": -3.0, "maxval": 2.0},
        "scale": {"shape": [], "init": "constant", "value": 0.25},
        "norm.weight": {"shape": [33], "init": "ones"},
        "empty": {"shape": [0, 3], "init": "normal", "stddev": 1.0},
        "__metadata__": {"origin": "test"},
    }


def _tensor_names(spec):
    return [k for k in spec if k != "__metadata__"]


def _bits(a):
    return np.ascontiguousarray(a).view(np.uint8).tobytes()


# ------------------------------------------------------------- in memory --
def test_arrays_match_spec_and_init_tensor():
    spec = _spec()
    arrays = init_model(spec, seed=7)
    assert list(arrays) == _tensor_names(spec)
    for name in arrays:
        entry = spec[name]
        assert arrays[name].shape == tuple(entry["shape"])
        assert arrays[name].dtype == fastinit._dtypes.resolve_float_dtype(
            entry.get("dtype", "float32"))
        assert _bits(arrays[name]) == _bits(init_tensor(spec, name, seed=7))
    assert np.all(arrays["norm.weight"] == 1) and np.all(arrays["proj.bias"] == 0)
    assert arrays["scale"][()] == 0.25
    assert np.abs(arrays["trunc"]).max() <= 1.0


def test_each_tensor_is_its_named_substream():
    """The stream contract: tensor ``name`` is ``default_rng(seed).stream(name)`` at 0."""
    spec = _spec()
    arrays = init_model(spec, seed=11)
    expected = fastinit.default_rng(11).stream("embed.weight").normal(
        0.0, 0.02, size=(97, 33), dtype=np.float32)
    assert _bits(arrays["embed.weight"]) == _bits(expected)
    expected = fastinit.default_rng(11).stream("uni").uniform(-3.0, 2.0, size=(7, 5),
                                                                dtype=np.float32)
    assert _bits(arrays["uni"]) == _bits(expected)


def test_reorder_add_remove_change_nothing_else():
    spec = _spec()
    base = init_model(spec, seed=3)
    names = _tensor_names(spec)
    reordered = {name: spec[name] for name in reversed(names)}
    smaller = {name: spec[name] for name in names if name != "embed.weight"}
    bigger = {"extra": {"shape": [1000], "init": "normal", "stddev": 1.0}, **spec}
    for variant in (reordered, smaller, bigger):
        arrays = init_model(variant, seed=3)
        for name in arrays:
            if name in base:
                assert _bits(arrays[name]) == _bits(base[name]), name


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_pieces_equal_the_whole_tensor_draw(monkeypatch, n_threads):
    """Tensors cut into pieces filled by several workers: the same bits as one call."""
    import fastinit.model._fill as mf

    monkeypatch.setattr(mf, "CHUNK", 1000)  # every tensor above 1000 elements is cut
    spec = _spec()
    spec["orth"] = {"shape": [30, 20], "init": "orthogonal", "layout": "torch"}  # stays whole
    spec["orth_big"] = {"shape": [60, 40], "init": "orthogonal", "layout": "torch"}  # all threads
    spec["big_ones"] = {"shape": [2500], "dtype": "float16", "init": "ones"}
    arrays = init_model(spec, seed=5, n_threads=n_threads)
    model = load_spec(spec)
    for name, tensor in model.tensors.items():
        whole = tensor.initializer(tensor.shape, tensor.dtype,
                                   rng=fastinit.default_rng(5).stream(name))
        assert _bits(arrays[name]) == _bits(whole), name
    assert model.tensors["embed.weight"].size > 3 * 1000  # really cut


def test_seed_matters_and_threads_do_not():
    spec = _spec()
    a = init_model(spec, seed=1, n_threads=1)
    b = init_model(spec, seed=1, n_threads=2)
    c = init_model(spec, seed=2)
    assert all(_bits(a[n]) == _bits(b[n]) for n in a)
    assert _bits(a["embed.weight"]) != _bits(c["embed.weight"])
    seq = np.random.SeedSequence(1)
    d = init_model(spec, seed=seq)
    assert all(_bits(a[n]) == _bits(d[n]) for n in a)


def test_init_tensor_out_in_place():
    spec = _spec()
    out = np.empty((97, 33), np.float32)
    result = init_tensor(spec, "embed.weight", seed=5, out=out)
    assert result is out
    assert _bits(out) == _bits(init_model(spec, seed=5)["embed.weight"])
    with pytest.raises(ValueError, match="shape"):
        init_tensor(spec, "embed.weight", seed=5, out=np.empty((33, 97), np.float32))
    with pytest.raises(TypeError, match="dtype"):
        init_tensor(spec, "embed.weight", seed=5, out=np.empty((97, 33), np.float64))
    with pytest.raises(KeyError, match="'nope' is not a tensor"):
        init_tensor(spec, "nope", seed=5)


def test_spec_files_json_and_yaml(tmp_path):
    spec = _spec()
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    expected = init_model(spec, seed=4)
    from_json = init_model(path, seed=4)
    assert all(_bits(expected[n]) == _bits(from_json[n]) for n in expected)
    assert _bits(init_tensor(str(path), "conv.weight", 4)) == _bits(expected["conv.weight"])
    yaml = pytest.importorskip("yaml")
    ypath = tmp_path / "spec.yaml"
    ypath.write_text(yaml.safe_dump(spec))
    from_yaml = init_model(ypath, seed=4)
    assert all(_bits(expected[n]) == _bits(from_yaml[n]) for n in expected)


def test_yaml_without_pyyaml_is_a_clear_error(tmp_path, monkeypatch):
    ypath = tmp_path / "spec.yml"
    ypath.write_text("w: {shape: [2], init: zeros}\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml -> ImportError
    with pytest.raises(ImportError, match="PyYAML"):
        init_model(ypath)


@pytest.mark.parametrize("entry, error, match", [
    ({"init": "zeros"}, ValueError, r"spec\['w'\] has no 'shape'"),
    ({"shape": [2]}, ValueError, r"spec\['w'\] has no 'init'"),
    ({"shape": [2, -1], "init": "zeros"}, ValueError, "negative"),
    ({"shape": [2.0], "init": "zeros"}, TypeError, r"\['shape'\] must be a list of ints"),
    ({"shape": "2", "init": "zeros"}, TypeError, r"\['shape'\] must be a list of ints"),
    ({"shape": [2], "init": "zeros", "dtype": "int32"}, TypeError, r"\['dtype'\]"),
    ({"shape": [2], "init": "no_such_init"}, ValueError, r"\['init'\].*unknown initializer"),
    ({"shape": [2], "init": "normal", "stdev": 1}, TypeError, r"\['init'\]"),
    ({"shape": [2], "init": "normal", "stddev": -1}, ValueError, r"\['init'\].*stddev"),
    ({"shape": [4, 4], "init": "he_normal"}, TypeError, r"\['init'\].*layout.*torch.*keras"),
    ({"shape": [4], "init": "he_normal", "layout": "torch"}, ValueError, r"\['init'\].*fan"),
    ({"shape": [2], "init": "constant", "value": 1e6, "dtype": "float16"}, ValueError,
     "overflows"),
    ([2], TypeError, r"spec\['w'\] must be a mapping"),
])
def test_bad_entries_name_the_entry_and_write_nothing(tmp_path, entry, error, match):
    out = tmp_path / "m.safetensors"
    spec = {"ok": {"shape": [3], "init": "ones"}, "w": entry}
    with pytest.raises(error, match=match):
        init_model(spec, out=out)
    with pytest.raises(error, match=match):
        init_model(spec)
    assert os.listdir(tmp_path) == []


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="spec must be a mapping"):
        init_model([1, 2])
    with pytest.raises(FileNotFoundError, match="presets"):
        init_model("llama-1b")  # a preset name is not a file
    with pytest.raises(TypeError, match="seed"):
        init_model(_spec(), seed=1.5)
    with pytest.raises(ValueError, match="n_threads"):
        init_model(_spec(), n_threads=0)
    with pytest.raises(TypeError, match="progress"):
        init_model(_spec(), progress="yes")
    with pytest.raises(TypeError, match="metadata"):
        init_model({"__metadata__": {"a": 1}})
    with pytest.raises(FileNotFoundError, match="does not exist"):
        init_model(_spec(), out=tmp_path / "missing" / "m.safetensors")
    with pytest.raises(MemoryError, match="out="):
        init_model({"huge": {"shape": [10**8, 10**8], "init": "zeros"}})


def test_progress_callback_and_bar(capsys):
    events = []
    spec = _spec()
    init_model(spec, progress=events.append)
    assert all(isinstance(e, ProgressEvent) for e in events)
    assert sorted(e.name for e in events) == sorted(_tensor_names(spec))  # as they complete
    assert [e.tensors_done for e in events] == list(range(1, len(events) + 1))
    assert events[-1].tensors_total == len(events)
    assert events[-1].bytes_done == events[-1].bytes_total == load_spec(spec).nbytes
    init_model(spec, progress=True)
    err = capsys.readouterr().err
    assert f"[{len(events)}/{len(events)} tensors]" in err and "B/s" in err


# ------------------------------------------------------------------ files --
def test_file_loads_and_matches_init_tensor(tmp_path):
    spec = _spec()
    path = init_model(spec, seed=9, out=tmp_path / "m.safetensors")
    assert path == tmp_path / "m.safetensors" and os.listdir(tmp_path) == ["m.safetensors"]
    torch = pytest.importorskip("torch")
    with safe_open(path, framework="pt") as f:
        assert sorted(f.keys()) == sorted(_tensor_names(spec))
        meta = f.metadata()
        for name in f.keys():
            t = f.get_tensor(name)
            expected = init_tensor(spec, name, seed=9)
            assert tuple(t.shape) == expected.shape
            if t.dtype == torch.bfloat16:
                t = t.view(torch.int16)
            assert t.numpy().tobytes() == expected.tobytes(), name
    assert meta["origin"] == "test" and meta["format"] == "pt"
    assert meta["fastinit.seed"] == "9" and meta["fastinit.stream_version"] == str(fastinit.STREAM_VERSION)


def test_file_equals_in_memory_arrays(tmp_path):
    spec = presets["gpt2-tiny"].spec()
    arrays = init_model(spec, seed=0)
    loaded = load_file(init_model(spec, seed=0, out=tmp_path / "g.safetensors"))
    assert set(loaded) == set(arrays)
    assert all(_bits(loaded[n]) == _bits(arrays[n]) for n in arrays)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_independent_of_spec_order(tmp_path):
    spec = _spec()
    names = _tensor_names(spec)
    reordered = {"__metadata__": spec["__metadata__"], **{n: spec[n] for n in names[::-1]}}
    a = init_model(spec, seed=1, out=tmp_path / "a.safetensors")
    b = init_model(reordered, seed=1, out=tmp_path / "b.safetensors")
    assert _sha(a) == _sha(b)


def test_seed_none_is_recorded_and_repeatable(tmp_path):
    spec = {"w": {"shape": [50], "init": "normal", "stddev": 1.0}}
    path = init_model(spec, seed=None, out=tmp_path / "m.safetensors")
    with safe_open(path, framework="np") as f:
        seed = int(f.metadata()["fastinit.seed"])
        stored = f.get_tensor("w")
    assert _bits(stored) == _bits(init_tensor(spec, "w", seed=seed))


@pytest.mark.parametrize("n_threads", [1, 2])
def test_error_mid_way_leaves_no_file(tmp_path, monkeypatch, n_threads):
    import fastinit.model._fill as mf

    calls = []
    real = mf._pieces

    def failing(tensor, out, root):
        calls.append(tensor.name)
        if len(calls) == 3:
            def boom():
                raise RuntimeError("simulated failure")
            return [(boom, out.size)]
        return real(tensor, out, root)

    monkeypatch.setattr(mf, "_pieces", failing)
    with pytest.raises(RuntimeError, match="simulated failure"):
        init_model(_spec(), out=tmp_path / "m.safetensors", n_threads=n_threads)
    assert len(calls) >= 3 and os.listdir(tmp_path) == []


def test_disk_full_leaves_no_file(tmp_path, monkeypatch):
    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    (tmp_path / "m.safetensors").write_bytes(b"previous")
    with pytest.raises(OSError, match="no space left.*nothing was written") as info:
        init_model(_spec(), out=tmp_path / "m.safetensors")
    assert info.value.errno == errno.ENOSPC
    assert os.listdir(tmp_path) == ["m.safetensors"]
    assert (tmp_path / "m.safetensors").read_bytes() == b"previous"


# ---------------------------------------------------------------- presets --
@pytest.mark.parametrize("name, params", [
    ("gpt2-124m", 124_439_808), ("gpt2-355m", 354_823_168), ("gpt2-774m", 774_030_080),
    ("gpt2-1.5b", 1_557_611_200), ("llama-135m", 134_515_008),
    ("llama-1b", 1_235_814_400), ("llama-3b", 3_212_749_824),
    ("llama-7b", 6_738_415_616), ("llama-8b", 8_030_261_248),
])
def test_preset_parameter_counts(name, params):
    """The published sizes of the models the presets copy."""
    assert presets[name].n_params == params
    assert load_spec(presets[name].spec()).n_params == params


def test_presets_listing():
    text = repr(presets)
    for name in ("gpt2-124m", "llama-1b", "llama-7b"):
        assert name in text
    assert "1,235,814,400" in text
    with pytest.raises(KeyError, match="no preset 'gpt3'.*llama-1b"):
        presets["gpt3"]
    with pytest.raises(TypeError, match="dtype"):
        presets["gpt2-tiny"].spec("int8")


def test_gpt2_initializers():
    p = presets["gpt2-tiny"]
    spec = p.spec()
    n_layer = p.config["n_layer"]
    assert spec["h.0.attn.c_proj.weight"]["stddev"] == pytest.approx(
        0.02 / math.sqrt(2 * n_layer))
    assert spec["h.1.mlp.c_proj.weight"]["stddev"] == spec["h.0.attn.c_proj.weight"]["stddev"]
    assert spec["h.0.mlp.c_fc.weight"]["stddev"] == 0.02 == spec["wte.weight"]["stddev"]
    arrays = init_model(spec, seed=0)
    assert np.all(arrays["h.0.ln_1.weight"] == 1) and np.all(arrays["h.0.ln_1.bias"] == 0)
    assert np.all(arrays["h.1.attn.c_attn.bias"] == 0) and np.all(arrays["ln_f.bias"] == 0)
    assert arrays["h.0.attn.c_attn.weight"].shape == (64, 192)  # Conv1D: (in, out)
    assert "lm_head.weight" not in arrays  # tied to wte
    big = np.concatenate([arrays[f"h.{i}.mlp.c_fc.weight"].ravel() for i in range(n_layer)])
    assert big.std() == pytest.approx(0.02, rel=0.02)
    assert abs(big.mean()) < 0.001


def test_llama_initializers():
    p = presets["llama-tiny"]
    arrays = init_model(p.spec("bfloat16"), seed=0)
    assert arrays["model.embed_tokens.weight"].dtype == fastinit.bfloat16
    c = p.config
    head_dim = c["hidden_size"] // c["num_attention_heads"]
    assert arrays["model.layers.0.self_attn.k_proj.weight"].shape == (
        c["num_key_value_heads"] * head_dim, c["hidden_size"])
    assert arrays["model.layers.1.mlp.down_proj.weight"].shape == (
        c["hidden_size"], c["intermediate_size"])
    assert np.all(arrays["model.norm.weight"].astype(np.float32) == 1)
    assert not any(name.endswith("bias") for name in arrays)
    assert "lm_head.weight" in arrays  # untied in llama-tiny; tied in llama-1b
    assert "lm_head.weight" not in presets["llama-1b"].spec()
    w = arrays["model.embed_tokens.weight"].astype(np.float32)
    assert w.std() == pytest.approx(0.02, rel=0.02)


# -------------------------------------------------------------------- CLI --
def test_cli_writes_preset(tmp_path, capsys):
    from fastinit.__main__ import main

    out = tmp_path / "m.safetensors"
    assert main(["init", "--preset", "llama-tiny", "-o", str(out), "--seed", "3",
                 "--dtype", "bfloat16"]) == 0
    err = capsys.readouterr().err
    assert "wrote" in err and "21 tensors" in err and "220,480 parameters" in err
    assert "tensors]" in err  # the progress bar
    spec = presets["llama-tiny"].spec("bfloat16")
    torch = pytest.importorskip("torch")
    with safe_open(out, framework="pt") as f:
        for name in ("model.embed_tokens.weight", "lm_head.weight"):
            got = f.get_tensor(name).view(torch.int16).numpy().tobytes()
            assert got == init_tensor(spec, name, seed=3).tobytes()
    # refuses to replace without --force
    assert main(["init", "--preset", "llama-tiny", "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["init", "--preset", "llama-tiny", "-o", str(out), "-f", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_spec_file_and_errors(tmp_path, capsys):
    from fastinit.__main__ import main

    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(_spec()))
    out = tmp_path / "m.safetensors"
    assert main(["init", "--spec", str(spec_path), "-o", str(out), "-q"]) == 0
    loaded = load_file(out)
    assert _bits(loaded["embed.weight"]) == _bits(init_tensor(_spec(), "embed.weight", 0))
    assert main(["init", "--list-presets"]) == 0
    assert "llama-7b" in capsys.readouterr().out
    for argv, message in [
        (["init", "--preset", "nope", "-o", str(tmp_path / "x")], "no preset 'nope'"),
        (["init", "--preset", "llama-tiny"], "-o FILE"),
        (["init", "-o", str(tmp_path / "x")], "--preset NAME or --spec FILE"),
        (["init", "--spec", str(tmp_path / "none.json"), "-o", str(tmp_path / "x")],
         "no such spec file"),
        (["init", "--spec", str(spec_path), "--dtype", "float16", "-o", str(tmp_path / "x")],
         "--dtype applies to presets"),
        (["init", "--preset", "llama-tiny", "--threads", "0", "-o", str(tmp_path / "x")],
         "n_threads"),
    ]:
        assert main(argv) == 2
        assert message in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["m.safetensors", "spec.json"]
