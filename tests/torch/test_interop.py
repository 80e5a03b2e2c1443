"""fastinit.torch: init_module_ fills PyTorch parameters in place, from named sub-streams."""
import math

import numpy as np
import pytest

import fastinit
import fastinit.initializers
from fastinit.model import init_model, init_tensor, load_spec, presets

torch = pytest.importorskip("torch")
nn = torch.nn
ft = pytest.importorskip("fastinit.torch")
from fastinit.torch._tensors import numpy_view  # noqa: E402  (the zero-copy primitive)


def _np(t):
    """The bytes of a tensor, as a flat uint8 array (any float dtype)."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().view(np.uint8).ravel()


def _zoo():
    return nn.Sequential(
        nn.Linear(100, 50), nn.LayerNorm(50), nn.Conv2d(3, 8, 3), nn.ConvTranspose1d(4, 6, 5),
        nn.Embedding(10, 4, padding_idx=1), nn.MultiheadAttention(16, 2, add_bias_kv=True),
        nn.LSTM(8, 6), nn.GRUCell(3, 5), nn.BatchNorm1d(5), nn.GroupNorm(2, 4), nn.RMSNorm(7),
        nn.PReLU(), nn.Bilinear(3, 4, 5),
    )


def test_imports_the_real_torch():
    assert ft.torch is torch and ft.nn is nn
    assert "fastinit" not in torch.__file__


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16, torch.float64])
def test_in_place_equals_init_model_arrays(dtype):
    module = _zoo().to(dtype)
    pointers = {n: p.data_ptr() for n, p in module.named_parameters()}
    spec = ft.module_spec(module)
    ft.init_module_(module, seed=3)
    arrays = init_model(spec, seed=3)
    assert list(arrays) == [n for n, _ in module.named_parameters()]
    for name, param in module.named_parameters():
        assert param.data_ptr() == pointers[name]  # filled in place
        expected = arrays[name].copy()
        if name == "4.weight":  # Embedding(padding_idx=1): row zeroed, as PyTorch does
            assert np.any(expected[1] != 0)
            expected[1] = 0
        assert np.array_equal(_np(param), expected.view(np.uint8).ravel()), name


def test_zero_copy_views():
    w = torch.empty(3, 4, dtype=torch.bfloat16)
    view = numpy_view(w)
    assert view.dtype == fastinit.bfloat16 and view.shape == (3, 4)
    view[...] = 1.5
    assert torch.all(w == 1.5)
    w32 = torch.empty(5)
    v32 = numpy_view(w32)
    v32[...] = 2.0
    assert torch.all(w32 == 2.0)


def test_meta_device_and_to_empty():
    with torch.device("meta"):
        meta = _zoo()
    with pytest.raises(ValueError, match="meta device.*to_empty"):
        ft.init_module_(meta, seed=0)
    materialized = meta.to_empty(device="cpu")
    ft.init_module_(materialized, seed=5)
    reference = ft.init_module_(_zoo(), seed=5)
    for (name, a), (_, b) in zip(materialized.named_parameters(), reference.named_parameters()):
        assert torch.equal(a, b), name
    bn = materialized[8]  # running statistics reset, not left uninitialized
    assert torch.all(bn.running_mean == 0) and torch.all(bn.running_var == 1)
    assert bn.num_batches_tracked.item() == 0


def test_llama_module_matches_preset_file_arrays():
    """Same names, same specs: a torch model initialized in place equals init_model."""
    p = presets["llama-tiny"]
    spec = p.spec()
    module = _module_from_spec(spec)
    rules = {"Linear.weight": ("normal", {"stddev": 0.02}),
             "Embedding.weight": ("normal", {"stddev": 0.02}), "RMSNorm.weight": "ones"}
    ft.init_module_(module, seed=42, rules=rules)
    arrays = init_model(spec, seed=42)
    params = dict(module.named_parameters())
    assert set(params) == set(arrays)
    for name, array in arrays.items():
        assert np.array_equal(params[name].detach().numpy(), array), name


def _module_from_spec(spec):
    """Torch modules with the spec's names: Linear for 2-D *_proj / lm_head, etc."""
    root = nn.Module()
    for name, entry in spec.items():
        if name == "__metadata__":
            continue
        *path, leaf = name.split(".")
        assert leaf == "weight"
        parent = root
        for part in path[:-1]:
            if not hasattr(parent, part):
                parent.add_module(part, nn.Module())
            parent = getattr(parent, part)
        shape = entry["shape"]
        if "embed" in path[-1]:
            layer = nn.Embedding(*shape)
        elif len(shape) == 2:
            layer = nn.Linear(shape[1], shape[0], bias=False)
        else:
            layer = nn.RMSNorm(shape[0])
        parent.add_module(path[-1], layer)
    return root


