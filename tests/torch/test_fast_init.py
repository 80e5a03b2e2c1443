"""fastinit.torch.fast_init: model code's own fills routed through fastinit, and nothing else.

What is routed draws exactly the values of the context's fastinit Generator,
in call order; what is not routed is torch's, bit for bit; everything is
restored on exit (exceptions included); nesting and other threads behave as
documented.
"""
import threading

import numpy as np
import pytest

import fastinit

torch = pytest.importorskip("torch")
nn = torch.nn
ft = pytest.importorskip("fastinit.torch")
from fastinit.torch._fast_init import patches_installed  # noqa: E402  (test-only probe)

ORIGINAL_TRUNC_NORMAL = torch.nn.init.trunc_normal_


def _untouched():
    return (not patches_installed()
            and not {"uniform_", "normal_", "zero_", "fill_", "copy_"} & set(torch.Tensor.__dict__)
            and torch.nn.init.trunc_normal_ is ORIGINAL_TRUNC_NORMAL)


@pytest.fixture(autouse=True)
def _check_restored():
    assert _untouched()
    yield
    assert _untouched()


# ------------------------------------------------------------------ values --
def test_routed_fills_are_the_context_generators_draws_in_order():
    with ft.fast_init(seed=5) as ctx:
        a = torch.empty(1000).normal_(0.5, 2.0)
        b = torch.empty(10, 30, dtype=torch.float64).uniform_(-1, 3)
        c = nn.init.trunc_normal_(torch.empty(77, dtype=torch.bfloat16), std=0.02,
                                  a=-0.04, b=0.04)
        layer = nn.Linear(40, 30)  # reset_parameters: kaiming_uniform_ + bias uniform_
        assert ctx.generator.position > 0
    rng = fastinit.default_rng(5)
    assert np.array_equal(a.numpy(), rng.normal(0.5, 2.0, size=1000, dtype=np.float32))
    assert np.array_equal(b.numpy(), rng.uniform(-1, 3, size=(10, 30)))
    expected_c = rng.truncated_normal(0.0, 0.02, -0.04, 0.04, size=77, dtype="bfloat16")
    assert np.array_equal(c.view(torch.int16).numpy(), expected_c.view(np.int16))
    bound = 1 / np.sqrt(40)
    w = rng.uniform(-bound, bound, size=(30, 40), dtype=np.float32)
    assert np.array_equal(layer.weight.detach().numpy(), w)
    assert np.array_equal(layer.bias.detach().numpy(),
                          rng.uniform(-bound, bound, size=30, dtype=np.float32))


def test_seed_none_follows_torch_manual_seed_and_successive_contexts_differ():
    def build():
        with ft.fast_init():
            return nn.Linear(64, 64).weight.detach().clone()
    torch.manual_seed(3)
    first, second = build(), build()
    torch.manual_seed(3)
    again = build()
    assert torch.equal(first, again) and not torch.equal(first, second)
    torch.manual_seed(4)
    assert not torch.equal(build(), first)


def test_thread_count_does_not_change_the_model():
    def build(n):
        with ft.fast_init(seed=9, n_threads=n):
            model = nn.Sequential(nn.Linear(300, 700), nn.Conv2d(8, 16, 3), nn.Embedding(900, 64))
        return [p.detach().clone() for p in model.parameters()]
    one, two, many = build(1), build(2), build(7)
    for a, b, c in zip(one, two, many):
        assert torch.equal(a, b) and torch.equal(a, c)


def test_version_counter_and_autograd_as_torch():
    with ft.fast_init(seed=0):
        p = nn.Parameter(torch.zeros(100, 10))
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            p.normal_()  # grad mode, requires grad: torch refuses, as without fast_init
        with torch.no_grad():
            before = p._version
            p.normal_()
        assert p._version == before + 1 and p.is_leaf and p.requires_grad
        x = torch.randn(3, 100, requires_grad=True)
        y = (x @ p).sum()
        with torch.no_grad():
            p.uniform_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


# -------------------------------------------------------------- fallbacks --
def test_what_is_not_routed_is_torchs_bit_for_bit():
    cases = [
        lambda: torch.empty(100).normal_(generator=torch.Generator().manual_seed(1)),
        lambda: torch.empty(100).uniform_(0, 1, generator=torch.Generator().manual_seed(1)),
        lambda: torch.zeros(50, 40)[:, ::3].normal_(),          # strided view
        lambda: torch.zeros(20, dtype=torch.int32).random_(),   # not a routed op
        lambda: torch.empty(8, dtype=torch.float16).normal_(0, 2e4),  # fastinit refuses: inf tails
        lambda: torch.empty(0).normal_(),
    ]
    for case in cases:
        torch.manual_seed(21)
        expected = case()
        with ft.fast_init(seed=0) as ctx:
            torch.manual_seed(21)
            got = case()
            assert ctx.generator.position == 0  # fastinit drew nothing
        assert torch.equal(got, expected)


