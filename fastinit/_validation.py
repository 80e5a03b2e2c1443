"""Checks made once, at the Python boundary, before any memory is written.

Every error names the argument at fault.  Nothing here writes to ``out``.
"""
from __future__ import annotations

import math
import numbers
import operator
import os
from typing import Optional, Sequence, Union

import numpy as np

SizeLike = Union[None, int, Sequence[int]]


def normalize_size(size: SizeLike, argname: str = "size") -> Optional[tuple[int, ...]]:
    """``size`` as a shape tuple (None stays None)."""
    if size is None:
        return None
    try:
        dims = (operator.index(size),)
    except TypeError:
        try:
            dims = tuple(operator.index(d) for d in size)  # type: ignore[union-attr]
        except TypeError:
            raise TypeError(f"{argname} must be an int or a tuple of ints, got {size!r}") from None
    for d in dims:
        if d < 0:
            raise ValueError(f"{argname} must not contain negative dimensions, got {dims}")
    return dims


def memory_limit_bytes() -> int:
    """Physical memory, or the cgroup's limit when that is lower."""
    limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit():
            limit = min(limit, int(text))
    return limit


def allocate(shape: tuple[int, ...], dtype: np.dtype, argname: str = "size") -> np.ndarray:
    """``np.empty(shape, dtype)``, refusing sizes beyond memory up front.

    The array is not touched: the parallel fill that follows is its first
    touch (NumPy already advises huge pages for large allocations).
    """
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    limit = memory_limit_bytes()
    if nbytes > limit:
        raise MemoryError(
            f"{argname}={shape} of {dtype} needs {nbytes / 2**30:.3g} GiB, more than the "
            f"{limit / 2**30:.3g} GiB of memory available to this process"
        )
    return np.empty(shape, dtype)


def check_out(out: object, dtype: Optional[np.dtype], shape: Optional[tuple[int, ...]],
              argname: str = "out") -> np.ndarray:
    """Validate an ``out=`` array as NumPy's ``check_output`` does."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{argname} must be a numpy.ndarray, got {type(out).__name__}")
    if dtype is not None and out.dtype != dtype:
        raise TypeError(f"{argname} has dtype {out.dtype} but dtype={dtype} was requested")
    if not out.flags.c_contiguous:
        raise ValueError(f"{argname} must be C-contiguous")
    if not out.flags.writeable:
        raise ValueError(f"{argname} must be writeable")
    if not out.flags.aligned:
        raise ValueError(f"{argname} must be aligned")
    if not out.dtype.isnative:
        raise ValueError(f"{argname} must have native byte order, got {out.dtype}")
    if shape is not None and tuple(out.shape) != shape:
        raise ValueError(f"size {shape} does not match the shape {out.shape} of {argname}")
    return out


def real(value: object, argname: str) -> float:
    """A finite real number as float; TypeError/ValueError naming ``argname``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{argname} must be a real number, got {type(value).__name__}")
    if isinstance(value, np.ndarray):
        if value.ndim != 0 or value.dtype.kind not in "iuf":
            raise TypeError(f"{argname} must be a scalar real number (array-valued parameters are not supported)")
        value = value[()]
    result = float(value)  # type: ignore[arg-type]
    if math.isnan(result):
        raise ValueError(f"{argname} must not be NaN")
    return result


def finite(value: object, argname: str) -> float:
    result = real(value, argname)
    if math.isinf(result):
        raise ValueError(f"{argname} must be finite, got {result}")
    return result


def non_negative(value: object, argname: str) -> float:
    result = finite(value, argname)
    if result < 0:
        raise ValueError(f"{argname} must be non-negative, got {result}")
    return result


def positive(value: object, argname: str) -> float:
    result = finite(value, argname)
    if result <= 0:
        raise ValueError(f"{argname} must be positive, got {result}")
    return result
