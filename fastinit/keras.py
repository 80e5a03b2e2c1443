"""Keras 3 initializers whose values come from fastinit's kernels.

Every ``keras.initializers`` name as a subclass of Keras 3.15's own class
(constructor, validation, seeds, ``get_config`` and ``isinstance`` checks are
Keras's) whose ``__call__`` draws with fastinit, registered with
``keras.saving.register_keras_serializable(package="fastinit")``::

    import fastinit.keras as fk
    layer = keras.layers.Dense(4096, kernel_initializer=fk.HeNormal(seed=0))
    layer = keras.layers.Conv2D(64, 3, kernel_initializer=fk.get("glorot_uniform"))

A model saved with them (``model.save``) loads back with
``keras.saving.load_model`` without ``custom_objects`` in any process that has
imported ``fastinit.keras`` (Keras looks the registered name
``"fastinit>HeNormal"`` up in its registry; importing this module fills it).

What stays Keras's
    the layout ``(*kernel, in, out)`` and fans (``input_axes``/``output_axes``
    as Keras 3.15's ``compute_fans``: the products of those axes when both
    are given), division by ``max(1, fan)``, ``"truncated_normal"`` at +-2
    sigma with the 0.87962566103423978 correction and ``distribution="normal"``
    meaning that (Keras 3 maps it so), ``TruncatedNormal``'s +-2 ``stddev``,
    ``Orthogonal``'s flattening (columns = last axis), ``Identity`` 2-D only;
    seeds: an int gives the same values at every call, ``None`` makes Keras
    draw an int seed once at construction (``keras.utils.set_random_seed``
    makes it reproducible; the same values at every call, as Keras 3
    documents), a ``keras.random.SeedGenerator`` gives new values at every
    call and advances the generator.
What is fastinit's
    the values: drawn by fastinit's Philox kernels, so they differ from
    Keras's own draws with the same seed (same distributions: see
    ``docs/FRAMEWORKS.md``).  The int seed ``s`` draws from
    ``fastinit.default_rng(s)``; a ``SeedGenerator`` seed draws from
    ``fastinit.default_rng([w0, w1])`` where ``(w0, w1)`` is the uint32 pair
    its ``next()`` returns.

Values are drawn on the CPU in the requested dtype (float32, float64,
float16, bfloat16 natively; other float dtypes are drawn in float32 and
cast) and returned as a tensor of the active backend (JAX, PyTorch, NumPy or
TensorFlow) through ``keras.ops.convert_to_tensor``.  Keras's ``STFT``
(a fixed Fourier kernel, nothing random) is Keras's own class, re-exported;
``fastinit.get()`` reads its config as ``fastinit.initializers.STFT``.
"""
from __future__ import annotations

from typing import Any, Optional

import keras
import ml_dtypes
import numpy as np

from . import initializers as _neutral

__all__ = [
    "Initializer", "Constant", "Zeros", "Ones", "Identity", "STFT",
    "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
    "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform",
    "Orthogonal", "OrthogonalInitializer", "IdentityInitializer", "STFTInitializer",
    "constant", "zeros", "ones", "zero", "one", "identity", "stft",
    "random_normal", "random_uniform", "truncated_normal", "normal", "uniform",
    "variance_scaling", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
    "lecun_normal", "lecun_uniform", "orthogonal",
    "get", "PACKAGE",
]

#: the package name of fastinit's classes in Keras's serialization registry
PACKAGE = "fastinit"

#: the dtypes fastinit's kernels write directly
_NATIVE = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
           "bfloat16": ml_dtypes.bfloat16}


def _register(cls: type) -> type:
    return keras.saving.register_keras_serializable(package=PACKAGE, name=cls.__name__)(cls)


def _shape(shape: Any) -> tuple[int, ...]:
    try:
        return tuple(int(d) for d in shape)
    except TypeError:
        raise TypeError(f"shape must be a tuple of ints, got {shape!r}") from None


def _to_tensor(values: np.ndarray, dtype: str) -> Any:
    """``values`` as a tensor of the active backend in ``dtype``."""
    if values.dtype.name == "bfloat16":
        # every bfloat16 is a float32: widen exactly, let the backend narrow it back
        values = values.astype(np.float32)
    return keras.ops.convert_to_tensor(values, dtype=dtype)


