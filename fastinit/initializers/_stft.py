"""STFT: the fixed Fourier kernel of ``keras.initializers.STFT`` (nothing random).

Here so that ``fastinit.get()`` accepts every Keras 3 initializer config.  For
a kernel of shape ``(T, C, F)`` (``T`` the frame length, ``F = n_fft // 2 +
1`` frequency bins), Keras 3.15 computes, for time ``t`` and bin ``f``::

    args = -2 * t * f / (2 * (F - 1)) * pi
    kernel = cos(args) ("real") or sin(args) ("imag"), times window[t] / scaling

with ``window`` a ``scipy.signal.get_window`` name (``fftbins=periodic``) or
values, and ``scaling`` the window's L2 norm ("density"), L1 norm
("spectrum") or 1 (None).  fastinit evaluates it in float64 and rounds once
to the output dtype (Keras works in the output dtype, so float32 results may
differ in the last bits), and repeats it over the ``C`` input channels
(Keras returns ``(T, 1, F)`` whatever ``C`` is).
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from .._generator import Generator
from .._validation import allocate
from ._base import Initializer, register

SIDES = ("real", "imag")
SCALINGS = (None, "density", "spectrum")


def _window(window: Union[str, Sequence[float]], length: int, periodic: bool) -> np.ndarray:
    if isinstance(window, str):
        from scipy import signal  # only for named windows, as Keras

        return np.asarray(signal.get_window(window, length, fftbins=periodic), np.float64)
    return np.asarray(window, dtype=np.float64)


@register("stft", "STFTInitializer")
class STFT(Initializer):
    """Real or imaginary part of the STFT kernel (``keras.initializers.STFT``).

    Parameters
    ----------
    side : {"real", "imag"}
        Cosine or sine part.
    window : str, sequence of floats or None
        A ``scipy.signal.get_window`` name (default ``"hann"``), the window's
        values (length ``T``), or None.
    scaling : {"density", "spectrum", None}
        Divide by the window's L2 norm, L1 norm, or nothing.
    periodic : bool
        Periodic (``fftbins=True``) rather than symmetric named window.
    """

    elementwise = False
    uses_random = False

    def __init__(self, side: str = "real", window: Optional[Union[str, Sequence[float]]] = "hann",
                 scaling: Optional[str] = "density", periodic: bool = False) -> None:
        if side not in SIDES:
            raise ValueError(f"side should be 'real' or 'imag', not {side!r}")
        if scaling not in SCALINGS:
            raise ValueError(f"scaling must be None, 'density' or 'spectrum', got {scaling!r}")
        if isinstance(window, str):
            _window(window, 1, bool(periodic))  # an unknown name fails here, as in Keras
        self.side, self.window, self.scaling = side, window, scaling
        self.periodic = bool(periodic)

    def _fill(self, shape: tuple[int, ...], dtype: np.dtype, gen: Optional[Generator],
              out: Optional[np.ndarray], n_threads: Optional[int]) -> np.ndarray:
        if len(shape) != 3:
            raise ValueError(f"shape={shape}: the STFT kernel is 3-D (frame_length, "
                             "channels, fft_bins)")
        frames, _, bins = shape
        if bins < 2:
            raise ValueError(f"shape={shape}: the STFT kernel needs at least 2 frequency bins")
        t = np.arange(frames, dtype=np.float64)[:, None, None]
        f = np.arange(bins, dtype=np.float64)[None, None, :]
        args = -2.0 * t * (f / ((bins - 1) * 2)) * np.pi
        kernel = np.cos(args) if self.side == "real" else np.sin(args)
        if self.window is not None:
            win = _window(self.window, frames, self.periodic)
            if win.shape != (frames,):
                raise ValueError(f"window has shape {win.shape}: it must be (frame_length,) = "
                                 f"({frames},)")
            scale = {"density": np.sqrt(np.sum(win ** 2)), "spectrum": np.sum(np.abs(win)),
                     None: 1.0}[self.scaling]
            kernel = kernel * win[:, None, None] / scale
        target = out if out is not None else allocate(shape, dtype, "shape")
        target[...] = np.broadcast_to(kernel, shape).astype(dtype)
        return target

    def get_config(self) -> dict:
        window = self.window if self.window is None or isinstance(self.window, str) \
            else [float(w) for w in self.window]
        return {"side": self.side, "window": window, "scaling": self.scaling,
                "periodic": self.periodic}
