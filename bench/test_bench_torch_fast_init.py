"""A 1.1B-parameter Hugging Face Llama built inside ``fastinit.torch.fast_init`` vs plain.

The model (``hidden_size=2048``, ``intermediate_size=5632``, 22 layers, 32
heads, 4 KV heads, vocab 32000, untied, float32: 1.10 G parameters, 4.4 GB) is
built from its config, as a user would, once each way in the same process,
at the same thread count (``torch.set_num_threads`` = fastinit's threads;
the project's machine has 2 cores):

* ``plain``: ``LlamaForCausalLM(config)`` -- allocation, each ``nn.Linear``'s
  ``reset_parameters`` (kaiming_uniform_), then transformers' ``_init_weights``
  (``normal_(0, 0.02)``, norms ones), all on torch's generator;
* ``fast_init``: the same call inside ``fastinit.torch.fast_init()`` (each
  ``nn.Linear``'s ``kaiming_uniform_`` is recorded, then replaced unwritten
  by the model's ``normal_``);
* ``fast_init(defer=False)``: every fill written when it is made, as a
  measure of what deferring saves.

Where the time goes, measured on the same model afterwards:

* ``alloc + first touch``: the model built on the ``meta`` device,
  ``to_empty(device="cpu")`` and every parameter ``zero_()``-ed: the page
  faults any construction pays, with no random numbers;
* ``fill only, torch`` / ``fill only, fastinit``: the model's own
  ``init_weights()`` run again on memory already touched, plainly and inside
  ``fast_init`` (``init_module_(model, own_init=True)``): the speed of the
  random fills themselves.

GB/s is parameter bytes (4.4 GB) over wall seconds; each step's process CPU
seconds (all threads) are printed beside it (on a shared machine, waiting for
a core inflates wall time, not CPU time).  Each figure is one round (a
model is 4.4 GB; at most one model and one meta model are alive at a time,
~9 GB peak).  Run, alone on the machine if possible:

    pytest bench/test_bench_torch_fast_init.py --benchmark-only -o addopts="" -s

``FASTINIT_BENCH_LLAMA_LAYERS=2`` builds a 2-layer model instead (quick check).
"""
from __future__ import annotations

import gc
import os
import time

import pytest

import fastinit

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
ft = pytest.importorskip("fastinit.torch")

NT = fastinit.get_num_threads()
LAYERS = int(os.environ.get("FASTINIT_BENCH_LLAMA_LAYERS", "22"))
TARGET_SPEEDUP = 5.0


def _config():
    return transformers.LlamaConfig(
        hidden_size=2048, intermediate_size=5632, num_hidden_layers=LAYERS,
        num_attention_heads=32, num_key_value_heads=4, vocab_size=32000,
        max_position_embeddings=2048, tie_word_embeddings=False)


#: label -> CPU seconds of the process (all threads) for each timed step: on a
#: loaded machine this is the work done, which waiting for a core does not inflate.
CPU_SECONDS: dict[str, float] = {}


def _timed(fn, label=None):
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    if label is not None:
        CPU_SECONDS[label] = time.process_time() - cpu
    return result, time.perf_counter() - start


def _rerun_own_init_with_torch(model):
    """transformers' init_weights() again, plain torch (its done-marks cleared first)."""
    for sub in model.modules():
        if getattr(sub, "_is_hf_initialized", False):
            sub._is_hf_initialized = False
    model.init_weights()


def test_llama_1b_fast_init_vs_plain(benchmark):
    config = _config()
    previous = torch.get_num_threads()
    torch.set_num_threads(NT)
    try:
        torch.manual_seed(0)
        plain, t_plain = _timed(lambda: transformers.LlamaForCausalLM(config), "plain")
        n_bytes = sum(p.numel() * p.element_size() for p in plain.parameters())
        n_params = sum(p.numel() for p in plain.parameters())
        plain_std = plain.model.layers[0].mlp.up_proj.weight.std().item()
        del plain

        def build_fast(defer=True):
            torch.manual_seed(0)
            with ft.fast_init(defer=defer):
                return transformers.LlamaForCausalLM(config)

        gc.collect()
        cpu = time.process_time()
        fast = benchmark.pedantic(build_fast, rounds=1, iterations=1)
        CPU_SECONDS["fast_init"] = time.process_time() - cpu
        t_fast = benchmark.stats.stats.min if benchmark.stats else None
        if t_fast is None:  # --benchmark-disable: time it ourselves
            fast, t_fast = _timed(build_fast)
        fast_std = fast.model.layers[0].mlp.up_proj.weight.std().item()
        assert abs(fast_std - plain_std) < 1e-3  # the same init, really

        _, t_fill_fast = _timed(lambda: ft.init_module_(fast, own_init=True), "fill_fastinit")
        _, t_fill_torch = _timed(lambda: _rerun_own_init_with_torch(fast), "fill_torch")
        del fast
        gc.collect()
        eager, t_eager = _timed(lambda: build_fast(defer=False), "fast_init_eager")
        del eager
        gc.collect()

        def alloc_and_touch():
            with torch.device("meta"):
                meta = transformers.LlamaForCausalLM(config)
            model = meta.to_empty(device="cpu")
            with torch.no_grad():
                for p in model.parameters():
                    p.zero_()
            return model

        touched, t_alloc = _timed(alloc_and_touch, "alloc_first_touch")
        del touched
        gc.collect()
    finally:
        torch.set_num_threads(previous)

    gb = n_bytes / 1e9
    rows = [("plain construction", t_plain), ("inside fast_init", t_fast),
            ("inside fast_init(defer=False): every fill written", t_eager),
            ("alloc + first touch (meta, to_empty, zero_)", t_alloc),
            ("fill only, torch (init_weights again)", t_fill_torch),
            ("fill only, fastinit (init_weights again in fast_init)", t_fill_fast)]
    speedup = t_plain / t_fast
    print(f"\nLlama {n_params / 1e9:.2f} G parameters, {gb:.2f} GB float32, {NT} threads, "
          f"load {os.getloadavg()[0]:.1f}")
    cpu = [CPU_SECONDS.get(key) for key in ("plain", "fast_init", "fast_init_eager",
                                             "alloc_first_touch", "fill_torch", "fill_fastinit")]
    for (label, seconds), cpu_s in zip(rows, cpu):
        print(f"  {label:55s} {seconds:8.2f} s  {gb / seconds:6.2f} GB/s  "
              f"(CPU {cpu_s:7.2f} s)")
    print(f"  speed-up of construction: {speedup:.1f}x (target {TARGET_SPEEDUP}x); "
          f"of the fills alone: {t_fill_torch / t_fill_fast:.1f}x")
    benchmark.extra_info.update({
        "threads": NT, "parameters": n_params, "bytes": n_bytes, "plain_s": t_plain,
        "fast_init_s": t_fast, "fast_init_eager_s": t_eager, "alloc_first_touch_s": t_alloc,
        "fill_torch_s": t_fill_torch, "fill_fastinit_s": t_fill_fast, "speedup": speedup,
        "cpu_seconds": dict(CPU_SECONDS), "loadavg": os.getloadavg(),
        "target_speedup": TARGET_SPEEDUP})
