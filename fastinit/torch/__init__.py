"""PyTorch interop: fastinit's kernels behind existing model code, and in-place module init.

* ``fast_init(seed=None)``: a context manager under which model code's own
  random fills (``torch.nn.init.*``, ``tensor.uniform_``/``normal_``) on CPU
  floating tensors run on fastinit's parallel kernels -- the recommended way to
  build a model fast (``with fastinit.torch.fast_init(): model = Model(config)``).
* ``uniform_``, ``normal_``, ..., ``calculate_gain``: every ``torch.nn.init``
  function, with torch's signature, drawing from fastinit.
* ``init_module_(module, seed, rules)`` / ``module_spec``: fill a module's
  parameters in place from named sub-streams (the same arrays as
  ``fastinit.init_model``); ``materialize_`` is ``to_empty`` keeping ties.
* ``diagnose(model, batch)`` / ``lsuv_(model, batch)``: per-layer activation and
  gradient statistics of a model, and LSUV's data-dependent init.
"""
import torch  # noqa: F401  (``fastinit.torch.torch`` is the real torch)
from torch import nn  # noqa: F401

from ._fast_init import fast_init
from ._modules import init_module_, materialize_, module_spec
from ._nn_init import (
    calculate_gain, constant_, dirac_, eye_, kaiming_normal_, kaiming_uniform_, normal_,
    ones_, orthogonal_, sparse_, trunc_normal_, uniform_, xavier_normal_, xavier_uniform_,
    zeros_,
)

from ._diagnose import diagnose
from ._lsuv import lsuv_

__all__ = [
    "fast_init", "init_module_", "materialize_", "module_spec", "diagnose", "lsuv_",
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
    "kaiming_normal_", "orthogonal_", "sparse_",
]
