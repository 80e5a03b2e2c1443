#!/usr/bin/env python3
"""Write an endless fastinit stream to stdout as raw little-endian 32-bit words.

Feeds statistical batteries that read binary input from stdin, such as
``dieharder -g 200`` (see scripts/dieharder.sh)::

    python scripts/stream_to_stdout.py --mode raw --seed 12345 | dieharder -a -g 200

Modes
-----
raw
    ``Generator.random_raw``: the Philox4x32-10 stream words as they are.
uniform_f32
    ``Generator.random(dtype=float32)``.  A float32 uniform carries 24 random
    bits (``u * 2**24`` is an integer in [0, 2**24)), so writing ``u * 2**32``
    would leave 8 constant zero bits in every word and fail any battery
    trivially.  Instead the 24-bit integers ``u * 2**24`` are recovered
    exactly from the float32 values and packed back to back, four uniforms
    into three 32-bit words (little-endian bit order), so every bit the
    battery sees is a bit of a float32 uniform output.
    ``--check`` verifies the packing against ``random_raw`` (the uniform is
    ``(w >> 8) * 2**-24`` per ARCHITECTURE.md) and exits.

Words are generated in chunks at increasing stream positions of one
generator, so the output is one contiguous, reproducible stream for a seed.
The program stops quietly when the reader closes the pipe, or after
``--words`` words when that is given.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

try:
    import fastinit
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import fastinit

CHUNK = 1 << 22  # elements per call (16 MiB of float32 / uint32)


def pack24(u: np.ndarray, verify: bool = False) -> np.ndarray:
    """Pack the 24-bit integers of float32 uniforms (len % 4 == 0) into uint32 words.

    Uniform k carries bits 24k .. 24k+23 of the output bit stream (word j
    holds bits 32j .. 32j+31, least significant first).
    """
    v = (u * np.float32(1 << 24)).astype(np.uint32)  # exact: u is on the 2**-24 grid
    if verify and not np.array_equal(v.astype(np.float32) * np.float32(2.0**-24), u):
        raise AssertionError("float32 uniform not on the 24-bit grid")
    v = v.reshape(-1, 4)
    out = np.empty((v.shape[0], 3), np.uint32)
    out[:, 0] = v[:, 0] | (v[:, 1] << 24)
    out[:, 1] = (v[:, 1] >> 8) | (v[:, 2] << 16)
    out[:, 2] = (v[:, 2] >> 16) | (v[:, 3] << 8)
    return out.reshape(-1)


def words(mode: str, rng: fastinit.Generator, n_threads: int | None) -> np.ndarray:
    if mode == "raw":
        return rng.random_raw(CHUNK, n_threads=n_threads)
    return pack24(rng.random(CHUNK, dtype=np.float32, n_threads=n_threads), verify=True)


def check(seed: int) -> None:
    raw = fastinit.default_rng(seed).random_raw(1024)
    u = fastinit.default_rng(seed).random(1024, dtype=np.float32)
    want = np.zeros(768, np.uint32)
    bits = (raw >> 8).astype(np.uint64)  # 24-bit values, in order
    stream = np.zeros(1024 * 3, np.uint8)
    for k in range(3):
        stream[k::3] = (bits >> (8 * k)) & 0xFF
    want[:] = stream.view(np.uint32)
    got = pack24(u, verify=True)
    if not np.array_equal(got, want):
        raise SystemExit("pack24 mismatch")
    print("ok: uniform_f32 words are the 24-bit float32 uniforms, packed")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("raw", "uniform_f32"), default="raw")
    ap.add_argument("--seed", type=int, default=20240608)
    ap.add_argument("--words", type=int, default=0, help="stop after this many words (0: never)")
    ap.add_argument("--threads", type=int, default=None, help="n_threads per fill")
    ap.add_argument("--check", action="store_true", help="self-test the packing and exit")
    args = ap.parse_args(argv)
    if args.check:
        check(args.seed)
        return 0
    rng = fastinit.default_rng(args.seed)
    out = sys.stdout.buffer
    left = args.words if args.words > 0 else None
    try:
        while left is None or left > 0:
            w = words(args.mode, rng, args.threads)
            if left is not None:
                w = w[:left]
                left -= w.size
            out.write(memoryview(w.astype("<u4", copy=False)).cast("B"))
        out.flush()
    except BrokenPipeError:
        # the reader is done: silence the flush-at-exit error as well
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