def test_default_statistics_match_pytorch():
    """Pooled over many seeds: the same constants, support and spread as PyTorch's own init."""
    torch.manual_seed(0)
    spec = ft.module_spec(_zoo())
    plans = {name: t.initializer.plan(t.shape, t.dtype)[0]
             for name, t in load_spec(spec).tensors.items()}
    assert list(plans.values()).count("uniform") >= 10  # Linear, Conv, RNN, Bilinear, MHA
    ours = {name: [] for name in spec}
    theirs = {name: [] for name in spec}
    module = _zoo()
    for seed in range(30):
        ft.init_module_(module, seed=seed)
        for name, p in module.named_parameters():
            ours[name].append(p.detach().double().flatten().clone())
    for _ in range(200):
        for name, p in _zoo().named_parameters():  # PyTorch's reset_parameters
            theirs[name].append(p.detach().double().flatten())
    for name, entry in spec.items():
        a, b = torch.cat(ours[name]), torch.cat(theirs[name])
        if torch.all(b == b[0]):  # ones, zeros, PReLU's 0.25
            assert torch.all(a == b[0]), name
            continue
        if plans[name] == "uniform":
            bound = b.abs().max().item()  # PyTorch's bound, approached by >= 1200 samples
            assert a.abs().max().item() <= bound * 1.005, name
            assert a.abs().max().item() >= bound * 0.95, name
        se = math.sqrt(1 / len(a) + 1 / len(b))  # 5 standard errors of the difference
        assert abs(a.mean().item() - b.mean().item()) < 5 * b.std().item() * se, name
        assert a.std().item() == pytest.approx(b.std().item(), rel=5 * se), name


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_default_bounds_exact():
    lin = ft.init_module_(nn.Linear(1000, 300), seed=0)
    bound = 1 / math.sqrt(1000)
    w = lin.weight.detach().numpy()
    assert w.min() >= -bound and w.max() < bound and w.max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    assert lin.bias.detach().abs().max() < bound
    conv = ft.init_module_(nn.Conv2d(16, 32, 3), seed=0)
    cb = 1 / math.sqrt(16 * 9)
    assert conv.weight.detach().abs().max() <= cb and conv.bias.detach().abs().max() <= cb
    emb = ft.init_module_(nn.Embedding(1000, 100), seed=0)
    assert emb.weight.detach().std().item() == pytest.approx(1.0, rel=0.01)
    mha = ft.init_module_(nn.MultiheadAttention(64, 4), seed=0)
    xb = math.sqrt(6 / (64 + 3 * 64))
    assert mha.in_proj_weight.detach().abs().max() <= xb
    assert mha.in_proj_weight.detach().abs().max() > 0.98 * xb
    assert torch.all(mha.in_proj_bias == 0) and torch.all(mha.out_proj.bias == 0)
    tr = ft.init_module_(nn.Transformer(16, 2, 1, 1, 32), seed=0)
    w1 = tr.encoder.layers[0].linear1.weight  # xavier_uniform in nn.Transformer
    assert w1.detach().abs().max() <= math.sqrt(6 / (16 + 32))
    assert w1.detach().abs().max() > 1 / math.sqrt(16)  # wider than Linear's own bound


def test_rules():
    module = nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Linear(30, 10), nn.LayerNorm(10))
    before = module[3].weight.detach().clone()
    rules = {"Linear.weight": ("normal", {"stddev": 0.02}), "*.bias": "zeros",
             "3.weight": None, "0.weight": "ones"}  # first match wins: 0.weight is normal
    ft.init_module_(module, seed=4, rules=rules)
    expected = fastinit.default_rng(4).stream("2.weight").normal(0, 0.02, size=(10, 30),
                                                                 dtype=np.float32)
    assert np.array_equal(module[2].weight.detach().numpy(), expected)
    expected = fastinit.default_rng(4).stream("0.weight").normal(0, 0.02, size=(30, 20),
                                                                 dtype=np.float32)
    assert np.array_equal(module[0].weight.detach().numpy(), expected)
    for name in ("0.bias", "2.bias", "3.bias"):
        assert torch.all(module.get_parameter(name) == 0)
    assert torch.equal(module[3].weight, before)  # None: left as it is
    spec = ft.module_spec(module, rules)
    assert "3.weight" not in spec and spec["0.bias"]["init"] == "zeros"
    emb = ft.init_module_(nn.Embedding(20, 8, padding_idx=3), seed=0,
                          rules={"*": ("normal", {"stddev": 0.02})})
    assert torch.all(emb.weight[3] == 0) and torch.all(emb.weight[2] != 0)


