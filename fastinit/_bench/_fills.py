"""What is timed: one zero-argument fill per (implementation, operation, dtype, size).

``fastinit bench`` and the pytest-benchmark suite in ``bench/`` both build
their callables here, so the two time exactly the same code on the same
arrays.  Everything that is not the fill itself (generators, thread pools,
scratch buffers, the output array) is set up before the clock starts.
"""
from __future__ import annotations

import concurrent.futures
import importlib.util
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from .. import _core
from .._dtypes import resolve_float_dtype
from .._threads import resolve_threads

#: The distributions timed, in table order.
OPERATIONS: tuple[str, ...] = (
    "random", "uniform", "standard_normal", "normal", "truncated_normal",
)

#: The dtypes timed, in table order.
DTYPES: tuple[str, ...] = ("float32", "float64", "float16", "bfloat16")

#: Parameters used for the non-standard distributions: typical weight-init values.
PARAMS: dict[str, dict[str, float]] = {
    "random": {},
    "uniform": {"low": -0.05, "high": 0.05},
    "standard_normal": {},
    "normal": {"loc": 0.0, "scale": 0.02},
    "truncated_normal": {"loc": 0.0, "scale": 0.02, "a": -0.04, "b": 0.04},
}

#: Implementation keys, in table order.
IMPLEMENTATIONS: tuple[str, ...] = (
    "fastinit", "numpy-pcg64", "numpy-philox", "numpy-sfc64", "numpy-threaded",
    "torch", "bandwidth",
)

#: The implementation the "x NumPy" ratio is taken against.
REFERENCE = "numpy-pcg64"

#: The memory-bandwidth baseline's key.
BASELINE = "bandwidth"

_NUMPY_BITGENS = {
    "numpy-pcg64": ("PCG64", np.random.PCG64),
    "numpy-philox": ("Philox", np.random.Philox),
    "numpy-sfc64": ("SFC64", np.random.SFC64),
}

# A non-zero bit pattern per element size for the plain-store baseline (1.0 in
# float64 / float32 / float16; the value does not change the cost of a store).
_STORE_BITS = {8: 0x3FF0000000000000, 4: 0x3F800000, 2: 0x3C00, 1: 0x01}


@dataclass
class Fill:
    """One timed callable and what it stands for.

    Attributes
    ----------
    impl : str
        Implementation key (one of :data:`IMPLEMENTATIONS`).
    label : str
        Human-readable name for tables and plots.
    op, dtype : str
        Operation (one of :data:`OPERATIONS`) and dtype name.
    n : int
        Elements written per call.
    threads : int
        Threads the implementation uses (torch: its intra-op thread count).
    fresh : bool
        True when each call allocates its output (first touch included).
    recipe : str
        The code being timed, for reports.
    call : callable
        Zero-argument callable doing one fill.
    """

    impl: str
    label: str
    op: str
    dtype: str
    n: int
    threads: int
    fresh: bool
    recipe: str
    call: Callable[[], Any]
    _cleanup: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def itemsize(self) -> int:
        """Bytes per element of the output."""
        return resolve_float_dtype(self.dtype).itemsize

    @property
    def nbytes(self) -> int:
        """Bytes written per call."""
        return self.n * self.itemsize

    def info(self) -> dict[str, Any]:
        """The descriptive fields, as a JSON-able dict."""
        return {
            "impl": self.impl, "label": self.label, "op": self.op, "dtype": self.dtype,
            "n": self.n, "threads": self.threads, "fresh": self.fresh,
            "recipe": self.recipe, "bytes": self.nbytes,
        }

    def close(self) -> None:
        """Release thread pools and scratch buffers (idempotent)."""
        while self._cleanup:
            self._cleanup.pop()()

    def __enter__(self) -> "Fill":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def torch_available() -> bool:
    """Whether PyTorch can be imported (without importing it)."""
    return importlib.util.find_spec("torch") is not None


def touched(n: int, dtype: str) -> np.ndarray:
    """A preallocated output whose pages have all been written once.

    Parameters
    ----------
    n : int
        Number of elements.
    dtype : str
        One of :data:`DTYPES`.

    Returns
    -------
    numpy.ndarray
        1-D, C-contiguous, zero-filled.
    """
    out = np.empty(n, resolve_float_dtype(dtype))
    out.view(np.uint8).fill(0)
    return out


