"""fastinit.dask: Dask arrays bit-identical to local fills (issue 6).

Equality is checked against the local fastinit result on a real
``dask.distributed.LocalCluster`` with two worker processes.
"""
from __future__ import annotations

import importlib
import inspect
import io
import logging
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import fastinit

pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
import dask.array as da  # noqa: E402

import fastinit.dask as fd  # noqa: E402
import fastinit.initializers as inits  # noqa: E402

TIMEOUT = 60  # seconds for any one cluster round trip

DTYPES = ["float32", "float64", "float16", "bfloat16"]

# method name -> parameters, for both fd and local generators
METHODS = {
    "random": {},
    "uniform": {"low": -3.0, "high": 5.0},
    "standard_normal": {},
    "normal": {"loc": 1.5, "scale": 0.25},
    "truncated_normal": {"loc": 0.5, "scale": 2.0, "a": -1.0, "b": 4.0},
}

# (shape, chunks): regular, irregular, row-splitting, N-d, degenerate
CHUNKINGS = {
    "regular": ((240, 96), (60, 32)),
    "ragged-edge": ((250, 97), (64, 40)),
    "irregular": ((250, 97), ((1, 200, 49), (50, 1, 46))),
    "row-split": ((31, 257), (10, 100)),
    "column-strips": ((16, 12), (16, 1)),
    "single-element-blocks": ((3, 4), (1, 1)),
    "one-block": ((123, 45), (123, 45)),
    "row-bands": ((300, 40), (70, 40)),
    "1d": ((1001,), (250,)),
    "1d-irregular": ((1001,), ((1, 999, 1),)),
    "3d": ((9, 31, 17), (4, 16, 9)),
    "3d-irregular": ((9, 31, 17), ((2, 7), (30, 1), (3, 3, 11))),
    "4d": ((3, 5, 7, 11), (2, 3, 4, 6)),
    "4d-whole-trailing": ((3, 5, 7, 11), (2, 2, 7, 11)),
    "0d": ((), ()),
    "empty-axis": ((0, 17), (5, 5)),
    "zero-sized-chunk": ((10, 6), ((4, 0, 6), (6,))),
}

