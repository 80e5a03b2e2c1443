"""``lsuv_(model, batch)``: layer-sequential unit-variance init (Mishkin & Matas, 2016).

"All you need is a good init" (ICLR 2016), Algorithm 1: pre-initialize every
layer's weights with orthonormal matrices (Saxe et al., 2014), then, layer by
layer in forward order, run the batch forward and divide the layer's weight by
the standard deviation of its output until the output variance is within
``tol`` of 1 (at most ``max_iter`` times).  The paper's Caffe networks start
with zero biases (Caffe's default bias filler), which is what the rescaling
assumes: the biases of the layers it initializes are zeroed.

Here the orthonormal matrices come from fastinit's streams: the parameter named
``name`` in ``model.named_parameters()`` is ``fastinit.orthogonal(shape,
layout="torch", rng=fastinit.default_rng(seed).stream(name))``, so the result
depends only on the seed, the model and the batch.

Forward passes run under ``torch.no_grad()`` in the model's current mode, with
torch's RNG reseeded identically for each (the same dropout masks every time,
the caller's RNG state untouched) and every buffer restored afterwards, and
each stops as soon as the layer being fitted has produced its output.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Optional

import numpy as np
import torch
from torch import nn

from fastinit._generator import Generator, default_rng
from fastinit.initializers import orthogonal

from ._layers import (Layer, batch_size, call_model, find_layers, first_tensor, kept_buffers,
                      parameter_names, seeded_torch_rng, torch_seed)

__all__ = ["lsuv_", "LSUVReport", "LSUVLayer"]


@dataclass(frozen=True)
class LSUVLayer:
    """What :func:`lsuv_` did to one layer.

    Attributes
    ----------
    name : str
        Qualified module name.
    type : str
        The module's class name.
    status : str
        ``"fitted"``; ``"frozen"`` (its weight does not require grad: left as
        it was); ``"tied to <module>, left as is"`` (its weight belongs to a
        module not initialized here, such as an embedding); ``"tied to <layer>"`` (its weight was fitted for an earlier
        layer, and is not rescaled again; its other weights and biases are
        initialized); ``"not called"`` (it did not run on the batch: left as
        it was).
    iterations : int
        Rescalings applied (0 when the orthogonal weight already gave a
        variance within ``tol`` of 1, or the layer was not fitted).
    variance : float
        Variance of the layer's output on the batch at the end (NaN when not
        fitted).
    """

    name: str
    type: str
    status: str
    iterations: int
    variance: float


@dataclass(frozen=True)
class LSUVReport:
    """The result of :func:`lsuv_`: one row per layer, in forward order.

    Attributes
    ----------
    layers : tuple of LSUVLayer
        Layers that ran, in forward order, then those that did not.
    tol : float
    max_iter : int
    seed : object
    """

    layers: tuple
    tol: float
    max_iter: int
    seed: Any

    @property
    def fitted(self) -> list[LSUVLayer]:
        """The rows with status ``"fitted"``."""
        return [row for row in self.layers if row.status == "fitted"]

    def to_dict(self) -> dict:
        """A strict-JSON-ready dict (a variance not measured is None)."""
        return {"tol": self.tol, "max_iter": self.max_iter, "seed": self.seed,
                "layers": [{**asdict(row), "variance": None if math.isnan(row.variance)
                            else row.variance} for row in self.layers]}

    def table(self) -> str:
        """A text table of the layers.

        Returns
        -------
        str
        """
        width = max([5] + [len(row.name) for row in self.layers])
        type_width = max([4] + [len(row.type) for row in self.layers])
        lines = [f"LSUV: tol {self.tol:g}, max_iter {self.max_iter}, seed {self.seed}",
                 f"{'layer':<{width}}  {'type':<{type_width}}  {'iters':>5}  {'variance':>9}  "
                 "status"]
        for row in self.layers:
            lines.append(f"{row.name:<{width}}  {row.type:<{type_width}}  {row.iterations:>5}  "
                         f"{row.variance:>9.4f}  {row.status}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


class _Captured(Exception):
    """Raised by the hook to stop a forward pass once the fitted layer has run."""


def _output_variance(model: nn.Module, batch: Any, layer: Layer, seed: int) -> float:
    """Variance of ``layer``'s first output on ``batch`` (its first call)."""
    captured: list[torch.Tensor] = []

    def hook(module: nn.Module, inputs: Any, output: Any) -> None:
        captured.append(first_tensor(output))
        raise _Captured

    handle = layer.module.register_forward_hook(hook)
    try:
        with torch.no_grad(), seeded_torch_rng(model, seed):
            call_model(model, batch)
    except _Captured:
        pass
    finally:
        handle.remove()
    if not captured:
        raise RuntimeError(f"lsuv_: layer {layer.name!r} ran on the first pass over batch but "
                           "not on a later one (does the model's forward depend on chance?)")
    out = captured[0]
    if out is None or not out.is_floating_point() or out.numel() < 2:
        raise ValueError(f"layer {layer.name!r}: its output has no floating-point tensor of two "
                         "or more elements to take the variance of")
    return float(out.detach().double().var(unbiased=False))


