"""fastinit.Philox4x32 as a numpy.random.BitGenerator: ports of NumPy's
numpy/random/tests/test_direct.py (Base), with the known-answer data replaced by
fastinit's own stream (tests/support/philox_reference.py, independent of the
C core), and the link with fastinit.Generator: one stream, no overlap."""
import ctypes
import hashlib
import pickle
import threading

import numpy as np
import pytest
from numpy.random import Generator, SeedSequence

import fastinit
from tests.support.philox_reference import stream_words

SEED = 20261201


def words(bg, first_word, n):
    """Stream words first_word.. of ``bg``'s stream, by the independent reference."""
    return stream_words(bg.key, bg.stream_id, first_word, n)


# ------------------------------------------------------------ test_direct.py ports --
def test_raw():
    bg = fastinit.Philox4x32(SEED)
    uints = bg.random_raw(1000)
    assert uints.dtype == np.uint64
    assert np.array_equal(uints, words(bg, 0, 1000).astype(np.uint64))
    bg = fastinit.Philox4x32(SEED)
    assert bg.random_raw() == int(words(bg, 0, 1)[0])


def test_random_raw_output_false():
    bg = fastinit.Philox4x32(SEED)
    assert bg.random_raw(output=False) is None
    assert bg.random_raw(1000, output=False) is None
    buffer = fastinit.Philox4x32.BUFFER_WORDS
    assert bg.state["buffered"] == buffer - 1001 % buffer  # consumed all the same


