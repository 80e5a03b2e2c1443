"""Initialize whole models: every tensor from its own named sub-stream, in memory or to disk.

* :func:`init_model` fills every tensor of a spec (tensor name -> shape,
  dtype, initializer) and returns the arrays, or writes them into a
  safetensors file through a memory map, atomically.
* :func:`init_tensor` regenerates one tensor alone, bit for bit.
* :data:`presets` are built-in GPT-2-like and Llama-like decoders.

Tensor ``name`` draws from ``fastinit.default_rng(seed).stream(name)``: its
values depend on the seed, the name and its own entry only, never on which
other tensors are initialized or in what order.

Examples
--------
>>> import fastinit.model as fm
>>> weights = fm.init_model(fm.presets["gpt2-tiny"].spec(), seed=0)
>>> weights["wte.weight"].shape
(1000, 64)
"""
from ._atomic import format_bytes
from ._fill import fill_tensors
from ._init import SeedOrGenerator, init_model, init_tensor
from ._initializers import is_layout_aware
from ._presets import Preset, Presets, presets
from ._progress import ProgressEvent
from ._spec import ENTRY_KEYS, ModelSpec, TensorSpec, load_spec, parse_entry

__all__ = [
    "ModelSpec",
    "Preset",
    "Presets",
    "ProgressEvent",
    "TensorSpec",
    "init_model",
    "init_tensor",
    "load_spec",
    "presets",
    # for adapters that fill framework tensors from a spec (fastinit.torch)
    "ENTRY_KEYS",
    "SeedOrGenerator",
    "fill_tensors",
    "format_bytes",
    "is_layout_aware",
    "parse_entry",
]
