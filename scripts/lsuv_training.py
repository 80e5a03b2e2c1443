"""Train one deep plain network from four initializations; plot the loss curves.

A 20-layer ReLU MLP (width 64, no normalization, no residuals) learns a
synthetic 10-class task (labels from a fixed random teacher network) with SGD
+ momentum, from: PyTorch's default init, He (kaiming_normal, zero biases),
Glorot (xavier_normal, zero biases) and LSUV (``fastinit.torch.lsuv_``, fitted
on one training batch).  The same training batches, in the same order, for
every run; one torch thread; CPU; well under a minute.

    python scripts/lsuv_training.py [--plot docs/lsuv.png] [--steps 600] [--seed 0]

Prints the loss at a few steps and the final held-out accuracy per init, and
the diagnosis (``fastinit.torch.diagnose``) of every init before training.
"""
from __future__ import annotations

import argparse
import time

import torch
from torch import nn

import fastinit.torch as ft

DEPTH, WIDTH, IN, CLASSES = 20, 64, 32, 10
BATCH, LR, MOMENTUM = 128, 0.01, 0.9


def make_model(seed: int) -> nn.Sequential:
    torch.manual_seed(seed)  # PyTorch's default init, the same for every run
    layers: list[nn.Module] = [nn.Linear(IN, WIDTH), nn.ReLU()]
    for _ in range(DEPTH - 2):
        layers += [nn.Linear(WIDTH, WIDTH), nn.ReLU()]
    layers.append(nn.Linear(WIDTH, CLASSES))
    return nn.Sequential(*layers)


def make_task(n_train: int, n_test: int, seed: int) -> tuple[torch.Tensor, ...]:
    """Inputs N(0, I); labels = argmax of a random 2-layer tanh teacher."""
    g = torch.Generator().manual_seed(seed + 1)
    w1 = torch.randn(IN, 128, generator=g) / IN ** 0.5
    w2 = torch.randn(128, CLASSES, generator=g) / 128 ** 0.5
    x = torch.randn(n_train + n_test, IN, generator=g)
    y = (torch.tanh(x @ w1) @ w2).argmax(dim=1)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def initialize(name: str, model: nn.Sequential, fit_batch: torch.Tensor, seed: int) -> None:
    if name == "He (kaiming_normal)":
        ft.init_module_(model, seed=seed, rules={"Linear.weight": "he_normal",
                                                 "Linear.bias": "zeros"})
    elif name == "Glorot (xavier_normal)":
        ft.init_module_(model, seed=seed, rules={"Linear.weight": "glorot_normal",
                                                 "Linear.bias": "zeros"})
    elif name == "LSUV (fastinit.torch.lsuv_)":
        ft.lsuv_(model, fit_batch, seed=seed)


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int,
          seed: int) -> list[float]:
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed + 2))
    losses = []
    for step in range(steps):
        idx = order[(step * BATCH) % len(x):][:BATCH]
        loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", default="docs/lsuv.png")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the model, the task, the batch order and the inits")
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    x, y, x_test, y_test = make_task(BATCH * 40, 2048, args.seed)
    inits = ["PyTorch default", "Glorot (xavier_normal)", "He (kaiming_normal)",
             "LSUV (fastinit.torch.lsuv_)"]
    curves, accuracy = {}, {}
    for name in inits:
        model = make_model(args.seed)
        initialize(name, model, x[:256], args.seed)
        d = ft.diagnose(model, x[:256])
        print(f"{name}: before training, first-layer gradient std "
              f"{d.layers[0].gradient_std:.2e} (last layer {d.layers[-1].gradient_std:.2e}), "
              f"{len(d.flagged)} of {len(d.layers)} layers flagged")
        curves[name] = train(model, x, y, args.steps, args.seed)
        with torch.no_grad():
            accuracy[name] = float((model(x_test).argmax(1) == y_test).double().mean())
    marks = [0, 100, 200, 400, args.steps - 1]
    print(f"\n{'init':<28}" + "".join(f"{'step ' + str(s):>11}" for s in marks)
          + f"{'test acc':>10}")
    for name in inits:
        smooth = [sum(curves[name][max(0, s - 9):s + 1]) / len(curves[name][max(0, s - 9):s + 1])
                  for s in marks]
        print(f"{name:<28}" + "".join(f"{v:>11.3f}" for v in smooth)
              + f"{accuracy[name]:>10.1%}")
    print(f"(loss: mean of the 10 steps up to each mark; chance level ln(10) = 2.303)")
    print(f"total time {time.perf_counter() - start:.1f} s")
    if args.plot:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7.5, 4.2), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        for name in inits:
            c = torch.tensor(curves[name])
            smooth = torch.nn.functional.avg_pool1d(c[None, None], 10, 1)[0, 0]
            ax.plot(range(10, len(c) + 1), smooth,
                    label=f"{name}: test accuracy {accuracy[name]:.0%}")
        ax.axhline(2.302585, color="gray", linestyle=":", linewidth=0.8)
        ax.set_xlabel("SGD step (batch 128, lr 0.01, momentum 0.9)")
        ax.set_ylabel("training loss (10-step mean)")
        ax.set_title(f"{DEPTH}-layer ReLU MLP, width {WIDTH}, no normalization", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
        fig.savefig(args.plot, dpi=100)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
