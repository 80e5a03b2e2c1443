"""``jax.nn.initializers`` factories whose values come from fastinit's kernels.

Same names and signatures as ``jax.nn.initializers`` (JAX 0.10), same
conventions (``in_axis``/``out_axis``/``batch_axis`` fans, ``"normal"`` =
untruncated, truncated normals at ``lower``/``upper`` standard deviations
with the 0.87962566103423978 correction in ``variance_scaling``,
``uniform(scale)`` on ``[0, scale)``, orthogonal columns on ``column_axis``,
``delta_orthogonal`` centre ``(k - 1) // 2``).  Each factory returns
``init(key, shape, dtype=dtype, out_sharding=None)``, usable as a Flax
``kernel_init``::

    import jax, flax.linen as nn, fastinit.jax as fj
    w = fj.he_normal()(jax.random.key(0), (3, 3, 64, 128))
    layer = nn.Dense(4096, kernel_init=fj.lecun_normal())

**Keys.**  A typed key (``jax.random.key``) or a raw ``uint32`` key
(``jax.random.PRNGKey``; any implementation) is read as its uint32 words
``w = jax.random.key_data(key).ravel()``; the values are drawn from
``fastinit.default_rng([int(x) for x in w])``, i.e. the Philox key is
``SeedSequence(w).generate_state(2, uint32)`` and the stream starts at 0.
So ``init(key, shape)`` equals ``fastinit.initializers.<...>(shape,
seed=[...words...])`` bit for bit, and split keys give independent streams.

**Under ``jax.jit``.**  The draw runs on the host through
``jax.pure_callback``: the callback receives the key's words and returns the
NumPy array fastinit fills with all CPU cores; XLA copies it to the device.
Eagerly (a concrete key) the same host function is called directly.
The values are a pure function of (key, shape, dtype), so the callback is
deterministic and JAX may cache, repeat or drop calls freely; ``vmap`` over
keys calls it once per key (``vmap_method="sequential"``).  Differentiating
through an initializer is not supported (it has no use).

Dtypes: float32, float64 (with ``jax_enable_x64``), float16 and bfloat16
are filled directly.  Complex dtypes (supported by JAX's
``variance_scaling``) raise a ``TypeError``.  ``zeros``, ``ones`` and
``constant`` draw nothing and return ``jnp.full`` (no callback).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from . import initializers as _neutral

__all__ = [
    "zeros", "ones", "constant", "uniform", "normal", "truncated_normal",
    "variance_scaling", "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
    "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal",
    "lecun_uniform", "lecun_normal", "orthogonal", "delta_orthogonal", "key_seed",
]

Axes = Union[int, Sequence[int]]
Initializer = Callable[..., jax.Array]

#: dtypes fastinit's kernels fill directly
_FLOATS = {np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16),
           np.dtype(jnp.bfloat16)}


def _resolve_dtype(dtype: Any) -> np.dtype:
    if dtype is None:
        return np.dtype(jax.dtypes.canonicalize_dtype(np.float64))  # float32 unless x64
    dt = np.dtype(jax.dtypes.canonicalize_dtype(dtype))
    if dt not in _FLOATS:
        raise TypeError(f"dtype must be float32, float64, float16 or bfloat16 for fastinit's "
                        f"initializers, got {dt}")
    return dt


def _key_words(key: Any) -> jax.Array:
    """The key's uint32 words, flat (works on tracers)."""
    if isinstance(key, (jax.Array, np.ndarray)) and jnp.issubdtype(key.dtype,
                                                                    jax.dtypes.prng_key):
        if key.shape != ():
            raise TypeError(f"key must be a single PRNG key, got a key array of shape "
                            f"{key.shape} (use jax.vmap to initialize a batch)")
        return jax.random.key_data(key).ravel()
    arr = jnp.asarray(key)
    if arr.dtype != jnp.uint32 or arr.ndim != 1 or arr.size == 0:
        raise TypeError(f"key must be a JAX PRNG key: a typed key (jax.random.key) or a raw "
                        f"uint32 key (jax.random.PRNGKey), got dtype {arr.dtype}, "
                        f"shape {arr.shape}")
    return arr


