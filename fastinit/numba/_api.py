"""``@fastinit.distribution``: user-written distributions on fastinit's stream.

This module does not import Numba: a distribution is compiled on first use,
so ``import fastinit`` stays fast.
"""
from __future__ import annotations

import contextlib
import inspect
import math
import signal
import sys
import threading
import time
from typing import Any, Callable, Iterator, Mapping, Optional, Union, overload

import numpy as np

from .. import _dtypes, _threads
from .._generator import Generator
from .._limits import BLOCK_WORDS, ROUND_PER_THREAD, SERIAL_BELOW, check_position, check_stream_end
from .._methods import METHODS
from .._validation import (
    SizeLike,
    check_out,
    finish_torch_out,
    finite as _finite,
    integer,
    non_negative as _non_negative,
    piece_rows,
    positive as _positive,
    real as _real,
    resolve_draw,
    torch_out_array,
)

__all__ = ["BASES", "CompileError", "NonFiniteError", "Distribution", "distribution", "sample",
           "fill_at"]

#: Base variates a distribution can take (``base=``): "uniform" (``random``'s
#: float64 uniforms) or one of these methods of the table, drawn by the C core
#: in float64 with their default parameters (two stream words per variate).
BASES = ("uniform", "standard_normal", "standard_exponential", "laplace", "logistic", "gumbel")
_BASE_METHOD = {"uniform": "random"}

#: Target duration of one kernel call: the longest Ctrl-C waits for the kernel.
_ROUND_SECONDS = 0.05

_MODE_OF = {
    np.dtype(np.float64): "f64",
    np.dtype(np.float32): "f32",
    np.dtype(np.float16): "f16",
    _dtypes.bfloat16: "bf16",
}


def _probability(value: object, argname: str) -> float:
    v = _finite(value, argname)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{argname} must be in [0, 1], got {v}")
    return v


#: Parameter constraints, as for the built-in methods.
CONSTRAINTS: dict[str, Callable[[object, str], float]] = {
    "finite": _finite,
    "positive": _positive,
    "non_negative": _non_negative,
    "real": _real,  # any non-NaN value, infinities allowed
    "probability": _probability,
}


class CompileError(TypeError):
    """Numba could not compile a distribution's function (the message names
    the function and carries Numba's reason)."""


class NonFiniteError(ValueError):
    """A distribution's function returned NaN (or, with ``finite=True``, an
    infinity or a value that overflows the output dtype) for valid input."""


