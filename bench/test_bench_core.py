"""Core fill throughput: fastinit vs NumPy, PyTorch and the memory bandwidth.

The callables come from ``fastinit._bench.make_fill``, as in ``fastinit bench``,
so the two report the same kernels on the same sizes.  One group per
compared operation; in every group NumPy ``Generator(PCG64)`` is the
reference and a plain parallel store of the same bytes the ceiling.

* ``test_large_in_place`` / ``test_large_fresh``: the large-array figures:
  2**28 float32 elements: ``standard_normal`` and ``random`` with ``out=``,
  the normal at 1 thread and at all threads, and the fresh allocation
  ``standard_normal(size, dtype=float32)`` against NumPy's same call.
* ``test_table``: every distribution and dtype at the size of the default
  ``fastinit bench`` table (2**24 elements).

Run with ``pytest bench/ --benchmark-only -o addopts=""`` (see conftest.py).
"""
from __future__ import annotations

from typing import Any

import pytest

import fastinit
from fastinit import _bench as fb

NT = fastinit.get_num_threads()
N28 = fb.LARGE_SIZE
N_TABLE = fb.MODES["default"]["table_size"]

# (implementation, threads): threads None = the implementation's own setting
_CANDIDATES = [("fastinit", NT)] + ([("fastinit", 1)] if NT > 1 else []) + [
    ("numpy-pcg64", 1), ("numpy-philox", 1), ("numpy-sfc64", 1),
    ("numpy-threaded", NT), ("torch", None), ("bandwidth", NT),
]
_IDS = [f"{impl}-{t}t" if t else impl for impl, t in _CANDIDATES]


def _fill_or_skip(impl: str, op: str, dtype: str, *args: Any, **kwargs: Any) -> fb.Fill:
    fill = fb.make_fill(impl, op, dtype, *args, **kwargs)
    if fill is None:
        why = "not installed" if impl == "torch" and not fb.torch_available() else \
            f"no {op} in {dtype}"
        pytest.skip(f"{impl}: {why}")
    return fill


def _size(n: int) -> str:
    return fb.format_size(n)


@pytest.mark.parametrize("impl,threads", _CANDIDATES, ids=_IDS)
@pytest.mark.parametrize("op", ["standard_normal", "random"])
def test_large_in_place(run_fill, touched_array, op: str, impl: str, threads: Any) -> None:
    """2**28 float32 with ``out=``: targets >= 10x (normal), >= 8x (random) NumPy
    PCG64 at all threads, and >= 1.8x from 1 to 2 threads for the normal."""
    out = touched_array(N28, "float32")
    fill = _fill_or_skip(impl, op, "float32", out, threads=threads)
    run_fill(fill, group=f"{op} float32 n={_size(N28)} in place (issue 2)")


@pytest.mark.parametrize("impl,threads", [("fastinit", NT)] + (
    [("fastinit", 1)] if NT > 1 else []) + [("numpy-pcg64", 1), ("torch", None),
                                            ("bandwidth", NT)],
    ids=lambda v: v if isinstance(v, str) else (f"{v}t" if v else "own"))
def test_large_fresh(run_fill, impl: str, threads: Any) -> None:
    """``standard_normal(2**28, dtype=float32)``, allocation included: target
    >= 10x NumPy's same call.  The baseline is ``np.empty`` + a parallel store."""
    fill = _fill_or_skip(impl, "standard_normal", "float32", n=N28, threads=threads, fresh=True)
    run_fill(fill, group=f"standard_normal float32 n={_size(N28)} fresh allocation (issue 2)")


def _table_params() -> list:
    """(dtype, op, impl, threads) of the default ``fastinit bench`` table, group by group
    (NumPy Philox/SFC64 only where the CLI's default run has them)."""
    from fastinit._bench._suite import _VARIANT_DTYPES, _VARIANT_OPS, NUMPY_VARIANTS

    params = []
    for dtype in fb.DTYPES:
        for op in fb.OPERATIONS:
            for (impl, threads), name in zip(_CANDIDATES, _IDS):
                if impl in NUMPY_VARIANTS and not (op in _VARIANT_OPS
                                                   and dtype in _VARIANT_DTYPES):
                    continue
                params.append(pytest.param(dtype, op, impl, threads,
                                           id=f"{op}-{dtype}-{name}"))
    return params


@pytest.mark.parametrize("dtype,op,impl,threads", _table_params())
def test_table(run_fill, touched_array, dtype: str, op: str, impl: str, threads: Any) -> None:
    """The default ``fastinit bench`` table: every distribution and dtype."""
    out = touched_array(N_TABLE, dtype)
    fill = _fill_or_skip(impl, op, dtype, out, threads=threads)
    run_fill(fill, group=f"{op} {dtype} n={_size(N_TABLE)} in place", budget_s=0.3)
