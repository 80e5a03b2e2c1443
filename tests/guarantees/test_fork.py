"""Children of a process that already ran multi-threaded fills (issue 15).

GNU OpenMP keeps its thread pool's bookkeeping across ``fork()`` but not its
threads, so a forked child's first multi-threaded fill used to wait forever
(ignoring Ctrl-C); Numba's OpenMP layer killed such a child outright.  Each
case runs in its own Python under a timeout, so a regression fails instead of
hanging the suite.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.processes import child_env

PARENT = textwrap.dedent(
    """
    import hashlib, json, multiprocessing, os, sys
    import numpy as np
    import fastinit

    N = 1 << 20  # above the serial cut-off: a real OpenMP team

    def draw(numba_path):
        rng = fastinit.default_rng(7)
        if numba_path:
            from fastinit.numba import gallery
            x = fastinit.sample(rng, gallery.laplace, size=N, dtype=np.float32, n_threads=2)
        else:
            x = rng.standard_normal(N, dtype=np.float32, n_threads=2)
        return hashlib.sha256(x.tobytes()).hexdigest()

    def child_report(_=None):
        return {"digests": [draw(False), draw(True)], "threads": fastinit.get_num_threads(),
                "serial": fastinit._threads.forked_serial()}

    if __name__ == "__main__":
        kind = sys.argv[1]
        expected = [draw(False), draw(True)]  # OpenMP's and Numba's threads now run
        if kind == "os.fork":
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                os.write(w, json.dumps(child_report()).encode())
                os._exit(0)
            os.close(w)
            with os.fdopen(r) as f:
                child = json.loads(f.read())
            _, status = os.waitpid(pid, 0)
            assert status == 0, status
        else:
            with multiprocessing.get_context(kind).Pool(1) as pool:
                child = pool.apply(child_report)
        print(json.dumps({"expected": expected, **child}), flush=True)
    """
)


@pytest.mark.parametrize("kind", ["os.fork", "fork", "spawn", "forkserver"])
def test_children_of_every_kind_fill_with_the_same_bits_and_never_hang(tmp_path, kind):
    # the C core's fill and a Numba distribution's, in the parent and then the child
    script = tmp_path / "parent.py"  # a file, so that spawn can import __main__
    script.write_text(PARENT)
    proc = subprocess.run([sys.executable, str(script), kind], env=child_env(),
                          capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["digests"] == result["expected"]
    forked = kind in ("os.fork", "fork")
    # a forked child runs serially; spawn and forkserver children start afresh
    assert result["serial"] is forked
    if forked:
        assert result["threads"] == 1
