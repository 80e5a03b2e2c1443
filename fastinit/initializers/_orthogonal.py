"""Orthogonal initializer: a Haar-distributed (semi-)orthogonal matrix.

Flattening (docs/CONVENTIONS.md): PyTorch ``orthogonal_`` takes rows = ``shape[0]``,
cols = the rest; Keras ``Orthogonal`` takes cols = ``shape[-1]``, rows = the
rest; JAX ``orthogonal(column_axis)`` takes cols = ``shape[column_axis]``.
The ``rows x cols`` matrix has orthonormal rows when rows <= cols and
orthonormal columns otherwise, scaled by ``gain``.

Both algorithms compute the QR factorization of a Gaussian matrix, in the
output's precision (float64 for float64, float32 otherwise), and multiply
column ``k`` of Q by ``sign(R[k, k])`` so that Q is uniformly (Haar)
distributed (Mezzadri 2007, "How to generate random matrices from the
classical compact groups"):

``algorithm="householder"`` (default)
    Householder QR of an ``m x n`` Gaussian matrix (``m >= n``) applies
    reflector ``k`` to column ``k`` after the previous ``k - 1``
    reflections; by the rotation invariance of the Gaussian that column is
    again a standard Gaussian vector, independent of the earlier ones.  So
    the reflector inputs are drawn from the stream directly (the lower
    trapezoid of an ``m x n`` Gaussian matrix) instead of being produced by
    the O(m n^2) elimination (Stewart 1980, "The efficient generation of
    random orthogonal matrices with an application to condition
    estimators", SIAM J. Numer. Anal. 17(3)).  Q -- same distribution as
    the sign-corrected Q of a full QR -- is then accumulated from the
    reflectors in blocks with the compact WY form ``I - V T V^T``
    (Schreiber & Van Loan 1989), as matrix products: half the work of a
    full factorization, all of it in BLAS-3.
``algorithm="qr"``
    ``numpy.linalg.qr`` of the whole Gaussian matrix (LAPACK geqrf/orgqr),
    as ``torch.nn.init.orthogonal_``, Keras and JAX do.

BLAS/LAPACK use their own thread pool (``OPENBLAS_NUM_THREADS``,
threadpoolctl); ``n_threads`` applies to the Gaussian draw.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .._generator import Generator
from .._validation import SizeLike, allocate, check_memory, positive
from ._base import Initializer, check_seed, register, with_call_doc
from ._fans import require_layout

ALGORITHMS = ("householder", "qr")

#: reflectors per block of the compact-WY accumulation
_BLOCK = 128


def flat_dims(shape: tuple[int, ...], layout: str, column_axis: Optional[int]
              ) -> tuple[int, int, int]:
    """``(rows, cols, column_axis)`` of the matrix ``shape`` is flattened to.

    Parameters
    ----------
    shape : tuple of ints
        At least 2-D.
    layout : str
        A canonical layout name.
    column_axis : int or None
        ``layout="jax"``: the axis of the columns (default -1).

    Returns
    -------
    rows, cols, column_axis : int
    """
    if len(shape) < 2:
        raise ValueError(f"shape={shape}: the orthogonal initializer needs at least 2 "
                         "dimensions")
    size = math.prod(shape)
    if layout == "torch":
        return shape[0], (size // shape[0] if shape[0] else math.prod(shape[1:])), 0
    axis = -1 if column_axis is None else column_axis
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"column_axis={column_axis} is out of range for shape={shape}")
    axis %= len(shape)
    cols = shape[axis]
    rows = math.prod(d for i, d in enumerate(shape) if i != axis)
    return rows, cols, axis


def _larft(vt: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Upper triangular T with H_1 ... H_b = I - V T V^T, where V = vt.T.

    By the "UT transform" (Joffrain, Low, Quintana-Orti, van de Geijn and
    Van Zee 2006, "Accumulating Householder transformations, revisited"),
    T = inv(striu(V^T V) + diag(1 / tau)) for reflectors with
    tau = 2 / (v^T v); a reflector with tau = 0 must have v = 0.
    """
    gram = vt @ vt.T
    s = np.triu(gram, 1)
    idx = np.arange(len(tau))
    s[idx, idx] = np.where(tau == 0, 1, 1 / np.where(tau == 0, 1, tau))
    return np.triu(np.linalg.inv(s))


