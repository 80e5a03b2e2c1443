"""The dtypes fastinit fills, and how each maps onto a C kernel."""
from __future__ import annotations

from typing import Any, Union

import ml_dtypes
import numpy as np

from . import _core

bfloat16 = np.dtype(ml_dtypes.bfloat16)

#: dtype -> (kernel dtype code, uint view used to pass the buffer to C)
FLOAT_DTYPES: dict[np.dtype, int] = {
    np.dtype(np.float32): _core.F32,
    np.dtype(np.float64): _core.F64,
    np.dtype(np.float16): _core.F16,
    bfloat16: _core.BF16,
}

#: integer dtype -> kernel dtype code: the output width (signed and unsigned
#: share a kernel, values wrap modulo 2**bits; bool is a 1-byte 0/1)
INTEGER_DTYPES: dict[np.dtype, int] = {
    np.dtype(np.bool_): _core.U8,
    np.dtype(np.int8): _core.U8, np.dtype(np.uint8): _core.U8,
    np.dtype(np.int16): _core.U16, np.dtype(np.uint16): _core.U16,
    np.dtype(np.int32): _core.U32, np.dtype(np.uint32): _core.U32,
    np.dtype(np.int64): _core.U64, np.dtype(np.uint64): _core.U64,
}

DTypeLike = Union[str, type, np.dtype, Any]


def resolve_float_dtype(dtype: DTypeLike, argname: str = "dtype") -> np.dtype:
    """The numpy dtype for ``dtype``; TypeError naming ``argname`` if unsupported.

    Accepts numpy dtypes and types, their names ("float32", "f4", ...),
    "bfloat16" and ``ml_dtypes.bfloat16``.
    """
    try:
        if isinstance(dtype, str) and dtype.lower() in ("bfloat16", "bf16"):
            resolved = bfloat16
        else:
            resolved = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{argname}={dtype!r} is not a dtype") from exc
    if resolved.byteorder == ">" or (resolved.byteorder == "=" and not np.little_endian):
        raise TypeError(f"{argname}={dtype!r}: fastinit writes native little-endian floats only")
    if resolved not in FLOAT_DTYPES:
        raise TypeError(
            f"{argname}={dtype!r} is not supported; use float32, float64, float16 or bfloat16"
        )
    return resolved


def kernel_dtype(dtype: np.dtype) -> int:
    return FLOAT_DTYPES[dtype]


def resolve_output_dtype(dtype: DTypeLike, out: Any) -> np.dtype:
    """The dtype of a draw: ``dtype`` if given, else ``out``'s, else float64
    (NumPy's default)."""
    if dtype is not None:
        return resolve_float_dtype(dtype)
    if isinstance(out, np.ndarray):
        return resolve_float_dtype(out.dtype, "out.dtype")
    return np.dtype(np.float64)


def resolve_integer_dtype(dtype: DTypeLike, argname: str = "dtype") -> np.dtype:
    """The integer (or bool) numpy dtype for ``dtype``, as ``Generator.integers`` takes it.

    Raises TypeError naming ``argname`` for anything else (NumPy's type for an
    unsupported dtype) and ValueError for a non-native byte order (NumPy's).
    """
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{argname}={dtype!r} is not a dtype") from exc
    if not resolved.isnative:
        raise ValueError(f"{argname}={dtype!r}: a non-native byte order is not supported")
    if resolved not in INTEGER_DTYPES:
        raise TypeError(f"{argname}={dtype!r} is not supported for integers; use an integer "
                        f"dtype (int8 ... int64, uint8 ... uint64) or bool")
    return resolved


def integer_kernel_dtype(dtype: np.dtype) -> int:
    return INTEGER_DTYPES[dtype]