class Distribution:
    """A distribution defined by a scalar transform of uniforms.

    Made by :func:`distribution`; see there for the contract.  Calling the
    object evaluates the transform once (``dist(0.25, scale=2.0)``), which is
    handy to test it.

    Attributes
    ----------
    name : str
        The function's qualified name.
    uniforms : int
        Uniforms per element, ``k``; each element consumes ``2 * k`` stream
        words (``words_per_element``).
    params : tuple of str
        Names of the parameters after the uniforms.
    defaults : dict
        Their default values (a parameter without one must be given).
    interval : {"open", "half-open"}
        Whether a uniform of exactly 0.0 is replaced by 2**-54.
    finite : bool
        Whether an infinite result is an error (NaN always is).
    """

    def __init__(self, func: Callable[..., float], *, uniforms: int = 1,
                 interval: Optional[str] = "open", finite: bool = True,
                 constraints: Optional[Mapping[str, Union[str, Callable[[object, str], float]]]] = None,
                 validate: Optional[Callable[[dict], None]] = None, base: str = "uniform") -> None:
        if not callable(func) or not hasattr(func, "__code__"):
            raise TypeError(f"distribution needs a Python function, got {func!r}")
        k = uniforms
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"uniforms must be an int >= 1, got {uniforms!r}")
        if base not in BASES:
            raise ValueError(f"base must be one of {list(BASES)}, got {base!r}")
        if base == "uniform" and interval not in ("open", "half-open"):
            raise ValueError(f"interval must be 'open' or 'half-open', got {interval!r}")
        if base != "uniform" and interval not in ("open", None):
            raise ValueError(f"interval={interval!r} applies to uniforms only, not to "
                             f"base={base!r}")
        spec = METHODS[_BASE_METHOD.get(base, base)]
        self._func = func
        self.name = (f"{func.__module__}.{func.__qualname__}" if func.__module__
                     else func.__qualname__)
        self.uniforms = int(k)
        #: what each of the first ``uniforms`` arguments receives: uniforms, or
        #: the standard variates of one of the core's methods (``BASES``)
        self.base = base
        self.kind = spec.kind
        self.interval = interval if base == "uniform" else None
        if spec.words_per_element(np.dtype(np.float64)) != 2:  # the kernels' layout
            raise AssertionError(f"{base} takes other than two words per float64 value")
        self.finite = bool(finite)
        self._validate = validate
        sig = inspect.signature(func)
        plist = list(sig.parameters.values())
        for p in plist:
            if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                raise TypeError(
                    f"distribution {self.name}: parameter {p.name!r} is {p.kind.description}; "
                    f"use plain parameters: {self.uniforms} uniform(s) first, then the "
                    "distribution's parameters (with defaults, or given at each call)")
        if len(plist) < self.uniforms:
            raise TypeError(f"distribution {self.name} must take {self.uniforms} uniform(s) as "
                            f"its first parameters; its signature is {sig}")
        for p in plist[:self.uniforms]:
            if p.default is not p.empty:
                raise TypeError(f"distribution {self.name}: uniform parameter {p.name!r} must "
                                "not have a default")
        self.params = tuple(p.name for p in plist[self.uniforms:])
        self.defaults = {p.name: p.default for p in plist[self.uniforms:] if p.default is not p.empty}
        self._checks: dict[str, Callable[[object, str], float]] = {}
        for name in self.params:
            rule = (constraints or {}).get(name, "finite")
            if isinstance(rule, str):
                if rule not in CONSTRAINTS:
                    raise ValueError(f"constraints[{name!r}] must be one of {sorted(CONSTRAINTS)} "
                                     f"or a callable, got {rule!r}")
                rule = CONSTRAINTS[rule]
            elif not callable(rule):
                raise TypeError(f"constraints[{name!r}] must be a string or a callable")
            self._checks[name] = rule
        unknown = set(constraints or {}) - set(self.params)
        if unknown:
            raise ValueError(f"constraints name unknown parameters {sorted(unknown)}; "
                             f"{self.name} has {list(self.params)}")
        for name, value in self.defaults.items():  # defaults must pass their own checks
            self._checks[name](value, f"default of {name}")
        self._lock = threading.Lock()
        self._jit: Any = None
        self._cacheable = True
        self._kernels: Any = None
        #: seconds the first fill of each output mode took to compile (or load)
        self.compile_seconds: dict[str, float] = {}
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__wrapped__ = func

    # ------------------------------------------------------------ basics --
    @property
    def words_per_element(self) -> int:
        """32-bit stream words per element: two per uniform (float64 uniforms)."""
        return 2 * self.uniforms

    @property
    def py_func(self) -> Callable[..., float]:
        """The undecorated Python function."""
        return self._func

    def __repr__(self) -> str:
        variates = (f"{self.uniforms} uniform(s), interval={self.interval!r}"
                    if self.base == "uniform" else f"{self.uniforms} {self.base} variate(s)")
        return f"<fastinit.Distribution {self.name}: {variates}, params {self.params}>"

    def __reduce__(self):
        # Picklable (Dask ships distributions to workers): a module-level
        # distribution by reference to its module attribute, anything else
        # by its function (which must then be importable itself).
        obj: Any = sys.modules.get(self.__module__)
        for part in self.__qualname__.split("."):
            obj = getattr(obj, part, None)
        if obj is self:
            return self.__qualname__
        return (_rebuild, (self._func, self.uniforms, self.interval, self.finite,
                           self._constraint_spec(), self._validate, self.base))

    def _constraint_spec(self) -> dict:
        names = {v: k for k, v in CONSTRAINTS.items()}
        return {p: names.get(c, c) for p, c in self._checks.items()}

    def bind(self, params: Mapping[str, Any]) -> tuple[float, ...]:
        """Check keyword parameters; return their values in order.

        Raises
        ------
        TypeError
            For an unknown or a missing parameter, or a non-real value.
        ValueError
            For a value outside its constraint.
        """
        unknown = [p for p in params if p not in self.params]
        if unknown:
            accepted = ", ".join(self.params) or "none"
            raise TypeError(f"{self.name}() got an unexpected keyword argument {unknown[0]!r} "
                            f"(its parameters: {accepted})")
        values = []
        for name in self.params:
            if name in params:
                value = params[name]
            elif name in self.defaults:
                value = self.defaults[name]
            else:
                raise TypeError(f"{self.name}() missing required parameter {name!r}")
            values.append(float(self._checks[name](value, name)))
        if self._validate is not None:
            self._validate(dict(zip(self.params, values)))
        return tuple(values)

    # ---------------------------------------------------------- compiling --
    def _jitted(self) -> Any:
        """The user's function compiled by Numba for float64 arguments."""
        if self._jit is not None:
            return self._jit
        with self._lock:
            if self._jit is not None:
                return self._jit
            import warnings

            _import_numba()
            import numba
            from numba.core import errors

            try:
                jitted = numba.njit(cache=True, error_model="numpy", inline="always")(self._func)
                self._cacheable = True
            except RuntimeError:  # no source file (REPL, exec, doctest): no disk cache
                jitted = numba.njit(error_model="numpy", inline="always")(self._func)
                self._cacheable = False
            argtypes = (numba.float64,) * (self.uniforms + len(self.params))
            with warnings.catch_warnings():
                # functions without a source file cannot be cached; that is fine
                warnings.simplefilter("ignore", errors.NumbaWarning)
                try:
                    cres = jitted.compile(argtypes)
                except Exception as exc:  # NumbaError, UnsupportedBytecodeError, ...
                    raise CompileError(
                        f"Numba cannot compile distribution {self.name} "
                        f"({_where(self._func)}) for float64 arguments "
                        f"{self._signature_text()}:\n{_short(str(exc))}") from exc
            rtype = cres.signature.return_type if hasattr(cres, "signature") else \
                jitted.nopython_signatures[-1].return_type
            if not isinstance(rtype, (numba.types.Float, numba.types.Integer, numba.types.Boolean)):
                raise CompileError(f"distribution {self.name} ({_where(self._func)}) must return "
                                   f"a real number; Numba infers {rtype}")
            self._jit = jitted
            return jitted

    def _signature_text(self) -> str:
        names = list(inspect.signature(self._func).parameters)
        return "(" + ", ".join(names) + ")"

    def _kernel(self, mode: str, serial: bool = False) -> Any:
        jitted = self._jitted()
        if self._kernels is None:
            with self._lock:
                if self._kernels is None:
                    from . import _codegen

                    cacheable = self._cacheable
                    try:
                        key = _codegen.kernel_key(self._func, self.uniforms, self.kind,
                                                  self.params, self.interval, self.finite)
                    except _codegen.UnkeyableError:
                        key, cacheable = "nokey", False
                    if not cacheable:  # keyed by this very function object (kept alive)
                        key = f"{key[:16]}_{id(self._func):x}"
                    self._kernels = _codegen.load_kernels(
                        key, self._func, jitted, self.uniforms, self.kind, self.params,
                        self.interval, self.finite, cache=cacheable)
        return getattr(self._kernels, f"fill_{mode}_serial" if serial else f"fill_{mode}")

    def compile(self, dtype: Any = np.float64, **params: Any) -> float:
        """Compile (or load from the disk cache) the fill for ``dtype`` now.

        Fills compile on first use anyway; this moves the cost, and surfaces
        :class:`CompileError` early.  ``params`` are only needed for
        parameters without a default.

        Returns
        -------
        float
            Seconds it took (0.0 when it was already done in this process).
        """
        dt = _dtypes.resolve_float_dtype(dtype)
        return self._ensure_compiled(_MODE_OF[dt], self.bind(params))

    def _ensure_compiled(self, mode: str, values: tuple[float, ...]) -> float:
        """Compile the fill kernel for ``mode`` by running it on one element
        (at stream position 0 of key (0, 0): nothing is drawn from any rng)."""
        if mode in self.compile_seconds:
            return 0.0
        t0 = time.perf_counter()
        kernel = self._kernel(mode)
        from numba.core import errors

        dt = {v: k for k, v in _MODE_OF.items()}[mode]
        try:
            _fill(self, _ProbeRNG(), np.empty(1, dt), 0, 0, None, 1, values, check=False)
        except (errors.NumbaError, errors.UnsupportedBytecodeError) as exc:
            raise CompileError(f"Numba cannot compile the {dt} fill of distribution "
                               f"{self.name} ({_where(self._func)}):\n{_short(str(exc))}"
                               ) from exc
        seconds = time.perf_counter() - t0
        self.compile_seconds[mode] = seconds
        del kernel
        return seconds

    def _evaluate_once(self, values: tuple[float, ...]) -> None:
        """Run the function once (every uniform 0.5) with these parameters.

        Done before anything is drawn or written: a function that raises
        for its parameters (a check of its own) raises here, with the
        stream and ``out`` untouched.  Costs one call of the function.
        """
        self._jitted()(*([0.5] * self.uniforms), *values)

    # -------------------------------------------------------------- use --
    def __call__(self, *uniforms: float, **params: Any) -> float:
        """Evaluate the compiled transform once (no stream involved)."""
        if len(uniforms) != self.uniforms:
            raise TypeError(f"{self.name} takes {self.uniforms} uniform(s), got {len(uniforms)}")
        values = self.bind(params)
        us = [float(u) for u in uniforms]
        if self.interval == "open":
            us = [u if u > 0.0 else 2.0**-54 for u in us]
        return float(self._jitted()(*us, *values))

    def sample(self, rng: Any, size: SizeLike = None, dtype: Any = None,
               out: Optional[np.ndarray] = None, *, n_threads: Optional[int] = None,
               **params: Any) -> Union[np.ndarray, float, np.generic]:
        """``fastinit.numba.sample(rng, self, ...)``: a new draw from ``rng``."""
        return sample(rng, self, size, dtype, out, n_threads=n_threads, **params)

    def fill(self, rng: Any, out: np.ndarray, *, n_threads: Optional[int] = None,
             **params: Any) -> np.ndarray:
        """Fill ``out`` in place with a new draw from ``rng``; returns ``out``.

        Parameters
        ----------
        rng : fastinit.Generator
            Its next ``out.size * words_per_element`` stream words are taken.
        out : ndarray
            C-contiguous, writeable float64/float32/float16/bfloat16 array.
        n_threads : int, optional
            Threads for this call (default: ``fastinit.get_num_threads()``).
        **params
            The distribution's parameters.
        """
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
        return sample(rng, self, None, None, out, n_threads=n_threads, **params)

    def fill_at(self, rng: Any, out: np.ndarray, offset: int = 0, *,
                position: Optional[int] = None, row_offsets: Optional[np.ndarray] = None,
                n_threads: Optional[int] = None, **params: Any) -> np.ndarray:
        """``fastinit.numba.fill_at(rng, self, out, ...)``."""
        return fill_at(rng, self, out, offset, position=position, row_offsets=row_offsets,
                       n_threads=n_threads, **params)


