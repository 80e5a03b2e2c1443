"""The floating dtypes fastinit fills, and how each maps onto a C kernel."""
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

DTypeLike = Union[str, type, np.dtype, Any]


def resolve_float_dtype(dtype: DTypeLike, argname: str = "dtype") -> np.dtype:
    """The numpy dtype for ``dtype``; TypeError naming ``argname`` if unsupported.

    Accepts numpy dtypes and types, their names ("float32", "f4", ...),
    "bfloat16", ``ml_dtypes.bfloat16`` and the torch dtypes of the same
    formats (``torch.float32``, ``torch.bfloat16``, ...).
    """
    if is_torch_dtype(dtype):  # torch.float32, torch.bfloat16, ...: by name, zero-copy
        name = str(dtype).rpartition(".")[2]
        if name not in ("float32", "float64", "float16", "bfloat16"):
            raise TypeError(f"{argname}={dtype} is not supported; use torch.float32, "
                            "torch.float64, torch.float16 or torch.bfloat16")
        dtype = name
    try:
        if isinstance(dtype, str) and dtype.lower() in ("bfloat16", "bf16"):
            resolved = bfloat16
        else:
            resolved = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{argname}={dtype!r} is not a dtype") from exc
    if not resolved.isnative:  # the kernels write this machine's byte order (either one)
        raise TypeError(f"{argname}={dtype!r}: fastinit writes floats in the machine's byte order only")
    if resolved not in FLOAT_DTYPES:
        raise TypeError(
            f"{argname}={dtype!r} is not supported; use float32, float64, float16 or bfloat16"
        )
    return resolved


def is_torch_dtype(dtype: object) -> bool:
    """Whether ``dtype`` is a ``torch.dtype`` (checked without importing torch)."""
    return type(dtype).__name__ == "dtype" and type(dtype).__module__ == "torch"


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
