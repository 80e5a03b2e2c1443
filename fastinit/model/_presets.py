"""Built-in model specs: GPT-2-like and Llama-like decoders at several sizes.

Tensor names, shapes and initializers follow the Hugging Face ``transformers``
implementations, so a written file matches the state dict of
``GPT2Model`` / ``LlamaForCausalLM`` built from :attr:`Preset.config`:

* GPT-2 (``GPT2PreTrainedModel._init_weights``): weights N(0, 0.02), the two
  residual projections per block (``attn.c_proj``, ``mlp.c_proj``)
  N(0, 0.02 / sqrt(2 * n_layer)), LayerNorm weight ones and bias zeros, all
  other biases zeros.  The projections are ``Conv1D`` layers, stored
  ``(in, out)``; the LM head is tied to ``wte``.
* Llama (``LlamaPreTrainedModel._init_weights``, ``initializer_range`` 0.02):
  every Linear and the embedding N(0, 0.02), RMSNorm weights ones, no
  biases; Linear weights stored ``(out, in)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from .._dtypes import resolve_float_dtype
from ._atomic import format_bytes

INITIALIZER_RANGE = 0.02


def _normal(std: float) -> dict[str, Any]:
    return {"init": "normal", "mean": 0.0, "stddev": std}


_ZEROS: dict[str, Any] = {"init": "zeros"}
_ONES: dict[str, Any] = {"init": "ones"}


def _gpt2_tensors(c: Mapping[str, Any]) -> Iterator[tuple[str, tuple[int, ...], dict]]:
    d, n_layer, vocab, ctx = c["n_embd"], c["n_layer"], c["vocab_size"], c["n_positions"]
    inner = 4 * d
    std = c["initializer_range"]
    resid_std = std / math.sqrt(2 * n_layer)
    yield "wte.weight", (vocab, d), _normal(std)
    yield "wpe.weight", (ctx, d), _normal(std)
    for i in range(n_layer):
        p = f"h.{i}."
        yield p + "ln_1.weight", (d,), _ONES
        yield p + "ln_1.bias", (d,), _ZEROS
        yield p + "attn.c_attn.weight", (d, 3 * d), _normal(std)
        yield p + "attn.c_attn.bias", (3 * d,), _ZEROS
        yield p + "attn.c_proj.weight", (d, d), _normal(resid_std)
        yield p + "attn.c_proj.bias", (d,), _ZEROS
        yield p + "ln_2.weight", (d,), _ONES
        yield p + "ln_2.bias", (d,), _ZEROS
        yield p + "mlp.c_fc.weight", (d, inner), _normal(std)
        yield p + "mlp.c_fc.bias", (inner,), _ZEROS
        yield p + "mlp.c_proj.weight", (inner, d), _normal(resid_std)
        yield p + "mlp.c_proj.bias", (d,), _ZEROS
    yield "ln_f.weight", (d,), _ONES
    yield "ln_f.bias", (d,), _ZEROS


def _llama_tensors(c: Mapping[str, Any]) -> Iterator[tuple[str, tuple[int, ...], dict]]:
    d, inter, vocab = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    head_dim = d // c["num_attention_heads"]
    q_dim = c["num_attention_heads"] * head_dim
    kv_dim = c["num_key_value_heads"] * head_dim
    std = c["initializer_range"]
    yield "model.embed_tokens.weight", (vocab, d), _normal(std)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        yield p + "input_layernorm.weight", (d,), _ONES
        yield p + "self_attn.q_proj.weight", (q_dim, d), _normal(std)
        yield p + "self_attn.k_proj.weight", (kv_dim, d), _normal(std)
        yield p + "self_attn.v_proj.weight", (kv_dim, d), _normal(std)
        yield p + "self_attn.o_proj.weight", (d, q_dim), _normal(std)
        yield p + "post_attention_layernorm.weight", (d,), _ONES
        yield p + "mlp.gate_proj.weight", (inter, d), _normal(std)
        yield p + "mlp.up_proj.weight", (inter, d), _normal(std)
        yield p + "mlp.down_proj.weight", (d, inter), _normal(std)
    yield "model.norm.weight", (d,), _ONES
    if not c["tie_word_embeddings"]:
        yield "lm_head.weight", (vocab, d), _normal(std)


_FAMILIES = {"gpt2": _gpt2_tensors, "llama": _llama_tensors}


@dataclass(frozen=True)
class Preset:
    """A built-in model: its architecture and the initializers its authors use.

    Attributes
    ----------
    name : str
        The preset's name (``fastinit init --preset NAME``).
    family : str
        "gpt2" or "llama".
    description : str
    config : dict
        Hyper-parameters, with the key names of the ``transformers`` config.
    """

    name: str
    family: str
    description: str
    config: Mapping[str, Any] = field(repr=False)

    def _tensors(self) -> Iterator[tuple[str, tuple[int, ...], dict]]:
        return _FAMILIES[self.family](self.config)

    @property
    def n_params(self) -> int:
        """Number of parameters (tied weights counted once)."""
        return sum(math.prod(shape) for _, shape, _ in self._tensors())

    @property
    def n_tensors(self) -> int:
        """Number of tensors in the spec."""
        return sum(1 for _ in self._tensors())

    def spec(self, dtype: Any = "float32") -> dict[str, Any]:
        """The model spec (tensor name -> shape, dtype, initializer), for ``init_model``.

        Parameters
        ----------
        dtype : dtype, optional
            Of every tensor: float32 (default), float64, float16 or bfloat16.
        """
        name = resolve_float_dtype(dtype, "dtype").name
        spec: dict[str, Any] = {
            tensor: {"shape": list(shape), "dtype": name, **init}
            for tensor, shape, init in self._tensors()
        }
        spec["__metadata__"] = {"format": "pt", "fastinit.preset": self.name}
        return spec


def _gpt2(name: str, n_layer: int, n_embd: int, n_head: int, description: str,
          vocab_size: int = 50257, n_positions: int = 1024) -> Preset:
    config = {"model_type": "gpt2", "n_layer": n_layer, "n_embd": n_embd, "n_head": n_head,
              "vocab_size": vocab_size, "n_positions": n_positions,
              "initializer_range": INITIALIZER_RANGE}
    return Preset(name, "gpt2", description, config)


def _llama(name: str, hidden: int, inter: int, layers: int, heads: int, kv_heads: int,
           vocab: int, tied: bool, description: str) -> Preset:
    config = {"model_type": "llama", "hidden_size": hidden, "intermediate_size": inter,
              "num_hidden_layers": layers, "num_attention_heads": heads,
              "num_key_value_heads": kv_heads, "vocab_size": vocab,
              "tie_word_embeddings": tied, "initializer_range": INITIALIZER_RANGE}
    return Preset(name, "llama", description, config)


class Presets(Mapping[str, Preset]):
    """The built-in presets by name; ``print(fastinit.model.presets)`` lists them."""

    def __init__(self, presets: list[Preset]) -> None:
        self._presets = {p.name: p for p in presets}

    def __getitem__(self, name: str) -> Preset:
        try:
            return self._presets[name]
        except KeyError:
            raise KeyError(f"no preset {name!r}; the presets are {', '.join(self._presets)}") \
                from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._presets)

    def __len__(self) -> int:
        return len(self._presets)

    def table(self) -> str:
        """One line per preset: name, parameters, tensors, float32 size, description."""
        lines = [f"{'preset':<12} {'parameters':>15} {'tensors':>8} {'float32':>9}  description"]
        for p in self._presets.values():
            n = p.n_params
            lines.append(f"{p.name:<12} {n:>15,} {p.n_tensors:>8} {format_bytes(4 * n):>9}  "
                         f"{p.description}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()


presets = Presets([
    _gpt2("gpt2-tiny", 2, 64, 2, "GPT-2 architecture, tiny (tests, examples)",
          vocab_size=1000, n_positions=128),
    _gpt2("gpt2-124m", 12, 768, 12, "GPT-2 small"),
    _gpt2("gpt2-355m", 24, 1024, 16, "GPT-2 medium"),
    _gpt2("gpt2-774m", 36, 1280, 20, "GPT-2 large"),
    _gpt2("gpt2-1.5b", 48, 1600, 25, "GPT-2 XL"),
    _llama("llama-tiny", 64, 176, 2, 4, 2, 1000, False,
           "Llama architecture, tiny (tests, examples)"),
    _llama("llama-135m", 576, 1536, 30, 9, 3, 49152, True,
           "Llama architecture, SmolLM-135M shapes (GQA, tied embeddings)"),
    _llama("llama-1b", 2048, 8192, 16, 32, 8, 128256, True,
           "Llama 3.2 1B shapes (GQA, tied embeddings)"),
    _llama("llama-3b", 3072, 8192, 28, 24, 8, 128256, True,
           "Llama 3.2 3B shapes (GQA, tied embeddings)"),
    _llama("llama-7b", 4096, 11008, 32, 32, 32, 32000, False, "Llama 2 7B shapes"),
    _llama("llama-8b", 4096, 14336, 32, 32, 8, 128256, False, "Llama 3 8B shapes (GQA)"),
])
