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


def expect_array_parameters(request, rng) -> None:
    """For a ported test that broadcasts array-valued loc/scale/low/high through the
    fast ``normal``/``uniform`` of a fastinit.Generator: those parameters are the
    other half of issue 13 (docs/NUMPY.md); until they are in, the test is a strict
    xfail (TypeError), so it turns into a failure the day they land."""
    if isinstance(rng, fastinit.Generator) and not array_parameters_supported():
        request.node.add_marker(pytest.mark.xfail(
            raises=TypeError, strict=True,
            reason="array-valued parameters of the fast normal/uniform (docs/NUMPY.md)"))


@pytest.fixture(params=["fastinit.Generator", "numpy.random.Generator(Philox4x32)"])
def make_rng(request):
    """Both ways to draw from fastinit's stream: fastinit's own Generator and
    NumPy's Generator over fastinit's bit generator."""
    if request.param == "fastinit.Generator":
        return fastinit.default_rng
    return lambda seed=None: np.random.Generator(fastinit.Philox4x32(seed))