def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.fixture(scope="module")
def client():
    """Two worker processes, one thread each, on localhost; shut down after the module."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, memory_limit="2GiB", silence_logs=logging.ERROR)
    c = distributed.Client(cluster, timeout=TIMEOUT)
    try:
        c.wait_for_workers(2, timeout=TIMEOUT)
        yield c
    finally:
        c.close(timeout=TIMEOUT)
        cluster.close(timeout=TIMEOUT)


def compute(client, *arrays):
    """Compute on the cluster, bounded in time."""
    return [f.result(timeout=TIMEOUT) for f in client.compute(list(arrays))]


# ---------------------------------------------------------------- import --
def test_import_error_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.delitem(sys.modules, "fastinit.dask")
    with pytest.raises(ImportError, match=r'pip install "fastinit\[dask\]"'):
        importlib.import_module("fastinit.dask")


# ---------------------------------------------------------------- cluster --
def test_cluster_has_two_worker_processes(client):
    pids = client.run(os.getpid)
    assert len(pids) == 2
    assert len(set(pids.values())) == 2
    assert os.getpid() not in pids.values()


def draw_both(drng, lrng, method, shape, dtype, chunks):
    """The same draw from a fastinit.dask and a local generator."""
    params = METHODS[method]
    x = getattr(drng, method)(size=shape, dtype=dtype, chunks=chunks, **params)
    y = getattr(lrng, method)(size=shape, dtype=dtype, **params)
    assert drng.position == lrng.position
    return x, np.asarray(y, dtype=x.dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_chunkings_match_local_on_cluster(client, dtype):
    """Every chunking, with the methods taken in turn, in one stream of draws."""
    drng, lrng = fd.default_rng(2024), fastinit.default_rng(2024)
    methods = list(METHODS)
    pairs = [draw_both(drng, lrng, methods[i % len(methods)], shape, dtype, chunks)
             for i, (shape, chunks) in enumerate(CHUNKINGS.values())]
    got = compute(client, *(x for x, _ in pairs))
    for name, array, (_, want) in zip(CHUNKINGS, got, pairs):
        assert same_bits(array, want), (dtype, name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", list(METHODS))
def test_methods_match_local_on_cluster(client, method, dtype):
    """Each method and dtype, chunked irregularly across rows, in 3-d."""
    drng, lrng = fd.default_rng(7), fastinit.default_rng(7)
    first = draw_both(drng, lrng, method, (5, 40, 33), dtype, ((2, 3), (17, 23), (10, 23)))
    second = draw_both(drng, lrng, method, (77, 65), dtype, (20, 30))  # successive call
    for array, (_, want) in zip(compute(client, first[0], second[0]), (first, second)):
        assert same_bits(array, want)


def test_random_raw_matches_local_on_cluster(client):
    drng, lrng = fd.default_rng(5), fastinit.default_rng(5)
    arrays = [drng.random_raw(shape, chunks=chunks) for shape, chunks in CHUNKINGS.values()]
    expected = [np.asarray(lrng.random_raw(shape), dtype=np.uint32)
                for shape, _ in CHUNKINGS.values()]
    for name, got, want in zip(CHUNKINGS, compute(client, *arrays), expected):
        assert same_bits(got, want), name


def test_auto_chunks_multi_block_matches_local(client):
    with dask.config.set({"array.chunk-size": "1MiB"}):
        x = fd.default_rng(11).standard_normal((1500, 1100), dtype="float32", chunks="auto")
    assert x.numblocks[0] > 1 and x.numblocks[1] > 1
    (got,) = compute(client, x)
    assert same_bits(got, fastinit.default_rng(11).standard_normal((1500, 1100), dtype="float32"))


def test_successive_and_interleaved_draws_share_one_stream(client):
    local = fastinit.default_rng(99)
    shared = fastinit.default_rng(99)
    drng = fd.default_rng(shared)  # wraps, does not copy
    assert drng.local is shared
    a = drng.normal(2.0, 3.0, (100, 30), chunks=(33, 7))
    b = shared.random(17)  # a local draw on the same stream in between
    c = drng.random((40, 3), dtype="float16", chunks=(9, 2))
    want_a = local.normal(2.0, 3.0, (100, 30))
    want_b = local.random(17)
    want_c = local.random((40, 3), dtype="float16")
    got_a, got_c = compute(client, a, c)
    assert same_bits(got_a, want_a)
    assert same_bits(b, want_b)
    assert same_bits(got_c, want_c)
    assert drng.position == local.position == shared.position


def test_streams_and_spawn_match_local(client):
    drng, lrng = fd.default_rng(3), fastinit.default_rng(3)
    x = drng.stream("layer1.weight").standard_normal((64, 48), chunks=(10, 9))
    y = drng.spawn(2)[1].uniform(-1, 1, (64, 48), dtype="bfloat16", chunks=(64, 5))
    got_x, got_y = compute(client, x, y)
    assert same_bits(got_x, lrng.stream("layer1.weight").standard_normal((64, 48)))
    assert same_bits(got_y, lrng.spawn(2)[1].uniform(-1, 1, (64, 48), dtype="bfloat16"))
    assert drng.position == 0  # sub-streams do not advance the parent


def test_same_bits_for_any_thread_count(client):
    want = fastinit.default_rng(8).random((300, 301), dtype="float32")
    arrays = [fd.default_rng(8).random((300, 301), dtype="float32", chunks=(64, 100), n_threads=n)
              for n in (1, 2, -1)]
    for got in compute(client, *arrays):
        assert same_bits(got, want)


def test_small_to_zarr_on_cluster(client, tmp_path):
    zarr = pytest.importorskip("zarr")
    x = fd.default_rng(21).truncated_normal(0, 1, -2, 2, (200, 130), dtype="float32",
                                             chunks=(64, 50))
    path = str(tmp_path / "w.zarr")
    stored = x.to_zarr(path, compute=False)
    client.compute(stored).result(timeout=TIMEOUT)
    back = np.asarray(zarr.open_array(path, mode="r")[...])
    assert same_bits(back, fastinit.default_rng(21).truncated_normal(0, 1, -2, 2, (200, 130),
                                                                       dtype="float32"))


# ------------------------------------------------------------ the graph --
class _ArrayFinder(pickle.Pickler):
    """Pickles an object and records every ndarray (and draw description) met."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays = []
        self.draws = []

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray):
            self.arrays.append(obj.shape)
        elif isinstance(obj, fd._Draw):
            self.draws.append(obj)
        return NotImplemented


