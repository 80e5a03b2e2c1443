"""Keras and Flax models initialized by fastinit's adapters vs their own initializers.

Group "keras Dense/Conv2D stack": building (creating and initializing every
variable of) a Keras model of ``DENSE`` Dense(``WIDTH``) layers and ``CONV``
Conv2D(``CHANNELS``, 3x3) layers, on the JAX backend (this process), with
``fastinit.keras`` initializers against the same Keras classes
(``HeNormal`` kernels for Conv2D, ``GlorotUniform`` for Dense, as Keras's
default; zero biases both sides).  Keras builds eagerly: its own draws are
``jax.random`` calls, one compiled program per shape (compiled in the untimed
warm-up round), fastinit's are NumPy arrays filled by all cores and handed to
JAX.

Group "flax MLP init under jit": ``jax.jit(MLP().init)`` for an MLP of
``DENSE`` Dense(``WIDTH``) layers with ``fastinit.jax.lecun_normal()`` (host
draw via ``pure_callback``) against ``jax.nn.initializers.lecun_normal()``
(Flax's default, XLA's threefry); compiled in the warm-up round, then timed
per new key, with ``block_until_ready``.

Each benchmark records ``params`` and, for the fastinit side, the speed-up
over the framework's own in ``extra_info`` (``speedup_vs_<reference>``).  Run
with ``pytest bench/test_bench_frameworks.py --benchmark-only -o addopts=""``;
``FASTINIT_BENCH_FRAMEWORK_WIDTH`` (default 4096), ``..._DENSE`` (8),
``..._CONV`` (4) and ``..._CHANNELS`` (512) size the models.
"""
from __future__ import annotations

import gc
import os
from typing import Any, Callable

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

import fastinit  # noqa: E402

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")
nn = pytest.importorskip("flax.linen")
fk = pytest.importorskip("fastinit.keras")
fj = pytest.importorskip("fastinit.jax")

WIDTH = int(os.environ.get("FASTINIT_BENCH_FRAMEWORK_WIDTH", 4096))
DENSE = int(os.environ.get("FASTINIT_BENCH_FRAMEWORK_DENSE", 8))
CONV = int(os.environ.get("FASTINIT_BENCH_FRAMEWORK_CONV", 4))
CHANNELS = int(os.environ.get("FASTINIT_BENCH_FRAMEWORK_CHANNELS", 512))
NT = fastinit.get_num_threads()

KERAS_GROUP = f"keras Dense/Conv2D stack ({keras.backend.backend()} backend)"
FLAX_GROUP = "flax MLP init under jit"
KERAS_PARAMS = DENSE * WIDTH * WIDTH + CONV * 9 * CHANNELS * CHANNELS
FLAX_PARAMS = DENSE * WIDTH * WIDTH

#: best seconds per benchmark, for the ratios recorded in extra_info
BEST: dict[str, float] = {}


def _keras_model(module: Any) -> Any:
    """The Dense/Conv2D stack with ``module``'s (keras.initializers or fastinit.keras)
    classes, built: every variable created and initialized."""
    conv_input = keras.Input((16, 16, CHANNELS))
    x = conv_input
    for _ in range(CONV):
        x = keras.layers.Conv2D(CHANNELS, 3, padding="same",
                                kernel_initializer=module.HeNormal(seed=1),
                                bias_initializer=module.Zeros())(x)
    convs = keras.Model(conv_input, x)
    dense_input = keras.Input((WIDTH,))
    y = dense_input
    for _ in range(DENSE):
        y = keras.layers.Dense(WIDTH, kernel_initializer=module.GlorotUniform(seed=2),
                               bias_initializer=module.Zeros())(y)
    return convs, keras.Model(dense_input, y)


def _timed(benchmark: Any, target: Callable[[], Any], rounds: int = 3) -> None:
    held: list[Any] = []

    def before() -> None:
        held.clear()
        keras.backend.clear_session()
        gc.collect()

    def run() -> None:
        held.append(target())

    benchmark.pedantic(run, setup=before, rounds=rounds, warmup_rounds=1, iterations=1)
    held.clear()
    gc.collect()


def _record(benchmark: Any, throughput: Any, key: str, reference: str, params: int,
            **extra: Any) -> None:
    info = throughput(n=params, dtype="float32", threads=NT, params=params, **extra)
    if "best_s" not in info:  # --benchmark-disable: nothing was timed
        return
    BEST[key] = info["best_s"]
    if reference in BEST and key != reference:
        info[f"speedup_vs_{reference}"] = BEST[reference] / info["best_s"]


@pytest.mark.benchmark(group=KERAS_GROUP)
def test_keras_own_initializers(benchmark, throughput):
    _timed(benchmark, lambda: _keras_model(keras.initializers))
    _record(benchmark, throughput, "keras", "keras", KERAS_PARAMS,
            implementation="keras.initializers")


@pytest.mark.benchmark(group=KERAS_GROUP)
def test_keras_fastinit_initializers(benchmark, throughput):
    _timed(benchmark, lambda: _keras_model(fk))
    _record(benchmark, throughput, "keras-fastinit", "keras", KERAS_PARAMS,
            implementation="fastinit.keras")


class MLP(nn.Module):
    kernel_init: Callable

    @nn.compact
    def __call__(self, x: Any) -> Any:
        for _ in range(DENSE):
            x = nn.relu(nn.Dense(WIDTH, kernel_init=self.kernel_init)(x))
        return x


def _flax_init(kernel_init: Callable) -> Callable[[], Any]:
    init = jax.jit(MLP(kernel_init).init)
    x = jax.numpy.ones((1, WIDTH))
    keys = iter(range(1, 10_000))

    def run() -> Any:
        params = init(jax.random.key(next(keys)), x)
        return jax.block_until_ready(params)
    return run


@pytest.mark.benchmark(group=FLAX_GROUP)
def test_flax_own_initializers(benchmark, throughput):
    _timed(benchmark, _flax_init(jax.nn.initializers.lecun_normal()))
    _record(benchmark, throughput, "flax", "flax", FLAX_PARAMS,
            implementation="jax.nn.initializers")


@pytest.mark.benchmark(group=FLAX_GROUP)
def test_flax_fastinit_initializers(benchmark, throughput):
    _timed(benchmark, _flax_init(fj.lecun_normal()))
    _record(benchmark, throughput, "flax-fastinit", "flax", FLAX_PARAMS,
            implementation="fastinit.jax")