def key_seed(key: Any) -> list[int]:
    """The fastinit seed a JAX key maps to: its uint32 words, in order.

    ``fastinit.jax.he_normal()(key, shape)`` equals
    ``fastinit.initializers.VarianceScaling(2.0, "fan_in", "truncated_normal",
    layout="jax")(shape, seed=key_seed(key))``.

    Parameters
    ----------
    key : jax.Array
        A typed key (``jax.random.key``) or a raw uint32 key
        (``jax.random.PRNGKey``), concrete (not traced).

    Returns
    -------
    list of int
    """
    return [int(w) for w in np.asarray(_key_words(key))]


def _shape(shape: Any) -> tuple[int, ...]:
    try:
        return tuple(int(d) for d in shape)
    except TypeError:
        raise TypeError(f"shape must be a sequence of ints, got {shape!r}") from None


def _random(build: Callable[[], _neutral.Initializer], default_dtype: Any,
            check: Optional[Callable[[tuple[int, ...]], None]] = None) -> Initializer:
    """``init(key, shape, dtype)`` drawing ``build()`` on the host via ``pure_callback``."""
    neutral = build()  # validates the factory's arguments now, as JAX's factories do

    def init(key: jax.Array, shape: Sequence[int], dtype: Any = default_dtype,
             out_sharding: Any = None) -> jax.Array:
        if out_sharding is not None:
            raise NotImplementedError("fastinit.jax initializers do not take out_sharding")
        dims, dt = _shape(shape), _resolve_dtype(dtype)
        if check is not None:
            check(dims)
        if neutral.elementwise:
            neutral.plan(dims, dt)  # shape errors (fans) here, not inside the callback
        words = _key_words(key)

        def host(raw: np.ndarray) -> np.ndarray:
            return neutral(dims, dt, seed=[int(w) for w in np.asarray(raw).ravel()])

        try:
            concrete = np.asarray(words)
        except jax.errors.TracerArrayConversionError:  # under jit/vmap: draw on the host
            return jax.pure_callback(host, jax.ShapeDtypeStruct(dims, dt), words,
                                     vmap_method="sequential")
        return jnp.asarray(host(concrete))  # eager: the same function, called directly

    init.fastinit_initializer = neutral  # type: ignore[attr-defined]
    return init


# ------------------------------------------------------------- constants --
def zeros(key: jax.Array, shape: Sequence[int], dtype: Any = None,
          out_sharding: Any = None) -> jax.Array:
    """An array of zeros (``jax.nn.initializers.zeros``); ``key`` is ignored."""
    return constant(0.0, dtype)(key, shape, dtype, out_sharding)


def ones(key: jax.Array, shape: Sequence[int], dtype: Any = None,
         out_sharding: Any = None) -> jax.Array:
    """An array of ones (``jax.nn.initializers.ones``); ``key`` is ignored."""
    return constant(1.0, dtype)(key, shape, dtype, out_sharding)


def constant(value: Any, dtype: Any = None) -> Initializer:
    """``jax.nn.initializers.constant(value, dtype)``: arrays full of ``value``."""
    def init(key: jax.Array, shape: Sequence[int], dtype: Any = dtype,
             out_sharding: Any = None) -> jax.Array:
        dt = jax.dtypes.canonicalize_dtype(np.float64 if dtype is None else dtype)
        return jnp.full(_shape(shape), value, dtype=dt, device=out_sharding)
    return init


# -------------------------------------------------------------- plain random --
def uniform(scale: float = 1e-2, dtype: Any = None) -> Initializer:
    """``jax.nn.initializers.uniform(scale, dtype)``: U[0, scale)."""
    return _random(lambda: _neutral.RandomUniform(0.0, float(scale)), dtype)


def normal(stddev: float = 1e-2, dtype: Any = None) -> Initializer:
    """``jax.nn.initializers.normal(stddev, dtype)``: N(0, stddev**2)."""
    return _random(lambda: _neutral.RandomNormal(0.0, float(stddev)), dtype)


def truncated_normal(stddev: float = 1e-2, dtype: Any = None, lower: float = -2.0,
                     upper: float = 2.0) -> Initializer:
    """``jax.nn.initializers.truncated_normal(stddev, dtype, lower, upper)``:
    ``stddev`` times a standard normal truncated to [lower, upper]."""
    return _random(lambda: _neutral.TruncatedNormal(0.0, float(stddev), a=float(lower),
                                                    b=float(upper), layout="jax"), dtype)


