"""fastinit.diagnose: the textbook outcomes on 50 layers of width 512, and the CLI."""
import builtins
import json
import sys

import numpy as np
import pytest

import fastinit
from fastinit import initializers as I
from fastinit.__main__ import main

DEPTH, WIDTH, BATCH = 50, 512, 32

pytestmark = pytest.mark.usefixtures("single_threaded_blas")


def run(init, activation):
    layout = "keras" if isinstance(init, str) else None  # names need a layout
    with fastinit.threads(1):
        return fastinit.diagnose(init, activation, DEPTH, WIDTH, layout=layout, batch=BATCH,
                                 seed=0)


def test_standard_normal_weights_explode():
    r = run(I.RandomNormal(stddev=1.0), "relu")
    # each layer multiplies the scale by about sqrt(512 / 2) = 16
    assert r.activation_std[-1] > 1e50 and r.gradient_std[0] > 1e50
    assert r.verdict() == {"activations": "exploding", "gradients": "exploding"}


def test_small_normal_weights_vanish():
    r = run(I.RandomNormal(stddev=0.01), "relu")
    # each layer multiplies the scale by about 0.01 * 16 = 0.16
    assert r.activation_std[-1] < 1e-30 and r.gradient_std[0] < 1e-30
    assert r.verdict() == {"activations": "vanishing", "gradients": "vanishing"}
    r = run(I.RandomNormal(stddev=0.01), "tanh")
    assert r.verdict() == {"activations": "vanishing", "gradients": "vanishing"}


@pytest.mark.parametrize("init", ["glorot_uniform", I.GlorotNormal(layout="torch")])
def test_xavier_suits_tanh(init):  # Glorot & Bengio (2010)
    r = run(init, "tanh")
    assert r.verdict() == {"activations": "stable", "gradients": "stable"}
    assert 0.02 < r.activation_std[-1] < 1.0 and 0.02 < r.gradient_std[0] < 3.0


@pytest.mark.parametrize("init", ["he_normal", I.HeUniform(layout="torch")])
def test_he_suits_relu(init):
    r = run(init, "relu")
    assert r.verdict() == {"activations": "stable", "gradients": "stable"}
    assert 0.1 < r.activation_std[-1] < 3.0 and 0.1 < r.gradient_std[0] < 3.0


def test_xavier_is_too_small_for_relu():
    """Glorot's variance 1/n halves the signal at every ReLU layer: 2**-25 after 50."""
    r = run("glorot_normal", "relu")
    assert r.verdict()["activations"] == "vanishing"
    assert r.activation_std[-1] / r.activation_std[0] < 1e-5


def test_reproducible_and_result_object(tmp_path):
    a = fastinit.diagnose("lecun_normal", "selu", 5, 32, layout="keras", batch=16, seed=3)
    b = fastinit.diagnose("lecun_normal", "selu", 5, 32, layout="keras", batch=16, seed=3)
    assert np.array_equal(a.activation_std, b.activation_std)
    assert a.activation_std.shape == a.gradient_std.shape == (5,)
    table = a.table()
    assert "LecunNormal" in table and "selu" in table and len(table.splitlines()) == 4 + 5 + 1
    assert len(a.table(every=2).splitlines()) == 4 + 3 + 1
    path = a.plot(str(tmp_path / "d.png"))
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        fastinit.diagnose("he_normal", "swish", 3, 8, layout="keras")
    with pytest.raises(ValueError, match="depth"):
        fastinit.diagnose("he_normal", "relu", 0, 8, layout="keras")
    with pytest.raises(TypeError, match="width"):
        fastinit.diagnose("he_normal", "relu", 3, 8.0, layout="keras")
    with pytest.raises(ValueError, match="batch"):
        fastinit.diagnose("he_normal", "relu", 3, 8, batch=1, layout="keras")
    with pytest.raises(ValueError, match="unknown initializer"):
        fastinit.diagnose("nope", "relu", 3, 8)


def test_plot_without_matplotlib(monkeypatch, tmp_path):
    r = fastinit.diagnose("he_normal", "relu", 2, 8, layout="torch", batch=4)
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    for mod in [m for m in sys.modules if m.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, mod)
    with pytest.raises(ImportError, match=r'pip install "fastinit\[bench\]"'):
        r.plot(str(tmp_path / "x.png"))


def test_cli(tmp_path, capsys):
    png = tmp_path / "out.png"
    assert main(["diagnose", "--init", "he_normal", "--layout", "keras", "--activation", "relu",
                 "--depth", "50", "--width", "512", "--batch", "16", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "HeNormal" in out and "activations: stable" in out and f"wrote {png}" in out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 50
    assert png.read_bytes()[:4] == b"\x89PNG"

    assert main(["diagnose", "--init", "random_normal", "--param", "stddev=1.0", "--depth", "6",
                 "--width", "64", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"]["activations"] == "exploding" and len(data["activation_std"]) == 6

    cfg = json.dumps({"class_name": "HeUniform", "config": {"layout": "torch"}})
    assert main(["diagnose", "--init", cfg, "--depth", "3", "--width", "16"]) == 0
    assert "layout='torch'" in capsys.readouterr().out

    assert main(["diagnose", "--init", "nope"]) == 2
    assert "unknown initializer" in capsys.readouterr().err
    assert main(["diagnose", "--init", "he_normal"]) == 2   # no layout: no guess
    assert "layout='torch'" in capsys.readouterr().err
    assert main(["diagnose", "--init", "random_normal", "--param", "sigma=1"]) == 2
    with pytest.raises(SystemExit):
        main(["diagnose", "--init", "he_normal", "--param", "novalue"])
