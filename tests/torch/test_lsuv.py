"""fastinit.torch.lsuv_: Mishkin & Matas's layer-sequential unit-variance init."""
import json
import math

import numpy as np
import pytest

import fastinit

torch = pytest.importorskip("torch")
nn = torch.nn
ft = pytest.importorskip("fastinit.torch")

from .nets import (image_batch, mlp_batch, output_variances, relu_cnn, same,  # noqa: E402
                   snapshot, tanh_mlp)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny matrices: extra threads only add overhead on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def orthogonal(param_name, shape, seed):
    """fastinit's float32 orthogonal draw for parameter ``param_name`` (as lsuv_ makes it)."""
    rng = fastinit.default_rng(seed).stream(param_name)
    return torch.from_numpy(fastinit.orthogonal(shape, np.float32, layout="torch",
                                                rng=rng)).double()


def assert_scaled_orthogonal(weight, name, seed):
    """``weight`` is a positive multiple of fastinit's orthogonal draw for ``name``."""
    q = orthogonal(name, tuple(weight.shape), seed)
    w = weight.detach().double()
    c = float((w * q).sum() / (q * q).sum())
    assert c > 0
    torch.testing.assert_close(w, c * q, rtol=1e-5, atol=1e-6 * c)
    return c


@pytest.mark.parametrize("tol", [0.1, 0.02])
def test_tanh_mlp_every_layer_within_tol(tol):
    model, x = tanh_mlp(), mlp_batch()
    before = output_variances(model, x)
    assert before[-1] < 0.05  # PyTorch's default init: the signal shrinks through 30 layers
    report = ft.lsuv_(model, x, tol=tol, seed=0)
    assert [row.status for row in report.layers] == ["fitted"] * 30
    variances = output_variances(model, x)  # measured again, independently of lsuv_
    assert len(variances) == 30
    assert all(abs(v - 1) < tol for v in variances), variances
    assert np.allclose([row.variance for row in report.layers], variances, rtol=1e-6)
    assert all(row.iterations <= 10 for row in report.layers)
    for name, param in model.named_parameters():
        if name.endswith("bias"):
            assert torch.all(param == 0), name  # zeroed, as the paper's networks start
        else:
            assert_scaled_orthogonal(param, name, seed=0)


def test_relu_cnn_every_layer_within_tol():
    model, x = relu_cnn(), image_batch()
    assert output_variances(model, x)[-1] < 0.01
    report = ft.lsuv_(model, x, tol=0.1, seed=4)
    assert len(report.fitted) == 21  # 20 convolutions and the classifier
    variances = output_variances(model, x)
    assert all(abs(v - 1) < 0.1 for v in variances), variances
    assert_scaled_orthogonal(model[2].weight, "2.weight", seed=4)  # (8, 8, 3, 3) as (8, 72)


def test_deterministic_for_a_seed_whatever_the_starting_weights():
    x = mlp_batch()
    a, b, c = tanh_mlp(depth=6, seed=0), tanh_mlp(depth=6, seed=1), tanh_mlp(depth=6, seed=0)
    ra = ft.lsuv_(a, x, seed=7)
    ft.lsuv_(b, x, seed=7)
    ft.lsuv_(c, x, seed=8)
    for (name, pa), pb, pc in zip(a.named_parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb), name
        if name.endswith("weight"):
            assert not torch.equal(pa, pc), name
    assert ra.seed == 7 and ra.tol == 0.1 and ra.max_iter == 10
    table = ra.table()
    assert "seed 7" in table and len(table.splitlines()) == 2 + 6


