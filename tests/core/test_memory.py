"""``_core.prefault_for_write``: populating a buffer's pages before its first
fill changes no byte of it, and is refused for read-only memory."""
import mmap
import platform

import numpy as np
import pytest

from fastinit import _core

LINUX = platform.system() == "Linux"


def test_present_pages_keep_their_contents():
    values = np.random.default_rng(0).integers(0, 2**63, size=2**20, dtype=np.int64)  # 8 MiB
    copy = values.copy()
    populated = _core.prefault_for_write(values[1:])  # not page-aligned at either end
    assert values.tobytes() == copy.tobytes()
    if LINUX:
        assert populated  # Linux >= 5.14: the kernel took the advice


def test_fresh_pages_read_as_zero_and_a_fill_after_it_is_unchanged():
    size = 16 << 20
    with mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS) as memory:
        array = np.frombuffer(memory, np.uint8)
        _core.prefault_for_write(array)
        assert not array.any()
        del array


def test_small_and_read_only_arrays():
    assert _core.prefault_for_write(np.empty(1000)) is False  # below 4 MiB: nothing to gain
    frozen = np.zeros(2**20)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        _core.prefault_for_write(frozen)
