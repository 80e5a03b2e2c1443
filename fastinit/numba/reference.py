"""Philox4x32-10 and the fastinit stream written in Numba alone.

An independent implementation of the stream (docs/STREAM.md, promise 2) that
shares no code with the C core: the tests use it to check the words and
uniforms that the custom-distribution path gets from the C core, and to
check the Random123 known-answer vectors.  It is also usable on its own
(``prange``-parallel), but the C core is several times faster.

- word ``w`` of a stream is output word ``w % 4`` of block ``w // 4``;
- block ``b`` encrypts counter ``(b & 0xffffffff, b >> 32, sid & 0xffffffff,
  sid >> 32)`` under key ``(k0, k1)``;
- a float64 uniform is two words (first low) as ``x``, ``(x >> 11) * 2**-53``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from numba import njit, prange

__all__ = ["philox4x32_10", "stream_words", "stream_uniforms"]

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


@njit(cache=True)
def _philox(c0, c1, c2, c3, k0, k1):
    # all arguments uint64 holding 32-bit values
    for rnd in range(10):
        if rnd > 0:
            k0 = (k0 + _W0) & _MASK
            k1 = (k1 + _W1) & _MASK
        p0 = _M0 * c0
        p1 = _M1 * c2
        n0 = (p1 >> _S32) ^ c1 ^ k0
        n1 = p1 & _MASK
        n2 = (p0 >> _S32) ^ c3 ^ k1
        n3 = p0 & _MASK
        c0, c1, c2, c3 = n0, n1, n2, n3
    return c0, c1, c2, c3


@njit(cache=True)
def _philox_rows(ctr, key, out):
    for i in range(ctr.shape[0]):
        r = _philox(np.uint64(ctr[i, 0]), np.uint64(ctr[i, 1]), np.uint64(ctr[i, 2]),
                    np.uint64(ctr[i, 3]), np.uint64(key[i, 0]), np.uint64(key[i, 1]))
        out[i, 0] = np.uint32(r[0])
        out[i, 1] = np.uint32(r[1])
        out[i, 2] = np.uint32(r[2])
        out[i, 3] = np.uint32(r[3])


def philox4x32_10(counter: Sequence[int], key: Sequence[int]) -> np.ndarray:
    """The Philox4x32-10 block function (Salmon et al., SC'11).

    Parameters
    ----------
    counter : sequence of 4 ints, or array of shape (n, 4)
        32-bit counter words.
    key : sequence of 2 ints, or array of shape (n, 2)
        32-bit key words (broadcast against ``counter``).

    Returns
    -------
    ndarray of uint32, shape (4,) or (n, 4)
    """
    c = np.asarray(counter, dtype=np.uint64)
    k = np.asarray(key, dtype=np.uint64)
    single = c.ndim == 1
    c2 = np.atleast_2d(c)
    k2 = np.atleast_2d(k)
    if c2.shape[-1] != 4 or k2.shape[-1] != 2:
        raise ValueError("counter must have 4 words and key 2 words")
    if (c2 > 0xFFFFFFFF).any() or (k2 > 0xFFFFFFFF).any():
        raise ValueError("counter and key words must be 32-bit unsigned ints")
    n = max(c2.shape[0], k2.shape[0])
    c2 = np.ascontiguousarray(np.broadcast_to(c2, (n, 4)))
    k2 = np.ascontiguousarray(np.broadcast_to(k2, (n, 2)))
    out = np.empty((n, 4), np.uint32)
    _philox_rows(c2, k2, out)
    return out[0] if single else out


@njit(cache=True, parallel=True)
def _words(k0, k1, s0, s1, word0, out):
    n = out.size
    if n == 0:
        return
    first = word0 >> np.uint64(2)
    last = (word0 + np.uint64(n - 1)) >> np.uint64(2)
    nblocks = np.int64(last - first) + 1
    for j in prange(nblocks):
        b = first + np.uint64(j)
        r = _philox(b & _MASK, b >> _S32, s0, s1, k0, k1)
        for q in range(4):
            w = b * np.uint64(4) + np.uint64(q)
            if w >= word0:
                i = np.int64(w - word0)
                if i < n:
                    out[i] = np.uint32(r[q])


def _split(key: Sequence[int], stream_id: int, word0: int) -> tuple:
    k0, k1 = (int(k) for k in key)
    sid = int(stream_id)
    if not (0 <= k0 < 2**32 and 0 <= k1 < 2**32):
        raise ValueError("key must be two 32-bit unsigned ints")
    if not 0 <= sid < 2**64:
        raise ValueError("stream_id must be a 64-bit unsigned int")
    if not 0 <= int(word0) < 2**64:
        raise ValueError("word0 must be a 64-bit unsigned int")
    return (np.uint64(k0), np.uint64(k1), np.uint64(sid & 0xFFFFFFFF), np.uint64(sid >> 32),
            np.uint64(int(word0)))


def stream_words(key: Sequence[int], stream_id: int, word0: int, n: int) -> np.ndarray:
    """Words ``word0 .. word0 + n`` of the stream ``(key, stream_id)`` as uint32.

    Examples
    --------
    >>> import fastinit
    >>> rng = fastinit.default_rng(1)
    >>> w = stream_words(rng.key, rng.stream_id, 4 * rng.position, 8)
    >>> bool((w == rng.random_raw(8)).all())
    True
    """
    out = np.empty(int(n), np.uint32)
    if int(word0) + int(n) > 2**64:
        raise OverflowError("word range past the end of the stream (2**64 words)")
    _words(*_split(key, stream_id, word0), out)
    return out


def stream_uniforms(key: Sequence[int], stream_id: int, word0: int, n: int) -> np.ndarray:
    """``n`` float64 uniforms from stream words ``word0, word0 + 1, ...``.

    Uniform ``i`` is ``(x >> 11) * 2**-53`` with ``x`` the words
    ``word0 + 2i`` (low) and ``word0 + 2i + 1`` (high): what
    ``Generator.random(dtype=float64)`` gives when its draw starts at
    ``word0``.
    """
    words = stream_words(key, stream_id, word0, 2 * int(n)).astype(np.uint64)
    x = words[0::2] | (words[1::2] << np.uint64(32))
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
