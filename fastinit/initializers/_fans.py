"""Fan-in / fan-out of a weight shape, in each framework's layout.

Layouts (``layout=``), see docs/CONVENTIONS.md:

``"torch"``
    ``(out, in, *kernel)``, as ``torch.nn.init._calculate_fan_in_and_fan_out``:
    ``fan_in = shape[1] * prod(shape[2:])``, ``fan_out = shape[0] * prod(shape[2:])``;
    fewer than 2 dimensions is an error.
``"keras"``
    ``(*kernel, in, out)``, as Keras' ``compute_fans``: ``fan_in = shape[-2] *
    prod(shape[:-2])``, ``fan_out = shape[-1] * prod(shape[:-2])``; a scalar
    shape has fans (1, 1), a 1-D shape ``(n,)`` has fans (n, n).  With both
    ``input_axes`` and ``output_axes`` (Keras 3.15's VarianceScaling options)
    ``fan_in = prod(shape[input_axes])`` and ``fan_out =
    prod(shape[output_axes])``, without a receptive field; one of them alone
    is ignored, as in Keras.
``"jax"``
    As ``jax.nn.initializers``: ``in_axis`` (default -2), ``out_axis``
    (default -1) and ``batch_axis`` (default none) name the axes; every other
    axis is receptive field.  Fewer than 2 dimensions is an error.
"""
from __future__ import annotations

import math
import operator
from typing import Optional, Sequence, Union

from .._validation import normalize_size

AxisLike = Union[None, int, Sequence[int]]

#: accepted spellings of each layout
_LAYOUT_NAMES = {
    "torch": "torch", "pytorch": "torch",
    "keras": "keras", "tf": "keras", "tensorflow": "keras",
    "jax": "jax", "flax": "jax",
}

LAYOUTS = ("torch", "keras", "jax")

#: what each layout means, for error messages
LAYOUT_CHOICES = ("layout='torch' (weights (out, in, *kernel), PyTorch's conventions), "
                  "'keras' ((*kernel, in, out), Keras's) or 'jax' ((*kernel, in, out) with "
                  "in_axis/out_axis/batch_axis, JAX's)")


def require_layout(layout: Optional[str], owner: str) -> str:
    """The canonical layout of a layout-dependent initializer; ``None`` is an error.

    The framework-neutral API never guesses a layout: the same name and
    options must give the same values in every call form, and no default
    can be right for both ``(out, in)`` and ``(in, out)`` weights.

    Parameters
    ----------
    layout : str or None
        As :func:`resolve_layout`.
    owner : str
        The initializer's name, for the error message.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        ``layout`` is None; the message lists the choices.
    """
    if layout is None:
        raise TypeError(f"{owner} depends on the weight layout: pass {LAYOUT_CHOICES}. "
                        "The framework adapters (fastinit.keras, fastinit.jax) fix it.")
    return resolve_layout(layout)


def resolve_layout(layout: str, argname: str = "layout") -> str:
    """The canonical name (``"torch"``, ``"keras"`` or ``"jax"``) of ``layout``.

    Parameters
    ----------
    layout : str
        ``"torch"`` (or ``"pytorch"``), ``"keras"`` (or ``"tf"``,
        ``"tensorflow"``), ``"jax"`` (or ``"flax"``); case-insensitive.
    argname : str
        Name used in error messages.

    Returns
    -------
    str
    """
    if not isinstance(layout, str):
        raise TypeError(f"{argname} must be a string ('torch', 'keras' or 'jax'), "
                        f"got {type(layout).__name__}")
    try:
        return _LAYOUT_NAMES[layout.lower()]
    except KeyError:
        raise ValueError(f"{argname} must be 'torch', 'keras' or 'jax', got {layout!r}") from None


def _axes(value: AxisLike, ndim: int, argname: str, distinct: bool = True
          ) -> tuple[int, ...]:
    """``value`` (an axis or a sequence of axes) as non-negative axis numbers."""
    if value is None:
        return ()
    try:
        raw = (operator.index(value),)
    except TypeError:
        try:
            raw = tuple(operator.index(a) for a in value)  # type: ignore[union-attr]
        except TypeError:
            raise TypeError(f"{argname} must be an int or a sequence of ints, "
                            f"got {value!r}") from None
    out = []
    for a in raw:
        if not -ndim <= a < ndim:
            raise ValueError(f"{argname}={value!r} is out of range for a shape with {ndim} "
                             "dimensions")
        out.append(a % ndim)
    if distinct and len(set(out)) != len(out):
        raise ValueError(f"{argname}={value!r} repeats an axis")
    return tuple(out)


