"""fastinit.torch.<fn>_: torch.nn.init's behaviour, on fastinit's kernels.

The behavioural cases of PyTorch's own ``test/nn/test_init.py`` (torch 2.x:
gains, errors on bad ranks, zero-element warnings, KS tests of every
distribution with the fans and gains torch uses, orthogonality, sparsity,
trunc_normal_ bounds and value spread in every dtype), written again here
against ``fastinit.torch``, plus what makes the port faithful: the same
signatures, the same warnings and error types as torch for the same input,
``generator=`` handed to torch, the version counter bumped, and the values
really drawn by fastinit (not torch's generator).
"""
import inspect
import math
import random
import string
import warnings

import pytest

torch = pytest.importorskip("torch")
stats = pytest.importorskip("scipy.stats")
ft = pytest.importorskip("fastinit.torch")
init = torch.nn.init

P_MIN = 1e-6  # fixed seeds: a KS p-value this small would be a real difference

NAMES = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
         "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
         "kaiming_normal_", "orthogonal_", "sparse_"]
DRAWING = ["uniform_", "normal_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_"]


@pytest.fixture(autouse=True)
def _seeds():
    random.seed(123)
    torch.manual_seed(123)


def _ks(tensor, dist, args):
    return stats.kstest(tensor.detach().double().flatten().numpy(), dist, args=args).pvalue


def _random_tensor(dims, lo, hi, dtype=torch.float32):
    if dims >= 4:  # torch's sizes give up to 6M samples per KS test; 20k are enough here
        lo, hi = 10, 14
    return torch.zeros([random.randint(lo, hi) for _ in range(dims)], dtype=dtype)


def _fans(t):
    receptive = t[0, 0].numel() if t.dim() > 2 else 1
    return t.size(1) * receptive, t.size(0) * receptive


# ---------------------------------------------------------------- surface --
def test_every_public_torch_init_function_exists_with_torchs_signature():
    public = {n for n in dir(init) if n.endswith("_") and not n.startswith("_")
              and callable(getattr(init, n))} | {"calculate_gain"}
    assert public == set(NAMES)
    for name in NAMES:
        ours, theirs = (inspect.signature(getattr(m, name)).parameters.values() for m in (ft, init))
        assert [(p.name, p.default, p.kind) for p in ours] == \
            [(p.name, p.default, p.kind) for p in theirs], name


@pytest.mark.parametrize("name", DRAWING)
def test_values_come_from_fastinit_not_from_torchs_generator(name):
    args = {"sparse_": (0.1,)}.get(name, ())
    torch.manual_seed(7)
    a = getattr(ft, name)(torch.empty(64, 32), *args)
    torch.manual_seed(7)
    b = getattr(init, name)(torch.empty(64, 32), *args)
    assert not torch.equal(a, b)
    torch.manual_seed(7)  # torch's seed controls fastinit's too: the same values again
    assert torch.equal(getattr(ft, name)(torch.empty(64, 32), *args), a)


@pytest.mark.parametrize("name", DRAWING)
def test_an_explicit_generator_is_handed_to_torch(name):
    args = {"sparse_": (0.1,)}.get(name, ())
    torch.manual_seed(3)  # sparse_'s randperm uses the global generator
    ours = getattr(ft, name)(torch.empty(20, 10), *args,
                             generator=torch.Generator().manual_seed(3))
    torch.manual_seed(3)
    theirs = getattr(init, name)(torch.empty(20, 10), *args,
                                 generator=torch.Generator().manual_seed(3))
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("name", DRAWING)
def test_writes_bump_the_version_counter_and_escape_autograd(name):
    args = {"sparse_": (0.1,)}.get(name, ())
    param = torch.nn.Parameter(torch.zeros(16, 8))
    before = param._version
    out = getattr(ft, name)(param, *args)
    assert out is param and param._version > before
    assert param.grad_fn is None and param.requires_grad and param.is_leaf
    assert torch.count_nonzero(param) > 0