class Initializer:
    """Mixin put before a Keras initializer class: its values come from fastinit.

    ``class HeNormal(Initializer, keras.initializers.HeNormal)`` keeps
    everything of Keras's class -- constructor, validation, seed handling,
    ``get_config``, ``isinstance`` checks such as ``EinsumDense``'s (which
    fills in ``input_axes``/``output_axes``) -- and replaces ``__call__``.
    Subclasses implement :meth:`fastinit_initializer`.
    """

    #: whether the values are random (constants accept any dtype)
    random = True

    def fastinit_initializer(self) -> _neutral.Initializer:
        """The ``fastinit.initializers`` object (``layout="keras"``) that draws the values.

        ``fastinit.get(obj)`` returns it.  With an int seed it draws exactly
        this object's values; with a ``SeedGenerator`` its own seed is None.

        Returns
        -------
        fastinit.initializers.Initializer
        """
        raise NotImplementedError

    def _own_seed(self) -> Optional[int]:
        seed = getattr(self, "seed", None)
        return seed if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) \
            else None

    def _call_seed(self) -> Any:
        seed = getattr(self, "seed", None)
        if isinstance(seed, keras.random.SeedGenerator):
            # new values at every call, as Keras: the generator's next uint32 pair
            words = keras.ops.convert_to_numpy(seed.next()).astype(np.uint64).ravel()
            return [int(w) for w in words]
        return self._own_seed()

    def __call__(self, shape: Any, dtype: Optional[str] = None) -> Any:
        """A tensor of ``shape`` and ``dtype`` (default ``keras.config.floatx()``)
        of the active backend."""
        dims = _shape(shape)
        dtype = keras.backend.standardize_dtype(dtype)
        native = _NATIVE.get(dtype)
        if native is None:
            if not self.random:  # an int or bool constant: nothing to draw
                return super().__call__(dims, dtype)  # type: ignore[misc]
            if "float" not in dtype:
                raise ValueError(f"{type(self).__name__} draws floating-point values; got "
                                 f"dtype={dtype!r}")
            native = np.float32  # e.g. float8: drawn in float32, cast by the backend
        values = self.fastinit_initializer()(dims, native, seed=self._call_seed())
        return _to_tensor(values, dtype)


# ----------------------------------------------------------------- constants --
@_register
class Constant(Initializer, keras.initializers.Constant):
    """``keras.initializers.Constant(value=0.0)``: every element ``value``.

    A non-scalar ``value`` (broadcast by Keras) is left to Keras's own code.
    """

    random = False

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.Constant(float(self.value))

    def __call__(self, shape: Any, dtype: Optional[str] = None) -> Any:
        if np.ndim(self.value) != 0:
            return keras.initializers.Constant.__call__(self, shape, dtype)
        return super().__call__(shape, dtype)


@_register
class Zeros(Initializer, keras.initializers.Zeros):
    """``keras.initializers.Zeros()``."""

    random = False

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.Zeros()


@_register
class Ones(Initializer, keras.initializers.Ones):
    """``keras.initializers.Ones()``."""

    random = False

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.Ones()


@_register
class Identity(Initializer, keras.initializers.Identity):
    """``keras.initializers.Identity(gain=1.0)``: ``gain * eye(*shape)``, 2-D only."""

    random = False

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.Identity(self.gain)

    def get_config(self) -> dict:
        # Keras 3.15's Identity has no get_config: a saved gain comes back as 1.0
        return {"gain": self.gain}

    def __call__(self, shape: Any, dtype: Optional[str] = None) -> Any:
        dims = _shape(shape)
        if len(dims) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={dims} of rank {len(dims)}.")
        return super().__call__(dims, dtype)


# -------------------------------------------------------------------- random --
@_register
class RandomNormal(Initializer, keras.initializers.RandomNormal):
    """``keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=None)``."""

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.RandomNormal(self.mean, self.stddev, seed=self._own_seed())


@_register
class RandomUniform(Initializer, keras.initializers.RandomUniform):
    """``keras.initializers.RandomUniform(minval=-0.05, maxval=0.05, seed=None)``."""

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.RandomUniform(self.minval, self.maxval, seed=self._own_seed())


@_register
class TruncatedNormal(Initializer, keras.initializers.TruncatedNormal):
    """``keras.initializers.TruncatedNormal(mean=0.0, stddev=0.05, seed=None)``:
    N(mean, stddev**2) truncated to mean +- 2 stddev (``stddev`` before truncation)."""

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.TruncatedNormal(self.mean, self.stddev, seed=self._own_seed(),
                                        layout="keras")