def _reflectors(vt: np.ndarray, gain: float) -> tuple[np.ndarray, np.ndarray]:
    """Turn row ``k`` of ``vt`` (columns k.. hold Gaussian reflector input x_k)
    into the Householder vector v_k in place (1 at column k, the strictly
    lower part of the diagonal blocks zeroed); return ``tau`` and the column
    factors ``d = gain * sign(R[k, k])``.

    As LAPACK's dlarfg: R[k, k] = beta = -sign(alpha) ||x_k||,
    v_k = [1, x_k[1:] / (alpha - beta)], tau_k = (beta - alpha) / beta,
    where alpha = x_k[0].  When x_k = 0 (probability 0) H_k = I: v_k = 0,
    tau_k = 0, sign +1."""
    n, m = vt.shape
    tau = np.empty(n, dtype=vt.dtype)
    d = np.empty(n, dtype=vt.dtype)
    for k0 in range(0, n, _BLOCK):
        k1 = min(k0 + _BLOCK, n)
        b = k1 - k0
        block = vt[k0:k1, k0:]
        diag = block[:, :b]
        diag[np.tril_indices(b, -1)] = 0
        alpha = np.diagonal(diag).copy()
        norm = np.linalg.norm(block, axis=1)
        beta = np.where(alpha >= 0, -norm, norm)      # R[k, k]
        empty = beta == 0                             # x_k == 0 (probability 0): H_k = I
        denom = np.where(empty, 1, alpha - beta)
        block *= np.where(empty, 0, 1 / denom)[:, None]
        diag[np.arange(b), np.arange(b)] = np.where(empty, 0, 1)   # v = 0 when H_k = I
        tau[k0:k1] = np.where(empty, 0, (beta - alpha) / np.where(empty, 1, beta))
        d[k0:k1] = np.where(beta < 0, -gain, gain)
    return tau, d


def _accumulate(vt: np.ndarray, tau: np.ndarray, d: np.ndarray, p: np.ndarray) -> None:
    """Write P = D H_n ... H_1 restricted to its first n rows into ``p`` (n x m).

    P is the transpose of Q = H_1 ... H_n [I_n; 0] D.  Blocks are applied from
    the last to the first: P <- P - (P V) T^T V^T.
    """
    n, m = vt.shape
    starts = list(range(0, n, _BLOCK))
    scratch = np.empty(max(0, (n - _BLOCK) * (m - _BLOCK)), dtype=p.dtype)
    for k0 in reversed(starts):
        k1 = min(k0 + _BLOCK, n)
        b = k1 - k0
        vb = vt[k0:k1, k0:]                       # V^T of this block, b x (m - k0)
        tt = _larft(vb, tau[k0:k1]).T
        # the block's own rows: D_b [I, 0] (I - V T^T V^T)
        y = (d[k0:k1, None] * vb[:, :b].T) @ tt
        rows = p[k0:k1]
        rows[:, :k0] = 0
        np.negative(y @ vb, out=rows[:, k0:])
        rows[np.arange(b), k0 + np.arange(b)] += d[k0:k1]
        if k1 < n:  # rows below: [0 | P_trail] (I - V T^T V^T)
            trail = p[k1:, k1:]
            y = (trail @ vb[:, b:].T) @ tt
            p[k1:, k0:k1] = -(y @ vb[:, :b])
            prod = scratch[:trail.size].reshape(trail.shape)
            np.matmul(y, vb[:, b:], out=prod)
            trail -= prod


