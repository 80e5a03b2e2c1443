"""Independent models of fastinit's fills, for the hardening tests (issue 8).

Built on tests/philox_reference.py (Philox4x32-10 in plain NumPy) and the
word -> value rules of docs/ARCHITECTURE.md, not on fastinit's C.  Normal
variates have no independent model here (their accuracy is tested in
tests/test_core_stats.py); for them ``reference_fill`` returns None.
"""
from __future__ import annotations

import array
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from typing import Callable

import ml_dtypes
import numpy as np
from hypothesis import strategies as st

import fastinit
from tests.support.philox_reference import stream_words

BF16 = np.dtype(fastinit.bfloat16)
FLOAT_DTYPES = [np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16), BF16]
METHODS = ["random", "uniform", "standard_normal", "normal", "truncated_normal", "random_raw"]
GUARD = 64  # guard bytes on each side of every out array


def words_per_element(method: str, dtype: np.dtype) -> int:
    if method == "sample":  # Numba distributions with one float64 uniform (the gallery's)
        return 2
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
    # float32's 24-bit grid, also for float16/bfloat16 (stream version 3)
    return (w >> np.uint64(8)).astype(np.float64) * 2.0**-24


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
    hi = float(params.get("high", 1.0))
    width = hi - lo
    # clamped last to the bounds rounded inward to the dtype (ARCHITECTURE.md)
    lo_in, hi_in = inward(lo, dtype, up=True), inward(hi, dtype, up=False)
    if dtype == np.float64:
        return np.clip(lo + width * u, lo_in, hi_in)
    # float32 arithmetic for float32 and narrower outputs, then round to nearest even
    x = np.float32(lo) + np.float32(width) * u.astype(np.float32)
    if dtype.itemsize == 2 and hi > lo:  # stream version 3: [low, high) where the dtype can
        below = _largest_below(hi, dtype)
        hi_in = below if below >= lo_in else hi_in
    return np.clip(x, np.float32(lo_in), np.float32(hi_in)).astype(dtype)


def _neighbours(value: np.ndarray) -> list[float]:
    """``value`` (a 0-d array of a float dtype) and the values one bit pattern either side."""
    uint = np.dtype(f"u{value.dtype.itemsize}")
    bits = int(value.reshape(1).view(uint)[0])
    out = []
    for pattern in (bits - 1, bits, bits + 1):
        if 0 <= pattern < 1 << (8 * uint.itemsize):
            out.append(float(np.array([pattern], uint).view(value.dtype)[0]))
    return [v for v in out if not math.isnan(v)]


def inward(bound: float, dtype, up: bool) -> float:
    """The value of ``dtype`` nearest ``bound`` on the inside of an interval:
    the smallest >= bound (``up``) or the largest <= bound; nan if none is finite."""
    with np.errstate(over="ignore"):
        near = np.array(bound).astype(dtype)
    candidates = [v for v in _neighbours(near) if (v >= bound if up else v <= bound)]
    return (min if up else max)(candidates) if candidates else math.nan


def _largest_below(high: float, dtype) -> float:
    """The largest finite 16-bit ``dtype`` value < high, found among all 2^16 values
    (+0.0 for a zero)."""
    with np.errstate(invalid="ignore"):
        values = np.arange(2**16, dtype=np.uint32).astype(np.uint16).view(dtype).astype(np.float64)
    values = np.unique(values[np.isfinite(values)])
    last = float(values[np.searchsorted(values, high, side="left") - 1])
    return 0.0 if last == 0 else last


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def mentions(message: str, name: str) -> bool:
    """Does an error message name argument ``name``?"""
    patterns = {
        # a single letter is a word in any sentence: only as an argument
        "a": r"\ba\s*(=|must|<|is|of shape)|\[a, b\]",
        "b": r"\bb\s*(=|must|is|of shape)|< b\b|\[a, b\]",
        "size": r"\bsize\b",
    }
    return re.search(patterns.get(name, rf"\b{re.escape(name)}\b"), message) is not None


def guarded_bytes(nbytes: int, misalign: int = 0):
    """(base, region): random bytes with GUARD bytes each side of ``region``."""
    base = np.random.default_rng(nbytes + 7).integers(0, 256, nbytes + 2 * GUARD + 1,
                                                      dtype=np.uint8)
    return base, base[GUARD + misalign: GUARD + misalign + nbytes]


