"""Bad input gets a clear exception naming the argument, and nothing is written."""
import numpy as np
import pytest

import fastinit
from tests.conftest import METHODS


def untouched(out):
    """A context check: out's bytes are the same after the failing call."""
    before = out.tobytes()
    return lambda: out.tobytes() == before


@pytest.fixture
def rng():
    return fastinit.default_rng(0)


@pytest.mark.parametrize("method,params", METHODS)
@pytest.mark.parametrize(
    "make_out,exc,match",
    [
        (lambda: np.full(10, 7, np.int32), TypeError, "out"),
        (lambda: np.full((10, 10), 7.0, np.float32)[:, ::2], ValueError, "C-contiguous"),
        # Fortran order is filled as NumPy fills it (tests/numpy_compat); a
        # strided Fortran view is neither order
        (lambda: np.full((10, 10), 7.0, np.float32, order="F")[::2], ValueError,
         "C-contiguous"),
        (lambda: np.full(10, 7.0, np.dtype(">f8")), TypeError, "out"),
        (lambda: [0.0] * 10, TypeError, "out"),
    ],
)
def test_bad_out(rng, method, params, make_out, exc, match):
    out = make_out()
    saved = out.tobytes() if isinstance(out, np.ndarray) else None
    position = rng.position
    with pytest.raises(exc, match=match):
        getattr(rng, method)(out=out, **params)
    if saved is not None:
        assert out.tobytes() == saved
    assert rng.position == position  # no stream words consumed either


def test_read_only_out(rng):
    out = np.full(100, 7.0, np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="out must be writeable"):
        rng.random(out=out)
    assert (out == 7.0).all()


def test_misaligned_out(rng):
    buf = np.zeros(4 * 100 + 1, np.uint8)
    out = buf[1:].view(np.float32)
    if out.flags.aligned:
        pytest.skip("numpy reports this view as aligned")
    with pytest.raises(ValueError, match="aligned"):
        rng.random(out=out)
    assert not buf.any()


def test_dtype_disagrees_with_out(rng):
    out = np.zeros(10, np.float32)
    with pytest.raises(TypeError, match="out has dtype float32 but dtype=float64"):
        rng.standard_normal(dtype=np.float64, out=out)
    assert not out.any()


def test_size_disagrees_with_out(rng):
    out = np.zeros((4, 5), np.float32)
    with pytest.raises(ValueError, match="size"):
        rng.random(size=(5, 4), out=out)
    assert not out.any()


@pytest.mark.parametrize("dtype", [np.int32, np.complex64, object, "float128", ">f4", "nonsense"])
def test_unsupported_dtype(rng, dtype):
    with pytest.raises(TypeError, match="dtype"):
        rng.standard_normal(3, dtype=dtype)


@pytest.mark.parametrize("size,exc", [(-1, ValueError), ((3, -2), ValueError), (2.5, TypeError),
                                      ("10", TypeError), ((3, None), TypeError)])
def test_bad_size(rng, size, exc):
    with pytest.raises(exc, match="size"):
        rng.random(size)


def test_size_beyond_memory_is_refused_before_allocating(rng):
    with pytest.raises(MemoryError, match=r"size=\(10000000, 10000000\)"):
        rng.standard_normal((10**7, 10**7), dtype=np.float32)


@pytest.mark.parametrize(
    "method,kwargs,match",
    [
        ("normal", {"loc": float("nan")}, "loc"),
        ("normal", {"loc": float("inf")}, "loc"),
        ("normal", {"scale": -1.0}, "scale"),
        ("normal", {"scale": float("nan")}, "scale"),
        ("normal", {"scale": "big"}, "scale"),
        ("uniform", {"low": 2.0, "high": 1.0}, "low must be <= high"),
        ("uniform", {"low": float("-inf")}, "low"),
        ("uniform", {"high": float("nan")}, "high"),
        ("truncated_normal", {"scale": 0.0}, "scale"),
        ("truncated_normal", {"a": 1.0, "b": -1.0}, "a must be < b"),
        ("truncated_normal", {"a": 1.0, "b": 1.0}, "a must be < b"),
        ("truncated_normal", {"a": float("nan")}, "a"),
        ("truncated_normal", {"a": 50.0, "b": 60.0}, "no probability mass"),
    ],
)
def test_bad_parameters_name_the_argument(rng, method, kwargs, match):
    out = np.full(16, 3.0)
    # (an infinite uniform bound is NumPy's OverflowError)
    with pytest.raises((ValueError, TypeError, OverflowError), match=match):
        getattr(rng, method)(out=out, **kwargs)
    assert (out == 3.0).all()


def test_uniform_range_overflow(rng):
    with pytest.raises(OverflowError, match="high - low"):
        rng.uniform(-1e308, 1e308, 3)


def test_truncation_bounds_with_no_representable_value(rng):
    with pytest.raises(ValueError, match="no float16 value"):
        rng.truncated_normal(0.0, 1.0, 1.0001, 1.0002, 3, dtype=np.float16)


def test_infinite_truncation_bounds_are_allowed(rng):
    x = rng.truncated_normal(0.0, 1.0, a=0.0, b=float("inf"), size=10**5)
    assert x.min() >= 0.0 and np.isfinite(x).all()


@pytest.mark.parametrize("n_threads,exc", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_bad_thread_counts(rng, n_threads, exc):
    with pytest.raises(exc, match="n_threads"):
        rng.random(10, n_threads=n_threads)


@pytest.mark.parametrize("seed,exc", [(-1, ValueError), (1.5, TypeError), ("42", TypeError),
                                      (True, TypeError), ([1, -2], ValueError),
                                      (["a"], TypeError)])
def test_bad_seeds(seed, exc):
    with pytest.raises(exc, match="seed"):
        fastinit.default_rng(seed)


def test_fill_at_bad_arguments(rng):
    out = np.zeros(10, np.float32)
    with pytest.raises(ValueError, match="method"):
        rng.fill_at("gamma", out)
    with pytest.raises(ValueError, match="offset"):
        rng.fill_at("random", out, -1)
    with pytest.raises(ValueError, match="position"):
        rng.fill_at("random", out, position=-5)
    with pytest.raises(ValueError, match="row_offsets"):
        rng.fill_at("random", out, row_offsets=np.arange(3))
    assert not out.any()


def test_positions_past_the_end_of_the_stream_are_refused(rng):
    out = np.zeros(8, np.float32)
    with pytest.raises(ValueError, match="position"):
        rng.fill_at("random", out, position=2**62)
    with pytest.raises(ValueError, match="past the end"):
        rng.fill_at("random", out, offset=10, position=2**62 - 1)
    rng.fill_at("random", out[:4], position=2**62 - 1)  # the last block is usable
    with pytest.raises(ValueError, match="row_offsets is empty"):
        rng.fill_at("random", out, row_offsets=np.array([], np.int64))
    rng.state = {"key": rng.key, "stream_id": 0, "position": 2**62 - 2}
    with pytest.raises(ValueError, match="position=.*past the end of the stream"):
        rng.random(100)
    assert rng.position == 2**62 - 2  # nothing reserved by the refused call
