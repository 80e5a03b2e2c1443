"""The Initializer base class, the name registry and ``get``.

An initializer is a recipe: parameters, no state.  Calling it with a shape
draws from a :class:`fastinit.Generator` -- ``rng=`` (advanced by the draw),
else ``default_rng(seed)`` for the call's ``seed=``, else the initializer's
own ``seed`` (the same values at every call, as Keras' seeded initializers),
else OS entropy.
"""
from __future__ import annotations

import json
import math
import operator
from typing import Any, Callable, ClassVar, Optional, Union

import ml_dtypes
import numpy as np

from .. import _core, _threads
from .._generator import Generator, default_rng
from .._validation import (SizeLike, allocate, finish_torch_out, finite, resolve_draw,
                           torch_out_array)

Plan = tuple[str, dict]

#: lower-cased name -> class, filled by :func:`register`
_REGISTRY: dict[str, type] = {}
#: the names as registered (class names and snake_case aliases)
_NAMES: set[str] = set()


def register(*aliases: str) -> Callable[[type], type]:
    """Class decorator: make the class reachable from :func:`get` by its class
    name and by each alias (all case-insensitive).

    Parameters
    ----------
    *aliases : str
        Extra names (snake_case identifiers).

    Returns
    -------
    callable
        The decorator; it returns the class unchanged.
    """
    def decorate(cls: type) -> type:
        for name in (cls.__name__,) + aliases:
            key = name.lower()
            if key in _REGISTRY and _REGISTRY[key] is not cls:
                raise RuntimeError(f"initializer name {name!r} registered twice")
            _REGISTRY[key] = cls
            _NAMES.add(name)
        return cls
    return decorate


def registered_names() -> list[str]:
    """The names :func:`get` accepts: snake_case identifiers and class names
    (matching is case-insensitive).

    Returns
    -------
    list of str
    """
    return sorted(_NAMES, key=lambda n: (n[0].isupper(), n.lower()))


def check_seed(seed: Optional[int], argname: str = "seed") -> Optional[int]:
    """An initializer's own seed: None or a non-negative int (JSON-serialisable).

    Parameters
    ----------
    seed : int or None
    argname : str
        Name used in error messages.

    Returns
    -------
    int or None
    """
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise TypeError(f"{argname} must be an int or None, got a bool")
    try:
        value = operator.index(seed)
    except TypeError:
        raise TypeError(f"{argname} must be an int or None (a SeedSequence or Generator goes "
                        f"to the call: init(shape, seed=...) or rng=...), got "
                        f"{type(seed).__name__}") from None
    if value < 0:
        raise ValueError(f"{argname} must be non-negative, got {value}")
    return value


def resolve_target(shape: SizeLike, dtype: Any, out: Optional[np.ndarray]
                   ) -> tuple[tuple[int, ...], np.dtype]:
    """Validate ``shape``/``dtype``/``out`` of a call; nothing is written.

    Parameters
    ----------
    shape : int, tuple of ints or None
        ``None`` means ``out.shape``.
    dtype : dtype or None
        ``None`` means ``out.dtype`` when ``out`` is given, else float32.
    out : ndarray or None

    Returns
    -------
    shape : tuple of ints
    dtype : numpy.dtype
    """
    where = resolve_draw(shape, dtype, out, default_dtype=np.float32, size_name="shape",
                         scalar_allowed=False)
    return where.shape, where.dtype


