"""Progress of a model initialization: a one-line bar on stderr, or a callback."""
from __future__ import annotations

import sys
import time
from typing import Any, Callable, NamedTuple, Optional, TextIO, Union

from ._atomic import format_bytes


class ProgressEvent(NamedTuple):
    """What a progress callback receives after each tensor."""

    name: str  #: the tensor just filled
    tensors_done: int
    tensors_total: int
    bytes_done: int
    bytes_total: int
    elapsed: float  #: seconds since the first tensor started


ProgressLike = Union[bool, None, Callable[[ProgressEvent], object]]


class ProgressBar:
    """``[ 12/146 tensors] 1.31/4.94 GB  1.52 GB/s  ETA 2s`` on one line of ``stream``.

    Redrawn in place at most every ``interval`` seconds on a terminal; when
    ``stream`` is not a terminal (a log file), a line is printed at most
    every ``10 * interval`` seconds.
    """

    def __init__(self, label: str = "", stream: Optional[TextIO] = None,
                 interval: float = 0.1) -> None:
        self.label = f"{label} " if label else ""
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if self.tty else 10 * interval
        self._last_draw = -float("inf")
        self._width = 0
        self._event: Optional[ProgressEvent] = None

    def _line(self, e: ProgressEvent, elapsed: float) -> str:
        rate = e.bytes_done / elapsed if elapsed > 0 else 0.0
        width = len(str(e.tensors_total))
        text = (f"{self.label}[{e.tensors_done:>{width}}/{e.tensors_total} tensors] "
                f"{format_bytes(e.bytes_done)} / {format_bytes(e.bytes_total)}  "
                f"{format_bytes(rate)}/s")
        if 0 < e.bytes_done < e.bytes_total and rate > 0:
            text += f"  ETA {(e.bytes_total - e.bytes_done) / rate:.0f}s"
        return text

    def _draw(self, text: str, final: bool = False) -> None:
        if self.tty:
            pad = " " * max(0, self._width - len(text))
            self.stream.write("\r" + text + pad + ("\n" if final else ""))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def __call__(self, event: ProgressEvent) -> None:
        self._event = event
        now = time.perf_counter()
        if now - self._last_draw >= self.interval and event.tensors_done < event.tensors_total:
            self._last_draw = now
            self._draw(self._line(event, event.elapsed))

    def close(self, elapsed: float) -> None:
        """Draw the final state, with the rate over ``elapsed`` seconds."""
        if self._event is not None:
            self._draw(self._line(self._event, elapsed), final=True)


class Tracker:
    """Counts tensors and bytes and reports them to a bar or a callback."""

    def __init__(self, progress: ProgressLike, tensors_total: int, bytes_total: int,
                 label: str = "") -> None:
        if progress is True:
            self.sink: Optional[Callable[[ProgressEvent], object]] = ProgressBar(label)
        elif progress is None or progress is False:
            self.sink = None
        elif callable(progress):
            self.sink = progress
        else:
            raise TypeError(f"progress must be a bool or a callable, got {type(progress).__name__}")
        self.tensors_total, self.bytes_total = tensors_total, bytes_total
        self.tensors_done = self.bytes_done = 0
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def done(self, tensor: Any) -> None:
        """Count ``tensor`` (a TensorSpec) as filled."""
        self.tensors_done += 1
        self.bytes_done += tensor.nbytes
        if self.sink is not None:
            self.sink(ProgressEvent(tensor.name, self.tensors_done, self.tensors_total,
                                    self.bytes_done, self.bytes_total, self.elapsed()))

    def close(self) -> None:
        if isinstance(self.sink, ProgressBar):
            self.sink.close(self.elapsed())
