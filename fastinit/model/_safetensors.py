"""Writing the safetensors format, streaming tensor by tensor through a memory map.

The format (https://huggingface.co/docs/safetensors): 8 bytes little-endian
``N``, then ``N`` bytes of UTF-8 JSON mapping each tensor name to
``{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`` (offsets
relative to the byte after the header) plus an optional ``"__metadata__"``
map of strings, padded with spaces so the data start 8-byte aligned; then
the tensors' bytes, little-endian, C order, contiguous with no holes.

The writer lays the header out first, reserves the whole file, maps the data
region and lets a callback fill each tensor in place, so nothing but the
tensor being filled needs memory: the kernel writes the pages back behind
it, and a model larger than RAM can be written.
"""
from __future__ import annotations

import json
import math
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Sequence

import numpy as np

from .._dtypes import bfloat16
from ._atomic import PathLike, atomic_file, call_terminable

#: numpy dtype -> safetensors dtype code (the floating dtypes fastinit fills).
DTYPE_CODES: dict[np.dtype, str] = {
    np.dtype(np.float64): "F64",
    np.dtype(np.float32): "F32",
    np.dtype(np.float16): "F16",
    bfloat16: "BF16",
}

@dataclass(frozen=True)
class Slot:
    """Where one tensor lies in the file's data region."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    begin: int
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.begin


def plan_layout(tensors: Iterable[tuple[str, Sequence[int], np.dtype]]) -> tuple[list[Slot], int]:
    """File order and byte ranges of ``(name, shape, dtype)`` tensors.

    Tensors are stored by decreasing item size, then by name (as the
    ``safetensors`` library does): every tensor then starts aligned to its
    item size, and the file does not depend on the order of the spec.

    Returns
    -------
    slots : list of Slot
        In file order.
    data_size : int
        Bytes of the data region.
    """
    items = sorted(((str(n), tuple(int(d) for d in s), np.dtype(t)) for n, s, t in tensors),
                   key=lambda item: (-item[2].itemsize, item[0]))
    slots, offset = [], 0
    for name, shape, dtype in items:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            # a valid stream name (any str is), but not in a file whose header is UTF-8
            raise ValueError(f"tensor name {name!r} cannot be written to a safetensors file: "
                             "it holds a lone surrogate, which UTF-8 cannot encode "
                             "(nothing was written)") from None
        if dtype not in DTYPE_CODES:
            raise TypeError(f"tensor {name!r}: dtype {dtype} cannot be written to safetensors here")
        nbytes = math.prod(shape) * dtype.itemsize
        slots.append(Slot(name, shape, dtype, offset, offset + nbytes))
        offset += nbytes
    return slots, offset


def build_header(slots: Sequence[Slot], metadata: Optional[Mapping[str, str]] = None) -> bytes:
    """The JSON header, space-padded to a multiple of 8 bytes."""
    header: dict[str, object] = {}
    if metadata:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"metadata must map str to str, got {key!r}: {type(value).__name__}")
        header["__metadata__"] = dict(metadata)
    for slot in slots:
        if slot.name == "__metadata__":
            raise ValueError("'__metadata__' is reserved by the safetensors format: not a tensor name")
        header[slot.name] = {"dtype": DTYPE_CODES[slot.dtype], "shape": list(slot.shape),
                             "data_offsets": [slot.begin, slot.end]}
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return text + b" " * (-len(text) % 8)


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def write_safetensors(path: PathLike, slots: Sequence[Slot], data_size: int,
                      fill: Callable[[dict[str, np.ndarray]], None],
                      metadata: Optional[Mapping[str, str]] = None, argname: str = "out",
                      replace_read_only: bool = False) -> Path:
    """Write a safetensors file atomically, ``fill`` writing the tensors in place.

    Parameters
    ----------
    path : str or os.PathLike
        Target file; replaced atomically.
    slots, data_size
        From :func:`plan_layout`.
    fill : callable
        ``fill(views)``: ``views`` maps each tensor name, in file order, to
        an ndarray of its shape and dtype mapped onto the file, to fill in
        place.  The kernel writes dirty pages back as they accumulate
        (throttling the fill to the disk's speed when they exceed its dirty
        limits), so memory use stays bounded whatever the file size.
    metadata : mapping of str to str, optional
        The header's ``__metadata__``.
    replace_read_only : bool
        Replace ``path`` even when it is a read-only file (refused by
        default with ``PermissionError``).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return call_terminable(_write_safetensors, path, slots, data_size, fill, metadata, argname,
                           replace_read_only)


def _write_safetensors(path: PathLike, slots: Sequence[Slot], data_size: int,
                       fill: Callable[[dict[str, np.ndarray]], None],
                       metadata: Optional[Mapping[str, str]], argname: str,
                       replace_read_only: bool) -> Path:
    """:func:`write_safetensors` itself, run under :func:`call_terminable` (SIGTERM)."""
    header = build_header(slots, metadata)
    data_start = 8 + len(header)
    target = Path(path)
    with atomic_file(target, data_start + data_size, argname, replace_read_only) as fd:
        _write_all(fd, struct.pack("<Q", len(header)) + header, 0)
        if not data_size:
            fill({slot.name: np.empty(slot.shape, slot.dtype) for slot in slots})
            return target
        with open(fd, "r+b", closefd=False) as f:
            data = np.memmap(f, dtype=np.uint8, mode="r+", offset=data_start,
                             shape=(data_size,))
        try:
            views = {slot.name: data[slot.begin:slot.end].view(slot.dtype).reshape(slot.shape)
                     for slot in slots}
            fill(views)
            del views
            data.flush()
        finally:
            del data
    return target
