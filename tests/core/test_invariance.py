"""Position independence (DESIGN.md contract 2): the same bits for any thread
count, any split into pieces, any row layout, and any SIMD instruction set."""
import platform

import numpy as np
import pytest

import fastinit
from fastinit import _core
from fastinit._simd import ISAS, simd_info, use_isa
from tests.conftest import METHODS

N = (1 << 16) * 3 + 12345  # above the serial threshold, not a multiple of any vector width


def draw(method, params, dtype, n=N, seed=7, n_threads=None):
    rng = fastinit.default_rng(seed)
    return getattr(rng, method)(size=n, dtype=dtype, n_threads=n_threads, **params)


@pytest.mark.parametrize("method,params", METHODS)
def test_thread_count_does_not_change_bits(method, params, float_dtype):
    reference = draw(method, params, float_dtype, n_threads=1)
    for n_threads in (2, 3, 8):
        got = draw(method, params, float_dtype, n_threads=n_threads)
        assert got.tobytes() == reference.tobytes(), f"n_threads={n_threads}"


def test_thread_count_does_not_change_raw_words():
    a = fastinit.default_rng(1).random_raw(N, n_threads=1)
    for n_threads in (2, 3, 8):
        assert np.array_equal(fastinit.default_rng(1).random_raw(N, n_threads=n_threads), a)


@pytest.mark.parametrize("method,params", METHODS)
def test_pieces_at_arbitrary_offsets_equal_one_call(method, params, float_dtype):
    rng = fastinit.default_rng(11)
    start = rng.position
    whole = getattr(rng, method)(size=N, dtype=float_dtype, **params)
    pieces = np.empty_like(whole)
    cuts = [0, 1, 2, 3, 5, 17, 1000, 4099, 65537, 70001, N]  # odd, unaligned boundaries
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        rng.fill_at(method, pieces[lo:hi], lo, position=start, **params)
    assert pieces.tobytes() == whole.tobytes()


def test_row_offsets_fill_a_block_of_a_larger_array():
    """A 2-D block that splits rows, filled by row offsets, equals the slice."""
    rng = fastinit.default_rng(3)
    full = rng.standard_normal((301, 517), dtype=np.float32)
    r0, r1, c0, c1 = 17, 250, 33, 480
    block = np.empty((r1 - r0, c1 - c0), np.float32)
    offsets = np.arange(r0, r1, dtype=np.int64) * 517 + c0
    rng.fill_at("standard_normal", block, position=0, row_offsets=offsets, n_threads=3)
    np.testing.assert_array_equal(block, full[r0:r1, c0:c1])


@pytest.mark.parametrize("method,params", METHODS + [("random_raw", {})])
def test_simd_paths_equal_scalar_path(method, params):
    """Scalar (no SIMD) vs every instruction set this CPU has, at offsets that
    are not multiples of any vector width, for every dtype."""
    dtypes = [np.uint32] if method == "random_raw" else [np.float32, np.float64, np.float16,
                                                         fastinit.bfloat16]
    available = simd_info()["available"]
    for dtype in dtypes:
        results = {}
        for isa in available:
            with use_isa(isa):
                rng = fastinit.default_rng(5)
                out = np.empty(20011, dtype)
                rng.fill_at(method, out, 13, position=7, n_threads=2, **params)
                results[isa] = out.tobytes()
        for isa in available:
            assert results[isa] == results["scalar"], f"{isa} differs from scalar for {dtype}"
    assert set(available) <= set(ISAS)


def test_float32_normal_tail_lanes_equal_across_isas():
    """The float32 normal finishes its rare tail lanes (|z| > 3.5) in scalar
    code inside each SIMD block: enough of them here that every ISA mixes both
    kinds of lane in one vector many times."""
    results = {}
    for isa in simd_info()["available"]:
        with use_isa(isa):
            out = np.empty(2**18 + 5, np.float32)
            fastinit.default_rng(6).fill_at("standard_normal", out, position=3, n_threads=2)
            results[isa] = out
    assert (np.abs(results["scalar"]) > 3.5).sum() > 60
    for isa, out in results.items():
        assert out.tobytes() == results["scalar"].tobytes(), f"{isa} differs from scalar"


def test_instruction_sets_are_those_of_this_architecture():
    """x86-64 builds carry SSE2, AVX2 and AVX-512 kernels, arm64 builds NEON
    (fastinit/src/fi_platform.h); every build has the scalar reference."""
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        assert ISAS == ("scalar", "sse2", "avx2", "avx512")
    elif machine in ("aarch64", "arm64"):
        assert ISAS == ("scalar", "neon")
        assert simd_info()["best"] == "neon"  # part of the architecture: always there
    else:
        assert ISAS[0] == "scalar"
    assert simd_info()["best"] in ISAS


def test_best_isa_is_used_by_default():
    info = simd_info()
    assert info["active"] == info["best"]


@pytest.mark.parametrize("method,dtype", [("random", np.float32), ("uniform", np.float64),
                                          ("random", np.float16), ("random_raw", np.uint32)])