def householder_orthogonal(gen: Generator, m: int, n: int, dtype: np.dtype, gain: float,
                           n_threads: Optional[int], p: Optional[np.ndarray] = None
                           ) -> np.ndarray:
    """An ``n x m`` matrix (n <= m) with orthonormal rows times ``gain``, Haar
    distributed.

    Parameters
    ----------
    gen : Generator
        Draws the ``n x m`` Gaussian reflector inputs.
    m, n : int
        ``m >= n >= 1``.
    dtype : numpy.dtype
        float32 or float64: the precision of the whole computation.
    gain : float
    n_threads : int or None
        Threads of the Gaussian draw.
    p : ndarray, optional
        C-contiguous ``(n, m)`` array of ``dtype`` to write into.

    Returns
    -------
    numpy.ndarray
    """
    vt = gen.standard_normal(size=(n, m), dtype=dtype, n_threads=n_threads)
    tau, d = _reflectors(vt, gain)
    if p is None:
        p = np.empty((n, m), dtype=dtype)
    _accumulate(vt, tau, d, p)
    return p


def qr_orthogonal(gen: Generator, m: int, n: int, dtype: np.dtype, gain: float,
                  n_threads: Optional[int]) -> np.ndarray:
    """An ``m x n`` matrix (m >= n) with orthonormal columns times ``gain``:
    sign-corrected ``numpy.linalg.qr`` of an m x n Gaussian matrix.

    Parameters
    ----------
    gen : Generator
    m, n : int
        ``m >= n >= 1``.
    dtype : numpy.dtype
        float32 or float64.
    gain : float
    n_threads : int or None
        Threads of the Gaussian draw.

    Returns
    -------
    numpy.ndarray
    """
    a = gen.standard_normal(size=(m, n), dtype=dtype, n_threads=n_threads)
    q, r = np.linalg.qr(a)
    d = np.diagonal(r)
    q *= np.where(d < 0, -gain, gain).astype(dtype)
    return q


def _check_gain(gain: float, dtype: np.dtype, work: np.dtype) -> None:
    """Refuse a gain whose matrix cannot be computed or stored finite.

    Entries reach ``gain`` itself (a 1 x 1 matrix is ``+-gain``), so the
    output dtype must hold it; the reflectors scale vectors whose entries
    reach a few units by ``gain`` in the working precision, so that keeps a
    margin of 4 (float32 ``gain=3e38`` gave NaNs).
    """
    import ml_dtypes

    largest = float(ml_dtypes.finfo(dtype).max)
    if gain > largest:
        raise ValueError(f"gain={gain!r} is too large for {dtype}: entries reach gain, "
                         f"and {dtype} holds at most {largest:.6g}")
    if gain > float(np.finfo(work).max) / 4:
        raise ValueError(f"gain={gain!r} is too large: orthogonal computes in {work}, where "
                         f"gain * 4 must stay below {float(np.finfo(work).max):.6g}")