def test_uniform_double():
    """next_double is (two words, first low) >> 11 * 2**-53: fastinit's float64 uniform."""
    bg = fastinit.Philox4x32(SEED)
    w = words(bg, 0, 2000).astype(np.uint64)
    x = w[0::2] | (w[1::2] << np.uint64(32))
    expected = (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
    uniforms = Generator(bg).random(1000)
    assert uniforms.dtype == np.float64
    assert np.array_equal(uniforms, expected)
    # and fastinit's own random() on the same words
    assert np.array_equal(fastinit.default_rng(SEED).random(1000), expected)


def test_uniform_float():
    """NumPy's float32 uniform takes one next_uint32: one stream word each."""
    bg = fastinit.Philox4x32(SEED)
    expected = (words(bg, 0, 1000) >> 8).astype(np.float32) * np.float32(2.0**-24)
    uniforms = Generator(bg).random(1000, dtype=np.float32)
    assert uniforms.dtype == np.float32
    assert np.array_equal(uniforms, expected)


def test_repr_and_str_of_numpy_generator():
    rs = Generator(fastinit.Philox4x32(SEED))
    assert "Generator" in repr(rs) and "Philox4x32" in str(rs)
    assert "Philox4x32" in repr(fastinit.Philox4x32(SEED))


def test_pickle():
    bit_generator = fastinit.Philox4x32(SEED)
    Generator(bit_generator).standard_normal(7)
    state = bit_generator.state
    reloaded = pickle.loads(pickle.dumps(bit_generator))
    assert reloaded.state == state
    assert np.array_equal(Generator(bit_generator).standard_normal(1000),
                          Generator(reloaded).standard_normal(1000))
    assert bit_generator is not reloaded


def test_pickle_preserves_seed_sequence():
    bit_generator = fastinit.Philox4x32(SEED)
    ss = bit_generator.seed_seq
    ss_plk = pickle.loads(pickle.dumps(bit_generator)).seed_seq
    assert ss.state == ss_plk.state
    assert np.array_equal(ss.pool, ss_plk.pool)
    bit_generator.seed_seq.spawn(10)
    ss_plk = pickle.loads(pickle.dumps(bit_generator)).seed_seq
    assert ss.state == ss_plk.state
    assert ss.n_children_spawned == ss_plk.n_children_spawned


def test_numpy_generator_pickles_with_this_bit_generator():
    g = Generator(fastinit.Philox4x32(SEED))
    g.gamma(2.0, size=3)
    clone = pickle.loads(pickle.dumps(g))
    assert isinstance(clone.bit_generator, fastinit.Philox4x32)
    assert np.array_equal(clone.gamma(2.0, size=100), g.gamma(2.0, size=100))


def test_invalid_state_type():
    with pytest.raises(TypeError, match="state"):
        fastinit.Philox4x32(SEED).state = {"1"}


def test_invalid_state_value():
    bit_generator = fastinit.Philox4x32(SEED)
    state = bit_generator.state
    state["bit_generator"] = "otherBitGenerator"
    with pytest.raises(ValueError, match="bit_generator"):
        bit_generator.state = state


@pytest.mark.parametrize("change, name", [
    (lambda s: s.pop("buffered"), "buffered"),
    (lambda s: s.update(extra=1), "extra"),
    (lambda s: s["state"].pop("position"), "state"),
    (lambda s: s["state"].update(key=(1, 2, 3)), "key"),
    (lambda s: s["state"].update(key=(2**32, 0)), "key"),
    (lambda s: s["state"].update(stream_id=-1), "stream_id"),
    (lambda s: s["state"].update(position=2**62), "position"),
    (lambda s: s["state"].update(position=1.5), "position"),
    (lambda s: s.update(buffered=fastinit.Philox4x32.BUFFER_WORDS + 1), "buffered"),
    (lambda s: s.update(buffered=5), "buffered"),  # position 1 has only 4 words before it
])
def test_bad_states_are_refused_naming_the_key_and_change_nothing(change, name):
    bg = fastinit.Philox4x32(SEED)
    bg.reserve(3)
    before = bg.state
    bad = bg.state
    change(bad)
    with pytest.raises((ValueError, TypeError), match=name):
        bg.state = bad
    assert bg.state == before


def test_invalid_init_values():
    with pytest.raises(ValueError):
        fastinit.Philox4x32(-1)
    with pytest.raises(TypeError):
        fastinit.Philox4x32(1.5)


def test_benchmark():
    bit_generator = fastinit.Philox4x32(SEED)
    bit_generator._benchmark(1)
    bit_generator._benchmark(1, "double")
    with pytest.raises(ValueError):
        bit_generator._benchmark(1, "int32")


def test_ctypes_interface_draws_the_stream():
    bg = fastinit.Philox4x32(SEED)
    interface = bg.ctypes
    assert bg.ctypes is interface
    first = interface.next_uint32(interface.state)
    second = interface.next_uint64(interface.state)
    w = words(bg, 0, 3)
    assert first == w[0] and second == int(w[1]) | (int(w[2]) << 32)
    assert ctypes.cast(interface.bit_generator, ctypes.c_void_p).value


def test_cffi_interface():
    pytest.importorskip("cffi")
    bit_generator = fastinit.Philox4x32(SEED)
    assert bit_generator.cffi is bit_generator.cffi


def test_getstate():
    bit_generator = fastinit.Philox4x32(SEED)
    alt_state = bit_generator.__getstate__()
    assert isinstance(alt_state, tuple)
    assert alt_state[0] == bit_generator.state
    assert isinstance(alt_state[1], SeedSequence)


def test_seed_forms():
    """Port of test_smoke.py::test_seed_array for 32-bit seed words."""
    def state(seed):
        return fastinit.Philox4x32(seed).state
    assert state(np.array([1], dtype=np.uint32)) == state(1)
    seed = np.arange(4, dtype=np.uint32)
    assert state(seed) != state(seed[0])
    seed = np.arange(1500, dtype=np.uint32)
    assert state(seed) != state(seed[0])
    seed = 2 ** np.mod(np.arange(1500, dtype=np.uint32), 31) + 1
    assert state(seed) != state(seed[0])


def test_entropy_init():
    assert fastinit.Philox4x32().state != fastinit.Philox4x32().state


# ----------------------------------------------------- one stream, two ways to draw --
def test_default_rng_bit_generator_is_its_stream():
    rng = fastinit.default_rng(SEED)
    assert isinstance(rng.bit_generator, fastinit.Philox4x32)
    assert rng.bit_generator.key == rng.key
    assert rng.bit_generator.position == rng.position == 0


def test_fast_and_numpy_draws_advance_one_stream_without_overlap():
    rng = fastinit.default_rng(SEED)
    bg = rng.bit_generator
    blocks = fastinit.Philox4x32.BUFFER_WORDS // 4
    a = rng.random_raw(10)                 # words 0..9 (blocks 0..2)
    assert rng.position == 3
    b = bg.random_raw(5)                   # a refill: blocks 3.., words 12..16
    assert rng.position == 3 + blocks and bg.state["buffered"] == 4 * blocks - 5
    c = rng.random_raw(4)                  # reserve skips the buffered words
    assert rng.position == 4 + blocks and bg.state["buffered"] == 0
    d = bg.random_raw(2)
    assert np.array_equal(a, words(bg, 0, 10))
    assert np.array_equal(b.astype(np.uint32), words(bg, 12, 5))
    assert np.array_equal(c, words(bg, 4 * (3 + blocks), 4))
    assert np.array_equal(d.astype(np.uint32), words(bg, 4 * (4 + blocks), 2))


def test_numpy_draws_then_fast_draws_equal_fill_at_after_the_buffer():
    rng = fastinit.default_rng(SEED)
    rng.poisson(4.0, size=100)
    position = rng.position
    want = rng.fill_at("standard_normal", np.empty(50), position=position)
    assert np.array_equal(rng.standard_normal(50), want)


def test_state_round_trip_reproduces_numpy_and_fast_draws():
    """Port of test_smoke.py::test_reset_state* on the shared stream."""
    rng = fastinit.default_rng(SEED)
    rng.integers(0, 2**24, 120, dtype=np.uint32)
    state = rng.bit_generator.state
    n1 = (rng.integers(0, 2**24, 10, dtype=np.uint32), rng.standard_normal(5),
          rng.gamma(3.0, size=4))
    rng2 = fastinit.default_rng()
    rng2.bit_generator.state = state
    n2 = (rng2.integers(0, 2**24, 10, dtype=np.uint32), rng2.standard_normal(5),
          rng2.gamma(3.0, size=4))
    for x, y in zip(n1, n2):
        assert np.array_equal(x, y)
    # the fastinit form of the same state
    rng3 = fastinit.default_rng()
    rng.bit_generator.state = state
    rng3.state = rng.state
    assert np.array_equal(rng3.integers(0, 9, 30), rng.integers(0, 9, 30))


def test_reserve_is_serialised_with_numpy_draws_across_threads():
    """Threads mixing NumPy-algorithm draws and fast fills on one generator never
    share a block: every word drawn is a distinct stream word."""
    rng = fastinit.default_rng(SEED)
    bg = rng.bit_generator
    seen = []

    def numpy_side():
        seen.append(bg.random_raw(3000).astype(np.uint32))

    def fast_side():
        seen.extend(rng.random_raw(8) for _ in range(300))

    threads = [threading.Thread(target=f) for f in (numpy_side, fast_side) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drawn = np.concatenate(seen)
    every = words(bg, 0, 4 * rng.position)
    assert len(np.unique(drawn)) == len(drawn)
    assert np.isin(drawn, every).all()


def test_stream_end_is_reported_not_wrapped():
    rng = fastinit.default_rng(SEED)
    rng.state = dict(rng.state, position=2**62 - 1, buffered=0)
    assert len(rng.bit_generator.random_raw(4)) == 4  # the last block
    with pytest.raises(SystemError) as info:
        rng.bit_generator.random_raw(1)
    assert "position" in str(info.value.__cause__)
    with pytest.raises(ValueError, match="position"):
        rng.random(1)


def test_capsule_is_numpys():
    bg = fastinit.Philox4x32(SEED)
    assert type(bg.capsule).__name__ == "PyCapsule"
    assert "BitGenerator" in repr(bg.capsule)


def test_mixed_fast_and_numpy_consumption_is_stable():
    """The buffer size and the skip are part of the stream: a mixed sequence of fast
    fills and NumPy-side words (random_raw: one word each, no NumPy algorithm
    involved) has fixed bits (docs/NUMPY.md, docs/STREAM.md)."""
    rng = fastinit.default_rng(SEED)
    parts = [rng.random(10), rng.bit_generator.random_raw(5),
             rng.standard_normal(7, dtype=np.float32), rng.bit_generator.random_raw(3),
             np.array([rng.position, rng.state["buffered"]], np.uint64)]
    digest = hashlib.sha256(b"".join(p.tobytes() for p in parts)).hexdigest()
    assert (rng.position, rng.state["buffered"]) == (519, 1021)
    assert digest == "21224c6e8966a3a0770ac029204c4b4315dae0a93fa0a0815d230431b925b05c"
