"""fastinit.torch.diagnose: per-layer statistics of a torch model from one forward/backward."""
import json
import math

import numpy as np
import pytest

import fastinit

torch = pytest.importorskip("torch")
nn = torch.nn
ft = pytest.importorskip("fastinit.torch")

from .nets import image_batch, mlp_batch, relu_cnn, same, snapshot, tanh_mlp  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny matrices: extra threads only add overhead on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_statistics_match_a_hand_computation():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(inplace=True), nn.Linear(5, 3))
    x = mlp_batch(40, 6)
    report = ft.diagnose(model, x, seed=3)

    # the same pass by hand, with the documented output gradient
    z1 = model[0](x)
    z1.retain_grad()
    z2 = model[2](torch.relu(z1))
    z2.retain_grad()
    g = torch.from_numpy(fastinit.default_rng(3).stream("grad").standard_normal(
        (40, 3), dtype=np.float32))
    (z2 * g).sum().backward()
    grads = {"0": z1.grad, "2": z2.grad}
    for row, z, layer in zip(report.layers, (z1, z2), (model[0], model[2])):
        z = z.detach()
        assert row.shape == tuple(z.shape)
        assert row.activation_mean == pytest.approx(float(z.double().mean()), rel=1e-6)
        assert row.activation_std == pytest.approx(float(z.double().std(unbiased=False)),
                                                   rel=1e-6)
        # the gradient of the Linear's output (before the in-place ReLU modified it)
        grad = grads[row.name].double()
        assert row.gradient_std == pytest.approx(float(grad.std(unbiased=False)), rel=1e-5)
        assert row.weight_gradient_std == pytest.approx(
            float(layer.weight.grad.double().std(unbiased=False)), rel=1e-5)
        assert row.dead_fraction == pytest.approx(float((z <= 0).all(dim=0).double().mean()))
    assert [row.name for row in report.layers] == ["0", "2"]
    assert report.batch_size == 40 and report.loss == "N(0, 1) output gradient"


def test_changes_nothing():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.3),
                          nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    model.train()
    model[5].weight.grad = torch.ones_like(model[5].weight)  # a gradient the user accumulated
    saved = snapshot(model)  # parameters and buffers (BatchNorm running statistics)
    rng_state = torch.get_rng_state()
    report = ft.diagnose(model, image_batch())
    assert same(model, saved)
    assert model[0].weight.grad is None and torch.all(model[5].weight.grad == 1)
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert len(report.layers) == 2 and all(math.isfinite(r.gradient_std) for r in report.layers)
    # deterministic for a seed, dropout included
    again = ft.diagnose(model, image_batch())
    assert report.layers == again.layers
    assert ft.diagnose(model, image_batch(), seed=1).layers != report.layers
    with torch.no_grad():  # the backward pass still runs
        assert ft.diagnose(model, image_batch()).layers == report.layers


def test_flags_default_init_and_not_after_lsuv():
    for model, x in ((tanh_mlp(), mlp_batch()), (relu_cnn(), image_batch())):
        before = ft.diagnose(model, x)
        # PyTorch's default (variance 1/(3 fan_in)) shrinks the backward signal at every layer
        assert len(before.flagged) >= len(before.layers) // 2
        assert before.layers[0].gradient_flag == "vanishing"
        assert before.layers[0].gradient_std < 1e-4 * before.layers[-1].gradient_std
        ft.lsuv_(model, x, seed=0)
        after = ft.diagnose(model, x)
        assert after.flagged == [], after.table()
        assert all(abs(row.activation_std - 1) < 0.05 for row in after.layers)


def test_flags_exploding_weights():
    model = tanh_mlp(depth=10)
    for layer in model[::2]:
        nn.init.normal_(layer.weight, std=3.0)  # 3 sqrt(32) = 17 times the signal per layer
    model = nn.Sequential(*[m for m in model if not isinstance(m, nn.Tanh)])  # linear network
    report = ft.diagnose(model, mlp_batch())
    assert report.layers[-1].activation_flag == "exploding"
    assert report.layers[0].activation_flag == ""
    assert report.layers[0].gradient_flag == "exploding"  # toward the input
    assert "activations exploding" in report.layers[-1].flags


def test_repeated_calls_attention_and_frozen_models():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = nn.Linear(8, 8)
            self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

        def forward(self, x):
            x = torch.tanh(self.proj(x))
            x = torch.tanh(self.proj(x))  # the same layer twice
            return self.attn(x, x, x)[0]

    torch.manual_seed(0)
    model = Block()
    x = torch.randn(4, 6, 8)
    report = ft.diagnose(model, x)
    assert [(r.name, r.type) for r in report.layers] == [
        ("proj", "Linear"), ("proj#2", "Linear"), ("attn", "MultiheadAttention")]
    assert report.layers[2].shape == (4, 6, 8)
    # both calls share one weight gradient
    assert report.layers[0].weight_gradient_std == report.layers[1].weight_gradient_std

    for p in model.parameters():
        p.requires_grad_(False)
    frozen = ft.diagnose(model, x)
    assert all(math.isnan(r.gradient_std) and math.isnan(r.weight_gradient_std)
               for r in frozen.layers)
    assert json.loads(json.dumps(frozen.to_dict(), allow_nan=False))["layers"][0][
        "gradient_std"] is None
    assert [r.activation_std for r in frozen.layers] == [r.activation_std for r in report.layers]


def test_loss_fn_table_dict_and_plot(tmp_path):
    model, x = tanh_mlp(depth=4, width=8), mlp_batch(16, 8)
    labels = torch.arange(16) % 8
    report = ft.diagnose(model, x, loss_fn=lambda out: nn.functional.cross_entropy(out, labels))
    assert report.loss == "loss_fn"
    table = report.table()
    assert str(report) == table
    assert len(table.splitlines()) == 2 + 4 + 1 and "layers flagged" in table.splitlines()[-1]
    data = json.loads(json.dumps(report.to_dict()))
    assert [row["name"] for row in data["layers"]] == ["0", "2", "4", "6"]
    assert data["layers"][0]["shape"] == [16, 8]
    pytest.importorskip("matplotlib")
    path = report.plot(str(tmp_path / "d.png"), title="tanh")
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_bad_arguments():
    model = tanh_mlp(depth=2, width=4)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        ft.diagnose("model", torch.randn(3, 4))
    with pytest.raises(TypeError, match="batch must be a tensor"):
        ft.diagnose(model, np.ones((3, 4)))
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        ft.diagnose(model, torch.randn(3, 4), loss_fn=1.0)
    with pytest.raises(ValueError, match="loss_fn must return a scalar"):
        ft.diagnose(model, torch.randn(3, 4), loss_fn=lambda out: out)
    with pytest.raises(ValueError, match="no layer to diagnose"):
        ft.diagnose(nn.Tanh(), torch.randn(3, 4))

    class Argmax(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return self.fc(x).argmax(-1)

    with pytest.raises(ValueError, match="no floating-point tensor.*loss_fn"):
        ft.diagnose(Argmax(), torch.randn(3, 4))
