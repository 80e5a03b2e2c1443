"""The bridge between spec entries and fastinit's initializer catalogue.

An entry's ``init`` is anything ``fastinit.get`` accepts; the entry's other
keys are the initializer's options (``layout`` among them).  Tensor ``name``
is what ``initializer(shape, dtype, rng=root.stream(name))`` draws: the named
sub-stream, at position 0, whatever else is initialized (see ``_fill``).  An
initializer's own ``seed`` is therefore not used here.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _get() -> Any:
    from ..initializers import get  # here, not at import: the catalogue imports fastinit

    return get


def resolve_initializer(init: Any, options: dict, shape: tuple[int, ...], dtype: np.dtype,
                        where: str) -> Any:
    """The initializer object for a spec entry, checked against its shape and dtype.

    Parameters
    ----------
    init : str, dict, Initializer or Initializer class
        The entry's ``init``.
    options : dict
        The entry's other keys: constructor arguments, and ``layout``.
    shape, dtype
        The tensor's.
    where : str
        Names the entry in error messages (``spec['h.0.mlp.c_fc.weight']['init']``).

    Raises
    ------
    TypeError, ValueError
        Naming ``where``: unknown names, bad options, a layout-dependent
        initializer given by name without ``layout``, a shape it cannot
        handle (for instance no fan for a 1-D shape in the torch layout).
    """
    get = _get()
    options = dict(options)
    layout = options.pop("layout", None)
    try:
        if init is None:
            raise TypeError("init must name an initializer, got None")
        if options and not isinstance(init, (str, type)):
            raise TypeError(f"options {sorted(options)} go with an initializer name; an "
                            "initializer object or config dict carries its own")
        if layout is None and isinstance(init, (str, type)) and is_layout_aware(init):
            raise TypeError(
                f"{init if isinstance(init, str) else init.__name__} depends on the weight "
                "layout: add \"layout\": \"torch\" for (out, in, *kernel) weights, "
                "\"keras\" for (*kernel, in, out) or \"jax\"")
        initializer = get(init, layout=layout, **options)
        if initializer.elementwise:
            initializer.plan(shape, dtype)  # rejects shapes and dtypes it cannot fill
    except (TypeError, ValueError, OverflowError) as exc:
        raise type(exc)(f"{where}: {exc}") from None
    return initializer


def is_layout_aware(init: Any) -> bool:
    """Whether ``init`` (a name, class, config dict or object) depends on the weight layout.

    False when ``init`` is not a valid identifier: the error is reported,
    with its context, when the entry is resolved.
    """
    from ..initializers import layout_dependent

    try:
        return layout_dependent(init)
    except (TypeError, ValueError, OverflowError):
        return False
