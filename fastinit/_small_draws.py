"""NumPy's small calls, checked once and then made in one call into the bit generator.

A loop of ``rng.normal(0.0, 2.0)`` or ``rng.integers(0, 10, size=100)`` costs
its Python overhead, not its numbers: NumPy answers such a call in half a
microsecond to a microsecond.  The general path of a fastinit draw resolves
``(size, dtype, out)``, checks the parameters, picks a thread count and
enters the core.  For a small call (one value, or a new array of up to
:data:`SMALL_DRAW` elements) ``Generator`` asks ``Philox4x32.draw_small``
instead, which looks the call's (method, dtype, parameters) up in
:data:`SMALL_PLANS`; the first time, :func:`make_plan` checks them by the
general rules (the method table's ``FillMethod.target`` and
``FillMethod.kernel_params``) and remembers the outcome, a :class:`SmallPlan`.
From then on the call is one dictionary lookup and one kernel call, on the
calling thread, in compiled code.  The values are those of the general path
at the same stream position (the kernels are the same; a test compares them).

What is not planned takes the general path, which raises the errors: bad
parameters, arrays as parameters, ``out=``, ``n_threads=``, empty or large
sizes, float16/bfloat16 and non-native byte orders.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Callable, NamedTuple, Optional

from . import _core

__all__ = ["SMALL_DRAW", "SmallPlan", "SMALL_PLANS", "MAX_PLANS", "make_plan"]

#: Draws of at most this many elements are filled on the calling thread in
#: one call into the bit generator (no thread resolution, no OpenMP region):
#: their cost is the Python call, not the numbers.
SMALL_DRAW = 4096

#: Kernel dtypes whose single value ``Philox4x32.reserve_one`` returns.
_ONE_VALUE_DTYPES = frozenset((_core.F32, _core.F64, _core.U8, _core.U16, _core.U32, _core.U64))
_EXACT_TYPES = frozenset((int, bool))


class SmallPlan(NamedTuple):
    """One checked (method, dtype, parameters) of a small call.

    ``Philox4x32.draw_small`` reads its fields by position.
    """

    kind: int
    kernel_dtype: int
    words_per_element: int
    typenum: int
    #: the checked kernel parameters, packed (``fastinit._core.pack_params``)
    packed: bytes
    #: the value a scalar call returns, from ``reserve_one``'s; None: as it is
    #: (a Python float)
    scalar: Optional[Callable[[int], Any]]
    #: positions of the parameters that are float zeros: a -0.0 given there
    #: must not use this plan
    zero_parameters: tuple[int, ...]


def _python_integer(dtype: Any) -> Callable[[int], Any]:
    """The Python value (as ``ndarray.item()`` gives it) of an integer kernel's bits."""
    if dtype.kind == "b":
        return bool
    if dtype.kind == "u":
        return int
    bits = dtype.itemsize * 8
    sign, wrap = 1 << (bits - 1), 1 << bits
    return lambda word: word - wrap if word & sign else word


#: The plans made so far, by the key ``Philox4x32.draw_small`` builds: (method,
#: dtype argument, parameter values, their types); False for calls that always
#: take the general path.  Cleared when it holds MAX_PLANS (a loop over
#: ever-new parameters must not grow it without end).
SMALL_PLANS: dict = {}
MAX_PLANS = 1024


def make_plan(key: tuple, method: str, dtype: Any, values: tuple, *,
              methods: Mapping[str, Any]) -> Optional[SmallPlan]:
    """Check ``method(*values, dtype=dtype)`` by the general rules and return its
    plan, remembered in :data:`SMALL_PLANS` under ``key``; None when the general
    path must take the call (it then raises for bad arguments).  ``values``
    are all of the method's parameters, in the order of its ``params`` in
    ``methods`` (the method table, ``fastinit._methods.METHODS``)."""
    spec = methods[method]
    names = [name for name, _ in spec.params]
    if len(names) != len(values):
        raise TypeError(f"{method} takes the parameters {names}, got {len(values)} values")
    try:
        dt = spec.target(None, dtype, None).dtype
        kdtype = spec.kernel_dtype(dt)
        if kdtype not in _ONE_VALUE_DTYPES or not dt.isnative:
            # float16, bfloat16, a byte-swapped dtype: always the general path,
            # which this remembers (False) so that such calls do not come back here
            _remember(key, False, values)
            return None
        kparams = spec.kernel_params(dt, dict(zip(names, values)))
    except (TypeError, ValueError, OverflowError):
        return None
    scalar = _python_integer(dt) if dt.kind in "biu" else None
    plan = SmallPlan(spec.kind, kdtype, spec.words_per_element(dt), dt.num,
                     _core.pack_params(kparams), scalar,
                     tuple(i for i, v in enumerate(values) if _is_real_zero(v)))
    _remember(key, plan, values)
    return plan


def _remember(key: tuple, entry: Any, values: tuple) -> None:
    """Keep ``entry`` (a plan, or False) under ``key`` in :data:`SMALL_PLANS`.

    -0.0 == 0.0 and hashes alike, but NumPy refuses a scale of -0.0 and a loc
    of -0.0 can give other signs of zero: only +0.0's entry is kept, and
    draw_small does not use a plan for a -0.0 at one of its zero_parameters.
    """
    if any(map(_is_negative_zero, values)):
        return
    if len(SMALL_PLANS) >= MAX_PLANS:
        SMALL_PLANS.clear()
    SMALL_PLANS[key] = entry


def _is_real_zero(value: Any) -> bool:
    """A zero that may carry a sign (not an int or bool)."""
    return type(value) not in _EXACT_TYPES and value == 0


def _is_negative_zero(value: Any) -> bool:
    if not _is_real_zero(value):
        return False
    try:
        return math.copysign(1.0, float(value)) < 0
    except (TypeError, ValueError):
        return True  # unknown: never cached
