"""Atomic output files when things go wrong (issue 15; fastinit/model/_atomic.py).

What the user is told must be true; SIGTERM cleans up like Ctrl-C; leftovers
of killed writers are removed by the next write; symbolic links are written
through; FIFOs and devices are refused; modes are kept; read-only files need
``replace_read_only``; temporary names fit wherever the target's name fits.
"""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import fastinit
from fastinit.model import init_model
from fastinit.model._atomic import atomic_file
from tests.support.processes import child_env

SPEC = {"w": {"shape": [64, 32], "init": "normal", "stddev": 0.02}}


def _temporaries(directory):
    return sorted(n for n in os.listdir(directory) if n.startswith("."))


def test_an_interrupt_after_the_rename_says_the_file_was_written(tmp_path, monkeypatch):
    # Ctrl-C landing just after os.replace used to get the note "was not
    # written" (and the CLI said "nothing was written") over a replaced file.
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    real_replace = os.replace

    def replace_then_interrupt(src, dst):
        real_replace(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt) as info:
        with atomic_file(target, 3) as fd:
            os.pwrite(fd, b"new", 0)
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert "was written completely" in notes and "not written" not in notes
    assert target.read_bytes() == b"new"
    assert _temporaries(tmp_path) == []


def test_an_interrupt_before_the_rename_says_nothing_was_written(tmp_path):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt) as info:
        with atomic_file(target, 3) as fd:
            os.pwrite(fd, b"new", 0)
            raise KeyboardInterrupt
    assert "was not written" in " ".join(getattr(info.value, "__notes__", []))
    assert target.read_bytes() == b"old"
    assert _temporaries(tmp_path) == []


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "store" / "model.safetensors"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "model.safetensors"
    link.symlink_to(real)
    assert init_model(SPEC, seed=1, out=link) == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    arrays = init_model(SPEC, seed=1)
    from safetensors.numpy import load_file
    assert load_file(real)["w"].tobytes() == arrays["w"].tobytes()
    dangling = tmp_path / "later.safetensors"
    dangling.symlink_to(tmp_path / "store" / "new.safetensors")
    init_model(SPEC, seed=1, out=dangling)
    assert dangling.is_symlink() and (tmp_path / "store" / "new.safetensors").is_file()


@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_a_fifo_or_a_socket_is_refused_and_left_alone(tmp_path, kind):
    # (Devices are refused by the same check; no test writes at one: a
    # regression would replace a system file such as /dev/null.)
    import socket
    target = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(target)
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    with pytest.raises(ValueError, match=rf"\bout\b.*is a {kind.upper() if kind == 'fifo' else kind}, "
                                         "not a regular file"):
        init_model(SPEC, seed=0, out=target)
    mode = os.stat(target).st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISSOCK(mode)
    assert _temporaries(tmp_path) == []
    if kind == "socket":
        server.close()


def test_an_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "m.safetensors"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    init_model(SPEC, seed=0, out=target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    os.chmod(target, 0o640)
    init_model(SPEC, seed=0, out=target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_a_read_only_file_is_replaced_only_when_asked(tmp_path):
    target = tmp_path / "m.safetensors"
    target.write_bytes(b"old")
    os.chmod(target, 0o444)
    with pytest.raises(PermissionError, match=r"\bout\b.*read-only.*replace_read_only"):
        init_model(SPEC, seed=0, out=target)
    assert target.read_bytes() == b"old"
    init_model(SPEC, seed=0, out=target, replace_read_only=True)
    assert target.stat().st_size > 3
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o444  # still read-only
    assert _temporaries(tmp_path) == []


def test_the_cli_replaces_a_read_only_file_only_with_force(tmp_path):
    target = tmp_path / "m.safetensors"
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    target.write_bytes(b"old")
    os.chmod(target, 0o444)
    run = lambda *extra: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "fastinit", "init", "--spec", str(spec), "-o", str(target),
         "-q", *extra], env=child_env(), capture_output=True, text=True, timeout=120)
    assert run().returncode == 2 and target.read_bytes() == b"old"
    proc = run("--force")
    assert proc.returncode == 0, proc.stderr
    assert target.stat().st_size > 3


