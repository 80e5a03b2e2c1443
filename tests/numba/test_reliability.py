"""The Numba path when things go wrong (issue 15): exact kernel keys, the
user's own exceptions, Ctrl-C whatever an element costs, and a compile that
works after an interrupted one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

import fastinit
from fastinit.numba import distribution, fill_at, sample
from tests.support.processes import child_env, interrupt_child, says_ready


# ------------------------------------------------------------ exact keys --
def _table_distribution(table):
    """A distribution closing over ``table``: Numba compiles it in as a constant."""
    @distribution(interval="half-open")
    def pick(u):
        return table[int(u * table.size)]
    return pick


def test_closures_over_arrays_with_the_same_repr_get_their_own_kernels():
    # Two 2000-element tables whose reprs are equal ("[0. 0. 0. ... 0. 0. 0.]")
    # but whose middles differ: a key built from repr() shared one kernel.
    zeros = np.zeros(2000)
    marked = zeros.copy()
    marked[1000:1010] = 7.0
    assert repr(zeros) == repr(marked)
    first, second = _table_distribution(zeros), _table_distribution(marked)
    a = sample(fastinit.default_rng(3), first, size=20000)
    b = sample(fastinit.default_rng(3), second, size=20000)
    assert not a.any()
    u = fastinit.default_rng(3).random(20000)
    np.testing.assert_array_equal(b, marked[(u * 2000).astype(int)])


# ------------------------------------------------- the user's exceptions --
@distribution(interval="half-open")
def raises_near_one(u):
    if u > 0.9999:
        raise ValueError("u is too close to one")
    return u


@distribution
def checks_its_scale(u, scale=1.0):
    if scale > 5.0:
        raise ValueError("scale must be at most 5")
    return u * scale


@pytest.mark.parametrize("n_threads", [1, 2])
def test_an_exception_of_the_function_surfaces_as_itself(n_threads):
    rng = fastinit.default_rng(0)
    out = np.zeros(1 << 16)
    with pytest.raises(ValueError, match="u is too close to one") as info:
        sample(rng, raises_near_one, out=out, n_threads=n_threads)
    assert "raises_near_one" in " ".join(getattr(info.value, "__notes__", []))
    # the draw keeps its range (as after Ctrl-C): the next draw never repeats it
    assert rng.position == (1 << 16) * 2 // 4


def test_an_exception_for_the_parameters_comes_before_anything_is_drawn_or_written():
    rng = fastinit.default_rng(0)
    rng.random(3)
    before = rng.position
    out = np.full(1 << 16, 0.25, np.float32)
    with pytest.raises(ValueError, match="scale must be at most 5"):
        sample(rng, checks_its_scale, out=out, scale=6.0)
    with pytest.raises(ValueError, match="scale must be at most 5"):
        fill_at(rng, checks_its_scale, out, position=5, scale=6.0)
    assert rng.position == before
    assert (out == np.float32(0.25)).all()
    np.testing.assert_array_equal(sample(rng, checks_its_scale, size=4, scale=2.0),
                                  2.0 * fastinit.default_rng(0).random(8)[4:])  # whole blocks


# ------------------------------------------------------------------ Ctrl-C --
SLOW_CHILD = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    import fastinit
    from fastinit.numba import distribution

    @distribution
    def slow(u):  # about 3 microseconds per element
        s = 0.0
        for i in range(3000):
            s += u * 1e-9
        return u + s

    rng = fastinit.default_rng(0)
    slow.compile()
    print(json.dumps({"ready": True}), flush=True)
    result = {}
    try:
        fastinit.sample(rng, slow, size=1 << 22, n_threads=int(sys.argv[1]))
        result["never_interrupted"] = True
    except KeyboardInterrupt:
        result["caught"] = time.monotonic()
    print(json.dumps(result), flush=True)
    """
)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_ctrl_c_interrupts_a_slow_distribution_within_a_second(n_threads):
    # 4M elements at ~3 us each: 12 s of work; a round of 4M elements per
    # thread used to make Ctrl-C wait for all of it.
    result, sent = interrupt_child([SLOW_CHILD, str(n_threads)], says_ready, delay=0.5)
    assert not result.get("never_interrupted")
    latency = result["caught"] - sent
    assert latency < 1.0, f"KeyboardInterrupt came {latency:.2f} s after SIGINT"


COMPILE_CHILD = textwrap.dedent(
    """
    import builtins, json, math, signal, sys, time
    import numpy as np
    import fastinit

    @fastinit.distribution
    def shifted_log(u, scale=1.0):
        return math.log(u) * scale + 0.5

    # Ctrl-C arrives at the n-th import statement Numba (or fastinit, for
    # Numba) runs from here on: inside `import numba`, inside the modules
    # Numba's CPU target loads on the first compile, or inside the compile.
    target = int(sys.argv[1])
    count = 0
    sent = None
    real_import = builtins.__import__

    def import_with_ctrl_c(name, globals=None, locals=None, fromlist=(), level=0):
        global count, sent
        if name.startswith("numba") or (globals or {}).get("__name__", "").startswith("numba"):
            count += 1
            if count == target:
                sent = time.monotonic()
                signal.raise_signal(signal.SIGINT)
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = import_with_ctrl_c
    result = {"interrupted": False}
    try:
        shifted_log.compile(np.float32)
    except KeyboardInterrupt:
        result["interrupted"] = True
        result["latency"] = time.monotonic() - sent
    builtins.__import__ = real_import
    result["imports"] = count
    try:
        x = fastinit.sample(fastinit.default_rng(0), shifted_log, size=3, dtype=np.float32)
        result["retry"] = x.tolist()
    except Exception as exc:
        result["retry_error"] = f"{type(exc).__name__}: {exc}"[:500]
    print(json.dumps(result), flush=True)
    """
)


def _compile_with_ctrl_c_at_import(target):
    with tempfile.TemporaryDirectory() as cache:  # fresh caches: a real first compile
        env = dict(child_env(), FASTINIT_CACHE_DIR=cache, NUMBA_CACHE_DIR=os.path.join(cache, "numba"))
        proc = subprocess.run([sys.executable, "-c", COMPILE_CHILD, str(target)], env=env,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_compile_interrupted_by_ctrl_c_works_when_retried():
    # Numba not yet imported.  Ctrl-C in the first `import numba` left
    # `numba` without `numba.core`; Ctrl-C in the modules its CPU target
    # loads on the first compile left half-made registrations behind
    # ("duplicate registration for UnicodeType"); either way every later
    # compile in the process failed.  The interruption points are spread
    # over the whole first compile, counted in import statements.
    expected = (np.log(fastinit.default_rng(0).random(3)) + 0.5).astype(np.float32).tolist()
    total = _compile_with_ctrl_c_at_import(0)["imports"]
    assert total > 1000  # Numba imports itself inside the compile
    for fraction in (0.02, 0.1, 0.2, 0.3, 0.4, 0.6, 0.9):
        result = _compile_with_ctrl_c_at_import(int(fraction * total))
        assert "retry_error" not in result, (fraction, result)
        np.testing.assert_allclose(result["retry"], expected, rtol=1e-6)
        assert result["interrupted"], (fraction, result)
        assert result["latency"] < 1.0, (fraction, result)  # held at most ~0.5 s
