"""Which instruction set the kernels use, and a switch for testing."""
from __future__ import annotations

import contextlib
import os
from typing import Iterator

from . import _core

# This build's instruction sets, narrowest first: ("scalar", "sse2", "avx2",
# "avx512") on x86-64, ("scalar", "neon") on arm64, ("scalar",) elsewhere.
ISAS = _core.ISA_NAMES


def simd_info() -> dict:
    """``{"best": ..., "active": ..., "available": [...]}`` for this CPU."""
    best = _core.isa_best()
    return {
        "best": best,
        "active": _core.isa_active(),
        "available": list(ISAS[: ISAS.index(best) + 1]),
    }


@contextlib.contextmanager
def use_isa(name: str) -> Iterator[str]:
    """Run the kernels on instruction set ``name`` (or narrower, if the CPU
    lacks it) inside the block.  Not thread-safe: for tests and benchmarks."""
    if name not in ISAS:
        raise ValueError(f"name must be one of {ISAS}, got {name!r}")
    previous = _core.isa_active()
    try:
        yield _core.set_isa(name)
    finally:
        _core.set_isa(previous)


def _apply_environment() -> None:
    """FASTINIT_SIMD=avx2 (say) caps the instruction set for the process."""
    requested = os.environ.get("FASTINIT_SIMD")
    if requested:
        if requested not in ISAS:
            raise ImportError(f"FASTINIT_SIMD={requested!r}: expected one of {ISAS}")
        _core.set_isa(requested)


_apply_environment()
