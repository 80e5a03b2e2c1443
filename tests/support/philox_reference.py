"""An independent Philox4x32-10 in plain NumPy, for cross-checking the C core.

Written from the algorithm's description (Salmon et al., SC'11), not from
fastinit's C: vectorised over blocks with uint64 arithmetic.
"""
import numpy as np

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK = np.uint64(0xFFFFFFFF)


def philox4x32_10(counters: np.ndarray, key: tuple[int, int]) -> np.ndarray:
    """Encrypt rows of ``counters`` (N x 4 uint32) under ``key``."""
    c = [counters[:, j].astype(np.uint64) for j in range(4)]
    k0, k1 = key
    for round_ in range(10):
        if round_:
            k0, k1 = (k0 + W0) & 0xFFFFFFFF, (k1 + W1) & 0xFFFFFFFF
        p0 = c[0] * M0
        p1 = c[2] * M1
        c = [
            (p1 >> np.uint64(32)) ^ c[1] ^ np.uint64(k0),
            p1 & MASK,
            (p0 >> np.uint64(32)) ^ c[3] ^ np.uint64(k1),
            p0 & MASK,
        ]
    return np.stack(c, axis=1).astype(np.uint32)


def stream_words(key: tuple[int, int], stream_id: int, first_word: int, n: int) -> np.ndarray:
    """Words [first_word, first_word + n) of stream ``stream_id`` (DESIGN layout)."""
    first_block = first_word // 4
    last_block = (first_word + n + 3) // 4
    blocks = np.arange(first_block, last_block, dtype=np.uint64)
    ctr = np.empty((blocks.size, 4), np.uint32)
    ctr[:, 0] = (blocks & MASK).astype(np.uint32)
    ctr[:, 1] = (blocks >> np.uint64(32)).astype(np.uint32)
    ctr[:, 2] = stream_id & 0xFFFFFFFF
    ctr[:, 3] = stream_id >> 32
    words = philox4x32_10(ctr, key).reshape(-1)
    skip = first_word - 4 * first_block
    return words[skip : skip + n]