def test_leaves_torch_rng_and_buffers_as_they_were():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(16, 16))
    model.train()
    x = mlp_batch(64, 16)
    rng_state = torch.get_rng_state()
    buffers = {k: v.clone() for k, v in model.named_buffers()}
    report = ft.lsuv_(model, x, seed=0)
    assert torch.equal(torch.get_rng_state(), rng_state)
    for k, v in model.named_buffers():
        assert torch.equal(v, buffers[k]), k
    # dropout masks are the same on every pass (seeded from the stream "torch"),
    # so the second Linear converged on the batch
    assert abs(report.layers[1].variance - 1) < 0.1
    twin = nn.Sequential(nn.Linear(16, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(16, 16))
    ft.lsuv_(twin, x, seed=0)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), twin.parameters()))


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class PlainLinear(nn.Module):
    """A custom leaf module with a weight and no ``nn.Linear`` in it."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in))

    def forward(self, x):
        return x @ self.weight.T


def test_attention_and_custom_leaf_modules():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), SelfAttention(16, 2), nn.GELU(), PlainLinear(16, 16),
                          nn.Tanh(), nn.Linear(16, 4))
    x = torch.randn(32, 5, 8, generator=torch.Generator().manual_seed(3))
    report = ft.lsuv_(model, x, seed=0)
    assert [(row.name, row.type, row.status) for row in report.layers] == [
        ("0", "Linear", "fitted"), ("1.attn", "MultiheadAttention", "fitted"),
        ("3", "PlainLinear", "fitted"), ("5", "Linear", "fitted")]  # out_proj is part of attn
    attn = model[1].attn
    assert torch.all(attn.in_proj_bias == 0) and torch.all(attn.out_proj.bias == 0)
    c = assert_scaled_orthogonal(attn.in_proj_weight, "1.attn.in_proj_weight", 0)
    assert c == pytest.approx(1.0)  # only out_proj.weight is rescaled
    assert_scaled_orthogonal(attn.out_proj.weight, "1.attn.out_proj.weight", 0)
    outputs = {}
    for name in ("0", "1", "3", "5"):
        model.get_submodule(name).register_forward_hook(
            lambda m, i, o, name=name: outputs.__setitem__(name, o))
    with torch.no_grad():
        model(x)
    for name, out in outputs.items():
        assert abs(float(out.double().var(unbiased=False)) - 1) < 0.1, name


def test_tied_weights_initialized_and_rescaled_once():
    torch.manual_seed(0)
    shared = nn.Linear(16, 16)
    # the same module twice (fitted on its first call) and a weight tied across modules
    model = nn.Sequential(nn.Linear(16, 16), nn.Tanh(), shared, nn.Tanh(), shared, nn.Tanh(),
                          nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 16))
    model[8].weight = model[6].weight
    report = ft.lsuv_(model, mlp_batch(64, 16), seed=0)
    assert [(row.name, row.status) for row in report.layers] == [
        ("0", "fitted"), ("2", "fitted"), ("6", "fitted"), ("8", "tied to 6")]
    assert report.layers[3].iterations == 0 and math.isnan(report.layers[3].variance)
    assert json.loads(json.dumps(report.to_dict(), allow_nan=False))["layers"][3] == {
        "name": "8", "type": "Linear", "status": "tied to 6", "iterations": 0, "variance": None}
    assert model[8].weight is model[6].weight
    assert_scaled_orthogonal(model[6].weight, "6.weight", 0)  # the first name owns it
    assert torch.all(model[8].bias == 0)  # its own bias is still the layer's to zero


class TinyLM(nn.Module):
    """Embedding, a tanh MLP, and an output projection tied to the embedding."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, 16)
        self.hidden = nn.Linear(16, 16)
        self.head = nn.Linear(16, 50, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, ids):
        return self.head(torch.tanh(self.hidden(self.embed(ids))))


def test_output_projection_tied_to_an_embedding():
    torch.manual_seed(0)
    model = TinyLM()
    ids = torch.randint(0, 50, (16, 8), generator=torch.Generator().manual_seed(1))
    embedding = model.embed.weight.detach().clone()
    report = ft.lsuv_(model, ids, seed=0)
    assert [(row.name, row.status) for row in report.layers] == [
        ("hidden", "fitted"), ("head", "tied to embed, left as is")]
    assert torch.equal(model.embed.weight, embedding)  # embeddings are not lsuv_'s to rewrite

    report = ft.lsuv_(model, ids, seed=0, layers=["embed", "hidden", "head"])
    assert [(row.name, row.status) for row in report.layers] == [
        ("embed", "fitted"), ("hidden", "fitted"), ("head", "tied to embed")]
    assert_scaled_orthogonal(model.embed.weight, "embed.weight", 0)
    assert model.head.weight is model.embed.weight


