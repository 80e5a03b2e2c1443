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


# Every method with a one-call path, with parameters that exercise its checks.
PLANNED_CALLS = CALLS + [
    ("normal", {"loc": 0.0, "scale": 2.0}),
    ("standard_exponential", {}), ("exponential", {"scale": 3.0}),
    ("laplace", {"loc": -1.0, "scale": 0.5}), ("logistic", {"loc": 2.0, "scale": 3.0}),
    ("gumbel", {"loc": 0.0, "scale": 1.0}), ("lognormal", {"mean": 0.5, "sigma": 0.25}),
]
INTEGER_CALLS = [
    (np.int64, 0, 10), (np.int64, -2**63, 2**63 - 1), (np.int8, -128, 127), (np.uint8, 0, 256),
    (np.int16, -5, 5), (np.uint16, 0, 65535), (np.int32, -2**31, 2**31 - 1),
    (np.uint32, 0, 2**32), (np.uint64, 2**64 - 9, 2**64), (bool, 0, 2),
]


@pytest.mark.parametrize("method, params", PLANNED_CALLS)
@pytest.mark.parametrize("size", [None, 5, (2, 3)], ids=str)
def test_every_planned_method_gives_the_general_paths_bits(method, params, size):
    rng = fastinit.default_rng(7)
    for _ in range(2):  # the first call makes the plan, the second uses it
        position = rng.position
        got = getattr(rng, method)(**params, size=size)
        dtype = np.uint32 if method == "random_raw" else np.float64
        want = rng.fill_at(method, np.empty(np.shape(got) or (1,), dtype), position=position,
                           **params)
        if size is None:
            assert type(got) is (int if method == "random_raw" else float)
            assert got == want[0]
        else:
            assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("dtype, low, high", INTEGER_CALLS, ids=str)
@pytest.mark.parametrize("size", [None, 5, (2, 3)], ids=str)
def test_integer_small_calls_give_the_general_paths_values_and_types(dtype, low, high, size):
    rng = fastinit.default_rng(11)
    for _ in range(3):
        position = rng.position
        got = rng.integers(low, high, size=size, dtype=dtype)
        want = np.empty(np.shape(got) or (1,), dtype)
        rng.fill_at("integers", want, position=position, low=low, high=high)
        if size is None:
            # NumPy's scalar types: a NumPy integer of dtype, Python bool for bool
            assert type(got) is (bool if dtype is bool else np.dtype(dtype).type)
            assert got == want[0]
        else:
            assert got.dtype == np.dtype(dtype) and (got == want).all()
    # a signed dtype really reaches its negative values through the scalar path
    if dtype in (np.int8, np.int64) and low < 0:
        draws = [rng.integers(low, high, dtype=dtype) for _ in range(64)]
        assert min(draws) < 0 and type(draws[0]) is np.dtype(dtype).type
    assert type(rng.integers(0, 5, dtype=int)) is int


def test_a_negative_zero_never_uses_the_plan_of_a_positive_one():
    rng = fastinit.default_rng(3)
    rng.normal(0.0, 0.0)  # +0.0 scale: allowed, and planned
    for _ in range(2):
        with pytest.raises(ValueError, match="scale"):
            rng.normal(0.0, -0.0)
    # loc -0.0 after loc +0.0 was planned: -0.0 + 0.0 * z is -0.0 where z < 0,
    # where +0.0 + 0.0 * z is +0.0 -- the general path's bits, not the plan's
    rng.normal(0.0, 0.0, size=4)
    position = rng.position
    got = rng.normal(-0.0, 0.0, size=4)
    want = rng.fill_at("normal", np.empty(4), position=position, loc=-0.0, scale=0.0)
    assert got.tobytes() == want.tobytes()
    assert np.signbit(got).any()


@pytest.mark.parametrize("size", [(True, 3), (2.0, 3), (-1, 3), (np.int64(2), 3), 0, (0, 3),
                                  4097, (65, 65), [2, 3]], ids=str)
def test_sizes_the_one_call_path_declines_behave_as_numpy(size):
    """Sizes that are not plain small ints go the general way: same result or error."""
    ours, numpys = fastinit.default_rng(5), np.random.default_rng(5)
    try:
        expected = numpys.random(size)
    except Exception as exc:  # NumPy refuses it: so do we, with its type
        with pytest.raises(type(exc)):
            ours.random(size)
        return
    got = ours.random(size)
    assert got.shape == expected.shape and got.dtype == expected.dtype


@pytest.mark.parametrize("dtype", [np.float16, "bfloat16", np.dtype(">f8")], ids=str)
def test_dtypes_without_a_plan_keep_the_general_paths_values(dtype):
    """float16/bfloat16 (and byte-swapped) small calls are remembered as "general
    path" and still give its values, also the second time."""
    rng = fastinit.default_rng(21)
    for _ in range(2):
        position = rng.position
        try:
            got = rng.standard_normal(6, dtype=dtype)
        except (TypeError, ValueError):  # a byte-swapped dtype is refused, every time
            assert np.dtype(dtype).byteorder == ">"
            continue
        want = rng.fill_at("standard_normal", np.empty(6, got.dtype), position=position)
        assert got.tobytes() == want.tobytes()