def test_graph_carries_no_data():
    # 4 GiB of float32 in 256 blocks: the graph must stay tiny and hold no arrays
    x = fd.default_rng(1).standard_normal((32768, 32768), dtype="float32", chunks=(2048, 2048))
    graph = dict(x.__dask_graph__())
    assert len(graph) == 256
    sizes, draws = [], set()
    for key, task in graph.items():
        buf = io.BytesIO()
        finder = _ArrayFinder(buf)
        finder.dump(task)
        assert finder.arrays == [], (key, finder.arrays)
        sizes.append(len(buf.getvalue()))
        draws.update(finder.draws)
    assert max(sizes) < 2048, max(sizes)
    # what every task does carry: the one description of the draw
    assert draws == {fd._Draw(fastinit.default_rng(1).key, 0, 0, "standard_normal", {},
                              (32768, 32768), "float32", None)}


def test_graph_pickled_for_the_scheduler_is_small(client):
    x = fd.default_rng(1).random((100_000, 100_000), dtype="float32", chunks=(10_000, 10_000))
    graph = dict(x.__dask_graph__())
    buf = io.BytesIO()
    finder = _ArrayFinder(buf)
    finder.dump(graph)
    assert finder.arrays == []
    assert len(buf.getvalue()) < 64 * 1024  # 40 GB of values described in < 64 KiB
    # the workers make any block of it: here a 3 x 4 corner, far into the stream
    y = fd.default_rng(1).random((100_000, 100_000), dtype="float32",
                                 chunks=((99_997, 3), (99_996, 4)))
    (corner,) = compute(client, y.blocks[1, 1])
    want = np.empty((3, 4), np.float32)
    for r in range(3):
        fastinit.default_rng(1).fill_at("random", want[r], (99_997 + r) * 100_000 + 99_996,
                                        position=0)
    assert same_bits(corner, want)


def test_names_are_deterministic_and_distinct():
    a1 = fd.default_rng(4).random((10, 10), chunks=5)
    a2 = fd.default_rng(4).random((10, 10), chunks=5)
    assert a1.name == a2.name
    rng = fd.default_rng(4)
    b1, b2 = rng.random((10, 10), chunks=5), rng.random((10, 10), chunks=5)
    assert b1.name != b2.name
    assert fd.default_rng(4).random((10, 10), chunks=2).name != a1.name
    assert fd.default_rng(4).normal(0, 2, (10, 10), chunks=5).name != \
        fd.default_rng(4).normal(0, 3, (10, 10), chunks=5).name
    assert a1.name.startswith("fastinit-random-")


# ------------------------------------------------------------- row maps --
@pytest.mark.parametrize("shape,chunks", list(CHUNKINGS.values()), ids=list(CHUNKINGS))
def test_row_offsets_against_arange(shape, chunks):
    index = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    blocks = da.from_array(index, chunks=chunks)
    starts = [np.cumsum((0,) + c) for c in blocks.chunks]
    for block_id in np.ndindex(*blocks.numblocks):
        location = [(int(s[i]), int(s[i + 1])) for s, i in zip(starts, block_id)]
        want = index[tuple(slice(a, b) for a, b in location)]
        if want.size == 0:
            continue
        offsets = fd._row_offsets(shape, location)
        rows = want.reshape(len(offsets), -1)
        assert np.array_equal(rows[:, 0], offsets)
        assert np.array_equal(rows, offsets[:, None] + np.arange(rows.shape[1]))


def test_row_offsets_merge_whole_trailing_axes():
    assert fd._row_offsets((300, 40), [(7, 14), (0, 40)]).tolist() == [280]
    assert fd._row_offsets((3, 5, 7, 11), [(0, 2), (2, 4), (0, 7), (0, 11)]).tolist() == [154, 539]
    assert len(fd._row_offsets((64, 50), [(0, 64), (3, 4)])) == 64


# -------------------------------------------------------------- threads --
def test_task_threads_policy(client):
    # a distributed worker: one thread per task (the worker's pool is its budget)
    futures = [client.submit(fd._task_threads, pure=False, workers=[w])
               for w in client.scheduler_info()["workers"]]
    assert [f.result(timeout=TIMEOUT) for f in futures] == [1, 1]
    assert client.submit(fd._task_threads, 2, pure=False).result(timeout=TIMEOUT) == 2
    # Dask's threaded scheduler: one per pool thread; synchronous: the default
    assert dask.delayed(fd._task_threads)().compute(scheduler="threads") == 1
    assert dask.delayed(fd._task_threads)().compute(scheduler="sync") == fastinit.get_num_threads()
    assert fd._task_threads(3) == 3