def _import_numba() -> None:
    """Import Numba and this package's Numba runtime, all or nothing.

    Ctrl-C during the first ``import numba`` (a second or more) would leave
    half-initialised modules in ``sys.modules`` (``numba`` without
    ``numba.core``), and every later compile would fail with an unrelated
    ``AttributeError``.  Undoing the modules the interrupted import added
    lets the next call import afresh.  Numba's C extensions turn a Ctrl-C
    that lands in their own imports into an ``ImportError`` (or print it and
    go on), so a Ctrl-C is noted as it arrives and decides what is raised.

    Numba then loads its CPU target lazily, on the first compile, and those
    modules register their implementations in registries of modules that
    stay (``numba.core.pythonapi``'s boxers, the target's lowering tables):
    interrupted half-way, they cannot be undone, and every later compile in
    the process failed ("duplicate registration for UnicodeType", or a
    typing error).  That step (about half a second) runs here, with Ctrl-C
    held until it is over and raised right after.
    """
    if "fastinit.numba._codegen" in sys.modules and "numba.core.errors" in sys.modules:
        return
    before = set(sys.modules)
    failure: Optional[BaseException] = None
    with _ctrl_c_noted(hold=False) as pressed:
        try:
            import numba  # noqa: F401
            import numba.core.errors  # noqa: F401

            from . import _codegen, _runtime  # noqa: F401
        except BaseException as exc:
            failure = exc
    if failure is not None or pressed:
        # Every module the interrupted import added: Numba's own and those
        # of its dependencies it was importing (PyYAML, ...), any of which
        # may be half-initialised.
        for name in set(sys.modules) - before:
            sys.modules.pop(name, None)
        if pressed:
            raise KeyboardInterrupt from failure
        raise failure  # type: ignore[misc]
    with _ctrl_c_noted(hold=True) as pressed:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
        # Imported by the first compile, and registering boxers / NRT
        # lowering on import: the same hazard as the target's registries.
        import numba.core.boxing  # noqa: F401
        import numba.core.runtime.context  # noqa: F401
    if pressed:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _ctrl_c_noted(hold: bool) -> Iterator[list[bool]]:
    """Note each Ctrl-C (SIGINT) that arrives meanwhile in the list yielded;
    with ``hold``, also keep it from interrupting (the caller raises it
    after), else raise ``KeyboardInterrupt`` at once as Python does.

    Only Python's own handler on the main thread is replaced (a handler the
    user installed stays in charge and the list stays empty; other threads
    never receive KeyboardInterrupt).
    """
    pressed: list[bool] = []
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield pressed
        return

    def note(signum: int, frame: Any) -> None:
        pressed.append(True)
        if not hold:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _rebuild(func, uniforms, interval, finite, constraints, validate, base="uniform"):
    return Distribution(func, uniforms=uniforms, interval=interval, finite=finite,
                        constraints=constraints, validate=validate, base=base)


