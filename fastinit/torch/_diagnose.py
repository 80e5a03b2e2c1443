"""``diagnose(model, batch)``: per-layer activation and gradient statistics of a torch model.

One forward pass with a forward hook on every layer (see ``_layers``) records,
at the moment the layer runs, the mean and standard deviation of its output
and the fraction of its units that are never positive on the batch; a tensor
hook on that output records the gradient reaching it during one backward pass.
The backward pass uses ``torch.autograd.grad``, so no ``.grad`` attribute is
written; buffers (BatchNorm running statistics) are restored and torch's
random state is forked, so the model and the caller's RNG are left exactly as
they were.

A layer is flagged when its statistic is more than a factor ``FLAG_FACTOR``
(100, as ``fastinit.diagnose``) away from the reference layer's: the first
layer for activations (the signal entering the network), the last layer for
gradients (the signal entering the backward pass), skipping layers whose value
is zero or not finite; those are always flagged.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Callable, Optional

import numpy as np
import torch
from torch import nn

from fastinit._generator import default_rng
from fastinit.diagnose import new_figure

from ._layers import (batch_size, call_model, channel_dim, find_layers, first_tensor,
                      kept_buffers, seeded_torch_rng, torch_seed)

__all__ = ["diagnose", "TorchDiagnosis", "LayerStats", "FLAG_FACTOR"]

#: A statistic more than this factor above (below) its reference layer's is
#: flagged "exploding" ("vanishing").
FLAG_FACTOR = 100.0


@dataclass(frozen=True)
class LayerStats:
    """Statistics of one layer call.

    Attributes
    ----------
    name : str
        Qualified module name; ``"name#2"`` for its second call, and so on.
    type : str
        The module's class name.
    shape : tuple of int
        Shape of the layer's output (its first tensor, for attention).
    activation_mean, activation_std : float
        Mean and standard deviation of the output, over every element.
    gradient_std : float
        Standard deviation of the gradient of the loss with respect to the
        output; NaN where no gradient reaches it (everything before it frozen).
    weight_gradient_std : float
        Standard deviation of the gradient with respect to the layer's weight
        (its ``out_proj.weight`` for attention); NaN when frozen.  A weight
        shared by several calls reports the total gradient on every row.
    dead_fraction : float
        Fraction of the output's units (channels for convolutions, the last
        dimension otherwise) that are never positive on the batch: a ReLU
        after the layer would output zero for every example.
    activation_flag, gradient_flag : str
        ``""``, ``"vanishing"`` or ``"exploding"`` (see the module docstring).
    """

    name: str
    type: str
    shape: tuple
    activation_mean: float
    activation_std: float
    gradient_std: float
    weight_gradient_std: float
    dead_fraction: float
    activation_flag: str = ""
    gradient_flag: str = ""

    @property
    def flags(self) -> tuple[str, ...]:
        """``("activations vanishing", ...)``: empty when the layer looks healthy."""
        return tuple(f"{what} {flag}" for what, flag in (
            ("activations", self.activation_flag), ("gradients", self.gradient_flag)) if flag)


def _flag(value: float, reference: float) -> str:
    if math.isnan(value):
        return ""  # not measured (no gradient reaches the layer)
    if not math.isfinite(value):
        return "exploding"
    if value == 0.0:
        return "vanishing"
    if not (math.isfinite(reference) and reference > 0):
        reference = 1.0
    if value > reference * FLAG_FACTOR:
        return "exploding"
    if value < reference / FLAG_FACTOR:
        return "vanishing"
    return ""


def _reference(values: list[float]) -> float:
    """The first finite, non-zero value (NaN if none): what the others are compared with."""
    return next((v for v in values if math.isfinite(v) and v > 0), math.nan)


@dataclass(frozen=True)
class TorchDiagnosis:
    """What :func:`diagnose` measured, one row per layer call in forward order.

    Attributes
    ----------
    layers : tuple of LayerStats
    batch_size : int
    loss : str
        ``"N(0, 1) output gradient"`` or ``"loss_fn"``.
    seed : object
    """

    layers: tuple
    batch_size: int
    loss: str
    seed: Any

    @property
    def flagged(self) -> list[str]:
        """Names of the layers with a flag, in forward order."""
        return [row.name for row in self.layers if row.flags]

    def to_dict(self) -> dict:
        """A strict-JSON-ready dict: NaN (not measured) as None, infinities as ``"inf"``."""
        def clean(value: Any) -> Any:
            if isinstance(value, float) and math.isnan(value):
                return None
            if isinstance(value, float) and math.isinf(value):
                return str(value)
            return list(value) if isinstance(value, tuple) else value
        return {"batch_size": self.batch_size, "loss": self.loss, "seed": self.seed,
                "flagged": self.flagged,
                "layers": [{k: clean(v) for k, v in asdict(row).items()} for row in self.layers]}

    def table(self) -> str:
        """A text table, one row per layer call, with a summary line.

        Returns
        -------
        str
        """
        width = max([5] + [len(row.name) for row in self.layers])
        type_width = max([4] + [len(row.type) for row in self.layers])
        lines = [f"batch: {self.batch_size}   backward: {self.loss}   seed: {self.seed}",
                 f"{'#':>3}  {'layer':<{width}}  {'type':<{type_width}}  {'act mean':>10}  "
                 f"{'act std':>10}  {'grad std':>10}  {'w grad std':>10}  {'dead':>5}  flags"]
        for i, row in enumerate(self.layers, 1):
            lines.append(
                f"{i:>3}  {row.name:<{width}}  {row.type:<{type_width}}  "
                f"{row.activation_mean:>10.3e}  {row.activation_std:>10.3e}  "
                f"{row.gradient_std:>10.3e}  {row.weight_gradient_std:>10.3e}  "
                f"{row.dead_fraction:>5.0%}  {', '.join(row.flags)}")
        flagged = self.flagged
        lines.append(f"{len(flagged)} of {len(self.layers)} layers flagged"
                     + (f" (factor {FLAG_FACTOR:g} from the reference layer)" if flagged else ""))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def plot(self, path: str, title: Optional[str] = None) -> str:
        """Write a PNG: activation std, gradient std and dead fraction against depth.

        Parameters
        ----------
        path : str
            Output file.
        title : str, optional
            Figure title.

        Returns
        -------
        str
            ``path``.

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        """
        fig = new_figure((12, 4))
        x = np.arange(1, len(self.layers) + 1)
        axes = fig.subplots(1, 3)
        for ax, attr, flag_attr, label in (
                (axes[0], "activation_std", "activation_flag", "activation std"),
                (axes[1], "gradient_std", "gradient_flag", "gradient std (w.r.t. output)")):
            values = np.array([getattr(row, attr) for row in self.layers], dtype=float)
            shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
            ax.semilogy(x, shown, marker=".", linewidth=1)
            bad = np.array([bool(getattr(row, flag_attr)) for row in self.layers])
            if bad.any():
                ax.semilogy(x[bad], shown[bad], "o", color="tab:red", label="flagged")
                ax.legend(loc="best")
            finite = shown[np.isfinite(shown)]
            ax.set_ylim(min(1e-3, float(finite.min()) / 2) if finite.size else 1e-3,
                        max(1e3, float(finite.max()) * 2) if finite.size else 1e3)
            ax.axhline(1.0, color="gray", linewidth=0.8, linestyle=":")
            ax.set_xlabel("layer (forward order)")
            ax.set_title(label)
            ax.grid(True, which="major", alpha=0.3)
        axes[2].plot(x, [row.dead_fraction for row in self.layers], marker=".", linewidth=1)
        axes[2].set_ylim(-0.02, 1.02)
        axes[2].set_xlabel("layer (forward order)")
        axes[2].set_title("dead units (never positive)")
        axes[2].grid(True, alpha=0.3)
        if title:
            fig.suptitle(title, fontsize=10)
        fig.savefig(path, dpi=100)
        return path


def _dead_fraction(module: nn.Module, output: torch.Tensor) -> float:
    if output.dim() == 0 or output.numel() == 0:
        return float("nan")
    dim = channel_dim(module, output)
    ever_positive = (output > 0).movedim(dim, 0).reshape(output.shape[dim], -1).any(dim=1)
    return float((~ever_positive).double().mean())


def _std(tensor: Optional[torch.Tensor]) -> float:
    if tensor is None or tensor.numel() == 0:
        return float("nan")
    return float(tensor.detach().double().std(unbiased=False))


def diagnose(model: nn.Module, batch: Any, *,
             loss_fn: Optional[Callable[[Any], torch.Tensor]] = None,
             seed: Any = 0) -> TorchDiagnosis:
    """Per-layer activation and gradient statistics of ``model`` on ``batch``.

    One forward and one backward pass, observed with hooks.  Nothing in the
    model changes: no parameter, no ``.grad``, no buffer; nor torch's global
    random state.  The model runs in its current mode (``model.train()`` or
    ``model.eval()``).

    Parameters
    ----------
    model : torch.nn.Module
        Layers (modules owning a ``weight`` with two or more dimensions,
        and attention blocks) are observed; see :func:`fastinit.torch.lsuv_`.
    batch : torch.Tensor, tuple/list or mapping
        ``model(batch)``, ``model(*batch)`` or ``model(**batch)``.
    loss_fn : callable, optional
        ``loss_fn(output) -> scalar tensor`` to back-propagate (e.g.
        ``lambda out: F.cross_entropy(out, labels)``).  Default: the first
        tensor of the output times an N(0, 1) tensor drawn from
        ``fastinit.default_rng(seed).stream("grad")``, summed, so each output
        element receives a unit-variance gradient.
    seed : None, int, numpy.random.SeedSequence or fastinit.Generator
        Default 0.  Seeds the output gradient and torch's RNG during the pass
        (dropout masks).

    Returns
    -------
    TorchDiagnosis
        ``.layers`` (per-layer :class:`LayerStats`), ``.table()``,
        ``.plot(path)``, ``.flagged``.

    Raises
    ------
    TypeError
        ``model`` is not a module, ``batch`` of an unsupported type.
    ValueError
        The model has no layer, none ran, or its output has no floating tensor
        (without ``loss_fn``).

    Examples
    --------
    >>> import torch, fastinit.torch
    >>> _ = torch.manual_seed(0)
    >>> layers = []
    >>> for _ in range(20):
    ...     layers += [torch.nn.Linear(64, 64), torch.nn.Tanh()]
    >>> model = torch.nn.Sequential(*layers)
    >>> x = torch.randn(256, 64)
    >>> fastinit.torch.diagnose(model, x).layers[0].flags  # PyTorch's default init
    ('gradients vanishing',)
    >>> _ = fastinit.torch.lsuv_(model, x)
    >>> fastinit.torch.diagnose(model, x).flagged
    []
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    n = batch_size(batch)
    layers = find_layers(model)
    if not layers:
        raise ValueError("model has no layer to diagnose (no module owns a weight with two or "
                         "more dimensions)")
    by_module = {id(layer.module): layer for layer in layers}
    rows: list[dict] = []
    calls: dict[int, int] = {}
    gradients: dict[int, float] = {}

    def forward_hook(module: nn.Module, inputs: Any, output: Any) -> None:
        out = first_tensor(output)
        if out is None or not out.is_floating_point():
            return
        layer = by_module[id(module)]
        calls[id(module)] = calls.get(id(module), 0) + 1
        index = len(rows)
        data = out.detach()
        rows.append({
            "name": layer.name + (f"#{calls[id(module)]}" if calls[id(module)] > 1 else ""),
            "type": type(module).__name__, "shape": tuple(out.shape),
            "activation_mean": float(data.double().mean()) if data.numel() else float("nan"),
            "activation_std": _std(data), "dead_fraction": _dead_fraction(module, data),
            "scale": layer.scale,
        })
        if out.requires_grad:
            # A tensor hook sees the gradient of this very output even if a later
            # in-place op (ReLU(inplace=True)) modifies it.
            out.register_hook(lambda grad: gradients.__setitem__(index, _std(grad)))

    handles = [layer.module.register_forward_hook(forward_hook) for layer in layers]
    try:
        # enable_grad: a caller's torch.no_grad() would otherwise silence the backward pass
        with kept_buffers(model), seeded_torch_rng(model, torch_seed(seed)), torch.enable_grad():
            output = call_model(model, batch)
            if loss_fn is not None:
                loss = loss_fn(output)
                if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
                    raise ValueError("loss_fn must return a scalar tensor")
            else:
                out = first_tensor(output)
                if out is None or not out.is_floating_point():
                    raise ValueError("the model's output has no floating-point tensor: pass "
                                     "loss_fn=lambda output: <scalar loss>")
                draw = default_rng(seed).stream("grad").standard_normal(
                    tuple(out.shape), dtype=np.float64 if out.dtype == torch.float64
                    else np.float32)
                loss = (out * torch.from_numpy(draw).to(out.device, out.dtype)).sum()
            scales = list({id(row["scale"]): row["scale"] for row in rows
                           if row["scale"].requires_grad}.values())
            weight_grads: dict[int, float] = {}
            if loss.requires_grad and scales:
                grads = torch.autograd.grad(loss.reshape(()), scales, allow_unused=True)
                weight_grads = {id(p): _std(g) for p, g in zip(scales, grads)}
    finally:
        for handle in handles:
            handle.remove()
    if not rows:
        raise ValueError("no layer of model ran on batch")
    first_act = _reference([row["activation_std"] for row in rows])
    last_grad = _reference([gradients[i] for i in range(len(rows) - 1, -1, -1) if i in gradients])
    stats = []
    for i, row in enumerate(rows):
        scale = row.pop("scale")
        grad = gradients.get(i, float("nan"))
        stats.append(LayerStats(
            **row, gradient_std=grad, weight_gradient_std=weight_grads.get(id(scale), float("nan")),
            activation_flag=_flag(row["activation_std"], first_act),
            gradient_flag=_flag(grad, last_grad)))
    return TorchDiagnosis(tuple(stats), n, "loss_fn" if loss_fn else "N(0, 1) output gradient",
                          seed)