# ---------------------------------------------------------- variance scaling --
_JAX_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def variance_scaling(scale: float, mode: str, distribution: str, in_axis: Axes = -2,
                     out_axis: Axes = -1, batch_axis: Axes = (),
                     dtype: Any = None) -> Initializer:
    """``jax.nn.initializers.variance_scaling``: variance ``scale / n``.

    ``n`` is fan_in, fan_out, their mean or geometric mean (``mode``), with
    fans from ``in_axis``/``out_axis``/``batch_axis`` (other axes are the
    receptive field).  ``distribution``: ``"truncated_normal"`` (+-2 sigma,
    corrected), ``"normal"`` (untruncated) or ``"uniform"``.  A zero fan is a
    ValueError (JAX would divide by zero).
    """
    if distribution not in _JAX_DISTRIBUTIONS:
        raise ValueError(f"invalid distribution for variance scaling initializer: "
                         f"{distribution}")
    if mode not in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
    return _random(lambda: _neutral.VarianceScaling(
        scale, mode, distribution, layout="jax", in_axis=in_axis, out_axis=out_axis,
        batch_axis=list(batch_axis) if not isinstance(batch_axis, int) else batch_axis), dtype)


def _preset(scale: float, mode: str, distribution: str, name: str) -> Callable[..., Initializer]:
    def factory(in_axis: Axes = -2, out_axis: Axes = -1, batch_axis: Axes = (),
                dtype: Any = None) -> Initializer:
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis,
                                dtype)
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = (f"``jax.nn.initializers.{name}``: ``variance_scaling({scale}, "
                       f"{mode!r}, {distribution!r}, in_axis, out_axis, batch_axis, dtype)``.")
    return factory


glorot_uniform = xavier_uniform = _preset(1.0, "fan_avg", "uniform", "glorot_uniform")
glorot_normal = xavier_normal = _preset(1.0, "fan_avg", "truncated_normal", "glorot_normal")
lecun_uniform = _preset(1.0, "fan_in", "uniform", "lecun_uniform")
lecun_normal = _preset(1.0, "fan_in", "truncated_normal", "lecun_normal")
he_uniform = kaiming_uniform = _preset(2.0, "fan_in", "uniform", "he_uniform")
he_normal = kaiming_normal = _preset(2.0, "fan_in", "truncated_normal", "he_normal")


# ----------------------------------------------------------------- orthogonal --
def _at_least_2d(dims: tuple[int, ...]) -> None:
    if len(dims) < 2:
        raise ValueError("orthogonal initializer requires at least a 2D shape")


def orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """``jax.nn.initializers.orthogonal(scale, column_axis, dtype)``: a Haar
    (semi-)orthogonal matrix with columns on ``column_axis``, times ``scale``."""
    return _random(lambda: _neutral.Orthogonal(float(scale), layout="jax",
                                               column_axis=column_axis), dtype, _at_least_2d)


class _DeltaOrthogonal(_neutral.Initializer):
    """An orthogonal ``shape[-2:]`` matrix at the kernel centre ``(k - 1) // 2``, zeros
    elsewhere (Xiao et al. 2018), as ``jax.nn.initializers.delta_orthogonal``."""

    elementwise = False

    def __init__(self, scale: float, column_axis: int) -> None:
        self.matrix = _neutral.Orthogonal(scale, layout="jax", column_axis=column_axis)

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Any, out: Any,
              n_threads: Optional[int]) -> np.ndarray:
        target = np.zeros(shape, dtype) if out is None else out
        target[...] = 0
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        target[centre] = self.matrix(shape[-2:], dtype, rng=gen, n_threads=n_threads)
        return target


def _delta_shape(dims: tuple[int, ...]) -> None:
    if len(dims) not in (3, 4, 5):
        raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
    if dims[-1] < dims[-2]:
        raise ValueError("`fan_in` must be less or equal than `fan_out`. ")


def delta_orthogonal(scale: float = 1.0, column_axis: int = -1,
                     dtype: Any = None) -> Initializer:
    """``jax.nn.initializers.delta_orthogonal(scale, column_axis, dtype)``: an
    orthogonal ``(in, out)`` matrix (``out >= in``) at the centre of a 3-D, 4-D or
    5-D kernel, zeros elsewhere."""
    return _random(lambda: _DeltaOrthogonal(float(scale), column_axis), dtype, _delta_shape)