def normalize_keras_axes(input_axes: AxisLike, output_axes: AxisLike, layout: str
                         ) -> tuple[Optional[list], Optional[list]]:
    """Validate Keras 3.15's ``input_axes``/``output_axes`` (they need ``layout="keras"``).

    Parameters
    ----------
    input_axes, output_axes : int, sequence of ints or None
    layout : str
        A canonical layout name.

    Returns
    -------
    input_axes, output_axes : list of ints or None
        JSON-friendly values.
    """
    result = []
    for name, value in (("input_axes", input_axes), ("output_axes", output_axes)):
        if value is None:
            result.append(None)
            continue
        if layout != "keras":
            raise ValueError(f"{name} is a Keras option: pass layout='keras' to use it "
                             f"(got layout={layout!r}); the jax layout has in_axis/out_axis")
        try:
            result.append([operator.index(value)])
        except TypeError:
            try:
                result.append([operator.index(a) for a in value])  # type: ignore[union-attr]
            except TypeError:
                raise TypeError(f"{name} must be a sequence of ints, got {value!r}") from None
    return result[0], result[1]


def normalize_axes(in_axis: AxisLike, out_axis: AxisLike, batch_axis: AxisLike,
                   layout: str) -> tuple[AxisLike, AxisLike, AxisLike]:
    """Validate JAX-style axis options for ``layout`` (they need ``layout="jax"``).

    Parameters
    ----------
    in_axis, out_axis, batch_axis : int, sequence of ints or None
    layout : str
        A canonical layout name.

    Returns
    -------
    in_axis, out_axis, batch_axis : int, list of ints or None
        JSON-friendly values.
    """
    given = {"in_axis": in_axis, "out_axis": out_axis, "batch_axis": batch_axis}
    if layout != "jax":
        for name, value in given.items():
            if value is not None and value != () and value != []:
                raise ValueError(f"{name} is a JAX option: pass layout='jax' to use it "
                                 f"(got layout={layout!r})")
        return None, None, None

    def plain(value: AxisLike, argname: str) -> AxisLike:
        if value is None:
            return None
        try:
            return operator.index(value)
        except TypeError:
            try:
                return [operator.index(a) for a in value]  # type: ignore[union-attr]
            except TypeError:
                raise TypeError(f"{argname} must be an int or a sequence of ints, "
                                f"got {value!r}") from None

    return (plain(in_axis, "in_axis"), plain(out_axis, "out_axis"),
            plain(batch_axis, "batch_axis"))


