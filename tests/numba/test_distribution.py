"""Custom distributions through Numba (issue 4): stream, contract, errors.

The Numba path takes its uniforms from the C core (``fi_fill_flat``); these
tests check them against the pure-Numba Philox reference
(``fastinit.numba.reference``) and against ``Generator.random``, and check
that every property of the stream contract holds for user distributions.
"""
from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import textwrap
import threading

import ml_dtypes
import numpy as np
import pytest

import fastinit
from fastinit import _core
from fastinit.numba import (
    CompileError,
    Distribution,
    NonFiniteError,
    distribution,
    fill_at,
    gallery,
    reference,
    sample,
)


# -------------------------------------------------------- distributions --
# Few distributions, reused: each (distribution, dtype) costs a compile
# (cached on disk after the first run).

@distribution(interval="half-open")
def ident(u):
    return u


@distribution(uniforms=3, interval="half-open")
def pick3(u0, u1, u2, which=0.0):
    if which == 0.0:
        return u0
    if which == 1.0:
        return u1
    return u2


@distribution(interval="half-open")
def sqrt_shift(u, shift=0.5):
    """NaN for u < shift (sqrt of a negative number)."""
    return math.sqrt(u - shift)


@distribution(interval="half-open", finite=False)
def inf_below(u, cut=0.5):
    return math.inf if u < cut else u


@distribution
def needs_scale(u, scale):
    return scale * u


def exact_bf16(x: np.ndarray) -> np.ndarray:
    """float64 -> bfloat16, rounded to nearest even in one step (for normal
    results): integer RNE of the float64 bits to 7 fraction bits."""
    bits = x.view(np.uint64)
    lsb = (bits >> np.uint64(45)) & np.uint64(1)
    rounded = ((bits + np.uint64((1 << 44) - 1) + lsb) >> np.uint64(45)) << np.uint64(45)
    return rounded.view(np.float64).astype(ml_dtypes.bfloat16)  # exact: already on the grid


# ------------------------------------------------- the Numba reference --
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_reference_philox_known_answers(ctr, key, expected):
    assert tuple(int(w) for w in reference.philox4x32_10(ctr, key)) == expected


def test_reference_philox_matches_core_block_function():
    rs = np.random.default_rng(11)
    ctr = rs.integers(0, 2**32, size=(2000, 4), dtype=np.uint32)
    key = rs.integers(0, 2**32, size=(2000, 2), dtype=np.uint32)
    np.testing.assert_array_equal(reference.philox4x32_10(ctr, key), fastinit.philox4x32(ctr, key))


def test_reference_stream_matches_random_raw_on_substreams():
    rng = fastinit.default_rng(2024).stream("layer3.weight")
    assert rng.stream_id > 2**32  # both stream-id words are non-zero
    rng.random_raw(7)  # start mid-block
    word0 = 4 * rng.position
    np.testing.assert_array_equal(reference.stream_words(rng.key, rng.stream_id, word0, 1001),
                                  rng.random_raw(1001))


# ------------------------------------ uniforms: C core == reference --
@pytest.mark.parametrize("n_threads", [1, 2, 3, 7])
def test_uniforms_match_reference_random_offsets_and_lengths(n_threads):
    rs = np.random.default_rng(100 + n_threads)
    root = fastinit.default_rng(5)
    for trial in range(12):
        rng = root.stream(f"t{trial}") if trial % 2 else root
        position = int(rs.integers(0, 2**40))
        offset = int(rs.integers(0, 5000))
        n = int(rs.choice([1, 3, 1023, 1024, 1025, 4096 + 17, 70001]))
        out = np.empty(n)
        fill_at(rng, ident, out, offset, position=position, n_threads=n_threads)
        expected = reference.stream_uniforms(rng.key, rng.stream_id, 4 * position + 2 * offset, n)
        np.testing.assert_array_equal(out, expected, err_msg=f"trial {trial}")


@pytest.mark.parametrize("n_threads", [1, 2, 5])
def test_three_uniforms_per_element_layout(n_threads):
    rng = fastinit.default_rng(77)
    position, offset, n = 12345, 999, 40000
    u = reference.stream_uniforms(rng.key, rng.stream_id, 4 * position + 6 * offset, 3 * n)
    for which in range(3):
        out = np.empty(n)
        fill_at(rng, pick3, out, offset, position=position, n_threads=n_threads,
                which=float(which))
        np.testing.assert_array_equal(out, u[which::3])


