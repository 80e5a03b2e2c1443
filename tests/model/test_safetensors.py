"""The safetensors writer and atomic output files (fastinit/model/_safetensors.py, _atomic.py)."""
import errno
import json
import os
import shutil
import struct

import numpy as np
import pytest

import fastinit
from fastinit.model._atomic import atomic_file, format_bytes
from fastinit.model._safetensors import build_header, plan_layout, write_safetensors

safetensors = pytest.importorskip("safetensors")
from safetensors import safe_open  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402


def _arrays():
    rng = np.random.default_rng(0)
    return {
        "odd.f16": rng.standard_normal(7).astype(np.float16),  # 14 bytes: breaks 4-alignment
        "b.f32": rng.standard_normal((3, 5)).astype(np.float32),
        "a.f64": rng.standard_normal((2, 3, 1)),
        "scalar": np.array(1.5, dtype=np.float32),
        "empty": np.zeros((0, 4), dtype=np.float32),
        "bf": rng.standard_normal((4, 3)).astype(fastinit.bfloat16),
    }


def _write(path, arrays, metadata=None):
    slots, size = plan_layout((n, a.shape, a.dtype) for n, a in arrays.items())

    def fill(views):
        assert list(views) == [slot.name for slot in slots]  # file order
        for name, view in views.items():
            assert view.flags.c_contiguous and view.flags.writeable and view.flags.aligned
            view[...] = arrays[name]

    return write_safetensors(path, slots, size, fill, metadata)


def test_file_loads_with_safetensors_library(tmp_path):
    arrays = _arrays()
    path = _write(tmp_path / "m.safetensors", arrays, {"format": "pt", "k": "v"})
    plain = {n: a for n, a in arrays.items() if n != "bf"}
    loaded = load_file(path)
    assert set(loaded) == set(arrays)
    for name, array in plain.items():
        assert loaded[name].dtype == array.dtype and loaded[name].shape == array.shape
        assert loaded[name].tobytes() == array.tobytes()
    torch = pytest.importorskip("torch")
    with safe_open(path, framework="pt") as f:
        assert f.metadata() == {"format": "pt", "k": "v"}
        bf = f.get_tensor("bf")
        assert bf.dtype == torch.bfloat16 and tuple(bf.shape) == (4, 3)
        assert bf.view(torch.int16).numpy().tobytes() == arrays["bf"].tobytes()


def test_header_layout(tmp_path):
    arrays = _arrays()
    path = _write(tmp_path / "m.safetensors", arrays)
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert header["bf"]["dtype"] == "BF16" and header["a.f64"]["dtype"] == "F64"
    assert header["scalar"]["shape"] == [] and header["empty"]["data_offsets"][0] == \
        header["empty"]["data_offsets"][1]
    # every tensor aligned to its item size, no holes, file size exact
    spans = sorted(v["data_offsets"] for k, v in header.items() if k != "__metadata__")
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert len(raw) == 8 + n + spans[-1][1]
    for name, array in arrays.items():
        assert header[name]["data_offsets"][0] % array.dtype.itemsize == 0


def test_layout_independent_of_order():
    items = [("x", (3,), np.dtype(np.float16)), ("y", (2, 2), np.dtype(np.float32)),
             ("w", (5,), np.dtype(np.float64))]
    a, _ = plan_layout(items)
    b, _ = plan_layout(items[::-1])
    assert a == b
    assert build_header(a) == build_header(b)


def test_bad_metadata_and_reserved_name():
    slots, _ = plan_layout([("__metadata__", (1,), np.dtype(np.float32))])
    with pytest.raises(ValueError, match="reserved"):
        build_header(slots)
    with pytest.raises(TypeError, match="metadata"):
        build_header([], {"a": 1})


def test_replaces_existing_file_atomically(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(b"old")
    _write(path, {"a": np.ones(3, np.float32)})
    assert load_file(path)["a"].tolist() == [1, 1, 1]
    assert os.listdir(tmp_path) == ["m.safetensors"]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


def _only(tmp_path, *names):
    assert sorted(os.listdir(tmp_path)) == sorted(names)


def test_exception_mid_way_leaves_no_file(tmp_path):
    arrays = {f"t{i}": np.full(1000, i, np.float32) for i in range(5)}
    slots, size = plan_layout((n, a.shape, a.dtype) for n, a in arrays.items())
    calls = []

    def fill(views):
        for name, view in views.items():
            calls.append(name)
            if len(calls) == 3:
                raise RuntimeError("boom")
            view[...] = arrays[name]

    with pytest.raises(RuntimeError, match="boom") as info:
        write_safetensors(tmp_path / "m.safetensors", slots, size, fill)
    assert any("was not written" in note for note in getattr(info.value, "__notes__", []))
    _only(tmp_path)


def test_existing_file_kept_on_error(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(b"old")
    slots, size = plan_layout([("a", (10,), np.dtype(np.float32))])

    def fill(views):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_safetensors(path, slots, size, fill)
    assert path.read_bytes() == b"old"
    _only(tmp_path, "m.safetensors")


def test_enospc_on_preallocation(tmp_path, monkeypatch):
    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(OSError, match="no space left") as info:
        _write(tmp_path / "m.safetensors", {"a": np.ones(10, np.float32)})
    assert info.value.errno == errno.ENOSPC and "nothing was written" in str(info.value)
    _only(tmp_path)


def test_enospc_at_fsync(tmp_path, monkeypatch):
    # Write-back errors surface at fsync: the file must not be renamed into place.
    def failing_fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="no space left") as info:
        _write(tmp_path / "m.safetensors", {"a": np.ones(10, np.float32)})
    assert info.value.errno == errno.ENOSPC
    _only(tmp_path)


def test_free_space_checked_up_front(tmp_path, monkeypatch):
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=100))
    called = []
    slots, size = plan_layout([("a", (1000,), np.dtype(np.float32))])
    with pytest.raises(OSError, match="needs 4.07 kB but only 100 B") as info:
        write_safetensors(tmp_path / "m.safetensors", slots, size,
                          lambda views: called.append(views))
    assert info.value.errno == errno.ENOSPC and not called
    _only(tmp_path)


def test_fallocate_unsupported_falls_back(tmp_path, monkeypatch):
    def unsupported(fd, offset, length):
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(os, "posix_fallocate", unsupported)
    path = _write(tmp_path / "m.safetensors", {"a": np.arange(10, dtype=np.float32)})
    assert load_file(path)["a"].tolist() == list(range(10))


def test_bad_targets(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        with atomic_file(tmp_path / "no" / "m.safetensors", 10):
            pass
    with pytest.raises(IsADirectoryError):
        with atomic_file(tmp_path, 10):
            pass
    with pytest.raises(TypeError, match="out must be a path"):
        with atomic_file(3, 10):
            pass
    _only(tmp_path)


def test_format_bytes():
    assert format_bytes(0) == "0 B"
    assert format_bytes(999) == "999 B"
    assert format_bytes(4_940_000_000) == "4.94 GB"