def resolve_plan_args(shape: SizeLike, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    """``shape`` and ``dtype`` of :meth:`Initializer.plan`, validated.

    Parameters
    ----------
    shape : int or tuple of ints
    dtype : dtype or None
        Default float32.

    Returns
    -------
    shape : tuple of ints
    dtype : numpy.dtype
    """
    if shape is None:
        raise TypeError("shape is required")
    where = resolve_draw(shape, dtype, None, default_dtype=np.float32, size_name="shape")
    return where.shape, where.dtype


def constant_bits(value: float, dtype: np.dtype, argname: str = "value") -> int:
    """The bit pattern of ``value`` rounded to ``dtype`` (ValueError on overflow).

    Parameters
    ----------
    value : float
    dtype : numpy.dtype
        A float dtype of 2, 4 or 8 bytes.
    argname : str
        Name used in error messages.

    Returns
    -------
    int
        The bits as an unsigned integer of ``dtype.itemsize`` bytes.
    """
    with np.errstate(over="ignore"):
        rounded = np.array(value, dtype=np.float64).astype(dtype)
    if not math.isfinite(float(rounded)):
        raise ValueError(f"{argname}={value!r} overflows {dtype} (largest finite value "
                         f"{float(ml_dtypes.finfo(dtype).max):g})")
    uint = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[dtype.itemsize]
    return int(rounded.view(uint))


def fill_constant(shape: tuple[int, ...], dtype: np.dtype, value: float,
                  out: Optional[np.ndarray], n_threads: Optional[int],
                  argname: str = "value") -> np.ndarray:
    """A parallel fill of ``value`` (validated before anything is allocated or written).

    Parameters
    ----------
    shape : tuple of ints
    dtype : numpy.dtype
    value : float
    out : ndarray or None
        Filled in place when given (already validated).
    n_threads : int or None
    argname : str
        Name of ``value`` in error messages.

    Returns
    -------
    numpy.ndarray
    """
    bits = constant_bits(value, dtype, argname)
    nt = _threads.resolve_threads(n_threads)
    target = out if out is not None else allocate(shape, dtype, "shape")
    _core.fill_constant(target, bits, nt)
    return target


class Initializer:
    """Base class of fastinit's initializers (Keras-style objects).

    Subclasses set the class attributes and implement :meth:`plan`
    (elementwise initializers) or :meth:`_fill` (the others), and
    :meth:`get_config`.

    Attributes
    ----------
    elementwise : bool
        True when every element is drawn independently with one Generator
        method (or is a constant), as :meth:`plan` describes.
    uses_random : bool
        False for constants and structured matrices (they ignore the
        generator).
    layout_aware : bool
        True when the result depends on the weight layout (fans, flattening,
        kernel centre); such initializers take a ``layout`` argument.
    """

    elementwise: ClassVar[bool] = True
    uses_random: ClassVar[bool] = True
    layout_aware: ClassVar[bool] = False

    seed: Optional[int] = None

    # ------------------------------------------------------------- calling --
    def __call__(self, shape: SizeLike = None, dtype: Any = None, *,
                 seed: Any = None, rng: Optional[Generator] = None,
                 out: Optional[np.ndarray] = None,
                 n_threads: Optional[int] = None) -> np.ndarray:
        """Draw a weight of shape ``shape``.

        Parameters
        ----------
        shape : int or tuple of ints, optional
            The weight's shape; optional when ``out`` is given.
        dtype : dtype, optional
            float32 (default, or ``out.dtype``), float64, float16 or
            bfloat16.
        seed : None, int or numpy.random.SeedSequence, optional
            Draw from ``fastinit.default_rng(seed)``; overrides the
            initializer's own ``seed``.  Not together with ``rng``.
        rng : fastinit.Generator, optional
            Draw from this generator (its position advances).
        out : ndarray or torch.Tensor, optional
            C-contiguous array to fill in place (and return); a CPU torch
            tensor is filled through a view of its memory.
        n_threads : int, optional
            Threads for the fill (default: all).

        Returns
        -------
        numpy.ndarray
            The new array, or ``out``.
        """
        out, tensor = torch_out_array(out)
        dims, dt = resolve_target(shape, dtype, out)
        if n_threads is not None:
            _threads.resolve_threads(n_threads)  # validate before drawing
        gen = self.generator(seed, rng)
        return finish_torch_out(tensor, self._fill(dims, dt, gen, out, n_threads))

    def generator(self, seed: Any = None, rng: Optional[Generator] = None
                  ) -> Optional[Generator]:
        """The generator a call with these ``seed``/``rng`` arguments draws from.

        ``rng`` if given (it advances), else ``default_rng(seed)``, else
        ``default_rng(self.seed)``; None for initializers that draw nothing.
        Adapters that fill block by block (``fastinit.dask``) use it to draw
        exactly what the local call would.
        """
        if rng is not None:
            if seed is not None:
                raise ValueError("pass seed or rng, not both")
            if not isinstance(rng, Generator):
                raise TypeError(f"rng must be a fastinit.Generator (e.g. fastinit.default_rng"
                                f"(seed)), got {type(rng).__name__}")
            return rng
        if not self.uses_random:
            if seed is not None:
                default_rng(seed)  # still reject a malformed seed
            return None
        return default_rng(self.seed if seed is None else seed)

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Optional[Generator],
              out: Optional[np.ndarray], n_threads: Optional[int]) -> np.ndarray:
        method, params = self.plan(shape, dtype)
        if method == "constant":
            return fill_constant(shape, dtype, params["value"], out, n_threads)
        assert gen is not None
        return getattr(gen, method)(size=shape, dtype=dtype, out=out, n_threads=n_threads,
                                    **params)

    def plan(self, shape: SizeLike, dtype: Any = None) -> Plan:
        """The Generator method and parameters that produce this initializer.

        For an elementwise initializer ``rng.<method>(size=shape,
        dtype=dtype, **params)`` -- or ``rng.fill_at(method, out, **params)``
        for pieces of it -- draws exactly what ``init(shape, dtype, rng=rng)``
        draws.  Constants return ``("constant", {"value": v})``.

        Parameters
        ----------
        shape : int or tuple of ints
        dtype : dtype, optional
            Default float32.

        Returns
        -------
        method : str
        params : dict

        Raises
        ------
        NotImplementedError
            For initializers that are not elementwise (orthogonal, identity,
            dirac, sparse).
        """
        raise NotImplementedError(
            f"{type(self).__name__} is not elementwise: it cannot be described as one "
            "Generator method per element, so it has no plan(); call it on the whole array")

    # -------------------------------------------------------- configuration --
    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-serialisable dict.

        Returns
        -------
        dict
            ``type(self).from_config(config)`` rebuilds an equal initializer.
        """
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """Rebuild an initializer from :meth:`get_config`'s dict.

        Parameters
        ----------
        config : dict

        Returns
        -------
        Initializer
        """
        if not isinstance(config, dict):
            raise TypeError(f"config must be a dict, got {type(config).__name__}")
        try:
            return cls(**config)
        except TypeError as exc:
            raise TypeError(f"bad config for {cls.__name__}: {exc}") from None

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return self.get_config() == other.get_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, json.dumps(self.get_config(), sort_keys=True)))


def serialize(initializer: Initializer) -> dict:
    """``{"class_name": ..., "config": ...}``, the Keras serialization format.

    Parameters
    ----------
    initializer : Initializer

    Returns
    -------
    dict
        JSON-serialisable; :func:`get` / :func:`deserialize` rebuild it.
    """
    if not isinstance(initializer, Initializer):
        raise TypeError(f"initializer must be a fastinit Initializer, got "
                        f"{type(initializer).__name__}")
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config: Union[dict, str]) -> Initializer:
    """Rebuild an initializer from :func:`serialize`'s dict (or its JSON text).

    Parameters
    ----------
    config : dict or str

    Returns
    -------
    Initializer
    """
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except json.JSONDecodeError as exc:
            raise ValueError(f"config is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise TypeError(f"config must be a dict, got {type(config).__name__}")
    if "class_name" not in config:
        raise ValueError("config must have a 'class_name' key (and optionally 'config')")
    cls = _lookup(config["class_name"], "config['class_name']")
    inner = config.get("config") or {}
    if not isinstance(inner, dict):
        raise TypeError("config['config'] must be a dict")
    return cls.from_config(dict(inner))


def _lookup(name: object, argname: str) -> type:
    if not isinstance(name, str):
        raise TypeError(f"{argname} must be a string, got {type(name).__name__}")
    try:
        return _REGISTRY[name.lower()]
    except KeyError:
        snake = [n for n in registered_names() if not n[0].isupper()]
        raise ValueError(f"unknown initializer {argname}={name!r}; known names: "
                         f"{', '.join(snake)} (or their class names)") from None


def get(identifier: Any, *, layout: Optional[str] = None, **kwargs: Any
        ) -> Optional[Initializer]:
    """An initializer from a name, a config dict, JSON text or an instance.

    Parameters
    ----------
    identifier : str, dict, Initializer, Initializer subclass or None
        A registered name (``"glorot_uniform"``, ``"GlorotUniform"``,
        ``"xavier_uniform"``, ``"OrthogonalInitializer"``, ... ;
        case-insensitive), a config ``{"class_name": ..., "config": {...}}``
        (or its JSON text): fastinit's own (:func:`serialize`) or any Keras 3
        initializer config; an initializer (returned as is), an initializer
        class, or a Keras initializer object.  ``None`` returns None, as
        ``keras.initializers.get``.
    layout : {"torch", "keras", "jax"}, optional
        The weight layout of the caller.  Initializers that depend on a
        layout (``layout_aware``) **require** it, unless the identifier
        fixes it: a fastinit config or instance carries its own, and Keras
        configs and objects (their config has a ``"module"`` key naming
        ``keras...`` or ``fastinit.keras``) mean ``"keras"``.  It must agree
        with a layout so fixed.  Ignored by the other initializers.
    **kwargs
        Constructor arguments, with a name or a class only
        (``get("random_normal", stddev=0.02)``).

    Returns
    -------
    Initializer or None

    Raises
    ------
    TypeError
        A layout-dependent initializer without a layout (the message lists
        the choices), or an identifier of the wrong type.
    ValueError
        An unknown name, a layout that conflicts with the identifier's.

    Notes
    -----
    Keras configs and objects: the keys are Keras 3's (``input_axes`` and
    ``output_axes`` included); a serialized ``keras.random.SeedGenerator``
    seed becomes its integer seed; a Keras object's seed is the integer it
    holds (Keras draws one at construction when given None), or, for a
    ``SeedGenerator``, its current state ``s0 * 2**32 + s1``.

    Examples
    --------
    >>> import fastinit
    >>> fastinit.get("he_normal", layout="torch")
    HeNormal(seed=None, a=0.0, mode='fan_in', nonlinearity='leaky_relu', layout='torch', in_axis=None, out_axis=None, batch_axis=None)
    >>> fastinit.get({"module": "keras.initializers", "class_name": "HeNormal",
    ...               "config": {"seed": 1}, "registered_name": None}).layout
    'keras'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lstrip().startswith("{"):
        try:
            identifier = json.loads(identifier)
        except json.JSONDecodeError as exc:
            raise ValueError(f"identifier looks like JSON but is not valid: {exc}") from None
    if not isinstance(identifier, (Initializer, dict, str, type)) and is_keras_object(identifier):
        if kwargs:
            raise TypeError("keyword arguments are only accepted with a name or a class, "
                            "not with a Keras initializer object")
        return _with_layout(from_keras_object(identifier), layout)
    if isinstance(identifier, Initializer):
        if kwargs:
            raise TypeError("keyword arguments are only accepted with a name or a class, "
                            "not with an initializer object")
        return _with_layout(identifier, layout)
    if isinstance(identifier, dict):
        if kwargs:
            raise TypeError("keyword arguments are only accepted with a name or a class, "
                            "not with a config dict")
        if is_keras_config(identifier):
            return _with_layout(from_keras_config(identifier), layout)
        return _with_layout(deserialize(_config_with_layout(identifier, layout)), layout)
    if isinstance(identifier, str):
        cls = _lookup(identifier, "identifier")
    elif isinstance(identifier, type) and issubclass(identifier, Initializer):
        cls = identifier
    elif isinstance(identifier, type) and is_keras_object(identifier):
        return get(identifier(**kwargs), layout=layout)
    else:
        raise TypeError(f"identifier must be a name, a config dict or an Initializer, got "
                        f"{type(identifier).__name__}")
    if layout is not None and cls.layout_aware and "layout" not in kwargs:
        kwargs["layout"] = layout
    init = cls(**kwargs)
    return _with_layout(init, layout)