def _where(func: Callable) -> str:
    try:
        path = inspect.getsourcefile(func)
    except TypeError:
        path = None
    if not path:
        return f"{func.__code__.co_filename}, defined without a source file"
    return f"{path}:{func.__code__.co_firstlineno}"


def _short(text: str, limit: int = 40) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > limit:
        lines = lines[:limit] + ["..."]
    return "\n".join(lines)


@overload
def distribution(func: Callable[..., float], *, uniforms: int = ..., interval: Optional[str] = ...,
                 finite: bool = ..., constraints: Optional[Mapping[str, Any]] = ...,
                 validate: Optional[Callable[[dict], None]] = ...,
                 base: str = ...) -> Distribution: ...
@overload
def distribution(func: None = ..., *, uniforms: int = ..., interval: Optional[str] = ...,
                 finite: bool = ..., constraints: Optional[Mapping[str, Any]] = ...,
                 validate: Optional[Callable[[dict], None]] = ...,
                 base: str = ...) -> Callable[[Callable[..., float]], Distribution]: ...


def distribution(func: Optional[Callable[..., float]] = None, *, uniforms: int = 1,
                 interval: Optional[str] = "open", finite: bool = True,
                 constraints: Optional[Mapping[str, Any]] = None,
                 validate: Optional[Callable[[dict], None]] = None, base: str = "uniform"
                 ) -> Union[Distribution, Callable[[Callable[..., float]], Distribution]]:
    """Turn a scalar transform of uniforms into a parallel, reproducible sampler.

    Use as ``@fastinit.distribution`` or ``@fastinit.distribution(uniforms=2,
    ...)``.  The function takes ``uniforms`` float64 uniforms, then the
    distribution's parameters (plain parameters; defaults optional), and
    returns one real number.  It is compiled with ``numba.njit(cache=True)``
    on first use; the parallel fill around it (``prange`` over per-thread
    runs of tiles) is generated once per function and cached on disk, so a
    second process loads machine code instead of compiling.

    Stream layout: element ``i`` of a draw that starts at stream block ``B`` uses the
    uniforms ``k*i .. k*i + k - 1`` of ``rng.random(dtype=float64)`` drawn at
    ``B``, i.e. stream words ``4B + 2k*i .. 4B + 2k*i + 2k - 1`` (two words per
    uniform, first word low, ``(x >> 11) * 2**-53``).  These are bit for bit
    the uniforms of the C core, computed by it.  A draw of ``n`` elements
    consumes ``2*k*n`` words (rounded up to whole 4-word blocks), whatever the
    dtype.  The transform always runs in float64; a float32, float16 or
    bfloat16 output is that float64 value rounded to nearest even, exactly
    (one rounding; so ``float16`` equals the ``float64`` draw
    ``.astype(float16)``).  Values do not depend on the thread count,
    chunking, offsets or rows (``fill_at``).

    Parameters
    ----------
    func : callable
        ``func(u0, ..., u_{k-1}, p0=..., p1=...) -> float``, in the subset of
        Python that Numba compiles in nopython mode.
    uniforms : int
        ``k``, the uniforms per element (e.g. 2 for Box-Muller).
    interval : {"open", "half-open"}
        ``"open"`` (default): each uniform is in the open interval (0, 1): a
        uniform of exactly 0.0 (probability 2**-53) is replaced by 2**-54, all
        others are passed as drawn (their largest value is 1 - 2**-53), so
        ``log(u)`` and ``log(1 - u)`` are always finite.  ``"half-open"``:
        uniforms in [0, 1) exactly as ``rng.random`` gives them (as in NumPy;
        the function must then cope with 0).
    finite : bool
        True (default): a result that is NaN or infinite, or that overflows
        the output dtype, raises :class:`NonFiniteError`.  False: only NaN
        does (infinities are written).
    constraints : mapping, optional
        Per parameter: "finite" (the default for every parameter),
        "positive", "non_negative", "real" (infinities allowed) or
        "probability" ([0, 1]), or a callable ``(value, name) -> float``
        that raises for a bad value.
    validate : callable, optional
        ``validate(params_dict)``, called after the per-parameter checks,
        to check relations between parameters (raise ``ValueError``).
    base : {"uniform", "standard_normal", "standard_exponential", "laplace", "logistic", "gumbel"}
        What the first ``uniforms`` arguments receive: uniforms (default), or
        float64 standard variates of one of fastinit's own fill methods,
        computed by its C kernels (``loc=0``, ``scale=1``): element ``i`` then
        uses the values ``k*i .. k*i + k - 1`` of ``rng.<base>(dtype=float64)``
        drawn at ``B`` (two words each, as for uniforms).  ``interval`` applies
        to uniforms only.

    Returns
    -------
    Distribution

    Raises
    ------
    CompileError
        (a ``TypeError``) on first use, when Numba cannot compile ``func``;
        the message names the function and gives Numba's reason.

    Notes
    -----
    Math functions: ``math.log`` etc. compile to C-library calls, which can
    differ in the last bit between machines (and ``np.log`` differs from
    ``math.log``).  For values that are the same on every machine use the
    libm-free functions of :mod:`fastinit.numba.fimath`, as the gallery does.
    Values never depend on the thread count or the split in any case: every
    element is computed at the same place of the same tile loop.

    The function is compiled with ``error_model="numpy"`` (a division by zero
    gives inf or nan, which the ``finite`` check then reports, instead of
    raising) and inlined into the fill loop, which Numba/LLVM vectorise when
    the function is plain arithmetic (``fimath`` included; libm calls stay
    scalar unless Numba has Intel SVML).  It must be deterministic: no
    ``np.random`` or other state.

    Caching: the generated kernels are keyed by the source file that defines
    the function (any edit of it recompiles them).  Like Numba's own cache,
    edits to jitted helpers defined in *other* files are not detected: clear
    the cache directory (``FASTINIT_CACHE_DIR``, default
    ``~/.cache/fastinit/numba-kernels``; Numba's ``NUMBA_CACHE_DIR`` too) after
    changing such helpers.

    Examples
    --------
    >>> import math, fastinit
    >>> @fastinit.distribution
    ... def laplace(u, loc=0.0, scale=1.0):
    ...     return loc - scale * math.copysign(math.log(1 - 2 * abs(u - 0.5)), u - 0.5)
    >>> rng = fastinit.default_rng(0)
    >>> w = fastinit.sample(rng, laplace, size=(256, 256), dtype="float32", scale=0.05)
    >>> laplace.fill(rng, out=w, scale=0.05)  # doctest: +SKIP
    """
    options = dict(uniforms=uniforms, interval=interval, finite=finite, constraints=constraints,
                   validate=validate, base=base)
    if func is None:
        return lambda f: Distribution(f, **options)
    if isinstance(func, (int, np.integer)) and not isinstance(func, bool):
        raise TypeError("use @fastinit.distribution(uniforms=N), with the keyword")
    return Distribution(func, **options)


