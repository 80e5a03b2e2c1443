"""Seeds to Philox keys, and names to stream ids (docs/STREAM.md, promise 6).

A seed (int, None, or ``numpy.random.SeedSequence``) becomes the 64-bit
Philox key through ``SeedSequence.generate_state``.  A stream id is 64 bits
placed in counter words 2 and 3; named sub-streams derive it from the name
with BLAKE2b, chained through the parent's id so nested names differ from
flat ones ("a" then "b" is not "a/b").
"""
from __future__ import annotations

import hashlib
import operator
from typing import Union

import numpy as np

SeedLike = Union[None, int, "list[int]", np.random.SeedSequence]


def to_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"seed must be an int, None or a SeedSequence, got {seed!r}")
    if isinstance(seed, (list, tuple, range, np.ndarray)):  # entropy words, as NumPy accepts
        values = [_seed_int(v) for v in np.asarray(seed, dtype=object).ravel()]
        return np.random.SeedSequence(values)
    return np.random.SeedSequence(_seed_int(seed))


def _seed_int(value: object) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"seed must be an int, None or a SeedSequence, got {value!r}")
    try:
        result = operator.index(value)
    except TypeError:
        raise TypeError(
            f"seed must be an int, a sequence of ints, None or a numpy.random.SeedSequence, "
            f"got {type(value).__name__}"
        ) from None
    if result < 0:
        raise ValueError(f"seed must be non-negative, got {result}")
    return result


def key_from_seed_sequence(seq: np.random.SeedSequence) -> tuple[int, int]:
    k0, k1 = seq.generate_state(2, np.uint32)
    return int(k0), int(k1)


def stream_id_for(parent_id: int, name: str) -> int:
    """64-bit stream id of sub-stream ``name`` under ``parent_id``."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    h = hashlib.blake2b(digest_size=8, person=b"fastinit-strm-v1")
    h.update(parent_id.to_bytes(8, "little"))
    # "surrogatepass": a name with a lone surrogate (from os.fsdecode, say)
    # still has a stable id; every other str encodes exactly as plain UTF-8.
    h.update(name.encode("utf-8", "surrogatepass"))
    return int.from_bytes(h.digest(), "little")


def split64(value: int) -> tuple[int, int]:
    return value & 0xFFFFFFFF, (value >> 32) & 0xFFFFFFFF
