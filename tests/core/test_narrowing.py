"""float32 -> float16 / bfloat16 narrowing: the hardware conversion of each ISA
(vcvtps2ph on AVX-512 and AVX2 + F16C) gives the portable code's bits, and both
round to nearest even as NumPy's and ml_dtypes' casts do.

Every 16-bit output (normals, truncated normals, uniforms) goes through this
one step, so testing it directly on every input class (subnormal results,
ties, overflow to inf, infinities, NaN payloads) covers what the kernels'
values alone would rarely reach.
"""
import numpy as np
import pytest

import fastinit
from fastinit import _core
from fastinit._simd import simd_info, use_isa

DTYPES = [pytest.param(_core.F16, np.float16, id="float16"),
          pytest.param(_core.BF16, fastinit.bfloat16, id="bfloat16")]


def narrow_on_every_isa(code: int, values: np.ndarray) -> dict:
    results = {}
    for isa in simd_info()["available"]:
        with use_isa(isa):
            results[isa] = _core.narrow(code, values, np.empty(values.size, np.uint16))
    return results


def structured_inputs() -> np.ndarray:
    """Every sign and exponent with significands at the rounding edges of both
    formats (ties, one below, one above, both parities), plus random patterns."""
    exponents = np.arange(256, dtype=np.uint32) << 23
    low13 = np.array([0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x3000, 0x7FFF, 0x8000,
                      0x8001, 0xFFFF, 0x10000, 0x18000, 0x7FE000, 0x7FF000, 0x7FFFFF,
                      0x400000, 0x000001, 0x3FF000], np.uint32)
    grid = (exponents[:, None] | low13[None, :]).ravel()
    rng = np.random.default_rng(20261201)
    random = rng.integers(0, 2**32, 2**20, dtype=np.uint64).astype(np.uint32)
    bits = np.concatenate([grid, grid | np.uint32(0x80000000), random])
    return bits.view(np.float32)


def independent(values: np.ndarray, dtype) -> np.ndarray:
    with np.errstate(over="ignore"):
        return values.astype(dtype).view(np.uint16)


@pytest.mark.parametrize("code,dtype", DTYPES)
def test_every_isa_narrows_like_the_portable_code(code, dtype):
    values = structured_inputs()
    results = narrow_on_every_isa(code, values)
    for isa, got in results.items():
        differ = np.flatnonzero(got != results["scalar"])
        assert differ.size == 0, (isa, hex(values.view(np.uint32)[differ[0]]))
    finite_or_inf = ~np.isnan(values)
    np.testing.assert_array_equal(results["scalar"][finite_or_inf],
                                  independent(values[finite_or_inf], dtype))


def test_float16_nan_keeps_its_top_payload_bits_quieted():
    """What vcvtps2ph does with a NaN, which the portable code copies."""
    bits = np.array([0x7F800001, 0x7FC00000, 0xFFC00000, 0x7FFFE000, 0xFF802000, 0x7FA00000],
                    np.uint32)
    expected = np.array([0x7E00, 0x7E00, 0xFE00, 0x7FFF, 0xFE01, 0x7F00], np.uint16)
    for isa, got in narrow_on_every_isa(_core.F16, bits.view(np.float32)).items():
        np.testing.assert_array_equal(got, expected, err_msg=isa)


@pytest.mark.slow
@pytest.mark.parametrize("code,dtype", DTYPES)
def test_every_isa_narrows_all_float32_inputs_like_the_portable_code(code, dtype):
    """All 2^32 inputs (a few minutes)."""
    for start in range(0, 2**32, 2**26):
        values = np.arange(start, start + 2**26, dtype=np.uint64).astype(np.uint32).view(np.float32)
        results = narrow_on_every_isa(code, values)
        for isa, got in results.items():
            assert np.array_equal(got, results["scalar"]), (isa, hex(start))
        ok = ~np.isnan(values)
        assert np.array_equal(results["scalar"][ok], independent(values[ok], dtype)), hex(start)
