"""Checks made once, at the Python boundary, before any memory is written.

Every error names the argument at fault.  Nothing here writes to ``out``.
"""
from __future__ import annotations

import math
import numbers
import operator
import os
import sys
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

from ._dtypes import bfloat16, resolve_float_dtype, resolve_integer_dtype

SizeLike = Union[None, int, Sequence[int]]

_MAX_DIM = np.iinfo(np.intp).max
# Below this many bytes ``allocate`` does not look at free memory (reading it
# costs tens of microseconds; a small array cannot be what exhausts memory).
_CHECK_MEMORY_ABOVE = 64 << 20


def normalize_size(size: SizeLike, argname: str = "size") -> Optional[tuple[int, ...]]:
    """``size`` as a shape tuple (None stays None)."""
    if size is None:
        return None
    # operator.index takes True for 1; a bool is never a size (as seed=True is no seed)
    if isinstance(size, (bool, np.bool_)) or (
            isinstance(size, (tuple, list)) and any(isinstance(d, (bool, np.bool_)) for d in size)):
        raise TypeError(f"{argname} must be an int or a tuple of ints, got {size!r}")
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
        if d > _MAX_DIM:
            raise ValueError(f"{argname} has a dimension larger than {_MAX_DIM} (the largest "
                             f"array index), got {dims}")
    return dims


def _read_int(path: str) -> Optional[int]:
    """An integer file (cgroup limits); None if missing or not a number ("max")."""
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _cgroup_memory_dirs() -> list[tuple[str, str]]:
    """(directory, "v1"/"v2") of this process's memory cgroup and its ancestors.

    Read from ``/proc/self/cgroup``, so a process inside a nested cgroup sees
    its own limit (not only the root one); directories that are not visible
    (another cgroup namespace) are skipped.  The mount root is always tried.
    """
    found: list[tuple[str, str]] = []
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, path = parts
        if hierarchy == "0" and controllers == "":
            base, kind = "/sys/fs/cgroup", "v2"
        elif "memory" in controllers.split(","):
            base, kind = "/sys/fs/cgroup/memory", "v1"
        else:
            continue
        rel = path.strip("/")
        while True:
            d = os.path.join(base, rel) if rel else base
            if os.path.isdir(d) and (d, kind) not in found:
                found.append((d, kind))
            if not rel:
                break
            rel = os.path.dirname(rel)
    for d, kind in (("/sys/fs/cgroup", "v2"), ("/sys/fs/cgroup/memory", "v1")):
        if os.path.isdir(d) and (d, kind) not in found:
            found.append((d, kind))
    return found


def _cgroup_limits() -> list[tuple[int, int]]:
    """(limit, usage that could not be reclaimed) for each memory cgroup with a limit."""
    result = []
    for d, kind in _cgroup_memory_dirs():
        if kind == "v2":
            limit = _read_int(os.path.join(d, "memory.max"))
            usage = _read_int(os.path.join(d, "memory.current"))
            stat_key = "inactive_file"
        else:
            limit = _read_int(os.path.join(d, "memory.limit_in_bytes"))
            usage = _read_int(os.path.join(d, "memory.usage_in_bytes"))
            stat_key = "total_inactive_file"
        if limit is None or limit >= 1 << 60:  # "max" / the v1 "unlimited" sentinel
            continue
        reclaimable = 0
        try:
            with open(os.path.join(d, "memory.stat")) as f:
                for line in f:
                    name, _, value = line.partition(" ")
                    if name == stat_key:
                        reclaimable = int(value)
                        break
        except (OSError, ValueError):
            pass
        result.append((limit, max(0, (usage or 0) - reclaimable)))
    return result


def memory_limit_bytes() -> int:
    """Physical memory, or the lowest limit of this process's memory cgroups."""
    limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for cg_limit, _ in _cgroup_limits():
        limit = min(limit, cg_limit)
    return limit


