"""Numba-side runtime of the custom-distribution path (imports numba).

- ``fill_flat``: the C core's ``fi_fill_flat`` as a Numba external function.
  It is bound by *symbol name* (registered with LLVM at import time from
  ``fastinit._core.fill_flat_address()``), not by a constant address, so code
  that calls it can be cached on disk (``cache=True``) and loaded by another
  process, where the address differs.
- Bit casts and the exact (round-to-nearest-even) conversions from float64 to
  float32, float16 and bfloat16 used by the kernels.
"""
from __future__ import annotations

import llvmlite.binding as _llvm
import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from .. import _core

#: Symbol under which ``fi_fill_flat`` is known to LLVM.  Versioned: a change
#: of the C signature must change the name, so stale cached code cannot bind.
FILL_FLAT_SYMBOL = "fastinit_fi_fill_flat_v1"

_llvm.add_symbol(FILL_FLAT_SYMBOL, _core.fill_flat_address())

#: ``int fi_fill_flat(int kind, int dtype, uint32 key0, uint32 key1,
#: uint32 stream0, uint32 stream1, uint64 word0, int64 n, void *out,
#: double loc, double scale)``; the pointer is passed as an integer of the
#: same width (``arr.ctypes.data``), which the x86-64 / AArch64 ABIs pass
#: identically.
fill_flat = types.ExternalFunction(
    FILL_FLAT_SYMBOL,
    types.int32(types.int32, types.int32, types.uint32, types.uint32, types.uint32,
                types.uint32, types.uint64, types.int64, types.uintp, types.float64,
                types.float64),
)

DTYPE_F64 = _core.F64


# ------------------------------------------------------------ bit casts --
def _bitcast_intrinsic(src, dst, width):
    """x -> the same bits as ``dst``; an integer ``src`` of another width is
    truncated or zero-extended to ``width`` bits first."""
    @intrinsic
    def cast(typingctx, x):
        if isinstance(src, types.Integer):
            if not isinstance(x, types.Integer):
                return None
        elif x != src:
            return None
        sig = dst(x)

        def codegen(context, builder, signature, args):
            value = args[0]
            if isinstance(src, types.Integer) and x.bitwidth != width:
                value = (builder.trunc(value, ir.IntType(width)) if x.bitwidth > width
                         else builder.zext(value, ir.IntType(width)))
            if isinstance(dst, types.Integer):
                target = ir.IntType(width)
            else:
                target = ir.DoubleType() if width == 64 else ir.FloatType()
            return builder.bitcast(value, target)
        return sig, codegen
    return cast


f64_bits = _bitcast_intrinsic(types.float64, types.uint64, 64)
bits_f64 = _bitcast_intrinsic(types.uint64, types.float64, 64)
f32_bits = _bitcast_intrinsic(types.float32, types.uint32, 32)
bits_f32 = _bitcast_intrinsic(types.uint32, types.float32, 32)


# ------------------------------------------------- exact float rounding --
@njit(cache=True, inline="always", error_model="numpy")
def f32_round_to_odd_bits(v):
    """float64 -> float32 bits, rounded to odd (sticky) instead of to even.

    Rounding to odd at a precision with at least two extra bits, then to
    nearest even, equals rounding to nearest even directly (Boldo &
    Melquiond).  float32 has 13 more significand bits than float16 and 16
    more than bfloat16, and covers their exponent ranges, so this gives
    exact RNE float64 -> float16 / bfloat16 conversions.
    """
    f = np.float32(v)
    b = f32_bits(f)
    back = np.float64(f)
    inexact = back != v
    even = (b & np.uint32(1)) == np.uint32(0)
    down = abs(back) > abs(v)
    step = np.uint32(0xFFFFFFFF) if down else np.uint32(1)  # -1 or +1 (mod 2**32)
    return (b + step) if (inexact and even) else b


@njit(cache=True, inline="always", error_model="numpy")
def to_bf16_bits(v):
    """float64 -> bfloat16 bits, rounded to nearest even (NaN -> 0x7FC0)."""
    b = f32_round_to_odd_bits(v)
    r = (b + np.uint32(0x7FFF) + ((b >> np.uint32(16)) & np.uint32(1))) >> np.uint32(16)
    r = np.uint32(0x7FC0) if v != v else r
    return np.uint16(r)


@njit(cache=True, inline="always", error_model="numpy")
def to_f16_bits(v):
    """float64 -> IEEE binary16 bits, rounded to nearest even (NaN -> 0x7E00)."""
    b = f32_round_to_odd_bits(v)
    sign = (b >> np.uint32(16)) & np.uint32(0x8000)
    a = b & np.uint32(0x7FFFFFFF)
    # normal results: drop 13 significand bits with RNE, rebias 127 -> 15
    normal = (a - np.uint32(0x38000000) + np.uint32(0x0FFF)
              + ((a >> np.uint32(13)) & np.uint32(1))) >> np.uint32(13)
    # subnormal results (|x| < 2**-14): an integer multiple of 2**-24, RNE by
    # the 2**23 trick in float32 (exact: |x| * 2**24 < 2**10)
    t = bits_f32(a) * np.float32(16777216.0)
    sub = np.uint32((t + np.float32(8388608.0)) - np.float32(8388608.0))
    r = sub if a < np.uint32(0x38800000) else normal
    r = np.uint32(0x7C00) if a >= np.uint32(0x477FF000) else r  # 65520 and up -> inf
    r = np.uint32(0x7E00) if a > np.uint32(0x7F800000) else r  # NaN
    return np.uint16(sign | r)
