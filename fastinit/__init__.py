"""fastinit: fast, reproducible random fills and weight initializers.

Every value is a pure function of (seed, stream, position): results are
bit-identical for any thread count, chunking or machine.  See DESIGN.md.
"""
from ._core import openmp_enabled, philox4x32
from ._dtypes import bfloat16
from ._generator import Generator, default_rng
from ._threads import get_num_threads, threads
from ._simd import simd_info
from .model import init_model, init_tensor
from .numba import Distribution, distribution, sample  # Numba itself loads on first use

__version__ = "0.1.0"

#: Version of the stream contract (DESIGN.md): the bits of every method for a
#: given seed are frozen per version.
STREAM_VERSION = 1

__all__ = [
    "Distribution",
    "Generator",
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
]