def memory_available_bytes() -> int:
    """Memory a new allocation can take now without the OOM killer stepping in.

    ``MemAvailable + SwapFree`` from ``/proc/meminfo`` (the kernel's estimate,
    page cache it can drop included), bounded by every memory cgroup's
    ``limit - usage`` (less reclaimable page cache).  Falls back to
    :func:`memory_limit_bytes` where ``/proc/meminfo`` is not readable.
    """
    available = None
    try:
        with open("/proc/meminfo") as f:
            fields = {}
            for line in f:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if parts and parts[0].isdigit():
                    fields[name] = int(parts[0]) * 1024
        if "MemAvailable" in fields:
            available = fields["MemAvailable"] + fields.get("SwapFree", 0)
    except OSError:
        pass
    if available is None:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for cg_limit, cg_used in _cgroup_limits():
        available = min(available, max(0, cg_limit - cg_used))
    return available


def allocate(shape: tuple[int, ...], dtype: np.dtype, argname: str = "size") -> np.ndarray:
    """``np.empty(shape, dtype)``, refusing sizes beyond available memory up front.

    An allocation larger than the memory available now (see
    :func:`memory_available_bytes`) would succeed in virtual memory and get
    the process killed during the fill's first touch; it raises MemoryError
    naming the size instead, before anything is allocated.  The array is not
    touched: the parallel fill that follows is its first touch (NumPy already
    advises huge pages for large allocations).
    """
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if count == 0 and math.prod(d for d in shape if d) * dtype.itemsize > _MAX_DIM:
        # NumPy refuses such empty shapes too, without naming the argument
        raise ValueError(f"{argname}={shape} is too large for an array of {dtype}, even empty")
    if nbytes > _CHECK_MEMORY_ABOVE:  # (the message is built only for big arrays)
        check_memory(nbytes, f"{argname}={shape} of {dtype}")
    return np.empty(shape, dtype)


def check_memory(nbytes: int, what: str) -> None:
    """MemoryError naming ``what`` when ``nbytes`` exceed the memory available now."""
    if nbytes > _CHECK_MEMORY_ABOVE:
        limit = memory_available_bytes()
        if nbytes > limit:
            raise MemoryError(
                f"{what} needs {nbytes / 2**30:.3g} GiB, more than the "
                f"{limit / 2**30:.3g} GiB of memory available to this process"
            )


def overrides_torch_function(tensor: object) -> bool:
    """Whether ``tensor``'s class overrides ``__torch_function__`` (a tensor subclass
    whose operations are not plain torch's); ``nn.Parameter`` does not.

    Unlike ``torch.overrides.has_torch_function``, an active
    ``TorchFunctionMode`` (``with torch.device(...)``, ``fast_init``'s own) does
    not count: a mode watches the calls made, it does not change what a
    plain tensor's memory holds.
    """
    torch = sys.modules.get("torch")
    if torch is None or type(tensor) is torch.Tensor:
        return False
    impl = getattr(type(tensor), "__torch_function__", None)
    impl = getattr(impl, "__func__", impl)
    return impl not in (torch.Tensor.__torch_function__.__func__,
                        torch._C._disabled_torch_function_impl)


def torch_out_array(out: object, argname: str = "out") -> tuple[object, Any]:
    """``out`` as fastinit fills it: a CPU torch tensor becomes a NumPy view of its memory.

    Returns ``(array, tensor)``: for a ``torch.Tensor``, a zero-copy NumPy view
    (bfloat16 through its 16-bit words) and the tensor, which the call then
    returns (see :func:`finish_torch_out`); anything else comes back as is
    with ``None``.  torch is never imported here: an object can only be a
    torch tensor if torch is already loaded.

    The tensor must be on the CPU, strided, C-contiguous and of a dtype
    fastinit fills; it is written outside autograd (as ``torch.nn.init``
    writes, under ``torch.no_grad``), so a parameter that requires grad can
    be initialized in place.  Errors name ``argname``.
    """
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(out, torch.Tensor):
        return out, None
    if overrides_torch_function(out):
        raise TypeError(f"{argname} is a {type(out).__name__} with __torch_function__; "
                        "pass a plain CPU torch.Tensor")
    if out.is_meta or out.device.type != "cpu":
        raise ValueError(f"{argname} must be a CPU tensor (fastinit writes its memory in "
                         f"place), got device {out.device}")
    if out.layout is not torch.strided or out.is_quantized:
        raise ValueError(f"{argname} must be a dense (strided) tensor, got {out.layout}")
    resolve_float_dtype(out.dtype, f"{argname}.dtype")
    if not out.is_contiguous():
        raise ValueError(f"{argname} must be C-contiguous")
    data = out.detach()
    if data.dtype == torch.bfloat16:  # NumPy has no bfloat16: reinterpret the 16-bit words
        return data.view(torch.int16).numpy().view(bfloat16), out
    return data.numpy(), out