def test_sample_equals_generator_random_and_reserves_words():
    a, b = fastinit.default_rng(9), fastinit.default_rng(9)
    x = sample(a, ident, size=(300, 7))
    np.testing.assert_array_equal(x, b.random((300, 7)))
    assert a.position == b.position
    np.testing.assert_array_equal(a.random(50), b.random(50))  # no overlap afterwards
    y = sample(a, pick3, size=11, which=2.0)  # 66 words -> 17 blocks
    assert a.position == b.position + 17
    np.testing.assert_array_equal(y, b.random(33)[2::3])


def test_scalar_and_fill_in_place():
    a, b = fastinit.default_rng(3), fastinit.default_rng(3)
    value = sample(a, ident)
    assert isinstance(value, float) and value == b.random()
    out = np.zeros((5, 4), np.float32)
    assert ident.fill(a, out=out) is out
    np.testing.assert_array_equal(out, b.random((5, 4)).astype(np.float32))
    # a Python float, as NumPy returns for float32 scalars (and Generator.random does)
    value32 = sample(a, ident, dtype=np.float32)
    assert type(value32) is float and value32 == float(np.float32(b.random()))


def test_readme_example_verbatim():
    @fastinit.distribution            # compiled with Numba on first use, cached on disk
    def laplace(u, loc=0.0, scale=1.0):          # u: one uniform in (0, 1)
        return loc - scale * math.copysign(math.log(1 - 2 * abs(u - 0.5)), u - 0.5)

    rng = fastinit.default_rng(0)
    w = rng.sample(laplace, size=(64, 96), dtype="float32", scale=0.05)
    laplace.fill(rng, out=w, scale=0.05)          # in place
    assert w.dtype == np.float32 and w.shape == (64, 96) and rng.position == 2 * 64 * 96 // 2
    u = fastinit.default_rng(0).random(2 * 64 * 96)[64 * 96:]  # the second draw's uniforms
    want = [-0.05 * math.copysign(math.log(1 - 2 * abs(x - 0.5)), x - 0.5) for x in u]
    np.testing.assert_array_equal(w.reshape(-1), np.array(want).astype(np.float32))


# ----------------------------------------------- dtypes: one rounding --
def test_output_dtypes_are_the_float64_value_rounded_once():
    n = 50000
    x64 = sample(fastinit.default_rng(4), gallery.laplace, size=n, scale=1e-3)
    x32 = sample(fastinit.default_rng(4), gallery.laplace, size=n, dtype="float32", scale=1e-3)
    x16 = sample(fastinit.default_rng(4), gallery.laplace, size=n, dtype=np.float16, scale=1e-3)
    xbf = sample(fastinit.default_rng(4), gallery.laplace, size=n, dtype="bfloat16", scale=1e-3)
    np.testing.assert_array_equal(x32, x64.astype(np.float32))
    # NumPy converts float64 -> float16 in one rounding; many of these are subnormal
    assert (np.abs(x16.astype(np.float64)) < 2**-14).any()
    np.testing.assert_array_equal(x16.view(np.uint16), x64.astype(np.float16).view(np.uint16))
    np.testing.assert_array_equal(xbf.view(np.uint16), exact_bf16(x64).view(np.uint16))