def test_streaming_store_path_gives_the_same_bits(method, dtype):
    """Large calls (>= 1 MiB per thread) write through non-temporal stores;
    small calls store in place.  Both, and a destination that is not
    vector-aligned, give the same bits."""
    n = (1 << 20) + 7
    rng = fastinit.default_rng(21)
    big = np.empty(n, dtype)
    rng.fill_at(method, big, 0, position=5, n_threads=1)  # one call: streamed
    small = np.empty(n, dtype)
    step = 4099
    for lo in range(0, n, step):  # many small calls: stored in place
        rng.fill_at(method, small[lo:lo + step], lo, position=5, n_threads=1)
    assert big.tobytes() == small.tobytes()
    backing = np.empty(n * big.itemsize + 64, np.uint8)
    shifted = backing[big.itemsize:big.itemsize + n * big.itemsize].view(dtype)  # misaligned for SIMD
    rng.fill_at(method, shifted, 0, position=5, n_threads=1)
    assert shifted.tobytes() == big.tobytes()


def _philox_counter_for(output: tuple[int, int, int, int], key: tuple[int, int]) -> list[int]:
    """The counter whose Philox4x32-10 block is ``output``: the rounds run backwards
    (the low half of M * c gives c back through the inverse of M modulo 2^32)."""
    m0, m1, w0, w1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
    n0, n1, n2, n3 = output
    for round_ in reversed(range(10)):
        k0, k1 = (key[0] + round_ * w0) % 2**32, (key[1] + round_ * w1) % 2**32
        c2 = n1 * pow(m1, -1, 2**32) % 2**32
        c0 = n3 * pow(m0, -1, 2**32) % 2**32
        c1 = n0 ^ ((m1 * c2) >> 32) ^ k0
        c3 = n2 ^ ((m0 * c0) >> 32) ^ k1
        n0, n1, n2, n3 = c0, c1, c2, c3
    return [n0, n1, n2, n3]


def test_float64_normal_far_tail_draws_in_fills():
    """The float64 normal kernel leaves PPND16's far tail (r < e^-25, one draw
    in 2^34) to a fix-up pass.  A stream position whose words are such draws,
    found by running Philox backwards, must give the reference values on
    every ISA."""
    key = (0x12345678, 0x9ABCDEF0)
    far = (5, 0, 0xFFFFFFF0, 0xFFFFFFFF)  # x = 5 and x = 2^64 - 16: p about 3e-19 and 1 - 9e-19
    counter = _philox_counter_for(far, key)
    np.testing.assert_array_equal(fastinit.philox4x32(np.array(counter, np.uint32),
                                                      np.array(key, np.uint32)), far)
    block = counter[0] | counter[1] << 32
    stream_id = counter[2] | counter[3] << 32
    start = block - 300  # the far pair lands mid-tile, at elements 600 and 601
    rng = fastinit.default_rng(0)
    rng.state = {"key": key, "stream_id": stream_id, "position": 0}
    words = rng.fill_at("random_raw", np.empty(2 * 1001, np.uint32), position=start)
    expected = _core.transform_words(_core.NORMAL, _core.F64, words, np.empty(1001, np.float64), {})
    assert expected[600] < -8.5 and expected[601] > 8.5
    for isa in simd_info()["available"]:
        with use_isa(isa):
            got = rng.fill_at("standard_normal", np.empty(1001, np.float64), position=start)
        np.testing.assert_array_equal(got, expected, err_msg=isa)


@pytest.mark.parametrize("a,b", [(3.0, 4.0), (-9.0, -8.0), (-0.5, 40.0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, fastinit.bfloat16])
def test_truncated_normal_tail_lanes_equal_across_isas(a, b, dtype):
    """Stream version 3's truncated normals finish their tail lanes (float32
    family: |z| > 3.5; float64: the queued tail lanes, and PPND16's far tail
    beyond 5 sigma) apart from the vector path: [3, 4] mixes both kinds of lane
    in one vector, [-9, -8] is all far tail, [-0.5, 40] mostly central."""
    results = {}
    for isa in simd_info()["available"]:
        with use_isa(isa):
            out = np.empty(2**16 + 3, dtype)
            fastinit.default_rng(8).fill_at("truncated_normal", out, 5, position=1, n_threads=2,
                                            a=a, b=b)
            results[isa] = out
    values = results["scalar"].astype(np.float64)
    assert values.min() >= a and values.max() <= b
    for isa, out in results.items():
        assert out.tobytes() == results["scalar"].tobytes(), f"{isa} differs from scalar"


@pytest.mark.parametrize("method,dtype", [("truncated_normal", np.float32),
                                          ("uniform", fastinit.bfloat16),
                                          ("standard_normal", np.float16),
                                          ("truncated_normal", np.float16)])
def test_streaming_16bit_and_truncated_paths_give_the_same_bits(method, dtype):
    """The narrowing pass and the truncated normal blocks, streamed (one call of
    over 1 MiB) and stored in place (small calls), give the same bits."""
    n = (1 << 20) + 7
    rng = fastinit.default_rng(22)
    big = rng.fill_at(method, np.empty(n, dtype), 0, position=5, n_threads=1)
    small = np.empty(n, dtype)
    for lo in range(0, n, 4099):
        rng.fill_at(method, small[lo:lo + 4099], lo, position=5, n_threads=1)
    assert big.tobytes() == small.tobytes()