def compute_fans(shape: Union[int, Sequence[int]], layout: str, *,
                 in_axis: AxisLike = None, out_axis: AxisLike = None,
                 batch_axis: AxisLike = None, input_axes: AxisLike = None,
                 output_axes: AxisLike = None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``shape`` in ``layout``.

    Parameters
    ----------
    shape : int or sequence of ints
        The weight's shape.
    layout : {"torch", "keras", "jax"}
        Which framework's layout ``shape`` is in (required): ``"torch"``
        ``(out, in, *kernel)``; ``"keras"``: ``(*kernel, in, out)``; see the
        module docstring for rank < 2.
    in_axis, out_axis : int or sequence of ints, optional
        ``layout="jax"`` only: the input / output feature axes (defaults
        -2 and -1, as ``jax.nn.initializers.variance_scaling``).
    batch_axis : int or sequence of ints, optional
        ``layout="jax"`` only: axes that are neither fans nor receptive field.
    input_axes, output_axes : sequence of ints, optional
        ``layout="keras"`` only, as Keras 3.15's ``compute_fans``: used when
        both are given.

    Returns
    -------
    fan_in, fan_out : int
        May be 0 when ``shape`` has a zero dimension; the variance-scaling
        initializers reject a zero fan with a ValueError.

    Raises
    ------
    ValueError
        A rank the layout cannot interpret, an axis out of range or used
        twice, or an axis option without ``layout="jax"``.

    Examples
    --------
    >>> compute_fans((64, 32, 3, 3), "torch")
    (288, 576)
    >>> compute_fans((3, 3, 32, 64), "keras")
    (288, 576)
    """
    dims = normalize_size(shape, "shape")
    assert dims is not None
    layout = require_layout(layout, "compute_fans")
    normalize_axes(in_axis, out_axis, batch_axis, layout)  # rejects axes off the jax layout
    input_axes, output_axes = normalize_keras_axes(input_axes, output_axes, layout)
    ndim = len(dims)
    if layout == "torch":
        if ndim < 2:
            raise ValueError(f"shape={dims}: fan in and fan out can not be computed for fewer "
                             "than 2 dimensions in the torch layout (out, in, *kernel)")
        receptive = math.prod(dims[2:])
        return dims[1] * receptive, dims[0] * receptive
    if layout == "keras":
        if input_axes is not None and output_axes is not None:
            fan_in = math.prod(dims[a] for a in _axes(input_axes, ndim, "input_axes",
                                                      distinct=False))
            fan_out = math.prod(dims[a] for a in _axes(output_axes, ndim, "output_axes",
                                                       distinct=False))
            return fan_in, fan_out
        if ndim == 0:
            return 1, 1
        if ndim == 1:
            return dims[0], dims[0]
        receptive = math.prod(dims[:-2])
        return dims[-2] * receptive, dims[-1] * receptive
    # jax
    if ndim < 2:
        raise ValueError(f"shape={dims}: can't compute input and output sizes of a "
                         f"{ndim}-dimensional weight in the jax layout; it must be at least 2-D")
    ins = _axes(-2 if in_axis is None else in_axis, ndim, "in_axis")
    outs = _axes(-1 if out_axis is None else out_axis, ndim, "out_axis")
    batch = _axes(batch_axis, ndim, "batch_axis")
    used = ins + outs + batch
    if len(set(used)) != len(used):
        raise ValueError(f"in_axis={in_axis!r}, out_axis={out_axis!r} and "
                         f"batch_axis={batch_axis!r} must name different axes")
    receptive = math.prod(d for i, d in enumerate(dims) if i not in used)
    fan_in = math.prod(dims[i] for i in ins) * receptive
    fan_out = math.prod(dims[i] for i in outs) * receptive
    return fan_in, fan_out


MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")


def resolve_mode(mode: str, argname: str = "mode") -> str:
    """Check a variance-scaling mode name (case-insensitive, as PyTorch).

    Parameters
    ----------
    mode : str
        One of :data:`MODES`.
    argname : str
        Name used in error messages.

    Returns
    -------
    str
        The lower-case mode.
    """
    if not isinstance(mode, str):
        raise TypeError(f"{argname} must be a string, got {type(mode).__name__}")
    if mode.lower() not in MODES:
        raise ValueError(f"{argname} must be one of {MODES}, got {mode!r}")
    return mode.lower()


def fan_for_mode(shape: tuple[int, ...], fans: tuple[int, int], mode: str,
                 layout: str) -> float:
    """The variance-scaling denominator ``n`` for ``mode``; never 0.

    ``fan_in``/``fan_out`` -> that fan; ``fan_avg`` -> (in + out) / 2;
    ``fan_geo_avg`` -> sqrt(in * out) (as JAX).  A fan that ``mode`` uses and
    that is 0 (a zero dimension) raises ValueError naming ``shape``, except
    in the keras layout, where it counts as 1 (Keras divides by
    ``max(1, fan)``).

    Parameters
    ----------
    shape : tuple of ints
        For error messages.
    fans : (int, int)
        ``(fan_in, fan_out)``.
    mode : str
    layout : str
        For error messages.

    Returns
    -------
    float
    """
    fan_in, fan_out = fans
    if layout == "keras":  # Keras divides by max(1, n): a zero fan is not an error there
        fan_in, fan_out = max(fan_in, 1), max(fan_out, 1)
    used = {"fan_in": ("fan_in",), "fan_out": ("fan_out",)}.get(mode, ("fan_in", "fan_out"))
    for name in used:
        if (fan_in if name == "fan_in" else fan_out) == 0:
            raise ValueError(
                f"shape={shape} has {name}=0 in the {layout} layout: mode={mode!r} would "
                "divide by zero (a weight with a zero-size dimension has no fan)")
    if mode == "fan_in":
        return float(fan_in)
    if mode == "fan_out":
        return float(fan_out)
    if mode == "fan_avg":
        return (fan_in + fan_out) / 2.0
    return math.sqrt(fan_in * fan_out)
