"""Shared pieces of the NumPy compatibility tests (ports of numpy/random/tests)."""
import numpy as np
import pytest

import fastinit


def array_parameters_supported() -> bool:
    """Whether the fast ``normal``/``uniform`` take array-valued parameters yet."""
    try:
        fastinit.default_rng(0).normal(np.zeros(2))
    except TypeError:
        return False
    return True


#: For ported tests that broadcast array-valued loc/scale/low/high through the fast
#: normal/uniform: those parameters are issue 13's second half (docs/NUMPY.md).
needs_array_parameters = pytest.mark.xfail(
    not array_parameters_supported(), raises=TypeError, strict=True,
    reason="array-valued parameters of the fast normal/uniform are not in yet (docs/NUMPY.md)")


@pytest.fixture(params=["fastinit.Generator", "numpy.random.Generator(Philox4x32)"])
def make_rng(request):
    """Both ways to draw from fastinit's stream: fastinit's own Generator and
    NumPy's Generator over fastinit's bit generator."""
    if request.param == "fastinit.Generator":
        return fastinit.default_rng
    return lambda seed=None: np.random.Generator(fastinit.Philox4x32(seed))