def finish_torch_out(tensor: Any, result: Any) -> Any:
    """What a call given a torch ``out`` returns: the tensor, its version counter bumped.

    The write went through a NumPy view, which torch's autograd cannot see;
    bumping the version counter (as torch's in-place ops do) lets autograd
    detect that a tensor saved for backward was overwritten.
    """
    if tensor is None:
        return result
    if not tensor.is_inference():
        sys.modules["torch"].autograd.graph.increment_version(tensor)
    return tensor


def check_out(out: object, dtype: Optional[np.dtype], shape: Optional[tuple[int, ...]],
              argname: str = "out", fortran_ok: bool = False) -> np.ndarray:
    """Validate an ``out=`` array as NumPy's ``check_output`` does.

    ``fortran_ok``: also accept a Fortran-contiguous array (NumPy does for
    the methods that fill in memory order), filled through its ``.T``.
    """
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{argname} must be a numpy.ndarray, got {type(out).__name__}")
    if dtype is not None and out.dtype != dtype:
        raise TypeError(f"{argname} has dtype {out.dtype} but dtype={dtype} was requested")
    if not (out.flags.c_contiguous or (fortran_ok and out.flags.f_contiguous)):
        raise ValueError(f"{argname} must be C-contiguous" + (" or Fortran-contiguous"
                                                               if fortran_ok else ""))
    if not out.flags.writeable:
        raise ValueError(f"{argname} must be writeable")
    if not out.flags.aligned:
        raise ValueError(f"{argname} must be aligned")
    if not out.dtype.isnative:
        raise ValueError(f"{argname} must have native byte order, got {out.dtype}")
    if shape is not None and tuple(out.shape) != shape:
        raise ValueError(f"size {shape} does not match the shape {out.shape} of {argname}")
    return out


class DrawTarget(NamedTuple):
    """Where a draw goes, resolved from ``(size, dtype, out)`` by :func:`resolve_draw`."""

    #: The output shape (``out.shape`` when only ``out`` is given).
    shape: tuple[int, ...]
    #: The output dtype.
    dtype: np.dtype
    #: The caller's ``out`` (validated), or None.
    out: Optional[np.ndarray]
    #: True when the caller gave neither ``size`` nor ``out``: return one value.
    scalar: bool

    def array(self, argname: str = "size") -> np.ndarray:
        """``out``, or a new array of ``shape`` and ``dtype`` (memory checked first)."""
        return self.out if self.out is not None else allocate(self.shape, self.dtype, argname)

    def result(self, target: np.ndarray) -> Any:
        """What a draw returns: the array, or its one value when ``scalar``.

        As NumPy does, one value comes back as a Python ``float`` (float32
        included, as NumPy's ``random(dtype=np.float32)`` returns; here
        float16 and bfloat16 too) or ``int``.
        """
        if not self.scalar:
            return target
        return target[()].item()


