"""fastinit: fast, reproducible random fills and weight initializers.

Every value is a pure function of (seed, stream, position): results are
bit-identical for any thread count, chunking or machine.  See docs/STREAM.md.
"""
from ._version import STREAM_VERSION, __version__
from ._core import openmp_enabled, philox4x32
from ._dtypes import bfloat16
from ._bitgen import Philox4x32
from ._generator import Generator, default_rng
from ._threads import get_num_threads, threads
from ._simd import simd_info
from .model import init_model, init_tensor
from .numba import Distribution, distribution, sample  # Numba itself loads on first use
from . import initializers
from .initializers import (
    calculate_gain, compute_fans, constant, dirac, eye, get, glorot_normal, glorot_uniform,
    he_normal, he_uniform, identity, kaiming_normal, kaiming_uniform, lecun_normal,
    lecun_uniform, ones, orthogonal, random_normal, random_uniform, sparse,
    torch_default_bias, torch_default_weight, truncated_normal, variance_scaling,
    xavier_normal, xavier_uniform, zeros,
)
from .diagnose import DiagnoseResult, diagnose


__all__ = [
    "Distribution",
    "Generator",
    "Philox4x32",
    "STREAM_VERSION",
    "bfloat16",
    "default_rng",
    "distribution",
    "get_num_threads",
    "init_model",
    "init_tensor",
    "openmp_enabled",
    "philox4x32",
    "sample",
    "simd_info",
    "threads",
    # the initializer catalogue (fastinit.initializers)
    "initializers", "get", "calculate_gain", "compute_fans", "diagnose", "DiagnoseResult",
    "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling", "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
    "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal", "lecun_uniform",
    "lecun_normal", "orthogonal", "identity", "eye", "dirac", "sparse",
    "torch_default_weight", "torch_default_bias",
]
