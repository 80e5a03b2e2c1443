"""One stream end, one message: the core, fill_at, the Numba path and Dask agree.

Also: element offsets anywhere inside a stream (>= 2**63 included) address
the same words as the equivalent stream position, and the build's bounds
checks are what setup.py was asked for.
"""
import numpy as np
import pytest

import fastinit
from fastinit import _core, _limits

END_MESSAGE = r"position=\d+: this draw needs stream words up to \d+, past the end of the stream"


def near_end(blocks_left):
    rng = fastinit.default_rng(5)
    rng.state = {"key": rng.key, "stream_id": 0, "position": _limits.STREAM_BLOCKS - blocks_left}
    return rng


def test_limits_have_one_value_each():
    assert _limits.STREAM_WORDS == 2**64 == _limits.STREAM_BLOCKS * _limits.BLOCK_WORDS
    assert _limits.SERIAL_BELOW == _core.SERIAL_BELOW
    assert _limits.ROUND_PER_THREAD == _core.ROUND_PER_THREAD


def test_core_draw_past_the_end():
    rng = near_end(2)
    with pytest.raises(ValueError, match=END_MESSAGE):
        rng.random(9, dtype=np.float32)  # 3 blocks
    assert rng.position == _limits.STREAM_BLOCKS - 2  # nothing reserved
    rng.random(8, dtype=np.float32)  # the last two blocks are usable
    with pytest.raises(ValueError, match=END_MESSAGE):
        rng.reserve(1)


def test_fill_at_past_the_end():
    rng = fastinit.default_rng(5)
    with pytest.raises(ValueError, match=END_MESSAGE):
        rng.fill_at("random", np.empty(3, np.float32), offset=2**64 - 2, position=0)
    with pytest.raises(ValueError, match=END_MESSAGE):
        rng.fill_at("standard_normal", np.empty(2), offset=2**63 - 1, position=0)  # 2 words each


@pytest.mark.parametrize("method,dtype", [("random", np.float32), ("standard_normal", np.float64),
                                          ("random_raw", np.uint32)])
def test_offsets_beyond_int64_address_the_same_words(method, dtype):
    rng = fastinit.default_rng(11)
    wpe = 2 if dtype == np.float64 else 1
    offset = 2**63 // wpe + 6  # element index past what an int64 holds (for 1 word)
    far = rng.fill_at(method, np.empty(5, dtype), offset=offset, position=3)
    block = 3 + (offset - 6) * wpe // 4
    near = rng.fill_at(method, np.empty(5, dtype), offset=6, position=block)
    assert far.tobytes() == near.tobytes()


def test_numba_draw_past_the_end():
    from fastinit.numba import gallery

    rng = near_end(2)
    with pytest.raises(ValueError, match=END_MESSAGE):
        rng.sample(gallery.exponential, size=3)
    assert rng.position == _limits.STREAM_BLOCKS - 2


def test_dask_draw_past_the_end():
    fd = pytest.importorskip("fastinit.dask")
    rng = fd.default_rng(near_end(2))
    with pytest.raises(ValueError, match=END_MESSAGE):
        rng.random(9, dtype="float32", chunks=4)
    assert rng.position == _limits.STREAM_BLOCKS - 2


def test_bounds_checks_are_what_the_build_asked_for():
    # FASTINIT_BOUNDSCHECK=1 at build time (scripts/sanitize.sh) must really
    # turn Cython's checks on: no directive in the .pyx may override it.
    assert _core.bounds_checked() == _core.BOUNDSCHECK_REQUESTED