# ------------------------------------------------------------------ fills --
class _ProbeRNG:
    """Stand-in generator for compile(): a fixed stream, reserves nothing."""
    key = (0, 0)
    stream_id = 0
    position = 0


def _check_dist(dist: object) -> Distribution:
    if not isinstance(dist, Distribution):
        raise TypeError("dist must be a fastinit.Distribution (decorate the function with "
                        f"@fastinit.distribution), got {type(dist).__name__}")
    return dist


def _check_rng(rng: object) -> Any:
    if not isinstance(rng, Generator):
        raise TypeError(f"rng must be a fastinit.Generator, got {type(rng).__name__}")
    return rng


def sample(rng: Any, dist: Distribution, size: SizeLike = None, dtype: Any = None,
           out: Optional[np.ndarray] = None, *, n_threads: Optional[int] = None,
           **params: Any) -> Union[np.ndarray, float, np.generic]:
    """Draw from a custom distribution: ``rng.sample(dist, ...)``.

    Takes the next ``n * dist.words_per_element`` words of ``rng``'s stream
    (whole blocks), so later draws never overlap this one.

    Parameters
    ----------
    rng : fastinit.Generator
    dist : Distribution
        Made with :func:`distribution`.
    size : int or tuple of ints, optional
        Output shape; ``None`` returns one value (unless ``out`` is given).
    dtype : dtype, optional
        float64 (default), float32, float16 or bfloat16; defaults to
        ``out.dtype`` when ``out`` is given.
    out : ndarray, optional
        C-contiguous, writeable array filled in place.
    n_threads : int, optional
        Threads for this call (default ``fastinit.get_num_threads()``).
    **params
        The distribution's parameters, checked before anything is drawn.

    Returns
    -------
    float or ndarray

    Raises
    ------
    TypeError, ValueError
        For bad arguments, before anything is written or drawn.
    CompileError
        When Numba cannot compile the distribution's function.
    NonFiniteError
        When the function returns NaN (or with ``finite=True`` a non-finite
        value) for some element; the stream still advances and ``out`` may
        be partly written.
    Exception
        Whatever the function itself raises, with its message: before
        anything is drawn when it raises for the call's parameters (the
        function is evaluated once, at uniforms 0.5, first), else after the
        draw started (the stream advances, ``out`` may be partly written).
    """
    rng = _check_rng(rng)
    dist = _check_dist(dist)
    nt = _threads.resolve_threads(n_threads)
    out, tensor = torch_out_array(out)
    where = resolve_draw(size, dtype, out)
    values = dist.bind(params)
    dist._ensure_compiled(_MODE_OF[where.dtype], values)  # compile errors come before any draw
    dist._evaluate_once(values)  # so does an exception the function raises for its parameters
    target = where.array()
    n = target.size
    _check_word_range(rng.position, 0, n, dist.words_per_element)  # before reserving
    base = rng.reserve(n * dist.words_per_element)
    _fill(dist, rng, target, base, 0, None, nt, values)
    return finish_torch_out(tensor, where.result(target))