def test_version_bump_makes_autograd_detect_a_reinit():
    w = torch.nn.Parameter(torch.randn(4, 4))
    x = torch.randn(3, 4, requires_grad=True)
    y = (x @ w).sum()  # saves w for backward
    ft.normal_(w)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
def test_in_place_zero_copy_every_dtype(dtype):
    t = torch.empty(300, 200, dtype=dtype)
    ptr = t.data_ptr()
    ft.normal_(t, 0.0, 0.02)
    assert t.data_ptr() == ptr and t.dtype == dtype
    assert abs(t.double().std().item() - 0.02) < 0.001


def test_permuted_dense_layouts_are_filled_in_place_and_strided_views_by_torch():
    cl = torch.empty(8, 16, 5, 5).to(memory_format=torch.channels_last)
    ft.kaiming_uniform_(cl, a=math.sqrt(5))
    bound = 1 / math.sqrt(16 * 25)
    assert cl.is_contiguous(memory_format=torch.channels_last)
    assert cl.abs().max() <= bound and _ks(cl, "uniform", (-bound, 2 * bound)) > P_MIN
    base = torch.zeros(40, 40)
    view = base[:, ::2]  # not dense: torch fills it, the other columns stay zero
    ft.normal_(view)
    assert torch.all(base[:, 1::2] == 0) and torch.count_nonzero(view) == view.numel()


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64])
@pytest.mark.parametrize("name", ["normal_", "uniform_", "kaiming_uniform_", "trunc_normal_"])
def test_integer_tensors_get_torchs_behaviour(dtype, name):
    with pytest.raises(Exception) as theirs:
        getattr(init, name)(torch.zeros(3, 4, dtype=dtype))
    with pytest.raises(type(theirs.value)) as ours:
        getattr(ft, name)(torch.zeros(3, 4, dtype=dtype))
    assert str(ours.value) == str(theirs.value)


def test_meta_tensors_are_no_ops_as_in_torch():
    for name in DRAWING:
        args = {"sparse_": (0.1,)}.get(name, ())
        t = torch.empty(5, 4, device="meta")
        assert getattr(ft, name)(t, *args) is t


# ------------------------------------------------------- errors and warnings --
@pytest.mark.parametrize("call", [
    lambda m: m.xavier_uniform_(torch.zeros(3)),
    lambda m: m.xavier_normal_(torch.zeros(())),
    lambda m: m.kaiming_uniform_(torch.zeros(3)),
    lambda m: m.kaiming_normal_(torch.zeros(())),
    lambda m: m.kaiming_uniform_(torch.zeros(3, 3), mode="fan_avg"),
    lambda m: m.kaiming_normal_(torch.zeros(3, 3), nonlinearity="swish"),
    lambda m: m.orthogonal_(torch.zeros(3)),
    lambda m: m.sparse_(torch.zeros(3, 3, 3), 0.5),
    lambda m: m.xavier_uniform_(torch.zeros(0, 0)),
    lambda m: m.uniform_(torch.zeros(3), 1.0, 0.0),
    lambda m: m.normal_(torch.zeros(3), 0.0, -1.0),
    lambda m: m.eye_(torch.zeros(3, 3, 3)),
    lambda m: m.dirac_(torch.zeros(3, 3)),
    lambda m: m.calculate_gain("leaky_relu", True),
])
def test_errors_are_torchs(call):
    with pytest.raises(Exception) as theirs:
        call(init)
    with pytest.raises(type(theirs.value), match=None) as ours:
        call(ft)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_zero_element_warning(name):
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op") as rec:
        getattr(ft, name)(torch.empty(0, 1))
    assert rec[0].filename == __file__  # stacklevel points at the caller, as torch's does


def test_trunc_normal_warns_when_mean_is_far_from_the_bounds():
    with pytest.warns(UserWarning, match="mean is more than 2 std from") as rec:
        t = ft.trunc_normal_(torch.empty(1000), mean=10.0, std=1.0, a=-2.0, b=2.0)
    assert rec[0].filename == __file__
    assert t.min() >= -2.0 and t.max() <= 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ft.trunc_normal_(torch.empty(1000), mean=0.5, std=1.0)