def _forward_order(model: nn.Module, batch: Any, layers: list[Layer], seed: int) -> list[Layer]:
    """The layers that run on ``batch``, in the order of their first call."""
    order: list[Layer] = []
    by_module = {id(layer.module): layer for layer in layers}
    seen: set[int] = set()

    def hook(module: nn.Module, inputs: Any, output: Any) -> None:
        if id(module) not in seen:
            seen.add(id(module))
            order.append(by_module[id(module)])

    handles = [layer.module.register_forward_hook(hook) for layer in layers]
    try:
        with torch.no_grad(), seeded_torch_rng(model, seed):
            call_model(model, batch)
    finally:
        for handle in handles:
            handle.remove()
    return order


def _select(model: nn.Module, names: Optional[Iterable[str]]) -> list[Layer]:
    layers = find_layers(model, embeddings=False)
    if names is None:
        return layers
    if isinstance(names, str):
        raise TypeError("layers must be an iterable of module names, not a str")
    wanted = list(names)
    by_name = {layer.name: layer for layer in find_layers(model)}
    for name in wanted:
        if name not in by_name:
            raise ValueError(f"layers: {name!r} is not a layer of model (a module owning a weight "
                             "with two or more dimensions, or an attention block)")
    return [by_name[name] for name in wanted]


def _owners_outside(model: nn.Module, layers: list[Layer]) -> dict[int, str]:
    """``id(param)`` -> the first module outside ``layers`` that owns it too (tied weights)."""
    inside = {id(layer.module) for layer in layers}
    inside |= {id(layer.module.out_proj) for layer in layers
               if isinstance(layer.module, nn.MultiheadAttention)}
    owners: dict[int, str] = {}
    for name, module in model.named_modules(remove_duplicate=False):
        if id(module) in inside:
            continue
        for param in module.parameters(recurse=False):
            owners.setdefault(id(param), name)
    return owners