def test_half_precision_rounding_edge_cases():
    # Exercise the exact float64 -> float16 / bfloat16 conversions directly.
    import numba

    from fastinit.numba._runtime import to_bf16_bits, to_f16_bits

    @numba.njit
    def convert(x, h, b):
        for i in range(x.size):
            h[i] = to_f16_bits(x[i])
            b[i] = to_bf16_bits(x[i])

    rs = np.random.default_rng(0)
    half_ulp = [np.float64(v) for v in (1 + 2**-11, 1 + 3 * 2**-11, 2**-24 / 2, 3 * 2**-25,
                                        65504.0, 65519.99, 65520.0, 1e300)]
    specials = np.array([0.0, -0.0, 5e-324, -5e-324, 2**-25, -(2**-25), 2**-25 * (1 + 2**-40),
                         2**-14, 2**-14 * (1 - 2**-30), np.inf, -np.inf, 1 + 2**-8,
                         1 + 2**-8 + 2**-40, 1 + 3 * 2**-8, 3.3895313892515355e38,
                         3.4e38, 1e39, -1e39] + [float(v) for v in half_ulp])
    random = rs.standard_normal(200000) * np.exp2(rs.integers(-40, 40, 200000))
    x = np.concatenate([specials, random, np.nextafter(specials, np.inf)])
    h = np.empty(x.size, np.uint16)
    b = np.empty(x.size, np.uint16)
    convert(x, h, b)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(h, x.astype(np.float16).view(np.uint16))
    normal = (np.abs(x) >= 2.0**-126) & (np.abs(x) < 3.3e38)
    np.testing.assert_array_equal(b[normal], exact_bf16(x[normal]).view(np.uint16))
    # the rest: zero, subnormal and overflowing inputs, checked value by value
    from fractions import Fraction

    grid = np.arange(0, 0x7F81, dtype=np.uint16)  # +0 .. +inf, increasing
    grid_values = grid.view(ml_dtypes.bfloat16).astype(np.float64)
    for v, got in zip(x[~normal], b[~normal]):
        sign = 0x8000 if math.copysign(1.0, v) < 0 else 0
        a = abs(float(v))
        if a >= float(grid_values[0x7F7F]) * (1 + 2**-9):  # past max + half an ulp
            assert got == (0x7F80 | sign), v
            continue
        i = int(np.searchsorted(grid_values, a, side="right")) - 1
        lo = Fraction(float(grid_values[i]))
        hi = Fraction(2**128) if i == 0x7F7F else Fraction(float(grid_values[i + 1]))
        d_lo, d_hi = Fraction(a) - lo, hi - Fraction(a)
        want = i if (d_lo < d_hi or (d_lo == d_hi and i % 2 == 0)) else i + 1
        assert got == (want | sign), (v, hex(got), hex(want | sign))


