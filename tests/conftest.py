import numpy as np
import pytest

import fastinit

FLOAT_DTYPES = [np.float32, np.float64, np.float16, fastinit.bfloat16]

# (method, params) for every random Generator method
METHODS = [
    ("random", {}),
    ("uniform", {"low": -3.0, "high": 5.0}),
    ("standard_normal", {}),
    ("normal", {"loc": 1.5, "scale": 0.02}),
    ("truncated_normal", {"loc": 0.0, "scale": 0.02, "a": -0.04, "b": 0.03}),
    ("standard_exponential", {}),
    ("exponential", {"scale": 2.5}),
    ("lognormal", {"mean": 0.5, "sigma": 0.75}),
    ("laplace", {"loc": 1.0, "scale": 2.0}),
    ("logistic", {"loc": -1.0, "scale": 0.5}),
    ("gumbel", {"loc": 0.5, "scale": 2.0}),
]

INTEGER_DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64,
                  np.uint64, np.bool_]


@pytest.fixture(params=FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
def float_dtype(request):
    return np.dtype(request.param)


@pytest.fixture(scope="module")
def single_threaded_blas():
    """For modules of small matrix products: BLAS threads only add overhead
    there (a lot of it on a loaded machine); results are statistically the
    same.  Use with ``pytestmark = pytest.mark.usefixtures("single_threaded_blas")``."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        yield
