"""Independent models of fastinit's fills, for the hardening tests (issue 8).

Built on tests/philox_reference.py (Philox4x32-10 in plain NumPy) and the
word -> value rules of docs/ARCHITECTURE.md, not on fastinit's C.  Normal
variates have no independent model here (their accuracy is tested in
tests/test_core_stats.py); for them ``reference_fill`` returns None.
"""
from __future__ import annotations

import numpy as np

import fastinit
from tests.philox_reference import stream_words

BF16 = np.dtype(fastinit.bfloat16)
FLOAT_DTYPES = [np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16), BF16]
METHODS = ["random", "uniform", "standard_normal", "normal", "truncated_normal", "random_raw"]


def words_per_element(method: str, dtype: np.dtype) -> int:
    return 2 if (method != "random_raw" and np.dtype(dtype) == np.float64) else 1


def blocks_for(method: str, dtype: np.dtype, n: int) -> int:
    """Philox blocks one call of ``n`` elements reserves."""
    return -(-n * words_per_element(method, dtype) // 4)


def unit(words: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Uniform [0, 1) on the dtype's grid, as float64 (ARCHITECTURE.md table)."""
    dtype = np.dtype(dtype)
    w = words.astype(np.uint64)
    if dtype == np.float64:
        x = w[0::2] | (w[1::2] << np.uint64(32))
        return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
    bits = {np.dtype(np.float32): 24, np.dtype(np.float16): 11, BF16: 8}[dtype]
    return (w >> np.uint64(32 - bits)).astype(np.float64) * 2.0**-bits


def reference_fill(method: str, dtype, key, stream_id: int, first_word: int, n: int,
                   params: dict | None = None):
    """Elements [0, n) of ``method`` starting at stream word ``first_word``, or
    None when there is no independent model (normal variates)."""
    params = params or {}
    if method == "random_raw":
        return stream_words(key, stream_id, first_word, n)
    dtype = np.dtype(dtype)
    if method not in ("random", "uniform"):
        return None
    words = stream_words(key, stream_id, first_word, n * words_per_element(method, dtype))
    u = unit(words, dtype)
    lo = float(params.get("low", 0.0))
    width = float(params.get("high", 1.0)) - lo
    if dtype == np.float64:
        return lo + width * u
    # float32 arithmetic for float32 and narrower outputs, then round to nearest even
    x = np.float32(lo) + np.float32(width) * u.astype(np.float32)
    return x.astype(dtype)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
