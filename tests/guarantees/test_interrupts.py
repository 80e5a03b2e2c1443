"""Ctrl-C during a multi-gigabyte fill (issue 8).

A child process fills a large float32 array with standard normals, over and
over; the test sends it SIGINT while a fill runs.  KeyboardInterrupt must be
raised inside the fill within a second of the signal, the interrupted call
keeps the stream range it reserved (so no later call repeats its numbers), and
the generator goes on working: the next call's values equal ``fill_at`` at
the position after the interrupted call.
"""
from __future__ import annotations

import textwrap

import pytest

from tests.support.processes import interrupt_child, says_ready

CHILD = textwrap.dedent(
    """
    import json, sys, time, traceback
    import numpy as np
    import fastinit

    n, n_threads, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    n_threads = None if n_threads == "all" else int(n_threads)
    rng = fastinit.default_rng(7)
    rng.standard_normal(1 << 16, dtype=np.float32, n_threads=n_threads)  # start OpenMP
    out = np.empty(n, np.float32) if mode == "out" else None
    print(json.dumps({"ready": True}), flush=True)
    result = {}
    try:
        for attempt in range(50):  # refill until the signal lands inside a fill
            before = rng.position
            t0 = time.monotonic()
            if mode == "out":
                rng.standard_normal(out=out, n_threads=n_threads)
            else:
                x = rng.standard_normal(n, dtype=np.float32, n_threads=n_threads)
                del x
            result["fill_seconds"] = time.monotonic() - t0
        result["never_interrupted"] = True
    except KeyboardInterrupt as exc:
        caught = time.monotonic()
        frames = [f.name for f in traceback.extract_tb(exc.__traceback__)]
        position = rng.position
        y = rng.standard_normal(1000, dtype=np.float32)
        z = rng.fill_at("standard_normal", np.empty(1000, np.float32), 0, position=position)
        result.update(
            caught=caught, frames=frames, attempt=attempt,
            reserved=position - before, blocks=-(-n // 4),
            usable=y.tobytes() == z.tobytes() and rng.position == position + 250,
        )
    print(json.dumps(result), flush=True)
    """
)


def interrupt_a_fill(n, n_threads, mode, delay=0.3):
    result, sent = interrupt_child([CHILD, str(n), str(n_threads), mode], says_ready, delay)
    assert not result.get("never_interrupted"), "every fill finished before the signal"
    result["latency"] = result["caught"] - sent
    return result


def check(result, n):
    assert result["latency"] < 1.0, f"KeyboardInterrupt came {result['latency']:.2f} s after SIGINT"
    assert any("fill" in name for name in result["frames"]), (
        f"the interrupt was not raised inside the fill: {result['frames']}")
    assert result["reserved"] == result["blocks"] == -(-n // 4), (
        "the interrupted call must keep its whole reserved range")
    assert result["usable"], "the generator is not usable after the interrupt"


GIB = 1 << 30


@pytest.mark.parametrize("n_threads,mode", [("all", "size"), (1, "out")])
def test_ctrl_c_interrupts_a_1_gib_fill_within_a_second(n_threads, mode):
    n = GIB // 4  # 1 GiB of float32
    check(interrupt_a_fill(n, n_threads, mode), n)


@pytest.mark.slow
@pytest.mark.parametrize("n_threads,mode", [("all", "size"), ("all", "out"), (1, "size")])
def test_ctrl_c_interrupts_a_4_gib_fill_within_a_second(n_threads, mode):
    n = 4 * GIB // 4  # 4 GiB of float32
    check(interrupt_a_fill(n, n_threads, mode, delay=1.0), n)