def test_threaded_and_sync_schedulers_match_local():
    want = fastinit.default_rng(6).normal(0, 2, (130, 70), dtype="bfloat16")
    for scheduler in ("threads", "sync"):
        x = fd.default_rng(6).normal(0, 2, (130, 70), dtype="bfloat16", chunks=(20, 30))
        assert same_bits(x.compute(scheduler=scheduler), want), scheduler


# ----------------------------------------------------------- bad input --
@pytest.mark.parametrize("call,exc,match", [
    (lambda r: r.random((4, 4), chunks=(3,)), ValueError, "chunks"),
    (lambda r: r.random((4, 4), chunks=((3, 3), (4,))), ValueError, "chunks"),
    (lambda r: r.random((4, 4), chunks=(0, 2)), ValueError, "chunks"),
    (lambda r: r.random((4, 4), chunks="bogus"), ValueError, "chunks"),
    (lambda r: r.random((4, -1), chunks=2), ValueError, "size"),
    (lambda r: r.random("big", chunks=2), TypeError, "size"),
    (lambda r: r.random((4, 4), dtype="int32", chunks=2), TypeError, "dtype"),
    (lambda r: r.normal(0, -1, (4, 4), chunks=2), ValueError, "scale"),
    (lambda r: r.uniform(2, 1, (4, 4), chunks=2), ValueError, "low"),
    (lambda r: r.truncated_normal(0, 1, 2, 1, (4, 4), chunks=2), ValueError, "a must be < b"),
    (lambda r: r.random((4, 4), chunks=2, n_threads=0), ValueError, "n_threads"),
    (lambda r: r.random((4, 4), chunks=2, n_threads=1.5), TypeError, "n_threads"),
])
def test_bad_input_raises_and_reserves_nothing(call, exc, match):
    rng = fd.default_rng(0)
    with pytest.raises(exc, match=match):
        call(rng)
    assert rng.position == 0


def test_default_rng_accepts_generators():
    drng = fd.default_rng(1)
    assert fd.default_rng(drng) is drng
    assert fd.Generator(drng).local is drng.local
    local = fastinit.default_rng(1)
    assert fd.default_rng(local).local is local
    assert fd.default_rng(np.random.SeedSequence(1)).key == local.key
    with pytest.raises(TypeError, match="seed"):
        fd.default_rng("one")


def test_draw_description_pickles_and_tokenizes():
    draw = fd._Draw((1, 2), 3, 4, "uniform", {"low": 0.0, "high": 1.0}, (10, 3), "float16", None)
    again = pickle.loads(pickle.dumps(draw))
    assert again == draw and repr(again) == repr(draw)
    assert dask.base.tokenize(draw) == dask.base.tokenize(again)
    moved = fd._Draw((1, 2), 3, 5, "uniform", {"low": 0.0, "high": 1.0}, (10, 3), "float16", None)
    assert dask.base.tokenize(moved) != dask.base.tokenize(draw)