def make_fill(impl: str, op: str, dtype: str, out: Optional[np.ndarray] = None, *,
              n: Optional[int] = None, threads: Optional[int] = None, fresh: bool = False,
              seed: int = 20240601) -> Optional[Fill]:
    """Build the timed callable for one implementation.

    Parameters
    ----------
    impl : str
        One of :data:`IMPLEMENTATIONS`.
    op : str
        One of :data:`OPERATIONS`; parameters come from :data:`PARAMS`.
    dtype : str
        One of :data:`DTYPES`.
    out : numpy.ndarray, optional
        The preallocated, already-touched 1-D output (see :func:`touched`);
        required unless ``fresh``.
    n : int, optional
        Elements per call when ``fresh`` (default ``out.size``).
    threads : int, optional
        Thread count for fastinit, the NumPy thread-pool recipe and the
        bandwidth baseline (default: ``fastinit.get_num_threads()``).  NumPy
        generators are single-threaded; torch uses its own setting.
    fresh : bool
        Time allocation + fill: each call returns a new array.
    seed : int
        Seed for every generator.

    Returns
    -------
    Fill or None
        None when ``impl`` has no way to do ``op`` in ``dtype`` (NumPy has no
        truncated normal), is not installed (torch), or has no fresh variant.
    """
    if op not in OPERATIONS:
        raise ValueError(f"op must be one of {OPERATIONS}, got {op!r}")
    if impl not in IMPLEMENTATIONS:
        raise ValueError(f"impl must be one of {IMPLEMENTATIONS}, got {impl!r}")
    dt = resolve_float_dtype(dtype)
    dtype = "bfloat16" if dt.name == "bfloat16" else dt.name
    if fresh:
        if n is None:
            n = out.size if out is not None else None
        if n is None:
            raise ValueError("fresh fills need n")
        out = None
    else:
        if out is None:
            raise ValueError("in-place fills need a preallocated out (see touched())")
        if out.dtype != dt or out.ndim != 1 or not out.flags.c_contiguous:
            raise ValueError(f"out must be a 1-D C-contiguous {dtype} array")
        n = out.size
    nt = resolve_threads(threads)
    builder = _BUILDERS[impl]
    return builder(op=op, dt=dt, dtype=dtype, out=out, n=int(n), nt=nt, fresh=fresh, seed=seed)


# ------------------------------------------------------------------ fastinit --
def _fastinit(*, op: str, dt: np.dtype, dtype: str, out: Optional[np.ndarray], n: int,
              nt: int, fresh: bool, seed: int) -> Fill:
    import fastinit

    method = getattr(fastinit.default_rng(seed), op)
    params = PARAMS[op]
    args = "".join(f"{k}={v!r}, " for k, v in params.items())
    if fresh:
        def call() -> Any:
            return method(**params, size=n, dtype=dt, n_threads=nt)
        recipe = f"rng.{op}({args}size=n, dtype={dtype}, n_threads={nt})"
    else:
        def call() -> Any:
            return method(**params, out=out, n_threads=nt)
        recipe = f"rng.{op}({args}out=out, n_threads={nt})"
    return Fill("fastinit", "fastinit", op, dtype, n, nt, fresh, recipe, call)


# --------------------------------------------------------------------- NumPy --
def _numpy_body(gen: np.random.Generator, op: str, dt: np.dtype,
                target: np.ndarray) -> tuple[Optional[Callable[[], None]], str, list]:
    """An in-place NumPy fill of ``target`` (or None) and its recipe.

    NumPy fills in place only with ``random`` and ``standard_normal`` in
    float32/float64; ``uniform``/``normal`` are those plus an in-place affine
    map (NumPy's own ``uniform``/``normal`` have neither ``out`` nor
    ``dtype``).  float16/bfloat16 are drawn in float32 into a preallocated
    scratch array and cast into ``target``.  NumPy has no truncated normal.
    """
    if op == "truncated_normal":
        return None, "", []
    base = "random" if op in ("random", "uniform") else "standard_normal"
    draw = getattr(gen, base)
    p = PARAMS[op]
    if op == "uniform":
        scale, shift = p["high"] - p["low"], p["low"]
    elif op == "normal":
        scale, shift = p["scale"], p["loc"]
    else:
        scale, shift = None, None
    native = dt in (np.dtype(np.float32), np.dtype(np.float64))
    if native:
        buf, keep = target, []
    else:
        buf = np.zeros(target.size, np.float32)  # preallocated and touched
        keep = [buf]
    draw_dt = buf.dtype

    def body() -> None:
        draw(dtype=draw_dt, out=buf)
        if scale is not None:
            np.multiply(buf, scale, out=buf)
            np.add(buf, shift, out=buf)
        if not native:
            np.copyto(target, buf, casting="unsafe")

    recipe = f"{base}(dtype={draw_dt.name}, out={'out' if native else 'f32'})"
    if scale is not None:
        recipe += f"; *= {scale!r}; += {shift!r}"
    if not native:
        recipe += "; out[:] = f32"
    return body, recipe, keep


def _numpy(impl: str) -> Callable[..., Optional[Fill]]:
    name, bitgen = _NUMPY_BITGENS[impl]

    def build(*, op: str, dt: np.dtype, dtype: str, out: Optional[np.ndarray], n: int,
              nt: int, fresh: bool, seed: int) -> Optional[Fill]:
        gen = np.random.Generator(bitgen(seed))
        label = f"NumPy {name}"
        if fresh:
            if op not in ("random", "standard_normal") or dtype not in ("float32", "float64"):
                return None
            method = getattr(gen, op)

            def call() -> Any:
                return method(n, dtype=dt)
            return Fill(impl, label, op, dtype, n, 1, True,
                        f"Generator({name}).{op}(n, dtype={dtype})", call)
        body, recipe, keep = _numpy_body(gen, op, dt, out)
        if body is None:
            return None
        return Fill(impl, label, op, dtype, n, 1, False, f"Generator({name}).{recipe}", body,
                    [keep.clear])
    return build


