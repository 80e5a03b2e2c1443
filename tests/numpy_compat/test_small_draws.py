"""NumPy-sized calls (one value, up to SMALL_DRAW elements) take one-call paths
through the bit generator; they give exactly the bits of the general path
(``fill_at`` at the same position), parameters, clamps and dtypes included."""
import numpy as np
import pytest

import fastinit

CALLS = [
    ("random", {}), ("standard_normal", {}), ("random_raw", {}),
    ("uniform", {"low": 1.0, "high": 2.0}),
    # float32(0.3) > 0.3: about a quarter of float32 draws round above high and are
    # clamped (a path that dropped the clamps differs in ~1000 of 4096 values)
    ("uniform", {"low": 0.29999998, "high": 0.3}),
    ("uniform", {"low": -3.0, "high": 1e-300}),
    ("normal", {"loc": 0.5, "scale": 2.0}), ("normal", {"loc": 3, "scale": 0}),
    ("truncated_normal", {"loc": 0.0, "scale": 1.0, "a": -0.5, "b": 2.0}),
]
SIZES = [None, 1, 7, (3, 5), 4096, 4097]


@pytest.mark.parametrize("method, params", CALLS)
@pytest.mark.parametrize("dtype", [None, np.float32])
@pytest.mark.parametrize("size", SIZES, ids=str)
def test_small_paths_equal_the_general_path(method, params, dtype, size):
    if method == "random_raw" and dtype is not None:
        pytest.skip("random_raw has no dtype")
    rng = fastinit.default_rng(99)
    rng.random_raw(3)
    position = rng.position
    kwargs = dict(params, size=size) if method == "random_raw" else dict(params, size=size,
                                                                         dtype=dtype)
    got = getattr(rng, method)(**kwargs)
    out_dtype = np.uint32 if method == "random_raw" else (dtype or np.float64)
    want = rng.fill_at(method, np.empty(np.shape(got) or (1,), out_dtype), position=position,
                       **params)
    if size is None:
        assert type(got) is (int if method == "random_raw" else float)
        assert got == want.reshape(-1)[0]
    else:
        assert got.dtype == out_dtype and got.tobytes() == want.tobytes()
    words = 2 if out_dtype == np.float64 else 1
    count = 1 if size is None else int(np.prod(size))
    assert rng.position == position + -(-count * words // 4)
    if method == "uniform":
        values = np.atleast_1d(got).astype(np.float64)
        assert (values >= params["low"]).all() and (values <= params["high"]).all()