# --------------------------------------------- PyTorch test_init.py, ported --
def test_calculate_gain():
    for fn in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "conv_transpose3d",
               "sigmoid"]:
        assert ft.calculate_gain(fn) == 1
    assert ft.calculate_gain("tanh") == 5 / 3
    assert ft.calculate_gain("relu") == math.sqrt(2)
    assert ft.calculate_gain("selu") == 0.75
    for param, expected in [(None, 1.4141428569978354), (0, math.sqrt(2)),
                            (0.01, 1.4141428569978354), (10, 0.14071950894605836)]:
        assert ft.calculate_gain("leaky_relu", param) == pytest.approx(expected, rel=1e-15)
    for param in [True, [1], {"a": "b"}]:
        with pytest.raises(ValueError):
            ft.calculate_gain("leaky_relu", param)
    for n in [2, 5, 25]:
        with pytest.raises(ValueError):
            ft.calculate_gain("".join(random.choice(string.ascii_lowercase) for _ in range(n)))


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_uniform(dims):
    t = _random_tensor(dims, 30, 50)
    a = random.uniform(-3, 3)
    b = a + random.uniform(1, 5)
    ft.uniform_(t, a=a, b=b)
    assert t.min() >= a and t.max() <= b
    assert _ks(t, "uniform", (a, b - a)) > P_MIN


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_normal(dims):
    t = _random_tensor(dims, 30, 50)
    mean, std = random.uniform(-3, 3), random.uniform(1, 5)
    ft.normal_(t, mean=mean, std=std)
    assert _ks(t, "norm", (mean, std)) > P_MIN


def test_constant_ones_zeros_eye_dirac():
    t = _random_tensor(3, 1, 5)
    ft.constant_(t, 3.5)
    assert torch.all(t == 3.5)
    ft.ones_(t)
    assert torch.all(t == 1)
    ft.zeros_(t)
    assert torch.all(t == 0)
    e = ft.eye_(torch.empty(4, 6))
    assert torch.equal(e, torch.eye(4, 6))
    for dims in [3, 4, 5]:
        for groups in [1, 2, 3]:
            w = torch.randn((2 * groups, 3, 3, 3, 3)[:dims])
            ft.dirac_(w, groups)
            assert torch.count_nonzero(w) == 2 * groups and w.sum() == 2 * groups


@pytest.mark.parametrize("dims", [2, 4])
@pytest.mark.parametrize("use_gain", [True, False])
def test_xavier(dims, use_gain):
    gain = random.uniform(0.1, 2) if use_gain else 1.0
    t = _random_tensor(dims, 20, 25)
    fan_in, fan_out = _fans(t)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    (ft.xavier_uniform_(t, gain=gain) if use_gain else ft.xavier_uniform_(t))
    bound = std * math.sqrt(3)
    assert t.abs().max() <= bound and _ks(t, "uniform", (-bound, 2 * bound)) > P_MIN
    (ft.xavier_normal_(t, gain=gain) if use_gain else ft.xavier_normal_(t))
    assert _ks(t, "norm", (0, std)) > P_MIN


@pytest.mark.parametrize("dims", [2, 4])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("use_a", [True, False])
def test_kaiming(dims, mode, use_a):
    a = random.uniform(0.1, 2) if use_a else 0
    t = _random_tensor(dims, 20, 25)
    fan_in, fan_out = _fans(t)
    n = fan_in if mode == "fan_in" else fan_out
    std = math.sqrt(2.0 / ((1 + a**2) * n))
    (ft.kaiming_uniform_(t, a=a, mode=mode) if use_a else ft.kaiming_uniform_(t, mode=mode))
    bound = std * math.sqrt(3)
    assert t.abs().max() <= bound and _ks(t, "uniform", (-bound, 2 * bound)) > P_MIN
    (ft.kaiming_normal_(t, a=a, mode=mode) if use_a else ft.kaiming_normal_(t, mode=mode))
    assert _ks(t, "norm", (0, std)) > P_MIN