def test_frozen_parameters_are_left_as_they_were():
    model, x = tanh_mlp(depth=5), mlp_batch()
    model[4].weight.requires_grad_(False)
    model[6].bias.requires_grad_(False)
    frozen_w, frozen_b = model[4].weight.clone(), model[6].bias.clone()
    report = ft.lsuv_(model, x, seed=0)
    assert [row.status for row in report.layers] == ["fitted", "fitted", "frozen", "fitted",
                                                     "fitted"]
    assert torch.equal(model[4].weight, frozen_w) and torch.equal(model[6].bias, frozen_b)
    assert torch.any(model[4].bias != 0)  # the whole frozen layer is skipped
    assert_scaled_orthogonal(model[6].weight, "6.weight", 0)
    variances = output_variances(model, x)
    assert all(abs(variances[i] - 1) < 0.1 for i in (0, 1, 3, 4)), variances


def test_layers_not_called_and_chosen_layers():
    torch.manual_seed(0)

    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(8, 8)
            self.used = nn.Linear(8, 8)
            self.unused = nn.Linear(8, 8)

        def forward(self, x):
            return self.used(torch.relu(self.body(x)))

    model = TwoHeads()
    unused = snapshot(model.unused)
    report = ft.lsuv_(model, mlp_batch(64, 8), seed=0)
    assert [(row.name, row.status) for row in report.layers] == [
        ("body", "fitted"), ("used", "fitted"), ("unused", "not called")]
    assert same(model.unused, unused)

    body = snapshot(model.body)
    report = ft.lsuv_(model, mlp_batch(64, 8), seed=1, layers=["used"])
    assert [row.name for row in report.layers] == ["used"]
    assert same(model.body, body)


class NormalizedLinear(nn.Linear):
    """Output independent of the weight's scale: LSUV cannot converge on it."""

    def forward(self, x):
        return 3.0 * nn.functional.linear(x, self.weight / self.weight.norm(), self.bias)


def test_refuses_a_layer_that_never_converges_and_restores_everything():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 16), nn.Tanh(), NormalizedLinear(16, 16), nn.Tanh(),
                          nn.Linear(16, 16))
    x = mlp_batch(64, 16)
    saved = snapshot(model)
    with pytest.raises(RuntimeError, match=r"layer '2' did not converge.*max_iter=3.*tol=0\.1"):
        ft.lsuv_(model, x, max_iter=3)
    assert same(model, saved)  # including layer 0, fitted before the failure


def test_refuses_a_dead_layer():
    class Zero(nn.Module):
        def forward(self, x):
            return x * 0

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 8), Zero(), nn.Linear(8, 8))
    saved = snapshot(model)
    with pytest.raises(RuntimeError, match="layer '2' has output variance 0"):
        ft.lsuv_(model, mlp_batch(16, 8))
    assert same(model, saved)


def test_bad_arguments_write_nothing():
    model, x = tanh_mlp(depth=3), mlp_batch()
    saved = snapshot(model)
    for kwargs, error, match in [
        ({"batch": x[:1]}, ValueError, r"batch has 1 example\(s\)"),
        ({"batch": "x"}, TypeError, "batch must be a tensor"),
        ({"batch": ()}, ValueError, "batch contains no tensor"),
        ({"tol": 0.0}, ValueError, r"tol must be in \(0, 1\)"),
        ({"tol": 1.0}, ValueError, "tol"),
        ({"tol": "0.1"}, TypeError, "tol"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 2.0}, TypeError, "max_iter"),
        ({"layers": ["1"]}, ValueError, "layers: '1' is not a layer"),
        ({"layers": "0"}, TypeError, "layers"),
    ]:
        args = {"batch": x, **kwargs}
        with pytest.raises(error, match=match):
            ft.lsuv_(model, **args)
        assert same(model, saved), kwargs
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        ft.lsuv_(lambda t: t, x)
    with pytest.raises(ValueError, match="lazy module.*forward pass first"):
        ft.lsuv_(nn.Sequential(nn.LazyLinear(4), nn.Tanh()), x)
    report = ft.lsuv_(model, x, tol=np.float32(0.2), max_iter=np.int64(3))  # NumPy scalars
    assert report.tol == pytest.approx(0.2) and report.max_iter == 3
    with pytest.raises(ValueError, match="no layer"):
        ft.lsuv_(nn.Sequential(nn.Tanh()), x)