def layout_dependent(identifier: Any) -> bool:
    """Whether the initializer ``identifier`` names depends on the weight layout.

    Such initializers require ``layout=`` in the framework-neutral API
    (:func:`get`, the classes and functions, model specs, ``fastinit.dask``).

    Parameters
    ----------
    identifier : str, dict, Initializer or Initializer subclass
        A name, a config dict (its ``class_name``), an instance or a class.

    Returns
    -------
    bool

    Examples
    --------
    >>> import fastinit
    >>> fastinit.initializers.layout_dependent("he_normal")
    True
    >>> fastinit.initializers.layout_dependent("random_normal")
    False
    """
    if isinstance(identifier, Initializer):
        return identifier.layout_aware
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier.layout_aware
    if isinstance(identifier, dict):
        return bool(_lookup(identifier.get("class_name"), "config['class_name']").layout_aware)
    return bool(_lookup(identifier, "identifier").layout_aware)


# ----------------------------------------------------------------- Keras 3 --
#: top-level package of a config's "module" (or an object's class) that means
#: Keras's conventions: Keras itself and fastinit's Keras adapter
_KERAS_MODULES = ("keras", "fastinit.keras")


def is_keras_config(config: dict) -> bool:
    """Whether ``config`` was written by Keras 3's serializer (it has a
    ``"module"`` key naming ``keras...`` or ``fastinit.keras``).

    Parameters
    ----------
    config : dict

    Returns
    -------
    bool
    """
    module = config.get("module")
    return isinstance(module, str) and any(
        module == m or module.startswith(m + ".") for m in _KERAS_MODULES)