def test_meta_tensors_are_left_to_torch():
    with ft.fast_init(seed=0) as ctx:
        with torch.device("meta"):
            m = nn.Linear(10, 10)
        assert m.weight.is_meta and ctx.generator.position == 0


def test_errors_inside_the_context_are_torchs():
    calls = [lambda: torch.zeros(3).uniform_(1.0, 0.0),
             lambda: torch.zeros(3).normal_(0.0, -1.0),
             lambda: torch.zeros(3).normal_(0, 1, 2),
             lambda: torch.zeros(3, dtype=torch.int64).normal_()]
    for call in calls:
        with pytest.raises(Exception) as theirs:
            call()
        with ft.fast_init(seed=0), pytest.raises(type(theirs.value)) as ours:
            call()
        assert str(ours.value) == str(theirs.value)


# ------------------------------------------------- restore, nest, threads --
def test_restored_after_an_exception():
    with pytest.raises(KeyError):
        with ft.fast_init(seed=0):
            assert patches_installed()
            raise KeyError("boom")
    assert _untouched()


def test_nested_contexts_use_the_innermost_generator_then_the_outer_again():
    with ft.fast_init(seed=1) as outer:
        a = torch.empty(10).normal_()
        with ft.fast_init(seed=2) as inner:
            b = torch.empty(10).normal_()
        c = torch.empty(10).normal_()
        assert patches_installed()
    outer_rng, inner_rng = fastinit.default_rng(1), fastinit.default_rng(2)
    assert np.array_equal(a.numpy(), outer_rng.standard_normal(10, dtype=np.float32))
    assert np.array_equal(b.numpy(), inner_rng.standard_normal(10, dtype=np.float32))
    assert np.array_equal(c.numpy(), outer_rng.standard_normal(10, dtype=np.float32))
    assert outer.generator.position == inner.generator.position * 2


def test_a_context_object_cannot_be_entered_twice_at_once():
    ctx = ft.fast_init(seed=0)
    with ctx:
        with pytest.raises(RuntimeError, match="already open"):
            ctx.__enter__()
    with ctx:  # after closing it may be reused
        pass


def test_bad_arguments_are_refused_when_made():
    with pytest.raises(TypeError, match="seed"):
        ft.fast_init(seed="x")
    with pytest.raises(ValueError, match="n_threads"):
        ft.fast_init(n_threads=0)


def test_other_threads_are_not_routed():
    results = {}
    entered, done = threading.Event(), threading.Event()

    def other():
        entered.wait()
        torch.manual_seed(11)
        results["thread"] = torch.empty(1000).normal_()
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with ft.fast_init(seed=0) as ctx:
        entered.set()
        done.wait(30)
        assert ctx.generator.position == 0  # the other thread drew from torch
    thread.join()
    torch.manual_seed(11)
    assert torch.equal(results["thread"], torch.empty(1000).normal_())


def test_threads_with_their_own_contexts_get_their_own_streams():
    barrier = threading.Barrier(3)
    results = {}

    def worker(seed):
        with ft.fast_init(seed=seed):
            barrier.wait()
            results[seed] = [torch.empty(5000).normal_() for _ in range(20)]
            barrier.wait()

    threads = [threading.Thread(target=worker, args=(s,)) for s in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed, tensors in results.items():
        rng = fastinit.default_rng(seed)
        for t in tensors:
            assert np.array_equal(t.numpy(), rng.standard_normal(5000, dtype=np.float32))


def test_someone_elses_later_patch_is_not_clobbered():
    def theirs(*args, **kwargs):
        return "theirs"
    with ft.fast_init(seed=0):
        torch.nn.init.trunc_normal_ = theirs
    try:
        assert torch.nn.init.trunc_normal_ is theirs
    finally:
        torch.nn.init.trunc_normal_ = ORIGINAL_TRUNC_NORMAL


def test_torchs_caches_of_tensor_methods_keep_torchs_methods():
    """torch.overrides caches the Tensor methods the first time it is asked; asked inside a
    context, it must still cache torch's own methods, or FX would not know them after."""
    code = ("import torch, fastinit.torch as ft\n"
            "with ft.fast_init(seed=0):\n"
            "    torch.overrides.is_tensor_method_or_property(torch.Tensor.add)  # FX asks this\n"
            "assert torch.overrides.is_tensor_method_or_property(torch.Tensor.normal_)\n"
            "assert torch.overrides.is_tensor_method_or_property(torch.Tensor.uniform_)\n")
    import subprocess
    import sys
    subprocess.run([sys.executable, "-c", code], check=True)