def test_rules_with_layout_aware_initializers():
    conv = nn.Conv2d(8, 16, 3)
    ft.init_module_(conv, seed=0, rules={"*.weight": "he_normal", "*.bias": "zeros"})
    spec = ft.module_spec(conv, {"*.weight": "he_normal", "*.bias": "zeros"})
    assert spec["weight"]["layout"] == "torch"
    expected = fastinit.initializers.get("he_normal", layout="torch")(
        (16, 8, 3, 3), rng=fastinit.default_rng(0).stream("weight"))
    assert np.array_equal(conv.weight.detach().numpy(), expected)
    # fan_in = 8 * 9 in the torch layout: std = sqrt(2 / 72)
    assert conv.weight.detach().std().item() == pytest.approx(math.sqrt(2 / 72), rel=0.1)


def test_tied_weights_initialized_once():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(50, 8)
            self.head = nn.Linear(8, 50, bias=False)
            self.head.weight = self.embed.weight

    module = ft.init_module_(Tied(), seed=0)
    spec = ft.module_spec(module)
    assert list(spec) == ["embed.weight"]
    assert np.array_equal(module.head.weight.detach().numpy(),
                          init_tensor(spec, "embed.weight", seed=0))


def test_unknown_layers():
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.full((4,), 7.0))
            self.lin = nn.Linear(4, 4)

    with pytest.raises(ValueError, match=r"scale \(Custom\).*rules"):
        ft.init_module_(Custom(), seed=0)
    with pytest.warns(UserWarning, match=r"left 1 parameter\(s\).*scale \(Custom\)"):
        module = ft.init_module_(Custom(), seed=0, unmatched="skip")
    assert torch.all(module.scale == 7.0)
    module = ft.init_module_(Custom(), seed=0, rules={"scale": None})  # explicit: no warning
    assert torch.all(module.scale == 7.0)
    module = ft.init_module_(Custom(), seed=0, rules={"Custom.scale": "ones"})
    assert torch.all(module.scale == 1.0)

    class MyLinear(nn.Linear):  # its own reset_parameters: not PyTorch's default any more
        def reset_parameters(self):
            nn.init.zeros_(self.weight)

    with pytest.raises(ValueError, match=r"weight \(MyLinear\)"):
        ft.init_module_(MyLinear(3, 3, bias=False), seed=0)


@pytest.mark.filterwarnings("ignore:Complex modules are a new feature")
def test_bad_arguments():
    with pytest.raises(TypeError, match="module must be a torch.nn.Module"):
        ft.init_module_(np.zeros(3))
    with pytest.raises(TypeError, match="rules must be a mapping"):
        ft.init_module_(nn.Linear(2, 2), rules=[("*", "zeros")])
    with pytest.raises(TypeError, match=r"rules\['\*'\]"):
        ft.init_module_(nn.Linear(2, 2), rules={"*": ("normal",)})
    with pytest.raises(ValueError, match=r"parameter '0.weight'.*unknown initializer"):
        ft.init_module_(nn.Sequential(nn.Linear(2, 2)), rules={"*": "nope"})
    with pytest.raises(ValueError, match="unmatched"):
        ft.init_module_(nn.Linear(2, 2), unmatched="ignore")
    with pytest.raises(ValueError, match="n_threads"):
        ft.init_module_(nn.Linear(2, 2), n_threads=0)
    with pytest.raises(TypeError, match="complex|dtype"):
        ft.init_module_(nn.Linear(2, 2).to(torch.complex64))
    lazy = nn.LazyLinear(3)
    with pytest.raises(ValueError, match="lazy"):
        ft.init_module_(lazy)


def test_non_contiguous_parameter_is_filled_through_staging():
    conv = nn.Conv2d(4, 8, 3).to(memory_format=torch.channels_last)
    assert not conv.weight.is_contiguous()
    spec = ft.module_spec(conv)
    ft.init_module_(conv, seed=2)
    assert np.array_equal(conv.weight.detach().contiguous().numpy(),
                          init_tensor(spec, "weight", seed=2))
