"""How far a stream reaches, and how fills are cut into work: one name, one value each.

Every path that addresses stream words -- the C core, the Numba path, Dask
blocks, ``fill_at`` -- checks its range here, so running past the end of a
stream raises the same ``ValueError`` with the same message everywhere.
"""
from __future__ import annotations

from ._core import ROUND_PER_THREAD, SERIAL_BELOW

#: 32-bit words in one Philox4x32 block (one counter value).
BLOCK_WORDS = 4
#: Words in one stream: word indices are uint64 in the kernels.
STREAM_WORDS = 1 << 64
#: Philox blocks in one stream (the counter's first two words).
STREAM_BLOCKS = STREAM_WORDS // BLOCK_WORDS

__all__ = ["BLOCK_WORDS", "ROUND_PER_THREAD", "SERIAL_BELOW", "STREAM_BLOCKS", "STREAM_WORDS",
           "blocks_for_words", "check_position", "check_stream_end"]


def blocks_for_words(n_words: int) -> int:
    """Whole Philox blocks needed for ``n_words`` words (a call reserves whole blocks)."""
    return -(-n_words // BLOCK_WORDS)


def check_position(position: int, argname: str = "position") -> int:
    """``position`` (a Philox block index) if it lies inside a stream; else ValueError."""
    if not 0 <= position < STREAM_BLOCKS:
        raise ValueError(f"{argname} must be in [0, 2**62) (a stream holds 2**62 blocks of "
                         f"4 words), got {position}")
    return position


def check_stream_end(position: int, end_word: int) -> None:
    """ValueError naming ``position`` when a draw at block ``position`` needs stream
    words up to ``end_word`` (exclusive, counted from the start of the stream)
    beyond the end of the stream."""
    if end_word > STREAM_WORDS:
        raise ValueError(f"position={position}: this draw needs stream words up to {end_word}, "
                         f"past the end of the stream (2**64 words); use another stream "
                         f"(Generator.stream(name) or spawn())")
