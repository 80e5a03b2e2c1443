"""init_model / init_tensor: every tensor of a spec from its own named sub-stream."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union, overload

import numpy as np

from .._generator import Generator, default_rng
from .._seeding import SeedLike
from .._threads import resolve_threads
from .._validation import (allocate, check_out, finish_torch_out, memory_available_bytes,
                           torch_out_array)
from .._version import STREAM_VERSION, __version__
from ._atomic import PathLike, check_target, file_identity, format_bytes, note_outcome
from ._fill import fill_tensors
from ._progress import ProgressLike, Tracker
from ._safetensors import plan_layout, write_safetensors
from ._spec import ModelSpec, SpecLike, TensorSpec, load_spec

SeedOrGenerator = Union[SeedLike, Generator]


def _file_metadata(model: ModelSpec, rng: Generator) -> dict[str, str]:
    """The spec's metadata plus what is needed to regenerate the file."""
    metadata = {"format": "pt", **model.metadata,
                "fastinit.version": __version__,
                "fastinit.stream_version": str(STREAM_VERSION)}
    seq = rng.seed_seq
    # The seed that init_tensor() takes to give the same values (when an int does).
    if rng.stream_id == 0 and not seq.spawn_key and isinstance(seq.entropy, int):
        metadata["fastinit.seed"] = str(seq.entropy)
    return metadata


@overload
def init_model(spec: SpecLike, seed: SeedOrGenerator = 0, out: None = None, *,
               n_threads: Optional[int] = None, progress: ProgressLike = False,
               replace_read_only: bool = False) -> dict[str, np.ndarray]: ...


@overload
def init_model(spec: SpecLike, seed: SeedOrGenerator = 0, out: PathLike = ..., *,
               n_threads: Optional[int] = None, progress: ProgressLike = False,
               replace_read_only: bool = False) -> Path: ...


def init_model(spec: SpecLike, seed: SeedOrGenerator = 0, out: Optional[PathLike] = None, *,
               n_threads: Optional[int] = None, progress: ProgressLike = False,
               replace_read_only: bool = False) -> Union[dict[str, np.ndarray], Path]:
    """Initialize every tensor of a model, in memory or straight into a safetensors file.

    Tensor ``name`` is filled from the sub-stream ``default_rng(seed).stream(name)``,
    so its values depend only on the seed, its name and its own entry:
    adding, removing or reordering tensors changes no other tensor, and
    :func:`init_tensor` regenerates any one of them alone.

    Parameters
    ----------
    spec : mapping, str or os.PathLike
        Tensor name -> ``{"shape": [...], "dtype": "float32", "init": ...,
        **options}``, or the path of such a JSON (or YAML) file; see
        :func:`fastinit.model.load_spec`.  For built-in models use
        ``fastinit.model.presets[name].spec()``.
    seed : None, int, numpy.random.SeedSequence or Generator, optional
        Default 0.  With ``None`` the entropy drawn is recorded in the
        file's metadata (``fastinit.seed``).
    out : str or os.PathLike, optional
        Write a safetensors file there instead of returning arrays.  The
        file is written through a memory map, tensor by tensor, so models
        larger than memory can be written, and atomically: a temporary file
        in the same directory is renamed at the end; on any error (full
        disk, an exception, Ctrl-C, SIGTERM) it is removed and nothing is
        written.  An existing file is replaced and keeps its mode; a
        symbolic link is written through; a FIFO or device is refused.
    n_threads : int, optional
        Threads per fill; default ``fastinit.get_num_threads()``.
    progress : bool or callable, optional
        True draws a progress bar on stderr; a callable receives a
        :class:`ProgressEvent` after each tensor.
    replace_read_only : bool, optional
        Replace ``out`` even when it is a read-only file (default False:
        ``PermissionError``, before anything is computed).

    Returns
    -------
    dict of str to ndarray, or pathlib.Path
        The arrays in spec order, or ``out`` when a file was written.

    Raises
    ------
    TypeError, ValueError
        For a bad spec or argument (naming it), before anything is allocated.
    MemoryError
        When the arrays would not fit in memory (write them to a file instead).
    OSError
        When the file cannot be written; ``errno.ENOSPC`` when the disk is
        too small, checked before writing.

    Examples
    --------
    >>> import fastinit
    >>> spec = {"w": {"shape": [256, 128], "init": "glorot_uniform", "layout": "torch"},
    ...         "b": {"shape": [128], "init": "zeros"}}
    >>> arrays = fastinit.init_model(spec, seed=0)
    >>> arrays["w"].shape, arrays["b"].dtype
    ((256, 128), dtype('float32'))
    """
    if out is None:
        model = load_spec(spec)
        rng = default_rng(seed)
        resolve_threads(n_threads)  # checks it before anything is allocated
        return _init_in_memory(model, rng, n_threads, progress)
    # From the first line on, whatever interrupts the call says whether ``out``
    # was written (an interrupt can land anywhere, e.g. while the spec loads,
    # or while the file there is looked at).
    before: Optional[tuple[int, int]] = None
    looked = False
    try:
        before = file_identity(out) if isinstance(out, (str, os.PathLike)) else None
        looked = True
        model = load_spec(spec)
        rng = default_rng(seed)
        resolve_threads(n_threads)
        return _init_to_file(model, rng, out, n_threads, progress, replace_read_only)
    except KeyboardInterrupt as exc:
        # before the file was looked at, nothing had started: it is as it was
        note_outcome(exc, out, before if looked else file_identity(out))
        raise


