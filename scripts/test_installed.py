"""Run the stream-stability tests against the *installed* fastinit (a wheel),
never the source tree: the tests are copied to a temporary directory first,
so the checkout's ``fastinit/`` is not on ``sys.path``.

    python scripts/test_installed.py [extra pytest arguments]

Used by cibuildwheel's test-command (pyproject.toml) and scripts/wheel_check.sh.
Needs numpy and pytest (and the wheel's own dependencies) installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = ["tests/core/test_hashes.py", "tests/core/test_invariance.py"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(ROOT, "tests"), os.path.join(tmp, "tests"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        where = subprocess.run(
            [sys.executable, "-c", "import fastinit; print(fastinit.__file__); "
             "print(fastinit.simd_info(), 'openmp:', fastinit.openmp_enabled())"],
            cwd=tmp, check=True, capture_output=True, text=True,
        ).stdout
        print("testing", where, end="")
        if os.path.abspath(where.splitlines()[0]).startswith(ROOT + os.sep):
            print("fastinit is imported from the source tree, not an installed wheel", file=sys.stderr)
            return 1
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS,
                   *sys.argv[1:]]
        return subprocess.call(command, cwd=tmp)


if __name__ == "__main__":
    sys.exit(main())