@_register
class VarianceScaling(Initializer, keras.initializers.VarianceScaling):
    """``keras.initializers.VarianceScaling(scale=1.0, mode="fan_in",
    distribution="truncated_normal", seed=None, input_axes=None, output_axes=None)``.

    ``distribution="normal"`` is read as ``"truncated_normal"``, as Keras 3
    does.  See the module docstring for fans and seeds.
    """

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.VarianceScaling(self.scale, self.mode, self.distribution,
                                        seed=self._own_seed(), layout="keras",
                                        input_axes=self.input_axes,
                                        output_axes=self.output_axes)


class _Preset(VarianceScaling):
    """A Keras preset; fastinit's preset of the same name draws it."""

    def fastinit_initializer(self) -> _neutral.Initializer:
        cls = getattr(_neutral, type(self).__name__)
        return cls(seed=self._own_seed(), layout="keras", input_axes=self.input_axes,
                   output_axes=self.output_axes)


@_register
class GlorotNormal(_Preset, keras.initializers.GlorotNormal):
    """``keras.initializers.GlorotNormal(seed=None, input_axes=None, output_axes=None)``:
    VarianceScaling(1.0, "fan_avg", "truncated_normal")."""


@_register
class GlorotUniform(_Preset, keras.initializers.GlorotUniform):
    """``keras.initializers.GlorotUniform``: VarianceScaling(1.0, "fan_avg", "uniform")."""


@_register
class HeNormal(_Preset, keras.initializers.HeNormal):
    """``keras.initializers.HeNormal``: VarianceScaling(2.0, "fan_in", "truncated_normal")."""


@_register
class HeUniform(_Preset, keras.initializers.HeUniform):
    """``keras.initializers.HeUniform``: VarianceScaling(2.0, "fan_in", "uniform")."""


@_register
class LecunNormal(_Preset, keras.initializers.LecunNormal):
    """``keras.initializers.LecunNormal``: VarianceScaling(1.0, "fan_in", "truncated_normal")."""


@_register
class LecunUniform(_Preset, keras.initializers.LecunUniform):
    """``keras.initializers.LecunUniform``: VarianceScaling(1.0, "fan_in", "uniform")."""


@_register
class Orthogonal(Initializer, keras.initializers.Orthogonal):
    """``keras.initializers.Orthogonal(gain=1.0, seed=None)``: at least 2-D; the
    matrix ``(prod(shape[:-1]), shape[-1])`` has orthonormal rows or columns
    (whichever are fewer), times ``gain``; Haar distributed."""

    def __call__(self, shape: Any, dtype: Optional[str] = None) -> Any:
        dims = _shape(shape)
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={dims} of rank {len(dims)}.")
        return super().__call__(dims, dtype)

    def fastinit_initializer(self) -> _neutral.Initializer:
        return _neutral.Orthogonal(self.gain, seed=self._own_seed(), layout="keras")


#: a fixed Fourier kernel (no randomness): Keras's own class
STFT = keras.initializers.STFT

# Keras's other public spellings (keras.initializers exports these names)
OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity
STFTInitializer = STFT
constant, zeros, ones, zero, one, identity, stft = (Constant, Zeros, Ones, Zeros, Ones,
                                                    Identity, STFT)
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
normal, uniform = RandomNormal, RandomUniform
variance_scaling, orthogonal = VarianceScaling, Orthogonal
glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal, lecun_uniform = (
    GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform)

#: every Keras name and alias -> fastinit's class (Keras's own for STFT)
_BY_NAME = {name: globals()[name] for name in __all__
            if isinstance(globals().get(name), type)
            and issubclass(globals()[name], keras.initializers.Initializer)}


def get(identifier: Any) -> Any:
    """``keras.initializers.get``, resolving names and configs to fastinit's classes.

    Parameters
    ----------
    identifier : str, dict, type, callable or None
        A Keras initializer name or alias (``"he_normal"``, ``"HeNormal"``,
        ``"OrthogonalInitializer"``, ... ; case-sensitive, as Keras), a config
        ``{"class_name": ..., "config": {...}}`` naming one (Keras's or
        fastinit's), a class (instantiated with no arguments), or a callable
        (returned as is).

    Returns
    -------
    keras.initializers.Initializer or callable or None

    Examples
    --------
    ``keras.layers.Dense(64, kernel_initializer=fastinit.keras.get("he_normal"))``
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}; "
                             f"known names: {', '.join(sorted(_BY_NAME))}")
        return _BY_NAME[identifier]()  # (Keras's get("constant") fails on from_config({}))
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        cls = _BY_NAME.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}; "
                             f"known names: {', '.join(sorted(_BY_NAME))}")
        return cls.from_config(dict(identifier.get("config") or {}))
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