# --------------------------------------------- position independence --
def test_thread_counts_chunks_rows_and_simd_paths_agree():
    rng = fastinit.default_rng(31).stream("w")
    n_rows, n_cols = 300, 517
    whole = sample(rng, gallery.laplace, size=(n_rows, n_cols), dtype="float32",
                   n_threads=1, scale=0.1)
    position = rng.position - (-(-n_rows * n_cols * 2 // 4))
    for nt in (2, 3, 8):
        again = np.empty_like(whole)
        fill_at(rng, gallery.laplace, again, position=position, n_threads=nt, scale=0.1)
        np.testing.assert_array_equal(again, whole)
    flat = whole.reshape(-1)
    for start, stop in [(0, 1), (1, 1025), (1023, 2049), (5000, 90001), (90001, flat.size)]:
        piece = np.empty(stop - start, np.float32)
        fill_at(rng, gallery.laplace, piece, start, position=position, n_threads=2, scale=0.1)
        np.testing.assert_array_equal(piece, flat[start:stop])
    # a (rows, cols) block of the 2-D array, as Dask fills it
    r0, r1, c0, c1 = 17, 260, 3, 400
    block = np.empty((r1 - r0, c1 - c0), np.float32)
    rows = np.arange(r0, r1, dtype=np.int64) * n_cols + c0
    fill_at(rng, gallery.laplace, block, row_offsets=rows, position=position, n_threads=2,
            scale=0.1)
    np.testing.assert_array_equal(block, whole[r0:r1, c0:c1])
    # the C core's scalar path gives the same uniforms as its widest SIMD path
    best = _core.isa_active()
    try:
        _core.set_isa("scalar")
        scalar = np.empty_like(whole)
        fill_at(rng, gallery.laplace, scalar, position=position, n_threads=2, scale=0.1)
    finally:
        _core.set_isa(best)
    np.testing.assert_array_equal(scalar, whole)


def test_more_work_units_than_numba_threads():
    import numba

    rng = fastinit.default_rng(8)
    a = np.empty(100000)
    fill_at(rng, ident, a, position=3, n_threads=numba.config.NUMBA_NUM_THREADS + 3)
    np.testing.assert_array_equal(a, reference.stream_uniforms(rng.key, 0, 12, a.size))
    assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS  # restored


def test_concurrent_callers_get_disjoint_ranges():
    rng = fastinit.default_rng(12)
    results = {}

    def work(i):
        results[i] = sample(rng, ident, size=50000, n_threads=1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ref = fastinit.default_rng(12).random(4 * 50000)
    chunks = sorted(ref.reshape(4, -1).tolist())
    assert sorted(r.tolist() for r in results.values()) == chunks


def test_open_interval_mapping():
    assert ident(0.0) == 0.0  # half-open: as drawn
    assert needs_scale(0.0, scale=1.0) == 2.0**-54  # open (the default)
    assert needs_scale(0.5, scale=1.0) == 0.5 and needs_scale(2.0**-53, scale=1.0) == 2.0**-53
    # drawn values are only ever changed where a uniform is exactly 0
    a = sample(fastinit.default_rng(1), needs_scale, size=100000, dtype=np.float32, scale=1.0)
    np.testing.assert_array_equal(a, fastinit.default_rng(1).random(100000).astype(np.float32))


# ---------------------------------------------------------- errors --
def test_compile_error_names_function_and_reason():
    class Opaque:
        pass

    @distribution
    def broken(u):
        return Opaque() if u > 2 else u

    rng = fastinit.default_rng(0)
    with pytest.raises(CompileError) as info:
        sample(rng, broken, size=10)
    text = str(info.value)
    assert "broken" in text and "Numba cannot compile" in text and "Opaque" in text
    assert isinstance(info.value, TypeError)
    assert rng.position == 0  # nothing drawn

    @distribution
    def complex_result(u):
        return 1j * u

    with pytest.raises(CompileError, match="must return a real number"):
        complex_result.compile()


def test_function_without_source_file_compiles_without_disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FASTINIT_CACHE_DIR", str(tmp_path))
    namespace = {"fastinit": fastinit, "math": math}
    exec("@fastinit.distribution(interval='half-open')\n"
         "def twice(u):\n"
         "    return 2.0 * u\n", namespace)
    x = sample(fastinit.default_rng(6), namespace["twice"], size=2000)
    np.testing.assert_array_equal(x, 2.0 * fastinit.default_rng(6).random(2000))
    assert list(tmp_path.iterdir()) == []  # globals of such code are invisible to a key
    exec("@fastinit.distribution\n"
         "def imports(u):\n"
         "    import math\n"
         "    return math.log(u)\n", namespace)
    with pytest.raises(CompileError, match="(?s)distribution imports .*IMPORT_NAME"):
        namespace["imports"].compile()


def test_nan_is_reported_with_the_first_bad_element():
    rng = fastinit.default_rng(21)
    u = fastinit.default_rng(21).random(20000)
    first = int(np.argmax(u < 0.25))
    for nt in (1, 2):
        with pytest.raises(NonFiniteError) as info:
            sqrt_shift.fill_at(rng, np.empty(20000), position=0, n_threads=nt, shift=0.25)
        text = str(info.value)
        assert "sqrt_shift" in text and "nan" in text and f"element {first} " in text
    out = sample(rng, sqrt_shift, size=1000, shift=0.0)  # valid parameters: no error
    assert np.isfinite(out).all()
    with pytest.raises(NonFiniteError, match="overflows float32"):
        needs_scale.fill(rng, np.empty(10, np.float32), scale=1e300)


def test_infinities_allowed_when_finite_is_false():
    rng = fastinit.default_rng(2)
    u = fastinit.default_rng(2).random(1000)
    x = sample(rng, inf_below, size=1000, cut=0.5)
    np.testing.assert_array_equal(np.isinf(x), u < 0.5)


def test_parameter_errors_write_and_draw_nothing():
    rng = fastinit.default_rng(0)
    out = np.full(8, 7.0, np.float32)
    cases = [
        (TypeError, "unexpected keyword argument 'sigma'", dict(sigma=1.0)),
        (ValueError, "scale must be positive", dict(scale=-1.0)),
        (ValueError, "scale must not be NaN", dict(scale=float("nan"))),
        (ValueError, "loc must be finite", dict(loc=float("inf"))),
        (TypeError, "loc must be a real number", dict(loc="1")),
    ]
    for exc, msg, params in cases:
        with pytest.raises(exc, match=msg):
            gallery.laplace.fill(rng, out=out, **params)
    with pytest.raises(TypeError, match="missing required parameter 'scale'"):
        sample(rng, needs_scale, size=3)
    with pytest.raises(TypeError, match="out has dtype float32 but dtype=float64"):
        sample(rng, ident, size=8, dtype=np.float64, out=out)
    with pytest.raises(ValueError, match="C-contiguous"):
        gallery.laplace.fill(rng, out=np.empty((4, 4), np.float32)[:, ::2])
    with pytest.raises(TypeError, match="dtype"):
        sample(rng, ident, size=3, dtype=np.int32)
    with pytest.raises(TypeError, match="rng must be a fastinit.Generator"):
        sample(np.random.default_rng(0), ident, size=3)
    with pytest.raises(TypeError, match="dist must be a fastinit.Distribution"):
        sample(rng, ident.py_func, size=3)
    with pytest.raises(ValueError, match="offset must be non-negative"):
        fill_at(rng, ident, np.empty(3), -1)
    with pytest.raises(ValueError, match="position must be in"):
        fill_at(rng, ident, np.empty(3), position=2**64)
    with pytest.raises(ValueError, match="position must be in"):
        fill_at(rng, ident, np.empty(3), position=2**62)
    with pytest.raises(ValueError, match="past the end of the stream"):
        fill_at(rng, ident, np.empty(3), position=2**62 - 1)  # the kernel reads a whole tile
    assert rng.position == 0 and (out == 7.0).all()


def test_decorator_errors():
    with pytest.raises(ValueError, match="uniforms must be an int >= 1"):
        distribution(uniforms=0)(lambda u: u)
    with pytest.raises(TypeError, match="must take 2 uniform"):
        distribution(uniforms=2)(lambda u: u)
    with pytest.raises(TypeError, match="keyword-only"):
        distribution(lambda u, *, s=1.0: u)
    with pytest.raises(TypeError, match="variadic"):
        distribution(lambda u, *rest: u)
    with pytest.raises(TypeError, match="must not have a default"):
        distribution(lambda u=0.5: u)
    with pytest.raises(ValueError, match="unknown parameters"):
        distribution(constraints={"sigma": "positive"})(lambda u, scale=1.0: u)
    with pytest.raises(ValueError, match="must be positive"):
        distribution(constraints={"scale": "positive"})(lambda u, scale=0.0: u)
    with pytest.raises(TypeError, match="uniforms=N"):
        distribution(2)


def test_validate_hook_and_probability_constraint():
    def lo_below_hi(p):
        if not p["lo"] < p["hi"]:
            raise ValueError("lo must be < hi")

    @distribution(constraints={"w": "probability"}, validate=lo_below_hi)
    def mix(u, w=0.5, lo=0.0, hi=1.0):
        return lo + (hi - lo) * u * w

    with pytest.raises(ValueError, match="w must be in"):
        mix.bind({"w": 1.5})
    with pytest.raises(ValueError, match="lo must be < hi"):
        mix.bind({"lo": 2.0})
    assert mix.bind({"w": 1.0}) == (1.0, 0.0, 1.0)


def test_pickle_module_level_distribution():
    assert pickle.loads(pickle.dumps(gallery.cauchy)) is gallery.cauchy
    assert isinstance(gallery.cauchy, Distribution)
    assert gallery.cauchy.words_per_element == 2 and pick3.words_per_element == 6


def test_top_level_exports():
    assert fastinit.distribution is distribution and fastinit.sample is sample
    assert fastinit.Distribution is Distribution


def test_import_fastinit_does_not_import_numba():
    code = "import sys, fastinit; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.dirname(fastinit.__file__)))
    assert out.stdout.strip() == "False"


# ------------------------------------------------------- disk cache --
def test_second_process_loads_kernels_from_cache(tmp_path):
    module = tmp_path / "cached_dist_mod.py"
    module.write_text(textwrap.dedent("""
        import math, fastinit

        @fastinit.distribution
        def expo(u, scale=1.0):
            return -scale * math.log(u)
    """))
    script = textwrap.dedent("""
        import fastinit, cached_dist_mod as m
        x = fastinit.sample(fastinit.default_rng(0), m.expo, size=100, dtype="float32")
        k = m.expo._kernels.fill_f32
        print(sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values()), x.sum())
    """)
    env = dict(os.environ, FASTINIT_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.dirname(
                   os.path.dirname(fastinit.__file__))]))
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=env, cwd=tmp_path, check=True).stdout.split() for _ in range(2)]
    assert runs[0][:2] == ["0", "1"]  # first process compiles
    assert runs[1][:2] == ["1", "0"]  # second loads machine code
    assert runs[0][2] == runs[1][2]
