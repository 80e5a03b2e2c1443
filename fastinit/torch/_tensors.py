"""Zero-copy NumPy views of CPU torch tensors, and the checks that decide when one is safe.

fastinit's kernels write through NumPy arrays.  A CPU tensor whose elements
occupy one dense block of memory (contiguous, or any permutation of a
contiguous layout such as ``channels_last`` or a transpose) is filled through a
1-D NumPy view of that block: its elements are independent draws, so the order
in which memory is visited changes which element gets which value but not the
distribution.  Everything else (other devices, meta, sparse or quantized
tensors, tensors with a ``__torch_function__`` override, overlapping or
strided views) is left to torch.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import torch

from fastinit._dtypes import bfloat16
from fastinit._validation import overrides_torch_function

__all__ = ["NUMPY_DTYPES", "dense_view", "numpy_view", "bump_version", "is_dense", "is_fillable"]

#: torch dtype -> NumPy dtype of the same bits, for the dtypes fastinit fills.
NUMPY_DTYPES: dict[torch.dtype, np.dtype] = {
    torch.float32: np.dtype(np.float32),
    torch.float64: np.dtype(np.float64),
    torch.float16: np.dtype(np.float16),
    torch.bfloat16: bfloat16,
}


def numpy_view(tensor: torch.Tensor) -> np.ndarray:
    """A NumPy array sharing ``tensor``'s memory (CPU, contiguous; detached here)."""
    data = tensor.detach()
    if data.dtype == torch.bfloat16:  # NumPy has no bfloat16: reinterpret the 16-bit words
        return data.view(torch.int16).numpy().view(bfloat16)
    return data.numpy()


def is_dense(tensor: torch.Tensor) -> bool:
    """True when the elements fill ``numel`` consecutive slots of memory exactly once."""
    expected = 1
    dims = sorted(((st, s) for s, st in zip(tensor.shape, tensor.stride()) if s != 1))
    for stride, size in dims:
        if stride != expected:
            return False
        expected *= size
    return True


def is_fillable(tensor: object) -> bool:
    """Whether fastinit may fill ``tensor`` in place through a view of its memory.

    A plain ``torch.Tensor`` or ``nn.Parameter`` (no ``__torch_function__``
    override), on the CPU, strided, of a dtype fastinit fills, not empty, with
    no conjugate/negative bit, whose elements are one dense block of memory.
    """
    if not isinstance(tensor, torch.Tensor) or overrides_torch_function(tensor):
        return False
    if (tensor.device.type != "cpu" or tensor.layout is not torch.strided or tensor.is_meta
            or tensor.dtype not in NUMPY_DTYPES or tensor.is_quantized):
        return False
    if tensor.numel() == 0 or tensor.is_conj() or tensor.is_neg():
        return False
    return tensor.is_contiguous() or is_dense(tensor)


def dense_view(tensor: torch.Tensor) -> Optional[np.ndarray]:
    """A 1-D NumPy view of the dense block of memory holding ``tensor``; None if unsafe.

    For a contiguous tensor element ``i`` of the view is element ``i`` of
    ``tensor.flatten()``; for a permuted dense layout it is element ``i`` in
    memory order.
    """
    if not is_fillable(tensor):
        return None
    data = tensor.detach()
    if not data.is_contiguous():
        data = torch.as_strided(data, (data.numel(),), (1,), data.storage_offset())
    try:
        return numpy_view(data).reshape(-1)
    except (RuntimeError, TypeError):  # wrapped tensors (functorch, ...) have no NumPy view
        return None


def bump_version(tensor: torch.Tensor) -> None:
    """Advance ``tensor``'s version counter, as torch's own in-place ops do.

    Writes through a NumPy view bypass the dispatcher; without this, autograd
    would not notice that a tensor saved for backward was re-initialized.
    Inference tensors have no version counter.
    """
    if not tensor.is_inference():
        torch.autograd.graph.increment_version(tensor)
