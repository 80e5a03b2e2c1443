"""Distributions on other base variates (``base=``): the first arguments receive
the C core's own standard variates (normal, exponential, Laplace, logistic,
Gumbel) instead of uniforms -- the same values ``Generator.<method>`` draws at
the same stream position, bit for bit, whatever the split."""
import pickle

import numpy as np
import pytest

import fastinit
from fastinit.numba import BASES, Distribution, fill_at, sample

pytest.importorskip("numba")

STANDARD = {"uniform": lambda rng, n: rng.random(n),
            "standard_normal": lambda rng, n: rng.standard_normal(n),
            "standard_exponential": lambda rng, n: rng.standard_exponential(n),
            "laplace": lambda rng, n: rng.laplace(0.0, 1.0, n),
            "logistic": lambda rng, n: rng.logistic(0.0, 1.0, n),
            "gumbel": lambda rng, n: rng.gumbel(0.0, 1.0, n)}


def _identity(v):
    return v


def _weighted(v0, v1, w=3.0):
    return v0 - w * v1


def _at(seed, position):
    """A generator of ``seed`` at stream block ``position``."""
    rng = fastinit.default_rng(seed)
    rng.bit_generator.set_position(rng.key, rng.stream_id, position)
    return rng


def test_every_base_has_a_reference():
    assert set(BASES) == set(STANDARD)


@pytest.mark.parametrize("base", BASES)
def test_one_variate_per_element_is_the_generators_draw(base):
    dist = Distribution(_identity, base=base, interval="half-open" if base == "uniform" else None)
    rng = fastinit.default_rng(8)
    rng.random_raw(7)  # an odd position
    position = rng.position
    got = sample(rng, dist, size=5000)
    want = STANDARD[base](_at(8, position), 5000)
    assert got.tobytes() == want.tobytes()
    assert rng.position == position + 5000 * 2 // 4


@pytest.mark.parametrize("base", ["standard_normal", "gumbel"])
def test_k_variates_per_element_are_consecutive_and_the_split_changes_nothing(base):
    dist = Distribution(_weighted, uniforms=2, base=base)
    rng = fastinit.default_rng(9)
    position = rng.position
    whole = sample(rng, dist, size=(40, 123), n_threads=1, w=0.5)
    values = STANDARD[base](_at(9, position), 2 * whole.size)
    assert whole.reshape(-1).tobytes() == (values[0::2] - 0.5 * values[1::2]).tobytes()
    for nt in (2, 3):
        again = np.empty_like(whole)
        fill_at(rng, dist, again, position=position, n_threads=nt, w=0.5)
        assert again.tobytes() == whole.tobytes()
    piece = np.empty(1000)
    fill_at(rng, dist, piece, 1111, position=position, w=0.5)
    assert piece.tobytes() == whole.reshape(-1)[1111:2111].tobytes()
    small = sample(_at(9, position), dist, size=(40, 123), dtype=np.float32, w=0.5)
    assert small.tobytes() == whole.astype(np.float32).tobytes()  # one rounding


def test_base_is_checked_and_survives_pickling():
    with pytest.raises(ValueError, match="base"):
        Distribution(_identity, base="normal")
    with pytest.raises(ValueError, match="interval"):
        Distribution(_identity, base="standard_normal", interval="half-open")
    with pytest.raises(ValueError, match="interval"):
        Distribution(_identity, interval=None)  # uniforms need one
    dist = fastinit.distribution(_weighted, uniforms=2, base="laplace")
    copy = pickle.loads(pickle.dumps(dist))
    assert (copy.base, copy.uniforms, copy.interval) == ("laplace", 2, None)
    assert "laplace variate" in repr(copy)
    rng_a, rng_b = fastinit.default_rng(1), fastinit.default_rng(1)
    assert sample(rng_a, copy, size=64).tobytes() == sample(rng_b, dist, size=64).tobytes()


def test_bases_other_than_uniform_get_no_interval_adjustment():
    """A uniform of 0.0 becomes 2**-54 under interval="open"; a normal of 0.0 stays."""
    dist = Distribution(_identity, base="standard_normal")
    assert dist.interval is None
    rng = fastinit.default_rng(2)
    got = sample(rng, dist, size=20000)
    assert got.min() < -3 and got.max() > 3  # normals, not uniforms
