"""The initializer catalogue: every standard weight initializer, both conventions.

Two faces over the same code:

* **functions** -- ``fastinit.he_normal(shape, dtype, *, ..., layout="torch",
  seed=None, rng=None, out=None, n_threads=None)`` returns a new array, or
  fills ``out`` in place;
* **Keras-style objects** -- ``fastinit.initializers.HeNormal(...)``, callable
  as ``init(shape, dtype, seed=..., rng=..., out=...)``, with
  ``get_config()`` / ``from_config()`` and string identifiers
  (``fastinit.get("glorot_uniform")``).

Conventions (docs/CONVENTIONS.md) are explicit: every initializer whose result
depends on them **requires** ``layout`` -- ``"torch"`` (weights ``(out, in,
*k)``, plain normals, absolute truncation bounds, orthogonal rows = dim 0,
dirac centre ``k // 2``) or ``"keras"`` / ``"jax"`` (weights ``(*k, in,
out)``, truncated normals corrected by 0.87962566103423978, bounds in
standard deviations, orthogonal columns = last axis, centre ``(k - 1) //
2``; "jax" adds ``in_axis``/``out_axis``/``batch_axis``, "keras" Keras
3.15's ``input_axes``/``output_axes``).

One rule for every call form -- function, class, ``get(name)``, model spec,
``fastinit.dask``: no layout, no guess (a TypeError lists the choices), and
the same name and options give the same values whichever form is used.
Defaults that depend on the convention (``truncated_normal``'s ``stddev``,
what ``distribution="normal"`` means) come whole from the layout's
framework.  Keras configs and objects carry ``layout="keras"``
(:func:`get`); the framework adapters ``fastinit.keras`` and
``fastinit.jax`` fix their framework's convention.

Elementwise initializers have :meth:`Initializer.plan`; orthogonal, identity,
dirac and sparse do not.
"""
from ._base import Initializer, constant_bits, deserialize, get, layout_dependent, \
    registered_names, resolve_plan_args, serialize
from ._constant import Constant, Ones, Zeros, constant, ones, zeros
from ._fans import LAYOUTS, compute_fans
from ._gain import calculate_gain
from ._orthogonal import Orthogonal, orthogonal
from ._random import RandomNormal, RandomUniform, TruncatedNormal, random_normal, \
    random_uniform, truncated_normal
from ._stft import STFT
from ._structured import Dirac, Eye, Identity, Sparse, dirac, eye, identity, sparse
from ._torch_defaults import TorchDefaultBias, TorchDefaultWeight, torch_default_bias, \
    torch_default_weight
from ._variance_scaling import GlorotNormal, GlorotUniform, HeNormal, HeUniform, \
    KaimingNormal, KaimingUniform, LecunNormal, LecunUniform, VarianceScaling, \
    XavierNormal, XavierUniform, glorot_normal, glorot_uniform, he_normal, he_uniform, \
    kaiming_normal, kaiming_uniform, lecun_normal, lecun_uniform, variance_scaling, \
    xavier_normal, xavier_uniform

#: the functional forms, also exported from ``fastinit``
FUNCTIONS = [
    "zeros", "ones", "constant",
    "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling",
    "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
    "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal",
    "lecun_uniform", "lecun_normal",
    "orthogonal", "identity", "eye", "dirac", "sparse",
    "torch_default_weight", "torch_default_bias",
]

__all__ = FUNCTIONS + [
    "Initializer", "get", "serialize", "deserialize", "registered_names", "layout_dependent",
    "calculate_gain", "compute_fans", "LAYOUTS",
    "Constant", "Zeros", "Ones",
    "RandomNormal", "RandomUniform", "TruncatedNormal",
    "VarianceScaling", "GlorotUniform", "GlorotNormal", "XavierUniform", "XavierNormal",
    "HeUniform", "HeNormal", "KaimingUniform", "KaimingNormal",
    "LecunUniform", "LecunNormal",
    "Orthogonal", "Identity", "Eye", "Dirac", "Sparse", "STFT",
    "TorchDefaultWeight", "TorchDefaultBias",
    # for adapters that fill block by block (fastinit.dask)
    "constant_bits", "resolve_plan_args",
]