OUT_DTYPES = FLOAT_DTYPES + [np.dtype(np.uint32), np.dtype(np.int32), np.dtype(np.complex64),
                             np.dtype(">f4"), np.dtype(">f8"), np.dtype(">u4"),
                             np.dtype(ml_dtypes.float8_e4m3fn), np.dtype(np.float64)]
LAYOUTS = ["c", "c", "strided", "fortran", "readonly", "misaligned", "subclass", "memmap_rplus",
           "memmap_c", "memmap_r", "zero_d", "not_array"]
SHAPES = st.one_of(st.lists(st.integers(0, 5), min_size=1, max_size=3).map(tuple),
                   st.integers(1 << 15, 40_000).map(lambda n: (n,)))


class Subclass(np.ndarray):
    pass


def make_out(layout, dtype, shape, tmpdir):
    """(out, snapshot, guards, file_info).  snapshot() is every byte a refused call
    must leave alone; guards() the bytes around out that no call may touch."""
    dtype = np.dtype(dtype)
    if layout == "zero_d":
        shape = ()
    n = math.prod(shape)
    nbytes = n * dtype.itemsize
    nothing = lambda: b""  # noqa: E731
    if layout.startswith("memmap") and n:
        path = os.path.join(tmpdir, f"out-{len(os.listdir(tmpdir))}.bin")
        guarded_bytes(nbytes)[0][:nbytes + 2 * GUARD].tofile(path)
        mode = {"memmap_rplus": "r+", "memmap_c": "c", "memmap_r": "r"}[layout]
        out = np.memmap(path, dtype=dtype, mode=mode, offset=GUARD, shape=shape)
        with open(path, "rb") as f:
            file_bytes = f.read()
        return out, (lambda: out.tobytes()), nothing, (path, mode, file_bytes)
    if layout == "not_array":
        values = [0.5] * n
        return (values if n % 2 else array.array("d", values)), nothing, nothing, None
    if layout == "strided" and shape:
        base, region = guarded_bytes(2 * nbytes)
        wide = np.ndarray(shape[:-1] + (2 * shape[-1],), dtype, buffer=region)
        out = wide[..., ::2]
    else:
        misalign = 1 if layout == "misaligned" else 0
        base, region = guarded_bytes(nbytes, misalign)
        order = "F" if layout == "fortran" else "C"
        out = np.ndarray(shape, dtype, buffer=region, order=order)
        if layout == "readonly":
            out.flags.writeable = False
        if layout == "subclass":
            out = out.view(Subclass)
    start = GUARD + (1 if layout == "misaligned" else 0)
    end = start + region.size

    def guards():
        return base[:start].tobytes() + base[end:].tobytes()
    return out, base.tobytes, guards, None


def out_problems(method, dtype_arg, out, size, fortran_ok=False):
    """The documented refusals for this (method, dtype=, out=, size=), as (type, name).

    ``fortran_ok``: the Generator's methods accept a Fortran-ordered ``out``
    as NumPy does (filled in memory order); the Numba path does not."""
    if not isinstance(out, np.ndarray):
        return [(TypeError, "out")]
    problems = []
    if method == "random_raw":
        if out.dtype != np.uint32:
            problems.append((TypeError, "out"))
    elif dtype_arg is not None:
        if out.dtype != np.dtype(dtype_arg):
            problems.append((TypeError, "out"))
    elif out.dtype not in FLOAT_DTYPES:
        problems.append((TypeError, "out"))
    flags = out.flags
    contiguous = flags.c_contiguous or (fortran_ok and flags.f_contiguous)
    if not (contiguous and flags.writeable and flags.aligned):
        problems.append((ValueError, "out"))
    if size is not None and tuple(out.shape) != tuple(size):
        problems.append((ValueError, "out"))
    return problems


def child_env() -> dict:
    """The environment for a child Python that imports the same fastinit."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))


def says_ready(line: str) -> bool:
    """The first line the interrupt children print once set up."""
    return json.loads(line) == {"ready": True}


def interrupt_child(args: list[str], ready: Callable[[str], bool], delay: float = 0.0,
                    timeout: float = 120) -> tuple[dict, float]:
    """Run ``python -c *args``, wait for its first line of output (which
    ``ready`` must accept), send it SIGINT ``delay`` seconds later, and return
    (the last line it printed, as JSON; the monotonic time of the signal).
    The child must exit with status 0."""
    proc = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=child_env())
    try:
        first = proc.stdout.readline()
        assert ready(first), first + proc.stderr.read()
        time.sleep(delay)
        sent = time.monotonic()  # CLOCK_MONOTONIC is system-wide on Linux
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1]), sent
