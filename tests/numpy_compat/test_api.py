"""fastinit.Generator has numpy.random.Generator's whole public surface, with
NumPy's signatures; the differences are the ones docs/NUMPY.md lists."""
import inspect
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

import fastinit

NUMPY_NAMES = sorted(n for n in dir(np.random.Generator) if not n.startswith("_"))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "NUMPY.md"

#: Parameters where fastinit deliberately differs from NumPy's signature, as
#: docs/NUMPY.md says: ``dtype=None`` means "out's dtype, else float64" (NumPy's
#: default is np.float64 and it refuses an out of another dtype).
DEFAULT_DIFFERENCES = {("random", "dtype"), ("standard_normal", "dtype")}
#: Keyword-only parameters fastinit adds after NumPy's (and ``dtype``/``out`` on
#: methods where NumPy has none).
EXTRA_PARAMETERS = {"n_threads", "dtype", "out"}


def test_every_public_name_of_numpy_generator_exists():
    """Fails as soon as NumPy's Generator gains a public name fastinit lacks."""
    missing = [n for n in NUMPY_NAMES if not hasattr(fastinit.Generator, n)]
    assert not missing, f"fastinit.Generator lacks numpy.random.Generator's {missing}"


@pytest.mark.parametrize("name", [n for n in NUMPY_NAMES if n != "bit_generator"])
def test_signature_matches_numpy(name):
    theirs = inspect.signature(getattr(np.random.Generator, name)).parameters
    ours = inspect.signature(getattr(fastinit.Generator, name)).parameters
    theirs_names = [p for p in theirs if p != "self"]
    ours_names = [p for p in ours if p != "self"]
    # NumPy's parameters come first, in NumPy's order, and bind the same way
    assert ours_names[:len(theirs_names)] == theirs_names, name
    assert set(ours_names[len(theirs_names):]) <= EXTRA_PARAMETERS, name
    for p in theirs_names:
        a, b = ours[p], theirs[p]
        assert a.kind == b.kind or (b.kind == b.POSITIONAL_OR_KEYWORD and p == "out"
                                    and a.kind == a.POSITIONAL_OR_KEYWORD), (name, p)
        if (name, p) in DEFAULT_DIFFERENCES:
            continue
        assert a.default == b.default or (a.default is b.default), (name, p, a.default, b.default)
    for p in ours_names[len(theirs_names):]:
        assert ours[p].kind == ours[p].KEYWORD_ONLY or p in ("dtype", "out"), (name, p)


def test_every_method_is_in_the_differences_table():
    """docs/NUMPY.md says, method by method, how fastinit differs (or that it does not)."""
    text = DOCS.read_text()
    rows = set(re.findall(r"^\| `(\w+)`", text, flags=re.M))
    missing = [n for n in NUMPY_NAMES if n not in rows]
    assert not missing, f"docs/NUMPY.md has no row for {missing}"


def test_default_rng_accepts_what_numpy_accepts():
    for seed in (None, 0, 12345, 2**100, [1, 2, 3], (4, 5), np.array([6, 7]),
                 np.random.SeedSequence(8), np.uint64(9)):
        assert isinstance(fastinit.default_rng(seed), fastinit.Generator)
    # the same key as NumPy's SeedSequence makes
    assert (fastinit.default_rng([1, 2]).key
            == tuple(int(k) for k in np.random.SeedSequence([1, 2]).generate_state(2, np.uint32)))


def test_default_rng_passthrough():
    """Port of test_direct.py::TestDefaultRNG::test_passthrough."""
    bg = fastinit.Philox4x32()
    rg = fastinit.default_rng(bg)
    assert rg.bit_generator is bg
    rg2 = fastinit.default_rng(rg)
    assert rg2 is rg
    assert rg2.bit_generator is bg
    assert fastinit.Generator(bg).bit_generator is bg


@pytest.mark.parametrize("seed", [-1, [12345, -1]])
def test_default_rng_negative_seeds(seed):
    """Port of test_smoke.py::TestDefaultRNG::test_seed (the refusals)."""
    with pytest.raises(ValueError, match="seed"):
        fastinit.default_rng(seed)


@pytest.mark.parametrize("foreign", [np.random.PCG64(0), np.random.default_rng(0),
                                     np.random.RandomState(0)])
def test_default_rng_refuses_other_bit_generators_naming_seed(foreign):
    """A deliberate difference (docs/NUMPY.md): fastinit's fast fills need its own stream."""
    with pytest.raises(TypeError, match="seed"):
        fastinit.default_rng(foreign)


def test_numpy_generator_over_the_bit_generator():
    rng = fastinit.default_rng(3)
    g = np.random.Generator(rng.bit_generator)
    assert g.bit_generator is rng.bit_generator
    assert isinstance(rng.bit_generator, np.random.BitGenerator)


def test_repr_and_str():
    """Port of test_direct.py::Base::test_repr/test_str (fastinit's repr shows the
    key and position instead of the id, docs/NUMPY.md)."""
    rng = fastinit.default_rng(0)
    assert "Generator" in repr(rng) and "position=0" in repr(rng)
    assert str(rng) == "Generator(Philox4x32)"


def test_pickle_keeps_the_state_and_the_buffer():
    rng = fastinit.default_rng(11)
    rng.poisson(3.0, size=7)  # leaves words in the bit generator's buffer
    assert rng.state["buffered"] > 0
    clone = pickle.loads(pickle.dumps(rng))
    assert type(clone) is fastinit.Generator
    assert clone.state == rng.state
    assert clone.seed_seq.state == rng.seed_seq.state
    assert np.array_equal(clone.poisson(3.0, size=50), rng.poisson(3.0, size=50))
    assert np.array_equal(clone.random(20), rng.random(20))


def test_spawn_keys_follow_the_bit_generators_seed_sequence():
    """Port of test_direct.py::test_generator_spawning."""
    rng = fastinit.default_rng()
    seq = rng.bit_generator.seed_seq
    new_ss = seq.spawn(5)
    assert [c.spawn_key for c in new_ss] == [seq.spawn_key + (i,) for i in range(5)]
    new_bgs = rng.bit_generator.spawn(5)
    assert [bg.seed_seq.spawn_key for bg in new_bgs] == [seq.spawn_key + (i,)
                                                         for i in range(5, 10)]
    assert all(type(bg) is fastinit.Philox4x32 for bg in new_bgs)
    new_rngs = rng.spawn(5)
    assert [r.bit_generator.seed_seq.spawn_key for r in new_rngs] == [
        seq.spawn_key + (i,) for i in range(10, 15)]
    assert new_rngs[0].uniform() != new_rngs[1].uniform()


def test_seed_sequence_protocol_objects_are_refused_naming_seed():
    """test_direct.py::test_non_spawnable registers a foreign ISeedSequence; fastinit
    takes numpy.random.SeedSequence only (docs/NUMPY.md)."""
    from numpy.random.bit_generator import ISeedSequence

    class FakeSeedSequence:
        def generate_state(self, n_words, dtype=np.uint32):
            return np.zeros(n_words, dtype=dtype)

    ISeedSequence.register(FakeSeedSequence)
    with pytest.raises(TypeError, match="seed"):
        fastinit.default_rng(FakeSeedSequence())