# ------------------------------------------------------ array-expr mode --
def test_query_planning_mode_matches_local():
    """Dask's newer array-expression collections build the same blocks."""
    code = textwrap.dedent("""
        import dask
        dask.config.set({"array.query-planning": True})
        import dask.array as da, numpy as np, fastinit, fastinit.dask as fd
        from dask.array import _array_expr
        x = fd.default_rng(5).standard_normal((50, 37), dtype="float32", chunks=((7, 43), (36, 1)))
        assert type(x).__module__.startswith("dask.array._array_expr"), type(x)
        y = fastinit.default_rng(5).standard_normal((50, 37), dtype="float32")
        assert x.compute(scheduler="threads").tobytes() == y.tobytes()
        print("OK")
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=TIMEOUT, env=env)
    assert done.returncode == 0 and "OK" in done.stdout, done.stderr[-3000:]


# --------------------------------------------------------- initializers --
NOT_ELEMENTWISE = {"orthogonal", "identity", "eye", "dirac", "sparse"}
ELEMENTWISE = [n for n in inits.FUNCTIONS if n not in NOT_ELEMENTWISE]

# name -> (shape, kwargs) for one call; other names use SHAPE_2D and no kwargs
SHAPE_2D = (96, 70)
SHAPE_CONV = (12, 10, 3, 5)
CALLS = {
    "constant": [(SHAPE_2D, {"value": 0.1})],
    "random_normal": [(SHAPE_2D, {"mean": 1.0, "stddev": 0.3})],
    "random_uniform": [(SHAPE_2D, {"minval": -2.0, "maxval": 0.5})],
    "truncated_normal": [(SHAPE_2D, {"stddev": 0.5, "a": -0.3, "b": 0.9, "layout": "torch"}),
                         (SHAPE_2D, {"stddev": 0.5, "layout": "keras"})],
    "variance_scaling": [(SHAPE_CONV, {"scale": 2.0, "mode": "fan_avg",
                                       "distribution": d, "layout": "keras"})
                         for d in ("truncated_normal", "normal", "uniform")],
    "he_normal": [(SHAPE_CONV, {"layout": "torch"}), (SHAPE_CONV, {"layout": "keras"}),
                  (SHAPE_2D, {"a": 0.1, "mode": "fan_out", "nonlinearity": "leaky_relu",
                              "layout": "torch"})],
    "glorot_uniform": [(SHAPE_CONV, {"gain": 2.0, "layout": "torch"}),
                       (SHAPE_CONV, {"layout": "jax"})],
    "torch_default_bias": [((70,), {"fan_in": 70, "layout": "torch"}),
                           ((12,), {"weight_shape": SHAPE_CONV, "layout": "torch"})],
}
INIT_CHUNKS = {2: ((10, 50, 36), (1, 69)), 4: ((5, 7), (3, 7), (2, 1), (4, 1)),
               1: 7}


def _initializer_cases():
    for name in ELEMENTWISE:
        default = {"layout": "torch"} if inits.layout_dependent(name) else {}
        for shape, kwargs in CALLS.get(name, [(SHAPE_2D, default)]):
            yield name, shape, kwargs


@pytest.mark.parametrize("dtype", DTYPES)
def test_initializers_match_local_on_cluster(client, dtype):
    arrays, expected, labels = [], [], []
    for i, (name, shape, kwargs) in enumerate(_initializer_cases()):
        arrays.append(getattr(fd, name)(shape, dtype, chunks=INIT_CHUNKS[len(shape)],
                                        seed=100 + i, **kwargs))
        expected.append(getattr(inits, name)(shape, dtype, seed=100 + i, **kwargs))
        labels.append((name, kwargs))
    assert len(labels) > len(ELEMENTWISE)
    for label, got, want in zip(labels, compute(client, *arrays), expected):
        assert same_bits(got, want), (dtype, label)


def test_initializer_rng_reserves_the_local_range(client):
    drng, lrng = fd.default_rng(12), fastinit.default_rng(12)
    x = fd.he_uniform(SHAPE_CONV, "bfloat16", chunks=(5, 5, 3, 2), layout="torch", rng=drng)
    y = fd.zeros(SHAPE_2D, chunks=10, rng=drng)  # draws nothing, as locally
    z = drng.standard_normal(10, chunks=3)
    w = fd.glorot_normal(SHAPE_2D, "float64", chunks=(9, 70), layout="keras",
                         rng=drng.local)  # a local Generator
    want_x = inits.he_uniform(SHAPE_CONV, "bfloat16", layout="torch", rng=lrng)
    want_y = inits.zeros(SHAPE_2D, rng=lrng)
    want_z = lrng.standard_normal(10)
    want_w = inits.glorot_normal(SHAPE_2D, "float64", layout="keras", rng=lrng)
    assert drng.position == lrng.position
    for got, want in zip(compute(client, x, y, z, w), (want_x, want_y, want_z, want_w)):
        assert same_bits(got, want)


def test_initializer_from_names_configs_and_objects():
    shape, chunks = (40, 30), (16, 7)
    cases = [
        (("he_normal",), {"layout": "keras"}, inits.get("he_normal", layout="keras")),
        (({"class_name": "RandomNormal", "config": {"stddev": 0.2}},), {},
         inits.RandomNormal(stddev=0.2)),
        ((inits.VarianceScaling(3.0, "fan_out", "uniform", layout="keras"),), {},
         inits.VarianceScaling(3.0, "fan_out", "uniform", layout="keras")),
        (("truncated_normal",), {"stddev": 0.1, "layout": "torch", "a": -0.1, "b": 0.2},
         inits.TruncatedNormal(stddev=0.1, layout="torch", a=-0.1, b=0.2)),
    ]
    for args, kwargs, local in cases:
        got = fd.initializer(*args, shape, chunks=chunks, seed=3, **kwargs).compute()
        assert same_bits(got, local(shape, seed=3)), args
    # an initializer's own seed is used when the call has none, as locally
    own = inits.RandomUniform(seed=11)
    assert same_bits(fd.initializer(own, shape, chunks=chunks).compute(), own(shape))
    # the convention rule holds here too: no layout, no guess
    got = fd.truncated_normal(shape, chunks=chunks, seed=1, stddev=1.0, a=-0.5, b=0.5,
                              layout="torch")
    assert float(abs(got).max().compute()) <= 0.5
    for call in (lambda: fd.he_normal(shape, chunks=chunks, seed=1),
                 lambda: fd.initializer("he_normal", shape, chunks=chunks, seed=1)):
        with pytest.raises(TypeError, match="layout='torch'.*'keras'.*'jax'"):
            call()


@pytest.mark.parametrize("name", sorted(NOT_ELEMENTWISE))
def test_not_elementwise_initializers_say_so(name):
    shape = (4, 4, 3, 3) if name == "dirac" else (6, 6)
    kw = {"layout": "torch"} if inits.layout_dependent(name) else {}
    with pytest.raises(NotImplementedError, match="not elementwise"):
        getattr(fd, name)(shape, chunks=3, seed=0, **kw)
    with pytest.raises(NotImplementedError, match="not elementwise"):
        fd.initializer(name, shape, chunks=3, seed=0, **kw)


T = "torch"


@pytest.mark.parametrize("call,exc,match", [
    (lambda r: fd.he_normal((8, 8), chunks=4, layout=T, seed=1, rng=r), ValueError, "seed or rng"),
    (lambda r: fd.he_normal((8, 8), chunks=4, layout=T, rng="rng"), TypeError, "rng"),
    (lambda r: fd.he_normal((8, 8), chunks=4, layout=T, rng=r, gain=2.0), TypeError, "gain"),
    (lambda r: fd.he_normal((8, 8), chunks=(3,), layout=T, rng=r), ValueError, "chunks"),
    (lambda r: fd.he_normal(None, chunks=4, layout=T, rng=r), TypeError, "shape"),
    (lambda r: fd.he_normal((8, 8), "int8", chunks=4, layout=T, rng=r), TypeError, "dtype"),
    (lambda r: fd.he_normal((8, 8), chunks=4, layout=T, rng=r, mode="fan_sideways"),
     ValueError, "mode"),
    (lambda r: fd.constant((8, 8), "float16", chunks=4, value=1e6), ValueError, "value"),
    (lambda r: fd.initializer("no_such_init", (8, 8), rng=r), ValueError, "no_such_init"),
    (lambda r: fd.random_normal((8, 8), chunks=4, rng=r, n_threads=0), ValueError, "n_threads"),
])
def test_initializer_bad_input(call, exc, match):
    rng = fd.default_rng(0)
    with pytest.raises(exc, match=match):
        call(rng)
    assert rng.position == 0


def test_initializer_graph_carries_no_data():
    x = fd.he_normal((65536, 65536), chunks="auto", layout="torch", seed=7)  # 16 GiB, lazily
    for task in dict(x.__dask_graph__()).values():
        finder = _ArrayFinder(io.BytesIO())
        finder.dump(task)
        assert finder.arrays == []
    init = inits.HeNormal(layout="torch")
    assert x.dtype == np.float32
    (draw,) = {d for t in dict(x.__dask_graph__()).values()
               for d in _draws_in(t)}
    assert (draw.method, draw.params) == init.plan((65536, 65536))


def _draws_in(task):
    finder = _ArrayFinder(io.BytesIO())
    finder.dump(task)
    return finder.draws


def test_functions_cover_the_catalogue():
    for name in inits.FUNCTIONS:
        fn = getattr(fd, name)
        assert name in fd.__all__
        params = set(inspect.signature(fn).parameters)
        local = set(inspect.signature(getattr(inits, name)).parameters)
        assert params == (local - {"out"}) | {"chunks"}, name
