"""Philox4x32-10 known answers, and the stream layout against an independent
implementation (DESIGN.md contract 1 and the word layout of ARCHITECTURE.md)."""
import numpy as np
import pytest

import fastinit
from fastinit import _core
from tests.support.normal32_reference import standard_normal32
from tests.support.philox_reference import philox4x32_10, stream_words

# Random123 kat_vectors, philox4x32 with 10 rounds: (counter, key, expected output)
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    (
        (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
        (0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
    ),
]


@pytest.mark.parametrize("counter,key,expected", KAT)
def test_known_answer_vectors(counter, key, expected):
    out = fastinit.philox4x32(np.array(counter, np.uint32), np.array(key, np.uint32))
    assert tuple(int(x) for x in out) == expected


@pytest.mark.parametrize("counter,key,expected", KAT)
def test_reference_implementation_matches_known_answers(counter, key, expected):
    out = philox4x32_10(np.array([counter], np.uint32), key)[0]
    assert tuple(int(x) for x in out) == expected


def test_philox4x32_broadcasts_and_matches_reference():
    rng = np.random.default_rng(5)
    ctr = rng.integers(0, 2**32, (1000, 4), dtype=np.uint32)
    key = np.array([0x12345678, 0x9ABCDEF0], np.uint32)
    expected = philox4x32_10(ctr, (0x12345678, 0x9ABCDEF0))
    np.testing.assert_array_equal(fastinit.philox4x32(ctr, key), expected)


def test_philox4x32_rejects_bad_arguments():
    with pytest.raises(TypeError, match="counters"):
        fastinit.philox4x32(np.zeros(4, np.int64), np.zeros(2, np.uint32))
    with pytest.raises(ValueError, match="key"):
        fastinit.philox4x32(np.zeros(4, np.uint32), np.zeros(3, np.uint32))


@pytest.mark.parametrize("name", [None, "layer1.weight"])
@pytest.mark.parametrize("position,offset,n", [(0, 0, 1000), (7, 3, 4097), (2**32 - 5, 1, 333)])
def test_random_raw_is_the_documented_stream(name, position, offset, n):
    """Word w = output word w%4 of block w//4, counter (b_lo, b_hi, sid_lo, sid_hi);
    includes a block range that carries into the counter's second word."""
    rng = fastinit.default_rng(2024)
    if name:
        rng = rng.stream(name)
    got = rng.fill_at("random_raw", np.empty(n, np.uint32), offset, position=position)
    expected = stream_words(rng.key, rng.stream_id, 4 * position + offset, n)
    np.testing.assert_array_equal(got, expected)


def test_uniforms_match_independent_conversion():
    """float64 = (x >> 11) * 2**-53 from two words (first low), float32 = (w >> 8) * 2**-24;
    float16 and bfloat16 (stream version 3): the float32 value rounded to nearest even
    (NumPy's and ml_dtypes' casts), the few that round up to 1.0 kept at the largest
    value below it."""
    rng = fastinit.default_rng(99)
    n = 5001
    words = stream_words(rng.key, 0, 4 * 10, 2 * n)
    pairs = words[0::2].astype(np.uint64) | (words[1::2].astype(np.uint64) << np.uint64(32))
    f64 = rng.fill_at("random", np.empty(n, np.float64), position=10)
    np.testing.assert_array_equal(f64, (pairs >> np.uint64(11)).astype(np.float64) * 2.0**-53)
    w = words[:n]
    f32 = rng.fill_at("random", np.empty(n, np.float32), position=10)
    np.testing.assert_array_equal(f32, (w >> 8).astype(np.float32) * np.float32(2.0**-24))
    near_one = np.full(16, 0xFFFFFF00, np.uint32) - np.arange(16, dtype=np.uint32) * 256
    for dtype, below_one in ((np.float16, 1 - 2.0**-11), (fastinit.bfloat16, 1 - 2.0**-8)):
        got = rng.fill_at("random", np.empty(n, dtype), position=10)
        expected = ((w >> 8).astype(np.float32) * np.float32(2.0**-24)).astype(dtype)
        expected[expected == 1.0] = below_one
        np.testing.assert_array_equal(got.view(np.uint16), expected.view(np.uint16))
        # the words whose float32 value rounds to 1.0 in this dtype
        top = _core.transform_words(_core.UNIFORM, _core.F16 if dtype == np.float16 else _core.BF16,
                                    near_one, np.empty(16, dtype), {"loc": 0.0, "scale": 1.0,
                                                                    "clamp_lo": 0.0,
                                                                    "clamp_hi": below_one})
        assert top.astype(np.float64).max() == below_one


@pytest.mark.parametrize("name,position", [(None, 0), ("layer1.weight", 2**32 - 7)])
def test_float32_normal_matches_independent_model(name, position):
    """Stream version 2's float32 normal, word by word, against a NumPy model of
    the documented formula (tests/normal32_reference.py), tails included."""
    rng = fastinit.default_rng(77)
    if name:
        rng = rng.stream(name)
    n = 200_003
    got = rng.fill_at("standard_normal", np.empty(n, np.float32), 5, position=position)
    words = stream_words(rng.key, rng.stream_id, 4 * position + 5, n)
    expected = standard_normal32(words)
    assert (np.abs(expected) > 3.51).sum() > 40  # the float64 tail is exercised
    np.testing.assert_array_equal(got, expected)
    extremes = np.array([0, 1, 2**31 - 1, 2**31, 2**32 - 1], np.uint32)
    np.testing.assert_array_equal(
        _core.transform_words(_core.NORMAL, _core.F32, extremes, np.empty(5, np.float32), {}),
        standard_normal32(extremes))