def _init_in_memory(model: ModelSpec, rng: Generator, n_threads: Optional[int],
                    progress: ProgressLike) -> dict[str, np.ndarray]:
    nbytes, available = model.nbytes, memory_available_bytes()
    if nbytes > available:
        raise MemoryError(
            f"spec needs {format_bytes(nbytes)} for {len(model)} tensors, more than the "
            f"{format_bytes(available)} of memory available now; write it to a file with "
            "out=... (streamed to disk, any size)"
        )
    tracker = Tracker(progress, len(model), nbytes)
    # Not touched here: the parallel fill is the first touch.
    arrays = {t.name: np.empty(t.shape, t.dtype) for t in model.tensors.values()}
    fill_tensors([(t, arrays[t.name]) for t in model.tensors.values()], rng, n_threads,
                 tracker.done)
    tracker.close()
    return arrays


def _init_to_file(model: ModelSpec, rng: Generator, out: PathLike, n_threads: Optional[int],
                  progress: ProgressLike, replace_read_only: bool) -> Path:
    check_target(out, "out", replace_read_only)  # before anything is computed
    target = Path(out)
    before = file_identity(target)
    try:
        slots, data_size = plan_layout((t.name, t.shape, t.dtype) for t in model.tensors.values())
        tracker = Tracker(progress, len(model), data_size, label=target.name)

        def fill(views: dict[str, np.ndarray]) -> None:
            fill_tensors([(model.tensors[name], view) for name, view in views.items()], rng,
                         n_threads, tracker.done)

        path = write_safetensors(target, slots, data_size, fill, _file_metadata(model, rng),
                                 replace_read_only=replace_read_only)
        tracker.close()
    except BaseException as exc:  # say whether the file was written, whenever Ctrl-C came
        note_outcome(exc, target, before)
        raise
    return path


def init_tensor(spec: SpecLike, name: str, seed: SeedOrGenerator = 0, *,
                out: Optional[np.ndarray] = None, n_threads: Optional[int] = None) -> np.ndarray:
    """Regenerate one tensor of a spec alone: the array ``init_model`` gives it.

    Parameters
    ----------
    spec : mapping, str or os.PathLike
        As in :func:`init_model`.
    name : str
        The tensor.
    seed : None, int, numpy.random.SeedSequence or Generator, optional
        The seed given to :func:`init_model` (default 0).
    out : ndarray or torch.Tensor, optional
        C-contiguous, writeable array of the tensor's shape and dtype to fill
        in place (for instance a model's parameter, to rewind it: a CPU torch
        tensor is filled through a view of its memory, and returned).
    n_threads : int, optional
        Threads for the fill.

    Returns
    -------
    ndarray
    """
    out, out_tensor = torch_out_array(out)  # a CPU torch tensor: a view of its memory
    model = load_spec(spec)
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    try:
        tensor: TensorSpec = model.tensors[name]
    except KeyError:
        raise KeyError(f"name={name!r} is not a tensor of the spec") from None
    rng = default_rng(seed)
    if out is None:  # checked against free memory first, naming the tensor
        out = allocate(tensor.shape, tensor.dtype, f"spec[{name!r}]['shape']")
    else:
        check_out(out, tensor.dtype, tensor.shape)
    fill_tensors([(tensor, out)], rng, n_threads)
    return finish_torch_out(out_tensor, out)