def fill_at(rng: Any, dist: Distribution, out: np.ndarray, offset: int = 0, *,
            position: Optional[int] = None, row_offsets: Optional[np.ndarray] = None,
            n_threads: Optional[int] = None, **params: Any) -> np.ndarray:
    """Fill ``out`` with part of a draw of ``dist``, at an explicit stream position.

    Like ``Generator.fill_at``: writes the elements ``offset .. offset +
    out.size`` of what ``sample(rng, dist, size=N, **params)`` returns when
    called at stream position ``position`` (default: ``rng.position``).  It
    does not advance ``rng``.  This is how pieces of one array are filled
    separately (threads, processes, Dask) with the bits of one call.

    Parameters
    ----------
    rng : fastinit.Generator
    dist : Distribution
    out : ndarray
        C-contiguous, writeable float64/float32/float16/bfloat16 array.
    offset : int
        Index, in the whole draw, of ``out``'s first element.
    position : int, optional
        Stream block at which the whole draw starts.
    row_offsets : ndarray of int64, optional
        ``out`` seen as ``(len(row_offsets), -1)``; row ``r`` holds the
        elements starting at ``row_offsets[r]`` (``offset`` is then ignored).
    n_threads : int, optional
    **params
        The distribution's parameters.

    Returns
    -------
    out : ndarray
    """
    rng = _check_rng(rng)
    dist = _check_dist(dist)
    nt = _threads.resolve_threads(n_threads)
    out, tensor = torch_out_array(out)
    check_out(out, None, None)
    dt = _dtypes.resolve_float_dtype(out.dtype, "out.dtype")
    values = dist.bind(params)
    start = rng.position if position is None else integer(position, "position")
    check_position(start)
    first, rows = piece_rows(offset, row_offsets, out.size)
    if rows is not None and rows.size == 0:
        return finish_torch_out(tensor, out)  # an empty out, nothing to fill
    dist._ensure_compiled(_MODE_OF[dt], values)
    dist._evaluate_once(values)
    _fill(dist, rng, out, start, first, rows, nt, values)
    return finish_torch_out(tensor, out)


