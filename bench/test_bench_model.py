"""Whole-model initialization (issue 5): fastinit vs PyTorch, and the file writer vs the disk.

Group "llama-1b in memory" (float32, 1.24 G parameters, ~4.9 GB per copy),
all at the same thread count (``torch.set_num_threads`` = fastinit's threads):

* ``fastinit-init_model``: ``init_model(presets["llama-1b"].spec())``, the
  preset's own initializers (normal(0, 0.02), RMSNorm ones);
* ``fastinit-init_module_``: the equivalent ``torch.nn`` modules built on the
  ``meta`` device, ``to_empty(device="cpu")``, then
  ``fastinit.torch.init_module_`` with PyTorch's default rules;
* ``torch-default``: building the same modules on the CPU, which runs their
  default ``reset_parameters`` (kaiming_uniform / normal / ones) -- the
  reference.  Target: fastinit >= 8x faster.

Group "llama-1b re-initialized in place" (float32): the same modules, already
allocated and touched, initialized again -- ``init_module_`` against calling
every module's ``reset_parameters``.  No page faults: this is the speed of
the initialization pass itself (fresh memory costs both sides the same page
faults, which on a virtual machine can dominate).

Group "llama-1b safetensors file" (bfloat16, ~2.5 GB): ``init_model(...,
out=file)`` including the final fsync, against a plain sequential write of
the same number of bytes (zeros, 64 MiB ``os.write`` blocks, then fsync) to
the same directory, in the same run: the disk's own speed.

Each round frees the previous round's arrays in an untimed setup.  Run with
``pytest bench/test_bench_model.py --benchmark-only -o addopts=""``
(``FASTINIT_BENCH_PRESET=llama-135m`` for a smaller Llama).
"""
from __future__ import annotations

import gc
import os
from typing import Any, Callable

import pytest

import fastinit
from fastinit.model import init_model, load_spec, presets

torch = pytest.importorskip("torch")
nn = torch.nn

NT = fastinit.get_num_threads()
#: ``FASTINIT_BENCH_PRESET=llama-135m`` runs the same comparisons on a smaller Llama.
PRESET = presets[os.environ.get("FASTINIT_BENCH_PRESET", "llama-1b")]
FILE_DTYPE = "bfloat16"
MEMORY_GROUP = f"{PRESET.name} in memory (float32)"
FILE_GROUP = f"{PRESET.name} safetensors file ({FILE_DTYPE})"
TARGET_SPEEDUP = 8.0

#: best seconds per benchmark name, for the ratios recorded in extra_info
BEST: dict[str, float] = {}


class _Attention(nn.Module):
    def __init__(self, c: dict) -> None:
        super().__init__()
        d, heads, kv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
        hd = d // heads
        self.q_proj = nn.Linear(d, heads * hd, bias=False)
        self.k_proj = nn.Linear(d, kv * hd, bias=False)
        self.v_proj = nn.Linear(d, kv * hd, bias=False)
        self.o_proj = nn.Linear(heads * hd, d, bias=False)


class _MLP(nn.Module):
    def __init__(self, c: dict) -> None:
        super().__init__()
        d, inter = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(d, inter, bias=False)
        self.up_proj = nn.Linear(d, inter, bias=False)
        self.down_proj = nn.Linear(inter, d, bias=False)


class _Layer(nn.Module):
    def __init__(self, c: dict) -> None:
        super().__init__()
        self.input_layernorm = nn.RMSNorm(c["hidden_size"])
        self.self_attn = _Attention(c)
        self.post_attention_layernorm = nn.RMSNorm(c["hidden_size"])
        self.mlp = _MLP(c)


class _Model(nn.Module):
    def __init__(self, c: dict) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(_Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = nn.RMSNorm(c["hidden_size"])


class LlamaTorch(nn.Module):
    """The Llama preset as torch modules, with the Hugging Face parameter names."""

    def __init__(self, c: dict) -> None:
        super().__init__()
        self.model = _Model(c)
        if not c["tie_word_embeddings"]:
            self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)


@pytest.fixture
def torch_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(NT)
    yield NT
    torch.set_num_threads(before)


def _pedantic(benchmark: Any, target: Callable[[], Any], rounds: int,
              setup: Callable[[], Any] = lambda: None) -> None:
    """Time ``target``; the result of a round is dropped in the next round's setup."""
    held: list[Any] = []

    def before() -> None:
        held.clear()
        gc.collect()
        setup()

    def run() -> None:
        held.append(target())

    benchmark.pedantic(run, setup=before, rounds=rounds, warmup_rounds=0, iterations=1)
    held.clear()
    gc.collect()


def _record(benchmark: Any, throughput: Any, key: str, reference: str, **extra: Any) -> None:
    info = throughput(n=PRESET.n_params, dtype="float32", threads=NT, preset=PRESET.name,
                      **extra)
    if "best_s" not in info:  # --benchmark-disable: nothing was timed
        return
    BEST[key] = info["best_s"]
    if reference in BEST:
        info[f"speedup_vs_{reference}"] = BEST[reference] / info["best_s"]


