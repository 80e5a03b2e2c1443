"""Atomic output files: a temporary file beside the target, renamed at the end.

A reader never sees a partial file under the target's name: the data go to a
hidden temporary file in the same directory (so the final ``rename`` stays on
one file system and is atomic), the space is reserved up front with
``posix_fallocate`` (so a full disk is reported before anything is written,
and a memory-mapped store can never hit ``SIGBUS`` on a disk that fills up
later), the data are ``fsync``-ed, and only then is the file renamed over
the target.

What the user is told is true:

- On any error before the rename -- a full disk, an exception from the code
  filling the file, Ctrl-C, or SIGTERM (turned into an exception while a
  file is being written, when the process has no SIGTERM handler of its
  own) -- the temporary file is removed, and the exception carries a note
  saying that nothing was written.  An interrupt that lands after the
  rename gets a note saying that the file *was* written.
- A process killed outright (SIGKILL, power loss) leaves its temporary
  file behind.  Temporary files hold an exclusive ``flock`` while they are
  written and carry the writer's process id in their name; the next write
  to the same target removes those whose lock is free (their writer is
  dead) and warns about them.
- A symbolic link is written through (its target is replaced, the link
  kept); a FIFO, device or socket is refused; an existing file keeps its
  mode; a read-only file is replaced only when asked (``replace_read_only``).
- Temporary names fit wherever the target's name fits (``NAME_MAX``).
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import signal
import stat
import threading
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, TypeVar, Union

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")

_NO_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_TMP_SUFFIX = ".fastinit-tmp"


def format_bytes(n: float) -> str:
    """``n`` bytes in decimal units ("4.94 GB"), as disk sizes are quoted."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def _is_read_only(path: Path, st: os.stat_result) -> bool:
    # os.access alone is not enough: it says "writable" to root for a 0444 file
    no_write_bits = not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return no_write_bits or not os.access(path, os.W_OK)


