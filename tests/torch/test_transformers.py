"""Real Hugging Face models (built from small configs, nothing downloaded) inside fast_init.

Each model built inside ``fast_init`` is compared with the same model built by
plain torch: per tensor, the same constants exactly, the same distribution
(two-sample KS, mean and standard deviation within 6 standard errors), the
same buffers bit for bit (rotary ``inv_freq``, position ids), the same ties
(``lm_head`` is ``embed_tokens``), and a working forward pass.
"""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
stats = pytest.importorskip("scipy.stats")
ft = pytest.importorskip("fastinit.torch")

P_MIN = 1e-6
SAMPLES = 20000


def _llama():
    cfg = transformers.LlamaConfig(
        hidden_size=128, intermediate_size=352, num_hidden_layers=2, num_attention_heads=8,
        num_key_value_heads=2, vocab_size=1000, max_position_embeddings=256,
        tie_word_embeddings=True)
    return transformers.LlamaForCausalLM, cfg


def _gpt2():
    cfg = transformers.GPT2Config(n_embd=128, n_layer=2, n_head=4, vocab_size=1000,
                                  n_positions=256, bos_token_id=0, eos_token_id=0)
    return transformers.GPT2LMHeadModel, cfg


def _bert():
    cfg = transformers.BertConfig(hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
                                  intermediate_size=256, vocab_size=1000,
                                  max_position_embeddings=256)
    return transformers.BertForMaskedLM, cfg


MODELS = {"llama": _llama, "gpt2": _gpt2, "bert": _bert}


def _ties(model):
    """Groups of parameter names sharing one tensor."""
    groups = {}
    for name, p in model.named_parameters(remove_duplicate=False):
        groups.setdefault(p.data_ptr(), []).append(name)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def _sample(t):
    flat = t.detach().double().flatten().numpy()
    return flat[:: max(1, flat.size // SAMPLES)]


@pytest.fixture(scope="module", params=sorted(MODELS))
def pair(request):
    cls, cfg = MODELS[request.param]()
    torch.manual_seed(0)
    plain = cls(cfg).eval()
    torch.manual_seed(0)
    with ft.fast_init() as ctx:
        fast = cls(cfg).eval()
    assert ctx.generator.position > 0  # the fills really went through fastinit
    return request.param, plain, fast


def test_same_parameters_per_tensor(pair):
    name, plain, fast = pair
    fast_params = dict(fast.named_parameters())
    assert list(fast_params) == [n for n, _ in plain.named_parameters()]
    random_tensors = 0
    for pname, p in plain.named_parameters():
        q = fast_params[pname]
        assert q.shape == p.shape and q.dtype == p.dtype and q.requires_grad
        if torch.all(p == p.flatten()[0]):  # ones, zeros
            assert torch.equal(q, p), pname
            continue
        random_tensors += 1
        assert not torch.equal(q, p)
        a, b = _sample(p), _sample(q)
        assert stats.ks_2samp(a, b).pvalue > P_MIN, pname
        se = math.sqrt(1 / a.size + 1 / b.size)
        assert abs(a.mean() - b.mean()) < 6 * a.std() * se, pname
        assert abs(a.std() - b.std()) < 6 * a.std() * se, pname
        assert np.abs(b).max() < 7 * a.std() + np.abs(a).max(), pname
    assert random_tensors >= 10


def test_same_buffers_and_ties(pair):
    name, plain, fast = pair
    fast_buffers = dict(fast.named_buffers())
    assert set(fast_buffers) == {n for n, _ in plain.named_buffers()}
    for bname, buf in plain.named_buffers():
        assert torch.equal(fast_buffers[bname], buf), bname
    assert _ties(fast) == _ties(plain)
    if name in ("llama", "gpt2"):
        assert _ties(fast), "the lm_head / embedding tie is expected"


def test_forward_pass_works(pair):
    name, plain, fast = pair
    ids = torch.randint(0, 1000, (2, 16))
    with torch.no_grad():
        out_plain, out_fast = plain(input_ids=ids).logits, fast(input_ids=ids).logits
    assert out_fast.shape == out_plain.shape and torch.isfinite(out_fast).all()
    # same initial loss scale: logits' spread within a factor of 1.5
    assert 1 / 1.5 < (out_fast.std() / out_plain.std()).item() < 1.5