def test_memory_torch_default(benchmark, throughput, torch_threads):
    """The reference: PyTorch building the modules, default reset_parameters."""
    benchmark.group = MEMORY_GROUP
    _pedantic(benchmark, lambda: LlamaTorch(dict(PRESET.config)), rounds=2)
    _record(benchmark, throughput, "torch-default", "torch-default",
            implementation="torch nn.Module(...) default reset_parameters",
            torch_threads=torch.get_num_threads())


def test_memory_fastinit_init_model(benchmark, throughput, torch_threads):
    benchmark.group = MEMORY_GROUP
    spec = load_spec(PRESET.spec("float32"))
    _pedantic(benchmark, lambda: init_model(spec, seed=0, n_threads=NT), rounds=3)
    _record(benchmark, throughput, "fastinit-init_model", "torch-default",
            implementation="fastinit.init_model(preset spec)",
            target_speedup=TARGET_SPEEDUP)


def test_memory_fastinit_init_module(benchmark, throughput, torch_threads):
    import fastinit.torch as ft

    benchmark.group = MEMORY_GROUP
    modules: list[Any] = []

    def build_empty() -> None:
        modules.clear()
        gc.collect()
        with torch.device("meta"):
            module = LlamaTorch(dict(PRESET.config))
        modules.append(module.to_empty(device="cpu"))  # allocated, not yet touched

    def init() -> Any:
        return ft.init_module_(modules[0], seed=0, n_threads=NT)

    _pedantic(benchmark, init, rounds=3, setup=build_empty)
    modules.clear()
    _record(benchmark, throughput, "fastinit-init_module_", "torch-default",
            implementation="meta -> to_empty -> fastinit.torch.init_module_ (torch defaults)",
            target_speedup=TARGET_SPEEDUP)


WARM_GROUP = f"{PRESET.name} re-initialized in place (float32)"


@pytest.fixture(scope="module")
def warm_module():
    """The preset's modules, allocated and touched once (shared by the warm group)."""
    module = LlamaTorch(dict(PRESET.config))
    yield module
    del module
    gc.collect()


def _reset_parameters(module: Any) -> None:
    for mod in module.modules():
        if hasattr(mod, "reset_parameters"):
            mod.reset_parameters()


def test_warm_torch_reset_parameters(benchmark, throughput, torch_threads, warm_module):
    """The reference: every module's own reset_parameters, on the same memory."""
    benchmark.group = WARM_GROUP
    benchmark.pedantic(_reset_parameters, args=(warm_module,), rounds=3, warmup_rounds=0,
                       iterations=1)
    _record(benchmark, throughput, "torch-reset", "torch-reset",
            implementation="reset_parameters() of every module, touched memory")


def test_warm_fastinit_init_module(benchmark, throughput, torch_threads, warm_module):
    import fastinit.torch as ft

    benchmark.group = WARM_GROUP
    benchmark.pedantic(ft.init_module_, args=(warm_module,), kwargs={"n_threads": NT},
                       rounds=3, warmup_rounds=0, iterations=1)
    _record(benchmark, throughput, "fastinit-init_module_-warm", "torch-reset",
            implementation="fastinit.torch.init_module_ (torch defaults), touched memory",
            target_speedup=TARGET_SPEEDUP)


def _file_bytes() -> int:
    spec = load_spec(PRESET.spec(FILE_DTYPE))
    return spec.nbytes


def test_file_disk_sequential_write(benchmark, throughput, tmp_path):
    """The disk's own speed: the same bytes of zeros, 64 MiB writes, then fsync."""
    benchmark.group = FILE_GROUP
    total = _file_bytes()
    block = bytes(64 << 20)
    path = tmp_path / "zeros.bin"

    def write() -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            left = total
            while left:
                left -= os.write(fd, memoryview(block)[:min(left, len(block))])
            os.fsync(fd)
        finally:
            os.close(fd)

    def cleanup() -> None:
        if path.exists():
            path.unlink()

    try:
        benchmark.pedantic(write, setup=cleanup, rounds=2, warmup_rounds=0, iterations=1)
    finally:
        cleanup()
    info = throughput(n=total // 2, dtype=FILE_DTYPE, threads=1,
                      implementation="os.write zeros 64 MiB blocks + fsync")
    if "best_s" in info:  # absent under --benchmark-disable
        BEST["disk"] = info["best_s"]


def test_file_fastinit_safetensors(benchmark, throughput, tmp_path):
    benchmark.group = FILE_GROUP
    spec = load_spec(PRESET.spec(FILE_DTYPE))
    path = tmp_path / "llama-1b.safetensors"

    def cleanup() -> None:
        if path.exists():
            path.unlink()

    try:
        benchmark.pedantic(lambda: init_model(spec, seed=0, out=path, n_threads=NT),
                           setup=cleanup, rounds=2, warmup_rounds=0, iterations=1)
        assert path.stat().st_size > spec.nbytes
    finally:
        cleanup()
    info = throughput(n=spec.n_params, dtype=FILE_DTYPE, threads=NT, preset=PRESET.name,
                      implementation="fastinit.init_model(out=.safetensors), fsync included")
    if "disk" in BEST and "best_s" in info:
        info["fraction_of_disk_speed"] = BEST["disk"] / info["best_s"]