@register("orthogonal", "OrthogonalInitializer")
class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix, Haar distributed, times ``gain``.

    ``keras.initializers.Orthogonal(gain)``, ``torch.nn.init.orthogonal_(gain)``,
    ``jax.nn.initializers.orthogonal(scale, column_axis)``.  Not elementwise
    (no :meth:`plan`).  See the module docstring for the algorithms.

    Parameters
    ----------
    gain : float
        Positive multiplier (default 1).
    seed : int, optional
        Every call without ``seed``/``rng`` draws from ``default_rng(seed)``.
    layout : {"torch", "keras", "jax"}
        Required.  Flattening: keras/jax take cols = ``shape[column_axis]``
        (default last), torch takes rows = ``shape[0]``.
    column_axis : int, optional
        ``layout="jax"`` only (default -1).
    algorithm : {"householder", "qr"}
        See the module docstring; both give the same distribution.
    """

    elementwise = False
    layout_aware = True

    def __init__(self, gain: float = 1.0, seed: Optional[int] = None, *,
                 layout: Optional[str] = None, column_axis: Optional[int] = None,
                 algorithm: str = "householder") -> None:
        self.layout = require_layout(layout, "Orthogonal")
        self.gain = positive(gain, "gain")
        if column_axis is not None:
            if self.layout != "jax":
                raise ValueError(f"column_axis is a JAX option: pass layout='jax' to use it "
                                 f"(got layout={self.layout!r})")
            if isinstance(column_axis, bool) or not isinstance(column_axis, (int, np.integer)):
                raise TypeError(f"column_axis must be an int, got {column_axis!r}")
            column_axis = int(column_axis)
        self.column_axis = column_axis
        if algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {algorithm!r}")
        self.algorithm = algorithm
        self.seed = check_seed(seed)

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Optional[Generator],
              out: Optional[np.ndarray], n_threads: Optional[int]) -> np.ndarray:
        rows, cols, axis = flat_dims(shape, self.layout, self.column_axis)
        work = np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)
        _check_gain(self.gain, dtype, work)
        # the Gaussian workspace (and its product) come on top of the output
        workspace = 2 * rows * cols * work.itemsize
        output = 0 if out is not None else rows * cols * dtype.itemsize
        check_memory(workspace + output, f"orthogonal shape={tuple(shape)} of {dtype}")
        target = out if out is not None else allocate(shape, dtype, "shape")
        if target.size == 0:
            return target
        assert gen is not None
        big, small = max(rows, cols), min(rows, cols)
        moved = axis != len(shape) - 1 and self.layout != "torch"
        if self.algorithm == "qr":
            q = qr_orthogonal(gen, big, small, work, self.gain, n_threads)
            matrix = q.T if rows < cols else q
        else:
            direct = rows <= cols and dtype == work and not moved
            p = householder_orthogonal(gen, big, small, work, self.gain, n_threads,
                                       target.reshape(rows, cols) if direct else None)
            if direct:
                return target
            matrix = p if rows <= cols else p.T
        if moved:
            rest = tuple(d for i, d in enumerate(shape) if i != axis)
            np.copyto(target, np.moveaxis(matrix.reshape(rest + (cols,)), -1, axis),
                      casting="unsafe")
        else:
            np.copyto(target.reshape(rows, cols), matrix, casting="unsafe")
        return target

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed, "layout": self.layout,
                "column_axis": self.column_axis, "algorithm": self.algorithm}


@with_call_doc
def orthogonal(shape: SizeLike = None, dtype: Any = None, *, gain: float = 1.0,
               layout: Optional[str] = None, column_axis: Optional[int] = None,
               algorithm: str = "householder", seed: Any = None,
               rng: Optional[Generator] = None, out: Optional[np.ndarray] = None,
               n_threads: Optional[int] = None) -> np.ndarray:
    """A Haar-distributed (semi-)orthogonal matrix times ``gain``.

    Parameters
    ----------
    {call}
    gain : float
        Positive multiplier (default 1).
    layout : {"torch", "keras", "jax"}
        Required.  Flattening to a matrix: ``"torch"`` rows = ``shape[0]``,
        as ``torch.nn.init.orthogonal_``; ``"keras"`` cols = ``shape[-1]``;
        ``"jax"`` cols = ``shape[column_axis]``.
    column_axis : int, optional
        ``layout="jax"`` only (default -1).
    algorithm : {"householder", "qr"}
        ``"householder"`` (default) draws the Householder reflectors of the
        QR of a Gaussian directly and accumulates Q in BLAS-3 blocks;
        ``"qr"`` factors the full Gaussian with ``numpy.linalg.qr``.  Same
        distribution.

    Returns
    -------
    numpy.ndarray
        With ``W = result.reshape(rows, cols)``: ``W @ W.T = gain**2 I``
        when rows <= cols, else ``W.T @ W = gain**2 I``.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.orthogonal((256, 256), layout="torch", seed=0)
    >>> bool(np.allclose(w @ w.T, np.eye(256), atol=1e-5))
    True
    """
    init = Orthogonal(gain, layout=layout, column_axis=column_axis, algorithm=algorithm)
    return init(shape, dtype, seed=seed, rng=rng, out=out, n_threads=n_threads)
