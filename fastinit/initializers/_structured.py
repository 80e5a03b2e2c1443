"""Structured initializers: identity/eye, dirac, sparse.

None is elementwise (no ``plan``).

* ``Identity(gain)``: ``gain * eye(rows, cols)`` for 2-D shapes only, as
  ``keras.initializers.Identity`` and ``torch.nn.init.eye_`` (layouts agree).
* ``Dirac(groups, gain)``: the identity convolution, 3-D to 5-D kernels, as
  ``torch.nn.init.dirac_``: for each group ``g`` and ``d < min(out / groups,
  in)``, ``w[g * out/groups + d, d, centre...] = gain``.  The centre is
  ``k // 2`` in the torch layout ``(out, in, *k)`` and ``(k - 1) // 2`` in the
  keras/jax layout ``(*k, in, out)`` (JAX's ``delta_orthogonal``); they differ
  for even ``k``.
* ``Sparse(sparsity, std)``: ``torch.nn.init.sparse_`` (Martens 2010): N(0,
  std**2) with ``ceil(sparsity * n_out)`` weights of every input unit set to
  zero -- per column of ``(out, in)`` in the torch layout, per row of
  ``(in, out)`` in keras/jax.  Which ones are zeroed is a uniformly random
  subset per unit, chosen for all units at once (the smallest of a block of
  uniform draws, ``numpy.argpartition``), not by a Python loop.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .._generator import Generator
from .._validation import SizeLike, allocate, non_negative, positive
from ._base import Initializer, check_seed, constant_bits, fill_constant, register, \
    with_call_doc
from ._fans import require_layout


@register("identity", "eye", "IdentityInitializer")
class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes; ``eye(rows, cols)``).

    Parameters
    ----------
    gain : float
        Finite multiplier (default 1).
    """

    elementwise = False
    uses_random = False

    def __init__(self, gain: float = 1.0) -> None:
        from .._validation import finite
        self.gain = finite(gain, "gain")

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Optional[Generator],
              out: Optional[np.ndarray], n_threads: Optional[int]) -> np.ndarray:
        if len(shape) != 2:
            raise ValueError(f"shape={shape}: the identity initializer needs a 2-D shape")
        constant_bits(self.gain, dtype, "gain")
        target = fill_constant(shape, dtype, 0.0, out, n_threads)
        rows, cols = shape
        k = min(rows, cols)
        if k:
            target.reshape(-1)[: (k - 1) * (cols + 1) + 1: cols + 1] = self.gain
        return target

    def get_config(self) -> dict:
        return {"gain": self.gain}


Eye = Identity