def resolve_draw(size: SizeLike, dtype: object, out: object, *,
                 default_dtype: object = np.float64, fixed_dtype: Optional[np.dtype] = None,
                 size_name: str = "size", scalar_allowed: bool = True,
                 dtype_kind: str = "float", fortran_ok: bool = False) -> DrawTarget:
    """The one rule for ``(size, dtype, out)`` of every draw; nothing is allocated.

    Parameters
    ----------
    size : int, tuple of ints or None
        Output shape.  ``None`` means ``out.shape`` when ``out`` is given,
        else one value (``scalar_allowed``) or an error naming ``size_name``.
    dtype : dtype or None
        ``None`` means ``out.dtype`` when ``out`` is given, else ``default_dtype``.
    out : ndarray or None
        Validated as NumPy's ``check_output`` does (dtype, shape, contiguity,
        writeable, aligned, native byte order).
    default_dtype : dtype
        float64 for Generator methods (NumPy's default), float32 for initializers.
    fixed_dtype : numpy.dtype, optional
        The only dtype a method produces (uint32 for ``random_raw``).
    size_name : str
        The argument's name in messages ("size", or "shape" for initializers).
    scalar_allowed : bool
        Whether ``size=None`` without ``out`` means one value.
    dtype_kind : str
        "float" (float64, float32, float16, bfloat16) or "integer" (the
        integer dtypes and bool, for ``integers``).
    fortran_ok : bool
        Accept a Fortran-contiguous ``out`` too (filled in memory order).

    Returns
    -------
    DrawTarget
    """
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
    resolve = resolve_integer_dtype if dtype_kind == "integer" else resolve_float_dtype
    if fixed_dtype is not None:
        dt = fixed_dtype
    elif dtype is not None:
        dt = resolve(dtype)
    elif out is not None:
        dt = resolve(out.dtype, "out.dtype")  # type: ignore[union-attr]
    else:
        dt = resolve(default_dtype)
    shape = normalize_size(size, size_name)
    if out is not None:
        check_out(out, dt, shape, fortran_ok=fortran_ok)
        return DrawTarget(tuple(out.shape), dt, out, False)  # type: ignore[union-attr]
    if shape is None:
        if not scalar_allowed:
            raise TypeError(f"{size_name} is required unless out= is given")
        return DrawTarget((), dt, None, True)
    return DrawTarget(shape, dt, None, False)


def real(value: object, argname: str) -> float:
    """A finite real number as float; TypeError/ValueError naming ``argname``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{argname} must be a real number, got {type(value).__name__}")
    if isinstance(value, np.ndarray):
        if value.ndim != 0 or value.dtype.kind not in "iuf":
            raise TypeError(f"{argname} must be a scalar real number (array-valued parameters are not supported)")
        value = value[()]
    try:
        result = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise OverflowError(f"{argname} is too large to be represented as a float64") from None
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
    if math.copysign(1.0, result) < 0:  # -0.0 too, as NumPy refuses it
        if result == 0:
            raise ValueError(f"{argname} must be non-negative, got -0.0 (NumPy refuses it too)")
        raise ValueError(f"{argname} must be non-negative, got {result}")
    return result


def positive(value: object, argname: str) -> float:
    result = finite(value, argname)
    if result <= 0:
        raise ValueError(f"{argname} must be positive, got {result}")
    return result


def integer(value: object, argname: str) -> int:
    """``value`` as an int (``operator.index``); TypeError naming ``argname``."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argname} must be an int, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{argname} must be an int, got {type(value).__name__}") from None


def piece_rows(offset: object, row_offsets: object,
               out_size: int) -> tuple[int, Optional[np.ndarray]]:
    """Where a piece of a draw goes (``fill_at``): ``(first, None)`` for one
    contiguous run starting at element ``offset``, or ``(0, rows)`` with the
    checked int64 ``row_offsets``, one per equal row of ``out``."""
    if row_offsets is None:
        first = integer(offset, "offset")
        if first < 0:
            raise ValueError(f"offset must be non-negative, got {first}")
        return first, None
    rows = np.asarray(row_offsets)
    if rows.dtype.kind not in "iu":
        raise TypeError(f"row_offsets must be an integer array, got dtype {rows.dtype}")
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    if rows.ndim != 1 or (rows.size and out_size % rows.size):
        raise ValueError("row_offsets must be 1-D and divide out.size into equal rows")
    if rows.size and rows.min() < 0:
        raise ValueError("row_offsets must be non-negative")
    if rows.size == 0 and out_size:
        raise ValueError(f"row_offsets is empty but out has {out_size} elements")
    return 0, rows
