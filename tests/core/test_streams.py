"""Seeding and sub-streams (DESIGN.md contract 5), state, pickling, and the
thread policy (n_threads=None honours OMP_NUM_THREADS and threadpoolctl)."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import fastinit


def test_same_seed_same_values_different_seed_different_values():
    a = fastinit.default_rng(1).random(1000)
    assert np.array_equal(a, fastinit.default_rng(1).random(1000))
    assert not np.array_equal(a, fastinit.default_rng(2).random(1000))


def test_seed_forms_agree_with_seed_sequence():
    ss = np.random.SeedSequence(12345)
    a = fastinit.default_rng(ss).random(100)
    assert np.array_equal(a, fastinit.default_rng(12345).random(100))
    assert np.array_equal(fastinit.default_rng([1, 2]).random(10),
                          fastinit.default_rng(np.random.SeedSequence([1, 2])).random(10))
    assert fastinit.default_rng(2**200).random() != fastinit.default_rng(2**200 + 1).random()


def test_none_seed_exposes_its_entropy_to_repeat_a_run():
    rng = fastinit.default_rng()
    a = rng.standard_normal(100)
    again = fastinit.default_rng(rng.seed_seq.entropy).standard_normal(100)
    assert np.array_equal(a, again)


def test_default_rng_passes_a_generator_through():
    rng = fastinit.default_rng(3)
    assert fastinit.default_rng(rng) is rng


def test_key_comes_from_seed_sequence():
    rng = fastinit.default_rng(77)
    expected = np.random.SeedSequence(77).generate_state(2, np.uint32)
    assert rng.key == tuple(int(k) for k in expected)


def test_named_streams_do_not_depend_on_order_or_neighbours():
    rng = fastinit.default_rng(5)
    rng.random(12345)  # draws on the parent do not move sub-streams
    w1 = rng.stream("layer1.weight").standard_normal(1000, dtype=np.float32)
    other = fastinit.default_rng(5)
    other.stream("layer0.weight").standard_normal(50)
    w1_again = other.stream("layer1.weight").standard_normal(1000, dtype=np.float32)
    assert np.array_equal(w1, w1_again)
    assert not np.array_equal(w1, other.stream("layer1.bias").standard_normal(1000, dtype=np.float32))


def test_nested_names_differ_from_flat_names():
    rng = fastinit.default_rng(5)
    ids = {rng.stream("a").stream("b").stream_id, rng.stream("a/b").stream_id,
           rng.stream("ab").stream_id, rng.stream("b").stream("a").stream_id}
    assert len(ids) == 4


def test_streams_are_independent_of_each_other():
    rng = fastinit.default_rng(8)
    a = rng.stream("x").random(10**6)
    b = rng.stream("y").random(10**6)
    assert abs(np.corrcoef(a, b)[0, 1]) < 5e-3


def test_spawn_matches_numpy_seed_sequence_children():
    parent = fastinit.default_rng(9)
    children = parent.spawn(3)
    expected = np.random.SeedSequence(9).spawn(3)
    for child, ss in zip(children, expected):
        assert child.key == tuple(int(k) for k in ss.generate_state(2, np.uint32))
    assert len({c.key for c in children}) == 3


def test_calls_take_consecutive_disjoint_ranges():
    rng = fastinit.default_rng(4)
    a = rng.random(10, dtype=np.float32)  # 10 words -> 3 blocks
    assert rng.position == 3
    b = rng.random(5)  # 10 words -> 3 blocks
    assert rng.position == 6
    whole = fastinit.default_rng(4).random_raw(24)
    assert np.array_equal(a, (whole[:10] >> 8).astype(np.float32) * np.float32(2**-24))
    assert not np.array_equal(b[:1], a[:1])


def test_state_round_trip_and_pickle():
    rng = fastinit.default_rng(10)
    rng.random(100)
    state = rng.state
    a = rng.standard_normal(50)
    rng.state = state
    assert np.array_equal(rng.standard_normal(50), a)
    clone = pickle.loads(pickle.dumps(rng))
    assert np.array_equal(clone.random(20), rng.random(20))
    with pytest.raises(ValueError, match="key"):
        rng.state = {"key": (2**33, 0), "stream_id": 0, "position": 0}


def test_scalar_returns_match_numpy_types():
    rng = fastinit.default_rng(0)
    assert isinstance(rng.random(), float)
    # NumPy returns a Python float for float32 too (numpy.random.Generator.random)
    assert type(rng.standard_normal(dtype=np.float32)) is float
    assert type(rng.random(dtype="bfloat16")) is float
    assert isinstance(rng.random_raw(), int)
    assert rng.random(()).shape == ()


def test_empty_sizes():
    rng = fastinit.default_rng(0)
    assert rng.random(0).shape == (0,)
    assert rng.standard_normal((3, 0), dtype=np.float32).shape == (3, 0)
    assert rng.position == 0


def test_threads_context_manager_and_default():
    with fastinit.threads(1):
        assert fastinit.get_num_threads() == 1
        with fastinit.threads(3):
            assert fastinit.get_num_threads() == 3
    assert fastinit.get_num_threads() == fastinit._core.omp_max_threads()
    with fastinit.threads(-1):
        assert fastinit.get_num_threads() == fastinit._core.omp_max_threads()


def _run(code, **env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env}, check=True)
    return out.stdout.strip()


def test_omp_num_threads_is_honoured():
    if not fastinit.openmp_enabled():
        pytest.skip("serial build: one thread whatever OMP_NUM_THREADS says")
    assert _run("import fastinit; print(fastinit.get_num_threads())", OMP_NUM_THREADS="3") == "3"


def test_threadpoolctl_limits_are_honoured():
    pytest.importorskip("threadpoolctl")
    code = ("import fastinit, threadpoolctl\n"
            "with threadpoolctl.threadpool_limits(1, user_api='openmp'):\n"
            "    print(fastinit.get_num_threads())")
    if not fastinit.openmp_enabled():
        pytest.skip("serial build")
    assert _run(code, OMP_NUM_THREADS="2") == "1"


def test_openmp_reported():
    assert isinstance(fastinit.openmp_enabled(), bool)


def test_named_streams_spawn_their_own_children():
    rng = fastinit.default_rng(12)
    roots = {c.key for c in rng.spawn(3)}
    from_a = {c.key for c in rng.stream("a").spawn(3)}
    from_b = {c.key for c in rng.stream("b").spawn(3)}
    assert len(roots | from_a | from_b) == 9
    assert from_a == {c.key for c in fastinit.default_rng(12).stream("a").spawn(3)}