def test_batch_as_tuple_or_mapping():
    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(8, 8), nn.Linear(8, 8)

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    torch.manual_seed(0)
    x, y = mlp_batch(32, 8, seed=1), mlp_batch(32, 8, seed=2)
    m1, m2 = Pair(), Pair()
    r1 = ft.lsuv_(m1, (x, y))
    r2 = ft.lsuv_(m2, {"x": x, "y": y})
    assert [row.variance for row in r1.layers] == [row.variance for row in r2.layers]
    assert all(abs(row.variance - 1) < 0.1 for row in r1.layers)


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_other_dtypes(dtype):
    model, x = tanh_mlp(depth=6).to(dtype), mlp_batch().to(dtype)
    report = ft.lsuv_(model, x, seed=0)
    assert all(abs(v - 1) < 0.1 for v in output_variances(model, x))
    assert len(report.fitted) == 6
    if dtype == torch.float64:  # drawn in float64 (two stream words per element)
        q = torch.from_numpy(fastinit.orthogonal((32, 32), np.float64, layout="torch",
                                                 rng=fastinit.default_rng(0).stream("0.weight")))
        c = float(model[0].weight.detach()[0, 0] / q[0, 0])
        torch.testing.assert_close(model[0].weight.detach(), c * q, rtol=1e-12, atol=0)


def test_a_layer_that_stops_running_is_refused():
    class Flaky(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(8, 8), nn.Linear(8, 8)
            self.calls = 0

        def forward(self, x):
            self.calls += 1
            x = self.a(x)
            return self.b(x) if self.calls == 1 else x

    model = Flaky()
    saved = snapshot(model)
    with pytest.raises(RuntimeError, match="layer 'b' ran on the first pass"):
        ft.lsuv_(model, mlp_batch(16, 8))
    assert same(model, saved)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_transformer_encoder(mode):
    """In eval mode under no_grad PyTorch has a fused fast path that skips submodule calls;
    the hooks keep it from being taken, so every layer is still seen and fitted."""
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.1, batch_first=True)
    model = getattr(nn.TransformerEncoder(layer, 2, enable_nested_tensor=False), mode)()
    x = torch.randn(8, 6, 16, generator=torch.Generator().manual_seed(1))
    report = ft.lsuv_(model, x, seed=0)
    assert [(row.name, row.status) for row in report.layers] == [
        (f"layers.{i}.{name}", "fitted") for i in range(2)
        for name in ("self_attn", "linear1", "linear2")]
    after = ft.diagnose(model, x)
    assert after.flagged == []
    if mode == "eval":  # no dropout: diagnose sees what lsuv_ fitted
        assert all(abs(row.activation_std ** 2 - 1) < 0.1 for row in after.layers)


def test_other_layer_kinds():
    """Conv1d, grouped and transposed convolutions, Bilinear: every output reaches variance 1."""
    class Zoo(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1d = nn.Conv1d(4, 8, 3, padding=1)
            self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=4)
            self.up = nn.ConvTranspose2d(8, 6, 2, stride=2)
            self.bilinear = nn.Bilinear(6, 6, 5)

        def forward(self, x):
            h = torch.relu(self.conv1d(x))                          # (N, 8, 16)
            h = torch.relu(self.grouped(h.reshape(-1, 8, 4, 4)))    # (N, 8, 4, 4)
            h = torch.tanh(self.up(h))                              # (N, 6, 8, 8)
            v = h.mean(dim=(2, 3))
            return self.bilinear(v, v)

    torch.manual_seed(0)
    model = Zoo()
    x = torch.randn(64, 4, 16, generator=torch.Generator().manual_seed(5))
    report = ft.lsuv_(model, x, seed=0)
    assert [(row.name, row.status) for row in report.layers] == [
        (name, "fitted") for name in ("conv1d", "grouped", "up", "bilinear")]
    assert all(abs(row.variance - 1) < 0.1 for row in report.layers)
    assert_scaled_orthogonal(model.up.weight, "up.weight", 0)  # (in, out, k, k) as (8, 24)
    assert_scaled_orthogonal(model.bilinear.weight, "bilinear.weight", 0)