def is_keras_object(obj: Any) -> bool:
    """Whether ``obj`` is a Keras initializer (instance or class), without
    importing Keras: a class in its MRO is ``keras...Initializer``.

    Parameters
    ----------
    obj : object

    Returns
    -------
    bool
    """
    cls = obj if isinstance(obj, type) else type(obj)
    return any(base.__name__ == "Initializer" and base.__module__.split(".")[0] == "keras"
               for base in cls.__mro__)


def _keras_seed(seed: Any) -> Optional[int]:
    """An int seed from a Keras config's or object's ``seed``."""
    if isinstance(seed, dict):  # a serialized keras.random.SeedGenerator
        inner = seed.get("config") or {}
        return check_seed(inner.get("seed"), "config['config']['seed']['config']['seed']")
    if seed is None or isinstance(seed, (int, np.integer)):
        return check_seed(seed)
    state = getattr(seed, "state", None)  # a live keras.random.SeedGenerator
    if state is None:
        raise TypeError(f"seed must be an int, None or a keras.random.SeedGenerator, got "
                        f"{type(seed).__name__}")
    import keras  # only reached with a live Keras object

    words = keras.ops.convert_to_numpy(state.value).astype(np.uint64).ravel()
    return int(words[0]) << 32 | int(words[1])


def from_keras_config(config: dict) -> Initializer:
    """The fastinit initializer (keras layout) of a Keras 3 initializer config.

    Parameters
    ----------
    config : dict
        ``{"module": ..., "class_name": ..., "config": {...}, ...}`` as
        ``keras.saving.serialize_keras_object`` writes it.

    Returns
    -------
    Initializer
    """
    cls = _lookup(config.get("class_name"), "config['class_name']")
    inner = dict(config.get("config") or {})
    if "seed" in inner:
        inner["seed"] = _keras_seed(inner["seed"])
    if cls.layout_aware:
        if inner.setdefault("layout", "keras") != "keras":
            raise ValueError(f"a Keras config means layout='keras', got "
                             f"config['config']['layout']={inner['layout']!r}")
    return cls.from_config(inner)