def _numpy_threaded(*, op: str, dt: np.dtype, dtype: str, out: Optional[np.ndarray], n: int,
                    nt: int, fresh: bool, seed: int) -> Optional[Fill]:
    """NumPy's documented recipe ("Multithreaded Generation"): one PCG64
    Generator per thread from ``SeedSequence(seed).spawn(threads)``, a
    long-lived ThreadPoolExecutor, each thread filling its contiguous slice
    with ``out=`` (NumPy releases the GIL while it fills)."""
    if fresh or op == "truncated_normal":
        return None
    gens = [np.random.Generator(np.random.PCG64(s))
            for s in np.random.SeedSequence(seed).spawn(nt)]
    step = math.ceil(n / nt)
    bodies, keep = [], []
    recipe = ""
    for i, gen in enumerate(gens):
        piece = out[i * step:(i + 1) * step]
        if piece.size == 0:
            continue
        body, recipe, k = _numpy_body(gen, op, dt, piece)
        bodies.append(body)
        keep.extend(k)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=nt)

    def run(body: Callable[[], None]) -> None:
        body()

    def call() -> None:
        for _ in pool.map(run, bodies):
            pass

    def cleanup() -> None:
        pool.shutdown(wait=True)
        keep.clear()

    return Fill("numpy-threaded", f"NumPy threaded ({nt}xPCG64)", op, dtype, n, nt, False,
                f"ThreadPoolExecutor({nt}) x Generator(PCG64(spawned)).{recipe} on slices",
                call, [cleanup])


# --------------------------------------------------------------------- torch --
def _torch(*, op: str, dt: np.dtype, dtype: str, out: Optional[np.ndarray], n: int,
           nt: int, fresh: bool, seed: int) -> Optional[Fill]:
    if not torch_available():
        return None
    import torch

    torch.manual_seed(seed)
    tdt = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
           "bfloat16": torch.bfloat16}[dtype]
    threads = torch.get_num_threads()
    p = PARAMS[op]
    if fresh:
        if op == "standard_normal":
            def call() -> Any:
                return torch.randn(n, dtype=tdt)
            recipe = f"torch.randn(n, dtype=torch.{dtype})"
        elif op == "random":
            def call() -> Any:
                return torch.rand(n, dtype=tdt)
            recipe = f"torch.rand(n, dtype=torch.{dtype})"
        else:
            return None
        return Fill("torch", "torch", op, dtype, n, threads, True, recipe, call)
    if dtype == "bfloat16":  # torch.from_numpy does not know ml_dtypes' bfloat16
        t = torch.from_numpy(out.view(np.uint16)).view(torch.bfloat16)
    else:
        t = torch.from_numpy(out)
    if op == "random":
        def call() -> Any:
            return t.uniform_()
        recipe = "t.uniform_()"
    elif op == "uniform":
        lo, hi = p["low"], p["high"]

        def call() -> Any:
            return t.uniform_(lo, hi)
        recipe = f"t.uniform_({lo!r}, {hi!r})"
    elif op == "standard_normal":
        def call() -> Any:
            return t.normal_()
        recipe = "t.normal_()"
    elif op == "normal":
        loc, scale = p["loc"], p["scale"]

        def call() -> Any:
            return t.normal_(loc, scale)
        recipe = f"t.normal_({loc!r}, {scale!r})"
    else:
        loc, scale, a, b = p["loc"], p["scale"], p["a"], p["b"]
        init = torch.nn.init.trunc_normal_

        def call() -> Any:
            return init(t, loc, scale, a, b)
        recipe = f"torch.nn.init.trunc_normal_(t, {loc!r}, {scale!r}, {a!r}, {b!r})"
    return Fill("torch", "torch", op, dtype, n, threads, False, recipe + " (t = from_numpy(out))",
                call)


# ----------------------------------------------------------------- baseline --
def _bandwidth(*, op: str, dt: np.dtype, dtype: str, out: Optional[np.ndarray], n: int,
               nt: int, fresh: bool, seed: int) -> Fill:
    """A plain parallel store of the same bytes: what the memory system allows."""
    bits = _STORE_BITS[dt.itemsize]
    store = _core.fill_constant
    if fresh:
        def call() -> Any:
            target = np.empty(n, dt)
            store(target, bits, nt)
            return target
        recipe = f"np.empty(n, {dtype}) + fill_constant(n_threads={nt})"
    else:
        def call() -> Any:
            store(out, bits, nt)
        recipe = f"fill_constant(out, {bits:#x}, n_threads={nt})"
    return Fill("bandwidth", "plain store (bandwidth)", op, dtype, n, nt, fresh, recipe, call)


_BUILDERS: dict[str, Callable[..., Optional[Fill]]] = {
    "fastinit": _fastinit,
    "numpy-pcg64": _numpy("numpy-pcg64"),
    "numpy-philox": _numpy("numpy-philox"),
    "numpy-sfc64": _numpy("numpy-sfc64"),
    "numpy-threaded": _numpy_threaded,
    "torch": _torch,
    "bandwidth": _bandwidth,
}
