"""Orthogonal, identity, dirac and sparse."""
import math

import numpy as np
import pytest
from scipy import stats

import fastinit
from fastinit import initializers as I
from fastinit.initializers import _orthogonal


pytestmark = pytest.mark.usefixtures("single_threaded_blas")


def orthonormality_error(m):
    """max |M M^T - I| for orthonormal rows, |M^T M - I| for columns."""
    m = np.asarray(m, dtype=np.float64)
    g = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    return np.abs(g - np.eye(len(g))).max()


@pytest.mark.parametrize("m,n", [(7, 7), (300, 200), (300, 300), (513, 130), (600, 260)])
def test_block_accumulation_equals_lapack(m, n):
    """Given LAPACK's own reflectors (geqrf), the compact-WY accumulation
    reproduces LAPACK's Q (orgqr) to rounding."""
    a = np.random.default_rng(m + n).standard_normal((m, n))
    h, tau = np.linalg.qr(a, mode="raw")   # row k of h: reflector k below the diagonal
    vt = np.array(h)
    for k in range(n):
        vt[k, :k] = 0
        vt[k, k] = 1
        if tau[k] == 0:  # LAPACK's H = I (the last reflector of a square matrix)
            vt[k] = 0
    p = np.empty((n, m))
    _orthogonal._accumulate(vt, tau, np.ones(n), p)
    q, _ = np.linalg.qr(a)
    assert np.abs(p.T - q).max() < 1e-13


def test_reflectors_match_lapack_on_the_first_column():
    """Our reflector of a vector is LAPACK's (dlarfg): same v, tau and R[0, 0] sign."""
    x = np.random.default_rng(1).standard_normal((1, 50))
    h, tau = np.linalg.qr(x.T.copy(), mode="raw")
    r00 = h[0, 0]
    vt = x.copy()
    tau_ours, d = _orthogonal._reflectors(vt, 1.0)
    assert tau_ours[0] == pytest.approx(tau[0], rel=1e-14)
    assert np.allclose(vt[0, 1:], h[0, 1:], rtol=1e-13)
    assert d[0] == np.sign(r00)


@pytest.mark.parametrize("algorithm", ["householder", "qr"])
@pytest.mark.parametrize("shape,layout,matrix", [
    ((384, 384), "torch", lambda w: w),
    ((100, 300), "torch", lambda w: w),                      # wide: orthonormal rows
    ((300, 100), "torch", lambda w: w),                      # tall: orthonormal columns
    ((64, 32, 3, 3), "torch", lambda w: w.reshape(64, -1)),  # rows = dim 0
    ((3, 3, 32, 64), "keras", lambda w: w.reshape(-1, 64)),  # cols = last axis
    ((3, 3, 64, 16), "keras", lambda w: w.reshape(-1, 16)),
    ((16, 5, 7), "jax0", lambda w: np.moveaxis(w, 0, -1).reshape(-1, 16)),
    ((5, 40, 7), "jax1", lambda w: np.moveaxis(w, 1, -1).reshape(-1, 40)),
])
def test_orthogonal_is_orthonormal(algorithm, shape, layout, matrix):
    kw = {"layout": "jax", "column_axis": int(layout[3])} if layout.startswith("jax") else \
        {"layout": layout}
    for dtype, tol in ((np.float32, 2e-5), (np.float64, 1e-13)):
        w = fastinit.orthogonal(shape, dtype, algorithm=algorithm, seed=3, **kw)
        assert w.shape == shape and w.dtype == dtype
        assert orthonormality_error(matrix(w)) < tol
    w = fastinit.orthogonal(shape, algorithm=algorithm, gain=3.0, seed=3, **kw)
    assert orthonormality_error(matrix(w) / 3.0) < 2e-5


@pytest.mark.parametrize("dtype,tol", [(np.float16, 4e-3), (fastinit.bfloat16, 3e-2)])
def test_orthogonal_narrow_dtypes(dtype, tol):
    w = fastinit.orthogonal((256, 256), dtype, layout="torch", seed=0)
    assert w.dtype == np.dtype(dtype)
    assert orthonormality_error(w) < tol


def test_orthogonal_float32_is_as_accurate_as_lapack():
    ours = orthonormality_error(fastinit.orthogonal((640, 640), layout="torch", seed=1))
    lapack = orthonormality_error(fastinit.orthogonal((640, 640), layout="torch", seed=1,
                                                    algorithm="qr"))
    assert ours < max(4 * lapack, 1e-5)