def test_a_name_as_long_as_the_file_system_allows_can_be_written(tmp_path):
    name_max = os.pathconf(tmp_path, "PC_NAME_MAX")
    target = tmp_path / ("m" * (name_max - 12) + ".safetensors")
    assert len(target.name) == name_max
    init_model(SPEC, seed=0, out=target)
    assert target.is_file() and _temporaries(tmp_path) == []


def test_without_posix_fallocate_the_file_is_still_written(tmp_path, monkeypatch):
    # macOS and Windows have no os.posix_fallocate
    monkeypatch.delattr(os, "posix_fallocate")
    target = init_model(SPEC, seed=0, out=tmp_path / "m.safetensors")
    from safetensors.numpy import load_file
    assert load_file(target)["w"].tobytes() == init_model(SPEC, seed=0)["w"].tobytes()


# ------------------------------------------------- killed writers --
WRITER = textwrap.dedent(
    """
    import json, os, sys, time
    import numpy as np
    from fastinit.model import init_model

    def slow_progress(event):  # keep the file open long enough to be killed
        print(json.dumps({"ready": True}), flush=True)
        time.sleep(60)

    spec = {f"t{i}": {"shape": [256, 256], "init": "normal", "stddev": 0.02} for i in range(3)}
    init_model(spec, seed=0, out=sys.argv[1], progress=slow_progress)
    """
)


def _start_writer(target):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert json.loads(line) == {"ready": True}, line + proc.stderr.read()
    return proc


def test_sigterm_while_writing_removes_the_temporary_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "m.safetensors"
    target.write_bytes(b"old")
    proc = _start_writer(target)
    assert len(_temporaries(tmp_path)) == 1
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM  # it still dies by SIGTERM
    assert target.read_bytes() == b"old"
    assert _temporaries(tmp_path) == []


def test_the_next_write_removes_and_reports_what_a_killed_writer_left(tmp_path):
    target = tmp_path / "m.safetensors"
    # a live writer of the same target: its temporary file must never be
    # taken for a leftover (its flock is held)
    live = _start_writer(target)
    try:
        dead = _start_writer(target)
        dead.kill()  # SIGKILL: no chance to clean up
        dead.communicate(timeout=60)
        left = _temporaries(tmp_path)
        assert len(left) == 2 and any(str(dead.pid) in name for name in left)
        dead_name = next(name for name in left if str(dead.pid) in name)
        with pytest.warns(ResourceWarning, match=f"{dead_name}.*died"):
            init_model(SPEC, seed=0, out=target)
        remaining = _temporaries(tmp_path)
        assert len(remaining) == 1 and str(live.pid) in remaining[0]
    finally:
        live.kill()
        live.communicate(timeout=60)
    assert target.is_file()


def test_sigterm_between_a_write_and_its_exit_still_cleans_up_and_dies(tmp_path):
    """SIGTERM landing where no cleanup code of atomic_file can run (its
    generator suspended, as when the signal hits the start of a ``with``
    block's exit) still removes the temporary file, and the process dies by
    SIGTERM.  Found by the fault-injection test under load."""
    code = textwrap.dedent(f"""
        import os, signal
        from fastinit.model._atomic import atomic_file, call_terminable

        def body():
            manager = atomic_file({str(tmp_path / "m.bin")!r}, 4096)
            manager.__enter__()                    # the temporary file exists now
            os.kill(os.getpid(), signal.SIGTERM)   # raised here, before __exit__
            manager.__exit__(None, None, None)     # never reached

        call_terminable(body)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=child_env())
    assert proc.returncode == -signal.SIGTERM, proc.stderr[-2000:]
    assert os.listdir(tmp_path) == []  # no temporary file, no target