def _check_word_range(position: int, first: int, stop: int, wpe: int) -> None:
    """The stream-end check of every path (fastinit._limits) for elements
    ``first .. stop`` of a draw at ``position``; the kernel reads whole tiles of
    uniforms, so the range is rounded up to a tile."""
    from ._codegen import TILE

    check_stream_end(position, BLOCK_WORDS * position + wpe * (-(-stop // TILE) * TILE))


def _fill(dist: Distribution, rng: Any, out: np.ndarray, position: int, offset: int,
          rows: Optional[np.ndarray], n_threads: int, values: tuple[float, ...],
          check: bool = True) -> None:
    """Run the kernel over ``out`` (validated) in rounds."""
    total = out.size
    if total == 0:
        return
    if rows is None:
        rows = np.array([offset], dtype=np.int64)
    cols = total // rows.size
    from ._codegen import TILE

    _check_word_range(position, int(rows.min()), int(rows.max()) + cols, dist.words_per_element)
    first_tile = rows // TILE
    last_tile = (rows + cols - 1) // TILE
    cum = np.zeros(rows.size + 1, np.int64)
    np.cumsum(last_tile - first_tile + 1, out=cum[1:])
    n_items = int(cum[-1])
    nt = max(1, n_threads) if total >= SERIAL_BELOW else 1
    serial = _threads.forked_serial()  # no Numba threads in a child forked after threads ran
    mode = _MODE_OF[out.dtype]
    kernel = dist._kernel(mode, serial=serial)
    flat = out.reshape(-1)
    if flat.dtype in (np.dtype(np.float16), _dtypes.bfloat16):
        flat = flat.view(np.uint16)
    key0, key1 = (np.uint32(k) for k in rng.key)
    sid = int(rng.stream_id)
    s0, s1 = np.uint32(sid & 0xFFFFFFFF), np.uint32(sid >> 32)
    bad = np.full(nt, -1, np.int64)
    args = (np.int64(nt), bad, key0, key1, s0, s1, np.uint64(BLOCK_WORDS * position), *values)
    import numba

    previous = None if serial else numba.get_num_threads()
    if not serial:
        numba.set_num_threads(min(nt, numba.config.NUMBA_NUM_THREADS))
    try:
        # Rounds sized by measured time, so that Python sees Ctrl-C within
        # _ROUND_SECONDS whatever one element costs: the first round is one
        # tile per thread, later ones grow (or shrink) towards that time.
        lo, step = 0, nt
        while lo < n_items:
            hi = min(n_items, lo + step)
            t0 = time.perf_counter()
            try:
                kernel(flat, rows, cum, np.int64(cols), np.int64(lo), np.int64(hi), *args)
            except Exception as exc:  # the user's function raised inside the threads
                _reraise_users_exception(dist, mode, exc, flat, rows, cum, cols, lo, hi, args)
            if check and (bad >= 0).any():
                break
            elapsed = time.perf_counter() - t0
            lo = hi
            grow = _ROUND_SECONDS / max(elapsed, 1e-6)
            # at most ROUND_PER_THREAD elements per thread, as in the C core
            step = int(min(max(step * min(grow, 4.0), nt), nt * max(1, ROUND_PER_THREAD // TILE)))
    finally:
        if previous is not None:
            numba.set_num_threads(previous)
    if check and (bad >= 0).any():
        _report_bad(dist, rng, out, position, rows, cols, int(bad[bad >= 0].min()), values)


def _reraise_users_exception(dist: Distribution, mode: str, exc: Exception, flat: np.ndarray,
                             rows: np.ndarray, cum: np.ndarray, cols: int, lo: int, hi: int,
                             args: tuple) -> None:
    """Raise the exception the user's function raised in the kernel's threads.

    An exception raised inside Numba's parallel region reaches Python as a
    ``SystemError`` without the original; running the same work items
    through the serial kernel (the same code per element) raises the
    user's own exception, with its message, which is then re-raised.
    """
    if not isinstance(exc, SystemError):
        raise exc
    serial = dist._kernel(mode, serial=True)
    try:
        serial(flat, rows, cum, np.int64(cols), np.int64(lo), np.int64(hi), *args)
    except Exception as user_exc:
        _note(user_exc, f"raised by distribution {dist.name}'s function during a draw; the "
                        "stream has advanced past this draw and out may be partly written")
        raise user_exc.with_traceback(None) from None
    raise exc


def _note(exc: BaseException, text: str) -> None:
    if hasattr(exc, "add_note"):  # Python >= 3.11
        exc.add_note(text)


def _report_bad(dist: Distribution, rng: Any, out: np.ndarray, position: int, rows: np.ndarray,
                cols: int, flat_index: int, values: tuple[float, ...]) -> None:
    element = int(rows[flat_index // cols]) + flat_index % cols
    us = np.empty(dist.uniforms, np.float64)
    rng.fill_at("random", us, element * dist.uniforms, position=position, n_threads=1)
    shown = [u if (u > 0.0 or dist.interval == "half-open") else 2.0**-54 for u in us.tolist()]
    value = dist._jitted()(*shown, *values)
    params = dict(zip(dist.params, values))
    what = "nan" if math.isnan(value) else (
        f"{value!r}" if math.isinf(value) else f"{value!r}, which overflows {out.dtype}")
    raise NonFiniteError(
        f"distribution {dist.name} returned {what} for element {element} of the draw "
        f"(out.flat[{flat_index}]) with uniforms {tuple(shown)} and parameters {params}; "
        f"the stream has advanced past this draw and out may be partly written")
