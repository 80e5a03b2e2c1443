"""init_module_ never leaves memory uninitialized silently.

A Hugging Face model materialized with to_empty gets its own init (buffers,
ties, norms); other modules' computed buffers are reported; skipping is
explicit; integer parameters can be skipped; names survive torch.compile;
non-contiguous parameters are staged one at a time (measured); expanded
parameters are refused before anything is written.
"""
import tracemalloc
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
ft = pytest.importorskip("fastinit.torch")


def _llama_config():
    transformers = pytest.importorskip("transformers")
    return transformers, transformers.LlamaConfig(
        hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, vocab_size=300, tie_word_embeddings=True)


# -------------------------------------------------- Hugging Face models --
def test_hf_model_from_meta_gets_its_own_init_buffers_and_ties():
    transformers, cfg = _llama_config()
    torch.manual_seed(0)
    reference = transformers.LlamaForCausalLM(cfg)
    with torch.device("meta"):
        model = transformers.LlamaForCausalLM(cfg)
    model = model.to_empty(device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to report: the model's own code ran
        ft.init_module_(model, seed=3)
    assert model.lm_head.weight is model.model.embed_tokens.weight
    for name, buf in reference.named_buffers():
        assert torch.equal(dict(model.named_buffers())[name], buf), name
    for name, p in reference.named_parameters():
        q = dict(model.named_parameters())[name]
        if torch.all(p == 1):  # RMSNorm weights
            assert torch.all(q == 1), name
        else:
            assert abs(q.std().item() - 0.02) < 0.002, name
    again = transformers.LlamaForCausalLM(cfg)  # an initialized model: really re-initialized
    ft.init_module_(again, seed=3)
    for (name, a), (_, b) in zip(model.named_parameters(), again.named_parameters()):
        assert torch.equal(a, b), name


def test_hf_model_with_own_init_false_follows_the_named_streams():
    transformers, cfg = _llama_config()
    model = transformers.LlamaForCausalLM(cfg)
    rules = {"*RMSNorm.weight": "ones", "*": ("normal", {"stddev": 0.02})}
    with pytest.warns(UserWarning, match="inv_freq"):  # computed buffers are reported
        ft.init_module_(model, seed=1, rules=rules)
    with pytest.raises(ValueError, match="own_init"):
        ft.init_module_(model, seed=1, rules=rules, own_init=True)
    with pytest.raises(ValueError, match="own_init"):
        ft.init_module_(nn.Linear(3, 3), own_init=True)


# -------------------------------------------------------------- buffers --
class _Rotary(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)
        self.register_buffer("inv_freq", 1.0 / 10000 ** (torch.arange(0, 8, 2) / 8),
                             persistent=False)


def test_computed_buffers_are_reported_unless_declared_valid():
    with pytest.warns(UserWarning, match=r"\['inv_freq'\].*fast_init"):
        ft.init_module_(_Rotary(), seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ft.init_module_(_Rotary(), seed=0, check_buffers=False)
        ft.init_module_(nn.BatchNorm1d(4), seed=0)  # persistent stats: reset, nothing to say


# --------------------------------------------------- skipping, integers --
class _WithInteger(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.codes = nn.Parameter(torch.arange(6), requires_grad=False)


def test_integer_parameters_are_skippable_explicitly():
    with pytest.raises(ValueError, match=r"codes \(torch.int64\)"):
        ft.init_module_(_WithInteger(), seed=0)
    m = _WithInteger()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ft.init_module_(m, seed=0, rules={"codes": None})
    assert torch.equal(m.codes, torch.arange(6))
    with pytest.warns(UserWarning, match=r"codes \(torch.int64\)"):
        ft.init_module_(_WithInteger(), seed=0, unmatched="skip")
    with pytest.raises(TypeError, match="codes.*int64"):
        ft.init_module_(_WithInteger(), seed=0, rules={"codes": "zeros"})


# ---------------------------------------------------------- torch.compile --
def test_names_do_not_change_under_torch_compile():
    model = nn.Sequential(nn.Linear(16, 8), nn.LayerNorm(8))
    compiled = torch.compile(model)  # lazy: nothing is compiled until called
    assert list(ft.module_spec(compiled)) == list(ft.module_spec(model)) == [
        "0.weight", "0.bias", "1.weight", "1.bias"]
    assert ft.init_module_(compiled, seed=4) is compiled
    reference = ft.init_module_(nn.Sequential(nn.Linear(16, 8), nn.LayerNorm(8)), seed=4)
    for a, b in zip(model.parameters(), reference.parameters()):
        assert torch.equal(a, b)
    with pytest.raises(ValueError, match=r"scale"):
        ft.init_module_(torch.compile(_Scale()), seed=0, rules={"*.weight": "ones"})


class _Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(3))


# -------------------------------------------------------------- staging --
def _convs(n, channels):
    return nn.Sequential(*[nn.Conv2d(channels, channels, 3, bias=False) for _ in range(n)])


def test_non_contiguous_parameters_are_staged_one_at_a_time():
    model = _convs(4, 192).to(memory_format=torch.channels_last)
    assert not model[0].weight.is_contiguous()
    largest = max(p.numel() * p.element_size() for p in model.parameters())
    total = sum(p.numel() * p.element_size() for p in model.parameters())
    ft.init_module_(model, seed=0)  # warm-up: imports and caches outside the measurement
    tracemalloc.start()
    try:
        ft.init_module_(model, seed=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak >= largest  # the staging array is seen ...
    assert peak < largest + total // 8  # ... one at a time (all at once would be >= total)
    reference = ft.init_module_(_convs(4, 192), seed=2)  # contiguous: in place
    for a, b in zip(model.parameters(), reference.parameters()):
        assert a.is_contiguous(memory_format=torch.channels_last)
        assert torch.equal(a, b)


class _Expanded(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Parameter(torch.full((3, 4), 7.0))
        self.shared = nn.Parameter(torch.zeros(1, 4).expand(3, 4))


def test_expanded_parameters_are_refused_before_anything_is_written():
    m = _Expanded()
    assert m.shared.stride() == (0, 1)
    with pytest.raises(ValueError, match=r"'shared' is an expanded or overlapping.*nothing"):
        ft.init_module_(m, seed=0, rules={"*": "ones"})
    assert torch.all(m.first == 7.0) and torch.all(m.shared == 0)
    ft.init_module_(m, seed=0, rules={"first": "ones", "shared": None})  # explicit skip works
    assert torch.all(m.first == 1.0)
    assert np.array_equal(m.shared.detach().numpy(), np.zeros((3, 4), np.float32))


# ------------------------------------------------------------------ ties --
def _tied():
    m = nn.Sequential(nn.Embedding(50, 8), nn.Linear(8, 50, bias=False))
    m[1].weight = m[0].weight
    return m


def test_ties_survive_materialize_and_are_filled_once():
    with torch.device("meta"):
        meta = _tied()
    assert meta.to_empty(device="cpu")[1].weight is not meta[0].weight  # torch unties
    with torch.device("meta"):
        meta = _tied()
    model = ft.materialize_(meta)
    assert model[1].weight is model[0].weight
    assert list(ft.module_spec(model)) == ["0.weight"]  # one tensor, filled once
    ft.init_module_(model, seed=0)
    assert model[1].weight is model[0].weight
    reference = ft.init_module_(_tied(), seed=0)
    assert torch.equal(model[0].weight, reference[0].weight)