@pytest.mark.parametrize("use_random_std", [True, False])
def test_sparse(use_random_std):
    t = _random_tensor(2, 30, 35)
    rows = t.size(0)
    sparsity = random.uniform(0.1, 0.2)
    std = random.uniform(0.01, 0.2) if use_random_std else 0.01
    (ft.sparse_(t, sparsity=sparsity, std=std) if use_random_std
     else ft.sparse_(t, sparsity=sparsity))
    for col in range(t.size(1)):
        assert (t[:, col] == 0).sum() >= math.ceil(sparsity * rows)
    assert _ks(t[t != 0], "norm", (0, std)) > P_MIN
    # the zeroed rows differ between columns (one permutation per column)
    assert len({tuple(torch.nonzero(t[:, c] == 0).flatten().tolist())
                for c in range(t.size(1))}) > t.size(1) // 2


@pytest.mark.parametrize("shape", [[3, 4], [4, 3], [20, 2, 3, 4], [2, 3, 4, 5]])
@pytest.mark.parametrize("use_gain", [True, False])
def test_orthogonal(shape, use_gain):
    gain = random.uniform(0.1, 2) if use_gain else 1.0
    t = torch.zeros(shape)
    (ft.orthogonal_(t, gain=gain) if use_gain else ft.orthogonal_(t))
    rows, cols = shape[0], math.prod(shape[1:])
    flat = t.view(rows, cols)
    gram = flat.t() @ flat if rows > cols else flat @ flat.t()
    torch.testing.assert_close(gram, torch.eye(min(rows, cols)) * gain**2, atol=1e-6, rtol=0)


@pytest.mark.parametrize("dims", [1, 2, 4])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_trunc_normal_random_parameters(dims, dtype):
    t = _random_tensor(dims, 30, 50, dtype)
    mean, std = random.uniform(-3, 3), random.uniform(0.01, 1)
    a, b = random.uniform(mean - 2 * std, mean), random.uniform(mean, mean + 2 * std)
    ft.trunc_normal_(t, mean=mean, std=std, a=a, b=b)
    lo, hi = torch.tensor(a, dtype=dtype).item(), torch.tensor(b, dtype=dtype).item()
    assert t.min().item() >= lo and t.max().item() <= hi
    z = (t - mean) / std
    assert _ks(z, "truncnorm", ((a - mean) / std, (b - mean) / std)) > P_MIN


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32,
                                   torch.float64])
@pytest.mark.parametrize("a,b", [(-2.0, 2.0), (2.0, 3.0)])
def test_trunc_normal_low_precision_and_narrow(dtype, a, b):
    if dtype == torch.bfloat16 and a == 2.0:
        pytest.skip("bfloat16 has 65 values in [2, 3]: a stepped distribution (as in torch)")
    t = ft.trunc_normal_(torch.empty(10000, dtype=dtype), 0.0, 1.0, a, b)
    assert t.min().item() >= a and t.max().item() <= b
    assert _ks(t.float(), "truncnorm", (a, b)) > P_MIN


@pytest.mark.parametrize("dtype,min_unique", [(torch.float32, 5000), (torch.float64, 5000),
                                              (torch.float16, 3000), (torch.bfloat16, 1000)])
def test_trunc_normal_unique_values_and_no_boundary_pileup(dtype, min_unique):
    t = ft.trunc_normal_(torch.empty(10000, dtype=dtype))
    assert t.unique().numel() > min_unique
    assert torch.isfinite(t).all() and t.min() >= -2 and t.max() <= 2
    t = ft.trunc_normal_(torch.empty(10000, dtype=dtype), std=0.1)
    assert (t == -2.0).sum() == 0 and (t == 2.0).sum() == 0