def from_keras_object(obj: Any) -> Initializer:
    """The fastinit initializer (keras layout) of a Keras initializer object.

    ``fastinit.keras`` objects return their own fastinit initializer; other
    Keras initializers go through their ``get_config()``, with the seed the
    object holds (see :func:`get`).

    Parameters
    ----------
    obj : keras.initializers.Initializer

    Returns
    -------
    Initializer
    """
    own = getattr(obj, "fastinit_initializer", None)
    if callable(own):
        return own()
    config = dict(obj.get_config())
    if "seed" in config:
        config["seed"] = getattr(obj, "seed", config["seed"])
    return from_keras_config({"module": "keras.initializers",
                              "class_name": type(obj).__name__, "config": config})


def _config_with_layout(config: dict, layout: Optional[str]) -> dict:
    """``config`` with the caller's ``layout`` where a layout-aware class's
    config has none (a config that has one keeps it: :func:`_with_layout`
    then checks they agree)."""
    inner = config.get("config") or {}
    if (layout is None or not isinstance(inner, dict) or "layout" in inner
            or not layout_dependent(config)):
        return config
    return {**config, "config": {**inner, "layout": layout}}


def _with_layout(init: Initializer, layout: Optional[str]) -> Initializer:
    if layout is None or not init.layout_aware:
        return init
    from ._fans import resolve_layout
    wanted = resolve_layout(layout)
    have = getattr(init, "layout")
    if have != wanted:
        raise ValueError(f"layout={layout!r} conflicts with the initializer's own "
                         f"layout={have!r} ({init!r})")
    return init


def checked_real(value: Any, argname: str) -> float:
    """A finite real parameter as a float (error names ``argname``).

    Parameters
    ----------
    value : real number
    argname : str

    Returns
    -------
    float
    """
    return finite(value, argname)


#: numpydoc text for the arguments every functional form shares
CALL_DOC = """shape : int or tuple of ints, optional
        The weight's shape; optional when ``out`` is given.
    dtype : dtype, optional
        float32 (default, or ``out.dtype``), float64, float16 or bfloat16.
    seed : None, int or numpy.random.SeedSequence, optional
        Draw from ``fastinit.default_rng(seed)``; ``init(..., seed=s)``
        equals ``init(..., rng=fastinit.default_rng(s))``.  Not together
        with ``rng``.  Neither: OS entropy.
    rng : fastinit.Generator, optional
        Draw from this generator; its position advances.
    out : ndarray, optional
        C-contiguous array of ``shape`` and ``dtype`` to fill in place.
    n_threads : int, optional
        Threads for the fill (default: all; see ``fastinit.threads``)."""


def with_call_doc(func: Callable) -> Callable:
    """Decorator: substitute ``{call}`` in ``func``'s docstring with :data:`CALL_DOC`.

    Parameters
    ----------
    func : callable

    Returns
    -------
    callable
        ``func`` itself.
    """
    if func.__doc__:
        func.__doc__ = func.__doc__.replace("{call}", CALL_DOC)
    return func
