"""``fastinit diagnose --torch MODULE:FUNCTION``: the user's own PyTorch model from the shell."""
import json
import re
import sys
import textwrap

import numpy as np
import pytest

from fastinit.__main__ import main

torch = pytest.importorskip("torch")

MODELS = textwrap.dedent("""
    import torch
    from torch import nn

    def deep_tanh():
        torch.manual_seed(0)
        layers = []
        for _ in range(12):
            layers += [nn.Linear(16, 16), nn.Tanh()]
        return nn.Sequential(*layers)

    class TwoInputs(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(4, 3), nn.Linear(5, 3)

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    def not_a_model():
        return 42
""")


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny matrices: extra threads only add overhead on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def models(tmp_path, monkeypatch):
    """A module ``fi_cli_models`` in a temporary current directory."""
    (tmp_path / "fi_cli_models.py").write_text(MODELS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # restored, with sys.path, afterwards
    monkeypatch.delitem(sys.modules, "fi_cli_models", raising=False)
    yield tmp_path
    sys.modules.pop("fi_cli_models", None)


def test_random_batch_flags_default_init_and_lsuv_fixes_it(models, capsys):
    assert main(["diagnose", "--torch", "fi_cli_models:deep_tanh", "--input-shape", "16",
                 "--batch", "64"]) == 0
    out = capsys.readouterr().out
    assert "model: fi_cli_models:deep_tanh" in out and "batch: 64" in out
    assert "gradients vanishing" in out and "0 of 12 layers flagged" not in out

    assert main(["diagnose", "--torch", "fi_cli_models:deep_tanh", "--input-shape", "16",
                 "--batch", "64", "--lsuv"]) == 0
    out = capsys.readouterr().out
    assert "LSUV: tol 0.1, max_iter 10, seed 0" in out and out.count(" fitted") == 12
    assert "after lsuv_" in out and "0 of 12 layers flagged" in out

    pytest.importorskip("matplotlib")
    png = models / "after.png"
    assert main(["diagnose", "--torch", "fi_cli_models:deep_tanh", "--input-shape", "16",
                 "--batch", "64", "--plot", str(png)]) == 0
    assert f"wrote {png}" in capsys.readouterr().out
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_json_and_seed(models, capsys):
    args = ["diagnose", "--torch", "fi_cli_models:deep_tanh", "--input-shape", "16", "--batch",
            "32", "--json", "--lsuv", "--tol", "0.05"]
    assert main(args + ["--seed", "1"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["model"] == "fi_cli_models:deep_tanh" and first["flagged"] == []
    assert len(first["layers"]) == 12 and len(first["lsuv"]) == 12
    assert all(abs(row["variance"] - 1) < 0.05 for row in first["lsuv"])
    assert main(args + ["--seed", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == first  # deterministic
    assert main(args + ["--seed", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["layers"] != first["layers"]


def test_batch_files(models, capsys):
    x = torch.randn(8, 16)
    torch.save(x, models / "x.pt")
    np.save(models / "x.npy", x.numpy())
    outputs = []
    for name in ("x.pt", "x.npy"):
        assert main(["diagnose", "--torch", "fi_cli_models:deep_tanh", "--batch-file",
                     str(models / name), "--json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] and outputs[0]["batch_size"] == 8

    pair = (torch.randn(6, 4), torch.randn(6, 5))
    torch.save(pair, models / "pair.pt")
    np.savez(models / "pair.npz", x=pair[0].numpy(), y=pair[1].numpy())
    for name in ("pair.pt", "pair.npz"):  # positional, then keyword arguments
        assert main(["diagnose", "--torch", "fi_cli_models:TwoInputs", "--batch-file",
                     str(models / name)]) == 0
        out = capsys.readouterr().out
        assert "batch: 6" in out and "2 of 2" not in out


@pytest.mark.parametrize("args, message", [
    (["--torch", "fi_cli_models", "--input-shape", "16"], "MODULE:FUNCTION"),
    (["--torch", "fi_cli_models:missing", "--input-shape", "16"], "has no attribute 'missing'"),
    (["--torch", "no_such_module_19:f", "--input-shape", "16"], "no module named"),
    (["--torch", "fi_cli_models:not_a_model", "--input-shape", "16"], "returned int"),
    (["--torch", "fi_cli_models:deep_tanh"], "--input-shape .* or --batch-file"),
    (["--torch", "fi_cli_models:deep_tanh", "--input-shape", "4,x"], "comma-separated ints"),
    (["--torch", "fi_cli_models:deep_tanh", "--batch-file", "x.csv"], r"\.pt, \.pth"),
    (["--torch", "fi_cli_models:deep_tanh", "--batch-file", "gone.pt"], "gone.pt"),
    (["--torch", "fi_cli_models:deep_tanh", "--input-shape", "16", "--batch", "1", "--lsuv"],
     r"batch has 1 example"),
    (["--torch", "fi_cli_models:deep_tanh", "--input-shape", "16", "--init", "he_normal"],
     "not with --torch"),
    (["--init", "he_normal", "--input-shape", "16"], "go with --torch"),
    (["--depth", "3"], "give --init"),
])
def test_bad_arguments(models, capsys, args, message):
    assert main(["diagnose", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fastinit diagnose: error:")
    assert re.search(message, err), err


def test_model_failing_on_the_batch(models, capsys):
    """The model's own error (a wrong --input-shape) is reported in one line, exit status 1."""
    assert main(["diagnose", "--torch", "fi_cli_models:deep_tanh", "--input-shape", "7"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fastinit diagnose: error:") and "cannot be multiplied" in err
