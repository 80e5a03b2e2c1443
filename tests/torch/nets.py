"""Small deep plain networks (no normalization) shared by the diagnose and LSUV tests."""
import torch
from torch import nn

MLP_DEPTH, MLP_WIDTH = 30, 32
CNN_DEPTH, CNN_CHANNELS = 20, 8


def tanh_mlp(depth=MLP_DEPTH, width=MLP_WIDTH, seed=0):
    """``depth`` x (Linear, Tanh) with PyTorch's default init (seeded)."""
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    return nn.Sequential(*layers)


def relu_cnn(depth=CNN_DEPTH, channels=CNN_CHANNELS, seed=0):
    """``depth`` x (Conv2d 3x3, ReLU(inplace=True)) then a linear classifier, no normalization."""
    torch.manual_seed(seed)
    layers = [nn.Conv2d(3, channels, 3, padding=1), nn.ReLU(inplace=True)]
    for _ in range(depth - 1):
        layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True)]
    layers += [nn.Flatten(), nn.Linear(channels * 8 * 8, 10)]
    return nn.Sequential(*layers)


def mlp_batch(n=128, width=MLP_WIDTH, seed=1):
    return torch.randn(n, width, generator=torch.Generator().manual_seed(seed))


def image_batch(n=32, seed=2):
    return torch.randn(n, 3, 8, 8, generator=torch.Generator().manual_seed(seed))


def output_variances(model, batch):
    """Variance of every Linear/Conv output on ``batch``, measured independently of fastinit."""
    found = []
    hooks = [m.register_forward_hook(lambda m, i, o: found.append(float(o.double().var(
        unbiased=False)))) for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    with torch.no_grad():
        model(batch)
    for h in hooks:
        h.remove()
    return found


def snapshot(model):
    """Every parameter and buffer, cloned."""
    return {k: v.detach().clone() for k, v in model.state_dict(keep_vars=True).items()}


def same(model, saved):
    state = model.state_dict(keep_vars=True)
    return state.keys() == saved.keys() and all(
        torch.equal(state[k].detach(), saved[k]) for k in saved)
