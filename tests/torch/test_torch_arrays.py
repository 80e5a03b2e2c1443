"""torch dtypes and CPU torch tensors accepted across the fastinit API, zero-copy.

``dtype=torch.bfloat16`` means what ``dtype="bfloat16"`` means; ``out=`` a CPU
tensor is filled in place through a view of its memory (the same bits as a
NumPy ``out``), returned, and its version counter bumped; what cannot be
filled in place is refused naming ``out`` with nothing written; and fastinit
never imports torch on its own.
"""
import subprocess
import sys

import numpy as np
import pytest

import fastinit
from fastinit.numba import gallery

torch = pytest.importorskip("torch")

PAIRS = [(torch.float32, np.float32), (torch.float64, np.float64), (torch.float16, np.float16),
         (torch.bfloat16, fastinit.bfloat16)]


def _bits(x):
    if isinstance(x, torch.Tensor):
        x = x.view(torch.int16) if x.dtype == torch.bfloat16 else x
        return x.numpy().view(np.uint8).tobytes()
    return np.ascontiguousarray(x).view(np.uint8).tobytes()


@pytest.mark.parametrize("tdtype,ndtype", PAIRS)
def test_torch_dtypes_mean_the_numpy_dtypes(tdtype, ndtype):
    a = fastinit.default_rng(1).normal(0, 2, size=(7, 9), dtype=tdtype)
    b = fastinit.default_rng(1).normal(0, 2, size=(7, 9), dtype=ndtype)
    assert a.dtype == np.dtype(ndtype) and _bits(a) == _bits(b)
    assert _bits(fastinit.he_uniform((30, 20), dtype=tdtype, seed=2, layout="torch")) == _bits(
        fastinit.he_uniform((30, 20), dtype=ndtype, seed=2, layout="torch"))


@pytest.mark.parametrize("tdtype,ndtype", PAIRS)
def test_torch_out_is_filled_in_place_with_the_numpy_bits(tdtype, ndtype):
    calls = [
        (lambda out: fastinit.default_rng(3).standard_normal(out=out)),
        (lambda out: fastinit.default_rng(3).uniform(-1, 1, out=out)),
        (lambda out: fastinit.default_rng(3).fill_at("normal", out, 5, position=2, scale=3.0)),
        (lambda out: fastinit.glorot_normal(out=out, seed=4, layout="torch")),
        (lambda out: fastinit.orthogonal(out=out, seed=4, layout="torch")),
        (lambda out: fastinit.sample(fastinit.default_rng(5), gallery.laplace, out=out)),
        (lambda out: fastinit.init_tensor(
            {"w": {"shape": [12, 10], "init": "he_normal", "layout": "torch",
                   "dtype": ndtype if ndtype is not fastinit.bfloat16 else "bfloat16"}},
            "w", seed=6, out=out)),
    ]
    for call in calls:
        tensor = torch.zeros(12, 10, dtype=tdtype)
        ptr, version = tensor.data_ptr(), tensor._version
        returned = call(tensor)
        assert returned is tensor and tensor.data_ptr() == ptr
        assert tensor._version > version
        assert _bits(tensor) == _bits(call(np.zeros((12, 10), dtype=ndtype)))


def test_a_parameter_that_requires_grad_is_written_outside_autograd():
    w = torch.nn.Parameter(torch.zeros(50, 20))
    x = torch.randn(3, 50, requires_grad=True)
    y = (x @ w).sum()  # saves w for x's gradient
    fastinit.he_normal(out=w, seed=0, layout="torch")
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


@pytest.mark.parametrize("bad,error,match", [
    (lambda: torch.zeros(6, 4).t(), ValueError, "out must be C-contiguous"),
    (lambda: torch.zeros(4, 6, dtype=torch.int32), TypeError, "out.dtype"),
    (lambda: torch.zeros(4, 6, dtype=torch.complex64), TypeError, "out.dtype"),
    (lambda: torch.zeros(4, 6, device="meta"), ValueError, "out must be a CPU tensor"),
    (lambda: torch.zeros(4, 6).to_sparse(), ValueError, "out must be a dense"),
    (lambda: torch.zeros(4, 6).expand(3, 4, 6), ValueError, "out must be C-contiguous"),
])
def test_tensors_that_cannot_be_filled_in_place_are_refused_untouched(bad, error, match):
    rng = fastinit.default_rng(0)
    for call in (lambda out: rng.random(out=out),
                 lambda out: fastinit.he_normal(out=out, layout="torch"),
                 lambda out: rng.fill_at("random", out),
                 lambda out: fastinit.sample(rng, gallery.laplace, out=out)):
        out = bad()
        with pytest.raises(error, match=match):
            call(out)
        if out.layout is torch.strided and not out.is_meta:
            assert torch.count_nonzero(out) == 0
    assert rng.position == 0


def test_bad_torch_dtypes_name_the_argument():
    with pytest.raises(TypeError, match="dtype=torch.int64"):
        fastinit.default_rng(0).random(3, dtype=torch.int64)
    with pytest.raises(TypeError, match="dtype"):
        fastinit.zeros((2, 2), dtype=torch.complex64)


def test_fastinit_never_imports_torch_itself():
    code = ("import sys, numpy as np, fastinit\n"
            "rng = fastinit.default_rng(0); rng.random(out=np.empty(10))\n"
            "rng.random(3, dtype='bfloat16')\n"
            "fastinit.he_normal((4, 4), seed=0, layout='torch')\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
