"""Build of fastinit's compiled core.

The extension is built with OpenMP when the compiler can compile, link and
run a tiny OpenMP program; otherwise it is built serially and says so loudly
(``fastinit.openmp_enabled()`` reports which at run time).  No
``-march=native`` and no ``-ffast-math``: one binary runs on any x86-64 and
picks AVX-512 / AVX2 / SSE2 at run time, and ``-ffp-contract=off`` keeps
every instruction set on the same bits (DESIGN.md, stream contract 4).
"""
import os
import subprocess
import sys
import sysconfig
import tempfile
import textwrap

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

OPENMP_PROBE = textwrap.dedent(
    """
    #include <omp.h>
    int main(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        return n == omp_get_max_threads() ? 0 : 1;
    }
    """
)


def openmp_flags():
    """Compile and link flags for OpenMP on this platform's compiler."""
    if sys.platform == "win32":
        return ["/openmp"], []
    if sys.platform == "darwin":
        return ["-Xpreprocessor", "-fopenmp"], ["-lomp"]
    return ["-fopenmp"], ["-fopenmp"]


def probe_openmp(compile_flags, link_flags):
    """True when a tiny OpenMP program compiles, links and runs."""
    if os.environ.get("FASTINIT_DISABLE_OPENMP"):
        return False
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        exe = os.path.join(tmp, "probe")
        with open(src, "w") as f:
            f.write(OPENMP_PROBE)
        cmd = cc.split() + compile_flags + [src, "-o", exe] + link_flags
        try:
            subprocess.run(cmd, check=True, capture_output=True)
            subprocess.run([exe], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            return False
    return True


omp_compile, omp_link = openmp_flags()
if probe_openmp(omp_compile, omp_link):
    compile_openmp, link_openmp = omp_compile, omp_link
else:
    compile_openmp, link_openmp = [], []
    banner = "*" * 72
    print(
        f"\n{banner}\nWARNING: fastinit: the compiler cannot build OpenMP programs;\n"
        f"building a SERIAL extension (one thread). Install an OpenMP runtime\n"
        f"(gcc's libgomp, or libomp on macOS) and rebuild for parallel fills.\n{banner}\n",
        file=sys.stderr,
    )

if sys.platform == "win32":
    base_flags = ["/O2", "/fp:precise"]
else:
    base_flags = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"]
    if os.environ.get("FASTINIT_SANITIZE"):
        # ASan/UBSan build for scripts/sanitize.sh (issue: hardening).
        base_flags += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1"]
        link_openmp = link_openmp + ["-fsanitize=address,undefined"]

extension = Extension(
    "fastinit._core",
    sources=["fastinit/_core.pyx", "fastinit/src/fi_kernels.c"],
    include_dirs=[numpy.get_include(), "fastinit/src"],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                   ("FI_BOUNDSCHECK_BUILD", "1" if os.environ.get("FASTINIT_BOUNDSCHECK") else "0")],
    extra_compile_args=base_flags + compile_openmp,
    extra_link_args=link_openmp,
)

# The one place Cython directives are set (the .pyx has none of its own, so
# FASTINIT_BOUNDSCHECK=1 -- the sanitizer build -- really turns checks on;
# fastinit._core.bounds_checked() reports it and a test compares).
BOUNDSCHECK = bool(os.environ.get("FASTINIT_BOUNDSCHECK"))
compiler_directives = {
    "language_level": 3,
    "boundscheck": BOUNDSCHECK,
    "wraparound": BOUNDSCHECK,
    "initializedcheck": BOUNDSCHECK,
    "nonecheck": False,
    "cdivision": True,
}

setup(ext_modules=cythonize([extension], compiler_directives=compiler_directives))
