"""``fastinit bench --quick`` end to end: table, JSON and PNG are produced and sane."""
from __future__ import annotations

import argparse
import json
import math
import sys

import pytest

from fastinit.__main__ import main
from fastinit._bench import DTYPES, IMPLEMENTATIONS, OPERATIONS, torch_available
from fastinit.cli.bench import parse_count

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    pytest.importorskip("matplotlib")
    tmp = tmp_path_factory.mktemp("bench")
    json_path, png_path = tmp / "bench.json", tmp / "bench.png"
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["bench", "--quick", "--json", str(json_path), "--plot", str(png_path)])
    return status, stdout.getvalue(), stderr.getvalue(), json_path, png_path


def test_quick_exit_status_and_table(quick_run):
    status, out, err, _, _ = quick_run
    assert status == 0, err
    assert out.startswith("fastinit bench (quick):")
    for op in OPERATIONS:
        for dtype in DTYPES:
            assert f"\n{op} {dtype}, n=2^16 " in out
    assert "fresh allocation + fill" in out
    assert "implementation" in out and "x NumPy" in out and "% bw" in out
    assert "G samples/s vs array size" in out and "G samples/s vs threads" in out
    assert "NumPy PCG64" in out and "plain store (bandwidth)" in out
    assert "table: random float32" in err  # progress lines go to stderr


def test_quick_json(quick_run):
    _, _, _, json_path, _ = quick_run
    data = json.loads(json_path.read_text())
    assert data["schema"] == "fastinit-bench/1"
    assert {"started", "elapsed_s", "settings", "machine", "results"} <= data.keys()
    machine = data["machine"]
    for key in ("cpu_model", "cpus_usable", "openmp", "fastinit_threads", "simd", "numpy",
                "torch", "OMP_NUM_THREADS"):
        assert key in machine
    assert data["settings"]["mode"] == "quick"
    results = data["results"]
    sections = {r["section"] for r in results}
    assert sections == {"table", "fresh", "sizes", "threads"}
    impls = {r["impl"] for r in results}
    expected = set(IMPLEMENTATIONS) - (set() if torch_available() else {"torch"})
    assert impls == expected
    for r in results:
        for key in ("op", "dtype", "n", "threads", "bytes", "best_s", "median_s",
                    "gsamples_per_s", "gb_per_s", "times_s", "recipe", "label"):
            assert key in r, key
        assert r["best_s"] > 0 and r["best_s"] <= r["median_s"]
        assert len(r["times_s"]) >= 2 and min(r["times_s"]) == r["best_s"]
        assert math.isclose(r["gsamples_per_s"], r["n"] / r["best_s"] / 1e9)
        if r["pct_bandwidth"] is not None:
            assert r["pct_bandwidth"] > 0
    table = [r for r in results if r["section"] == "table"]
    # every (op, dtype) has fastinit at 1 thread and at all threads, and the baseline
    for op in OPERATIONS:
        for dtype in DTYPES:
            group = [r for r in table if r["op"] == op and r["dtype"] == dtype]
            threads = {r["threads"] for r in group if r["impl"] == "fastinit"}
            assert 1 in threads and machine["fastinit_threads"] in threads
            assert any(r["impl"] == "bandwidth" for r in group)
            if op != "truncated_normal":  # NumPy has none
                ref = [r for r in group if r["impl"] == "numpy-pcg64"]
                assert len(ref) == 1 and math.isclose(ref[0]["ratio_numpy_pcg64"], 1.0)
                assert all(r["ratio_numpy_pcg64"] > 0 for r in group)
    fresh = [r for r in results if r["section"] == "fresh"]
    assert all(r["fresh"] for r in fresh) and not any(r["fresh"] for r in table)
    assert {r["impl"] for r in fresh} >= {"fastinit", "numpy-pcg64", "bandwidth"}


def test_quick_png(quick_run):
    _, _, _, _, png_path = quick_run
    data = png_path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 10_000  # four panels, not an empty canvas


def test_subset_without_plot(tmp_path, capsys):
    json_path = tmp_path / "one.json"
    status = main(["bench", "--quick", "-q", "--no-plot", "--ops", "random", "--dtypes",
                   "float32", "--impls", "fastinit,numpy-pcg64", "--sections", "table",
                   "--size", "2^12", "--json", str(json_path)])
    assert status == 0
    out = capsys.readouterr().out
    assert "random float32, n=2^12" in out and "wrote" in out
    results = json.loads(json_path.read_text())["results"]
    assert {r["impl"] for r in results} == {"fastinit", "numpy-pcg64"}
    assert all(r["n"] == 4096 for r in results)
    assert not (tmp_path / "fastinit-bench.png").exists()


def test_bad_filter_is_an_error(capsys):
    assert main(["bench", "--quick", "--ops", "gamma", "--no-plot"]) == 2
    assert "gamma" in capsys.readouterr().err


@pytest.mark.parametrize("text,value", [("268435456", 2 ** 28), ("2**28", 2 ** 28),
                                        ("2^24", 2 ** 24), ("16M", 2 ** 24), ("1e6", 10 ** 6),
                                        ("4_096", 4096)])
def test_parse_count(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["", "abc", "0", "1.5", "-3"])
def test_parse_count_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_count(text)


def test_missing_matplotlib_is_explained(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    common = ["bench", "--quick", "-q", "--sections", "threads", "--impls", "fastinit",
              "--size", "2^12"]
    png = tmp_path / "x.png"
    assert main(common + ["--plot", str(png)]) == 1  # asked for explicitly: an error
    err = capsys.readouterr().err
    assert "matplotlib" in err and "pip install" in err and not png.exists()
    monkeypatch.chdir(tmp_path)
    assert main(common) == 0  # the default plot: a note, the table is still printed
    captured = capsys.readouterr()
    assert "matplotlib" in captured.err and "G samples/s vs threads" in captured.out