@pytest.mark.parametrize("algorithm", ["householder", "qr"])
def test_orthogonal_is_haar(algorithm):
    """For Haar O(3) every entry is uniform on [-1, 1] (Archimedes) and det = +-1
    equally often.  Without the sign correction Q[0, 0] would never be positive."""
    rng = fastinit.default_rng(2024)
    init = I.Orthogonal(layout="torch", algorithm=algorithm)
    draws = 3000 if algorithm == "householder" else 600  # LAPACK's per-call overhead is larger
    qs = np.stack([init((3, 3), np.float64, rng=rng) for _ in range(draws)])
    for i, j in [(0, 0), (1, 1), (2, 2), (0, 2), (2, 1)]:
        assert stats.kstest(qs[:, i, j], stats.uniform(-1, 2).cdf).pvalue > 1e-6, (i, j)
    positive = int((np.linalg.det(qs) > 0).sum())
    assert stats.binomtest(positive, len(qs)).pvalue > 1e-6
    # a large matrix: sqrt(n) * entries are ~ N(0, 1)
    w = fastinit.orthogonal((512, 512), np.float64, algorithm=algorithm, layout="torch",
                            seed=5) * math.sqrt(512)
    assert abs(w.std() - 1) < 6 * math.sqrt(0.5 / w.size) + 1e-3
    assert stats.kstest(w.ravel()[::7], "norm").pvalue > 1e-6


def test_orthogonal_zero_size_and_reproducible():
    assert fastinit.orthogonal((0, 5), layout="torch", seed=0).shape == (0, 5)
    a = fastinit.orthogonal((40, 30), layout="torch", seed=9)
    assert a.tobytes() == fastinit.orthogonal((40, 30), layout="torch",
                                                     rng=fastinit.default_rng(9)).tobytes()


def test_identity():
    for shape in [(4, 4), (3, 5), (5, 3), (0, 3)]:
        for dt in (np.float32, fastinit.bfloat16):
            w = fastinit.identity(shape, dt, gain=0.5)
            assert np.array_equal(w.astype(np.float64), 0.5 * np.eye(*shape))


def dirac_reference(shape, groups, layout):
    """Straight from the definition, with loops."""
    w = np.zeros(shape)
    if layout == "torch":
        n_out, n_in, kernel = shape[0], shape[1], shape[2:]
        centre = tuple(k // 2 for k in kernel)
    else:
        n_in, n_out, kernel = shape[-2], shape[-1], shape[:-2]
        centre = tuple((k - 1) // 2 for k in kernel)
    per = n_out // groups
    for g in range(groups):
        for d in range(min(per, n_in)):
            if layout == "torch":
                w[(g * per + d, d) + centre] = 1
            else:
                w[centre + (d, g * per + d)] = 1
    return w


@pytest.mark.parametrize("shape,groups", [
    ((8, 8, 3), 1), ((6, 4, 4, 4), 1), ((8, 2, 3, 4), 2), ((4, 6, 2, 3, 5), 2), ((9, 3, 3, 3), 3),
])
def test_dirac(shape, groups):
    assert np.array_equal(fastinit.dirac(shape, groups=groups, layout="torch"),
                          dirac_reference(shape, groups,
                                                                               "torch"))
    kshape = shape[2:] + (shape[1], shape[0])
    got = fastinit.dirac(kshape, groups=groups, layout="keras")
    assert np.array_equal(got, dirac_reference(kshape, groups, "keras"))


def test_dirac_centre_conventions_differ_for_even_kernels():
    t = fastinit.dirac((1, 1, 4, 4), layout="torch")
    k = fastinit.dirac((4, 4, 1, 1), layout="keras")
    assert t[0, 0, 2, 2] == 1 and k[1, 1, 0, 0] == 1
    assert t.sum() == k.sum() == 1


@pytest.mark.parametrize("layout", ["torch", "keras"])
def test_sparse(layout):
    n_out, n_in, sparsity = 1000, 600, 0.37
    shape = (n_out, n_in) if layout == "torch" else (n_in, n_out)
    w = fastinit.sparse(shape, sparsity=sparsity, std=0.05, layout=layout, seed=4)
    per_unit = w if layout == "torch" else w.T           # (out, in): a column per input unit
    zeros = per_unit == 0
    assert np.all(zeros.sum(axis=0) == math.ceil(sparsity * n_out))
    # the zeroed positions are uniformly random: every output row about equally often
    counts = zeros.sum(axis=1)
    chi2 = ((counts - counts.mean()) ** 2 / counts.mean()).sum()
    assert stats.chi2(n_out - 1).sf(chi2) > 1e-6
    nz = per_unit[~zeros].astype(np.float64)
    assert abs(nz.std() / 0.05 - 1) < 6 * math.sqrt(0.5 / nz.size)
    # edge cases
    assert np.all(fastinit.sparse((5, 4), sparsity=1.0, layout="torch", seed=0) == 0)
    assert np.count_nonzero(fastinit.sparse((5, 4), sparsity=0.0, layout="torch", seed=0)) == 20