@register("dirac", "delta")
class Dirac(Initializer):
    """The identity convolution (Dirac delta), preserving the input channels.

    Parameters
    ----------
    groups : int
        Number of groups; the output-channel count must be divisible by it.
    gain : float
        Value of the non-zero entries (default 1, as PyTorch).
    layout : {"torch", "keras", "jax"}
        Required.  ``"torch"``: ``(out, in, *k)``, centre ``k // 2``;
        ``"keras"``/``"jax"``: ``(*k, in, out)``, centre ``(k - 1) // 2``.
    """

    elementwise = False
    uses_random = False
    layout_aware = True

    def __init__(self, groups: int = 1, gain: float = 1.0, *,
                 layout: Optional[str] = None) -> None:
        from .._validation import finite
        layout = require_layout(layout, "Dirac")
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
            raise TypeError(f"groups must be an int, got {groups!r}")
        if groups < 1:
            raise ValueError(f"groups must be >= 1, got {groups}")
        self.groups = int(groups)
        self.gain = finite(gain, "gain")
        self.layout = layout

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Optional[Generator],
              out: Optional[np.ndarray], n_threads: Optional[int]) -> np.ndarray:
        if len(shape) not in (3, 4, 5):
            raise ValueError(f"shape={shape}: the dirac initializer needs a 3-D, 4-D or 5-D "
                             "convolution kernel")
        if self.layout == "torch":
            n_out, n_in, kernel = shape[0], shape[1], shape[2:]
            centre = tuple(k // 2 for k in kernel)
        else:
            n_in, n_out, kernel = shape[-2], shape[-1], shape[:-2]
            centre = tuple((k - 1) // 2 for k in kernel)
        if n_out % self.groups:
            raise ValueError(f"shape={shape}: the {n_out} output channels ({self.layout} "
                             f"layout) are not divisible by groups={self.groups}")
        constant_bits(self.gain, dtype, "gain")
        target = fill_constant(shape, dtype, 0.0, out, n_threads)
        per_group = n_out // self.groups
        k = min(per_group, n_in)
        if k == 0 or 0 in kernel:
            return target
        outs = (np.arange(self.groups)[:, None] * per_group + np.arange(k)).ravel()
        ins = np.tile(np.arange(k), self.groups)
        if self.layout == "torch":
            target[(outs, ins) + centre] = self.gain
        else:
            target[centre + (ins, outs)] = self.gain
        return target

    def get_config(self) -> dict:
        return {"groups": self.groups, "gain": self.gain, "layout": self.layout}


@register("sparse")
class Sparse(Initializer):
    """Sparse normal weights (``torch.nn.init.sparse_``), 2-D shapes only.

    Parameters
    ----------
    sparsity : float
        In [0, 1]: the fraction of each input unit's weights set to zero
        (``ceil(sparsity * n_out)`` of them).
    std : float
        Standard deviation of the non-zero weights (default 0.01).
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    layout : {"torch", "keras", "jax"}
        Required.  ``"torch"``: shape ``(out, in)``, zeros per column;
        ``"keras"``/``"jax"``: shape ``(in, out)``, zeros per row.

    Notes
    -----
    Draws ``size`` normals (the weights), then ``size`` float64 uniforms that
    pick the zeroed subset; needs temporary memory of about 16 bytes per
    element.
    """

    elementwise = False
    layout_aware = True

    def __init__(self, sparsity: float = 0.1, std: float = 0.01, seed: Optional[int] = None,
                 *, layout: Optional[str] = None) -> None:
        self.layout = require_layout(layout, "Sparse")
        self.sparsity = non_negative(sparsity, "sparsity")
        if self.sparsity > 1:
            raise ValueError(f"sparsity must be in [0, 1], got {self.sparsity}")
        self.std = non_negative(std, "std")
        self.seed = check_seed(seed)

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Optional[Generator],
              out: Optional[np.ndarray], n_threads: Optional[int]) -> np.ndarray:
        if len(shape) != 2:
            raise ValueError(f"shape={shape}: the sparse initializer needs a 2-D shape")
        assert gen is not None
        out_axis = 0 if self.layout == "torch" else 1
        n_out = shape[out_axis]
        n_zeros = math.ceil(self.sparsity * n_out)
        target = gen.normal(0.0, self.std, size=shape, dtype=dtype, out=out, n_threads=n_threads)
        if n_zeros == 0 or target.size == 0:
            return target
        keys = gen.random(size=shape, dtype=np.float64, n_threads=n_threads)
        if n_zeros < n_out:
            picked = np.argpartition(keys, n_zeros - 1, axis=out_axis)
            picked = picked[:n_zeros] if out_axis == 0 else picked[:, :n_zeros]
        else:
            picked = None
        del keys
        if picked is None:
            target[...] = 0
        elif out_axis == 0:
            target[picked, np.arange(shape[1])] = 0
        else:
            target[np.arange(shape[0])[:, None], picked] = 0
        return target

    def get_config(self) -> dict:
        return {"sparsity": self.sparsity, "std": self.std, "seed": self.seed,
                "layout": self.layout}


@with_call_doc
def identity(shape: SizeLike = None, dtype: Any = None, *, gain: float = 1.0,
             seed: Any = None, rng: Optional[Generator] = None,
             out: Optional[np.ndarray] = None, n_threads: Optional[int] = None) -> np.ndarray:
    """``gain * eye(rows, cols)`` for a 2-D shape (``torch.nn.init.eye_``,
    ``keras.initializers.Identity``); ``eye`` is this function.

    Parameters
    ----------
    {call}
    gain : float
        Default 1.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> fastinit.identity((2, 3))
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """
    return Identity(gain)(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)


eye = identity


@with_call_doc
def dirac(shape: SizeLike = None, dtype: Any = None, *, groups: int = 1, gain: float = 1.0,
          layout: Optional[str] = None, seed: Any = None, rng: Optional[Generator] = None,
          out: Optional[np.ndarray] = None, n_threads: Optional[int] = None) -> np.ndarray:
    """The identity convolution kernel (``torch.nn.init.dirac_``).

    Parameters
    ----------
    {call}
    groups : int
        Default 1; must divide the output-channel count.
    gain : float
        Default 1.
    layout : {"torch", "keras", "jax"}
        Required.  ``"torch"``: ``(out, in, *k)`` with centre ``k // 2``;
        ``"keras"``/``"jax"``: ``(*k, in, out)`` with centre ``(k - 1) // 2``.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import fastinit
    >>> w = fastinit.dirac((8, 8, 3, 3), layout="torch")
    >>> float(w[2, 2, 1, 1]), float(w.sum())
    (1.0, 8.0)
    """
    return Dirac(groups, gain, layout=layout)(shape, dtype, seed=seed, rng=rng, out=out,
                                              n_threads=n_threads)


@with_call_doc
def sparse(shape: SizeLike = None, dtype: Any = None, *, sparsity: float = 0.1,
           std: float = 0.01, layout: Optional[str] = None, seed: Any = None,
           rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
           n_threads: Optional[int] = None) -> np.ndarray:
    """Sparse N(0, std**2) weights with a fraction ``sparsity`` of each input
    unit's weights zeroed (``torch.nn.init.sparse_``), 2-D shapes.

    Parameters
    ----------
    {call}
    sparsity : float
        In [0, 1] (default 0.1).
    std : float
        Default 0.01.
    layout : {"torch", "keras", "jax"}
        Required.  ``"torch"``: ``(out, in)``, ``ceil(sparsity * out)`` zeros
        per column; ``"keras"``/``"jax"``: ``(in, out)``, per row.

    Returns
    -------
    numpy.ndarray
    """
    init = Sparse(sparsity, std, layout=layout)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)