def _check(tol: Any, max_iter: Any) -> None:
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):
        raise TypeError(f"tol must be a float, got {tol!r}")
    if not 0 < tol < 1:
        raise ValueError(f"tol must be in (0, 1), got {tol}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral):
        raise TypeError(f"max_iter must be an int, got {max_iter!r}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")


def _orthogonal_(param: nn.Parameter, rng: Generator) -> None:
    dtype = np.float64 if param.dtype == torch.float64 else np.float32
    values = orthogonal(tuple(param.shape), dtype, layout="torch", rng=rng)
    with torch.no_grad():
        param.copy_(torch.from_numpy(values))


def lsuv_(model: nn.Module, batch: Any, tol: float = 0.1, max_iter: int = 10,
          seed: Any = 0, *, layers: Optional[Iterable[str]] = None) -> LSUVReport:
    """Layer-sequential unit-variance init of ``model``, in place, fitted on ``batch``.

    Orthogonal weights from fastinit's streams and zero biases for every layer,
    then, in forward order, each layer's weight divided by the standard
    deviation of its output until that output's variance on ``batch`` is
    within ``tol`` of 1 (Mishkin & Matas, "All you need is a good init", 2016).

    Parameters
    ----------
    model : torch.nn.Module
        Its layers are the modules owning a ``weight`` with two or more
        dimensions (``Linear``, ``Conv*d``, ``ConvTranspose*d``, ``Bilinear``,
        custom leaf modules) except embeddings, and ``MultiheadAttention``
        (all its projection weights orthogonal, biases zeroed; ``out_proj.weight``
        rescaled).  A layer's output must be linear in its weight for the
        rescaling to converge.
    batch : torch.Tensor, tuple/list or mapping
        Inputs for ``model(batch)``, ``model(*batch)`` or ``model(**batch)``;
        at least 2 examples (the paper uses a training mini-batch: use a few
        hundred).
    tol : float
        Accepted ``|variance - 1|``, in (0, 1).  Default 0.1.
    max_iter : int
        Rescalings allowed per layer (>= 1).  Default 10.
    seed : None, int, numpy.random.SeedSequence or fastinit.Generator
        Default 0.  Parameter ``name`` draws from
        ``fastinit.default_rng(seed).stream(name)``; torch's RNG (dropout) is
        seeded from the stream ``"torch"`` for the passes.
    layers : iterable of str, optional
        Qualified names of the layers to initialize (default: all, as above).

    Returns
    -------
    LSUVReport
        Per layer: status, rescalings and final variance (``.table()``).

    Raises
    ------
    TypeError, ValueError
        A bad argument (named), a batch of fewer than 2 examples, no layer
        ran.  Nothing is written.
    RuntimeError
        A layer's variance is zero or not finite, or still not within ``tol``
        of 1 after ``max_iter`` rescalings (its output is not linear in its
        weight, e.g. a normalized weight).  Every parameter is restored to what
        it was before the call.

    Notes
    -----
    * Tied weights are initialized once and rescaled for the first layer (in
      forward order) that uses them; a later layer sharing them is reported
      ``"tied to <first>"`` and not rescaled again.  A module called several
      times is fitted on its first call.  A layer whose weight is also owned
      by a module ``lsuv_`` does not initialize (a language model's output
      projection tied to its input embedding) is left as it was, reported
      ``"tied to <module>, left as is"``; name both in ``layers`` to fit it.
    * Frozen parameters (``requires_grad=False``) are never written: a layer
      whose weight is frozen is skipped (``"frozen"``), a frozen bias is kept.
    * Only the layers that run on ``batch`` are initialized; the others are
      reported ``"not called"`` and left as they were.
    * While fitting, every weight it will write is kept in a copy (memory: one
      copy of those weights) to restore on failure.

    Examples
    --------
    >>> import torch, fastinit.torch
    >>> layers = []
    >>> for _ in range(20):
    ...     layers += [torch.nn.Linear(64, 64), torch.nn.Tanh()]
    >>> model = torch.nn.Sequential(*layers)
    >>> report = fastinit.torch.lsuv_(model, torch.randn(256, 64), seed=0)
    >>> all(abs(row.variance - 1) < 0.1 for row in report.layers)
    True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    _check(tol, max_iter)
    tol, max_iter = float(tol), int(max_iter)
    n = batch_size(batch)
    if n < 2:
        raise ValueError(f"batch has {n} example(s): lsuv_ needs at least 2 to estimate a "
                         "variance (use a training mini-batch of a few hundred)")
    root = default_rng(seed)
    rng_seed = torch_seed(root)
    selected = _select(model, layers)
    if not selected:
        raise ValueError("model has no layer to initialize (no module owns a weight with two "
                         "or more dimensions)")
    names = parameter_names(model)
    rows: dict[str, LSUVLayer] = {}
    with kept_buffers(model):
        order = _forward_order(model, batch, selected, rng_seed)
        if not order:
            raise ValueError("no layer of model ran on batch")
        outside = _owners_outside(model, selected)
        fitted_by: dict[int, str] = {}  # id(scale weight) -> the layer that fitted it
        initialized: list[Layer] = []  # orthogonal weights, zero biases
        plan: list[Layer] = []  # then rescaled, in forward order
        for layer in order:
            if not layer.scale.requires_grad:
                rows[layer.name] = LSUVLayer(layer.name, type(layer.module).__name__, "frozen",
                                             0, math.nan)
                continue
            if id(layer.scale) in outside:  # e.g. an output projection tied to the embedding
                rows[layer.name] = LSUVLayer(
                    layer.name, type(layer.module).__name__,
                    f"tied to {outside[id(layer.scale)]}, left as is", 0, math.nan)
                continue
            initialized.append(layer)
            if id(layer.scale) in fitted_by:
                rows[layer.name] = LSUVLayer(layer.name, type(layer.module).__name__,
                                             f"tied to {fitted_by[id(layer.scale)]}", 0, math.nan)
            else:
                fitted_by[id(layer.scale)] = layer.name
                plan.append(layer)
        # every parameter written once, trainable ones only
        writes = {id(p): p for layer in initialized for p in layer.weights + layer.biases
                  if p.requires_grad}
        saved = {key: p.detach().clone() for key, p in writes.items()}
        try:
            done: set[int] = set()
            for layer in initialized:
                for weight in layer.weights:
                    if weight.requires_grad and id(weight) not in done:
                        done.add(id(weight))
                        _orthogonal_(weight, root.stream(names[id(weight)]))
                for bias in layer.biases:
                    if bias.requires_grad and id(bias) not in done:
                        done.add(id(bias))
                        with torch.no_grad():
                            bias.zero_()
            for layer in plan:
                rows[layer.name] = _fit(model, batch, layer, tol, max_iter, rng_seed)
        except BaseException:
            with torch.no_grad():
                for key, param in writes.items():
                    param.copy_(saved[key])
            raise
    ran = [rows[layer.name] for layer in order]
    idle = [LSUVLayer(layer.name, type(layer.module).__name__, "not called", 0, math.nan)
            for layer in selected if layer.name not in rows]
    return LSUVReport(tuple(ran + idle), tol, max_iter, seed)


def _fit(model: nn.Module, batch: Any, layer: Layer, tol: float, max_iter: int,
         rng_seed: int) -> LSUVLayer:
    """Rescale ``layer.scale`` until the layer's output variance is within ``tol`` of 1."""
    iterations = 0
    variance = _output_variance(model, batch, layer, rng_seed)
    while not abs(variance - 1.0) < tol:
        if not math.isfinite(variance) or variance == 0.0:
            raise RuntimeError(
                f"lsuv_: layer {layer.name!r} has output variance {variance} on batch after "
                f"{iterations} rescaling(s): it cannot be rescaled to 1 (dead or overflowing "
                "layer); parameters restored")
        if iterations == max_iter:
            raise RuntimeError(
                f"lsuv_: layer {layer.name!r} did not converge: output variance {variance:.6g} "
                f"after max_iter={max_iter} rescalings, not within tol={tol} of 1 (is its output "
                "linear in its weight?); parameters restored")
        with torch.no_grad():
            layer.scale.mul_(1.0 / math.sqrt(variance))
        iterations += 1
        variance = _output_variance(model, batch, layer, rng_seed)
    return LSUVLayer(layer.name, type(layer.module).__name__, "fitted", iterations, variance)
