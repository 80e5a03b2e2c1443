"""Atomic output files: a temporary file beside the target, renamed at the end.

A reader never sees a partial file under the target's name: the data go to
``.<name>.<random>.tmp`` in the same directory (so the final ``rename`` stays
on one file system and is atomic), the space is reserved up front with
``posix_fallocate`` (so a full disk is reported before anything is written,
and a memory-mapped store can never hit ``SIGBUS`` on a disk that fills up
later), the data are ``fsync``-ed, and only then is the file renamed over
the target.  On any error -- a full disk, an exception from the code filling
the file, Ctrl-C -- the temporary file is removed and the error propagates,
with a note saying that nothing was written.
"""
from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from pathlib import Path
from typing import Iterator, Union

PathLike = Union[str, "os.PathLike[str]"]

_NO_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def format_bytes(n: float) -> str:
    """``n`` bytes in decimal units ("4.94 GB"), as disk sizes are quoted."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def check_target(path: PathLike, argname: str = "out") -> Path:
    """``path`` as a Path, after checking that it can be created; nothing is written."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{argname} must be a path (str or os.PathLike), got {type(path).__name__}")
    target = Path(path)
    if str(target) == "" or target.name in ("", ".", ".."):
        raise ValueError(f"{argname}={str(path)!r} does not name a file")
    directory = target.parent
    if not directory.is_dir():
        raise FileNotFoundError(
            errno.ENOENT, f"{argname}: directory {str(directory)!r} does not exist", str(target))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, f"{argname} is a directory", str(target))
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(
            errno.EACCES, f"{argname}: directory {str(directory)!r} is not writable", str(target))
    return target


def _note(exc: BaseException, text: str) -> None:
    if hasattr(exc, "add_note"):  # Python >= 3.11
        exc.add_note(text)


def _preallocate(fd: int, size: int) -> None:
    """Reserve ``size`` bytes on disk (ENOSPC now, not SIGBUS later)."""
    if size == 0:
        return
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, getattr(errno, "ENOTSUP", -1)):
            raise
        # The file system cannot reserve blocks: make a sparse file.  The
        # free-space check made before is then the only protection.
        os.ftruncate(fd, size)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; silently skipped where directories cannot be fsync-ed."""
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


@contextlib.contextmanager
def atomic_file(path: PathLike, size: int, argname: str = "out") -> Iterator[int]:
    """Create ``path`` atomically, ``size`` bytes long; yield a read/write fd.

    The body writes the file's content through the descriptor (or a memory
    map of it).  On normal exit the data are flushed to disk and the file is
    renamed to ``path`` (replacing any file there); on any exception the
    temporary file is removed and the exception propagates.

    Raises
    ------
    OSError
        With ``errno.ENOSPC`` when the free space is short of ``size``,
        before anything is created.
    """
    target = check_target(path, argname)
    directory = target.parent
    free = shutil.disk_usage(directory).free
    if size > free:
        raise OSError(
            errno.ENOSPC,
            f"{argname}={str(target)!r} needs {format_bytes(size)} but only {format_bytes(free)} "
            f"is free on the file system of {str(directory.resolve())!r}; nothing was written",
        )
    tmp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        try:
            _preallocate(fd, size)
            yield fd
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            raise OSError(
                exc.errno,
                f"no space left on the file system of {str(directory.resolve())!r} while writing "
                f"{argname}={str(target)!r} ({format_bytes(size)}); nothing was written",
            ) from exc
        _note(exc, f"{argname}={str(target)!r} was not written (its temporary file was removed)")
        raise
    _fsync_directory(directory)