def check_target(path: PathLike, argname: str = "out", replace_read_only: bool = False) -> Path:
    """The file to write for ``path``, after checking that it can be; nothing is written.

    A symbolic link is followed (the file it points to is written, the link
    kept).  Returns that resolved path.

    Raises
    ------
    TypeError, ValueError
        ``path`` is not a path, names no file, or names something that is
        not a regular file (a FIFO, device or socket).
    FileNotFoundError, IsADirectoryError, PermissionError
        No such directory; a directory; a directory that cannot be written,
        or a read-only file without ``replace_read_only``.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{argname} must be a path (str or os.PathLike), got {type(path).__name__}")
    given = Path(path)
    if str(given) == "" or given.name in ("", ".", ".."):
        raise ValueError(f"{argname}={str(path)!r} does not name a file")
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    directory = target.parent
    if not directory.is_dir():
        raise FileNotFoundError(
            errno.ENOENT, f"{argname}: directory {str(directory)!r} does not exist", str(target))
    try:
        st: Optional[os.stat_result] = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"{argname} is a directory", str(target))
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "not a regular file")
        raise ValueError(f"{argname}={str(path)!r} is {kind}, not a regular file; fastinit "
                         "writes regular files only (nothing was written)")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(
            errno.EACCES, f"{argname}: directory {str(directory)!r} is not writable", str(target))
    if st is not None and not replace_read_only and _is_read_only(target, st):
        raise PermissionError(
            errno.EACCES, f"{argname}={str(path)!r} is read-only; pass replace_read_only=True "
            "(--force on the command line) to replace it (nothing was written)", str(target))
    return target


def _note(exc: BaseException, text: str) -> None:
    if hasattr(exc, "add_note"):  # Python >= 3.11
        exc.add_note(text)
    else:  # 3.10: the same attribute, not shown by tracebacks
        with contextlib.suppress(AttributeError, TypeError):
            exc.__notes__ = [*getattr(exc, "__notes__", []), text]  # type: ignore[attr-defined]


def _preallocate(fd: int, size: int) -> None:
    """Reserve ``size`` bytes on disk (ENOSPC now, not SIGBUS later)."""
    if size == 0:
        return
    fallocate = getattr(os, "posix_fallocate", None)  # missing on macOS and Windows
    if fallocate is not None:
        try:
            fallocate(fd, 0, size)
            return
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, getattr(errno, "ENOTSUP", -1)):
                raise
    # The file system (or the OS) cannot reserve blocks: make a sparse file.
    # The free-space check made before is then the only protection.
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


# ----------------------------------------------------- temporary names --
def _name_max(directory: Path) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


def _tmp_stem(target: Path) -> str:
    """The part of a temporary name that identifies its target: the name
    itself, or a hash of it when the name is too long to fit beside the
    rest (a 252-byte name must still be writable)."""
    # the rest of the name, with room for any process id (up to 10 digits)
    room = _name_max(target.parent) - len(f"..{'0' * 10}-{'0' * 8}{_TMP_SUFFIX}")
    name = target.name
    if len(os.fsencode(name)) <= room:
        return name
    return "h" + hashlib.sha256(os.fsencode(name)).hexdigest()[:24]


def _tmp_path(target: Path) -> Path:
    return target.parent / f".{_tmp_stem(target)}.{os.getpid()}-{secrets.token_hex(4)}{_TMP_SUFFIX}"


def _leftovers(target: Path) -> list[Path]:
    """Temporary files of earlier writes to ``target``."""
    pattern = re.compile(rf"\.{re.escape(_tmp_stem(target))}\.(\d+)-[0-9a-f]{{8}}"
                         rf"{re.escape(_TMP_SUFFIX)}\Z")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [target.parent / n for n in names if pattern.match(n)]


def _writer_is_dead(path: Path) -> bool:
    """True when nobody holds the temporary file's lock (its writer died)."""
    if fcntl is None:  # no flock: go by the process id in the name
        pid = int(path.name.rsplit(".", 2)[-2].split("-")[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_leftovers(target: Path, argname: str = "out") -> list[Path]:
    """Remove temporary files that dead writers of ``target`` left behind
    (killed by SIGKILL or a power loss); warn about each.  Returns them."""
    removed = []
    for path in _leftovers(target):
        if not _writer_is_dead(path):
            continue  # a live writer (another process or thread) is still at work
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            continue
        removed.append(path)
        warnings.warn(f"{argname}: removed {str(path)!r} ({format_bytes(size)}), the temporary "
                      f"file of an earlier write of {str(target)!r} whose process died",
                      ResourceWarning, stacklevel=3)
    return removed


# ------------------------------------------------------------- SIGTERM --
class _Terminated(BaseException):
    """SIGTERM arrived while a file was being written (see :func:`call_terminable`)."""


def _raise_terminated(signum, frame):
    raise _Terminated("SIGTERM")


#: Temporary files this process is writing now (atomic_file adds and removes
#: them), so that a SIGTERM arriving anywhere -- even between a context
#: manager's body and its exit, where no generator cleanup runs -- removes them.
_ACTIVE_TEMPS: set[Path] = set()


def call_terminable(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` with SIGTERM turned into cleanup, then death by SIGTERM.

    While ``fn`` runs, SIGTERM raises an exception (so files being written
    are cleaned up as on Ctrl-C); then every temporary file still registered
    is removed and the process dies by SIGTERM, as it would have without the
    handler.  A plain function rather than a context manager on purpose: the
    handler is removed inside the same ``try`` that catches it, so there is
    no moment (such as a ``with`` block's exit) where the exception could
    escape uncaught.  Only in the main thread, and only when nobody installed
    a SIGTERM handler already; otherwise ``fn`` simply runs.
    """
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "SIGTERM")
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        return fn(*args, **kwargs)
    try:
        signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return fn(*args, **kwargs)
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except _Terminated:  # from fn, or from just around it
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for tmp in list(_ACTIVE_TEMPS):
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        _ACTIVE_TEMPS.clear()
        os.kill(os.getpid(), signal.SIGTERM)  # die by SIGTERM, as without the handler
        raise


# ------------------------------------------------------------- writing --
@contextlib.contextmanager
def atomic_file(path: PathLike, size: int, argname: str = "out",
                replace_read_only: bool = False) -> Iterator[int]:
    """Create ``path`` atomically, ``size`` bytes long; yield a read/write fd.

    The body writes the file's content through the descriptor (or a memory
    map of it).  On normal exit the data are flushed to disk and the file is
    renamed to ``path`` (replacing any file there, keeping its mode; a
    symbolic link is written through); on any exception the temporary file
    is removed and the exception propagates with a note that says whether
    the target was written.

    Raises
    ------
    OSError
        With ``errno.ENOSPC`` when the free space is short of ``size``,
        before anything is created.
    """
    target = check_target(path, argname, replace_read_only)
    directory = target.parent
    remove_leftovers(target, argname)
    free = shutil.disk_usage(directory).free
    if size > free:
        raise OSError(
            errno.ENOSPC,
            f"{argname}={str(path)!r} needs {format_bytes(size)} but only {format_bytes(free)} "
            f"is free on the file system of {str(directory.resolve())!r}; nothing was written",
        )
    try:
        old_mode: Optional[int] = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        old_mode = None
    # SIGTERM: callers run the whole write through call_terminable, which
    # removes what _ACTIVE_TEMPS still lists.
    tmp = _tmp_path(target)
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    _ACTIVE_TEMPS.add(tmp)
    tmp_stat = os.fstat(fd)
    tmp_id = (tmp_stat.st_dev, tmp_stat.st_ino)
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # "a writer is alive"
            if old_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, old_mode)
            _preallocate(fd, size)
            yield fd
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        _ACTIVE_TEMPS.discard(tmp)
    except BaseException as exc:
        if _was_renamed(tmp, target, tmp_id):
            _ACTIVE_TEMPS.discard(tmp)
            # the interrupt came after the rename: the file is complete
            _note(exc, f"{argname}={str(path)!r} was written completely (the interrupt "
                       "came after the file was in place)")
            raise
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        _ACTIVE_TEMPS.discard(tmp)
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            raise OSError(
                exc.errno,
                f"no space left on the file system of {str(directory.resolve())!r} while "
                f"writing {argname}={str(path)!r} ({format_bytes(size)}); nothing was written",
            ) from exc
        _note(exc, f"{argname}={str(path)!r} was not written (its temporary file was removed)")
        raise
    _fsync_directory(directory)


def file_identity(path: PathLike) -> Optional[tuple[int, int]]:
    """``(st_dev, st_ino)`` of the file at ``path`` (links followed); None if none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def note_outcome(exc: BaseException, path: PathLike, before: Optional[tuple[int, int]],
                 argname: str = "out") -> None:
    """Add the note :func:`atomic_file` adds, to an exception raised outside it
    (an interrupt just before or after it): whether ``path`` was written,
    known from whether its file changed (a rename always brings a new one)."""
    if any("written" in note for note in getattr(exc, "__notes__", [])):
        return  # atomic_file said it already
    if file_identity(path) != before:
        _note(exc, f"{argname}={str(path)!r} was written completely (the interrupt came "
                   "after the file was in place)")
    else:
        _note(exc, f"{argname}={str(path)!r} was not written")


def _was_renamed(tmp: Path, target: Path, tmp_id: tuple[int, int]) -> bool:
    """Is the temporary file now the target (did the rename happen)?"""
    if os.path.lexists(tmp):
        return False
    try:
        st = os.stat(target)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == tmp_id
