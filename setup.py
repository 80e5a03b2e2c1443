"""Build of fastinit's compiled core.

Compilers: GCC or clang (Linux, macOS's Apple clang), clang-cl on Windows.
MSVC's ``cl`` cannot compile the kernels (they use GNU C vector extensions);
fastinit/src/fi_platform.h lists what else a build must not do.

The extension is built with OpenMP when the compiler can compile and link a
tiny OpenMP program with the build's own compiler and flags (CC, CFLAGS,
CPPFLAGS, LDFLAGS are honoured; the program is never run, so cross builds
work); otherwise it is built serially and says so loudly
(``fastinit.openmp_enabled()`` reports which at run time).  On macOS,
Homebrew's libomp is found at its usual prefixes.  No ``-march=native`` and
no ``-ffast-math``: one binary runs on any x86-64 and picks AVX-512 / AVX2 /
SSE2 at run time, and ``-ffp-contract=off`` keeps every instruction set on
the same bits (docs/STREAM.md, promise 5).  The extension carries no debug
information and no run-time library path into the build machine
(FASTINIT_DEBUG=1 keeps ``-g``).

Environment switches: FASTINIT_DISABLE_OPENMP=1 (serial build),
FASTINIT_SANITIZE=1 (ASan + UBSan, scripts/sanitize.sh),
FASTINIT_BOUNDSCHECK=1 (Cython bounds checks), FASTINIT_DEBUG=1.
"""
import os
import shutil
import sys
import sysconfig
import tempfile
import textwrap

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

OPENMP_PROBE = textwrap.dedent(
    """
    #include <omp.h>
    int fastinit_openmp_probe(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        return n == omp_get_max_threads();
    }
    """
)

# Homebrew's libomp (keg-only: not on the default paths), arm64 then x86_64.
HOMEBREW_LIBOMP = ("/opt/homebrew/opt/libomp", "/usr/local/opt/libomp")

SERIAL_WARNING = """
{banner}
WARNING: fastinit: {reason};
building a SERIAL extension (one thread). {hint}
{banner}
"""


def is_msvc_style(compiler):
    return compiler.compiler_type == "msvc"


def openmp_flags(compiler):
    """(compile flags, link flags, how to get OpenMP) for this compiler."""
    if is_msvc_style(compiler):  # clang-cl, with LLVM's libomp
        return ["/openmp"], ["libomp.lib"], "Install LLVM's OpenMP runtime (libomp.lib) for clang-cl."
    if sys.platform == "darwin":  # Apple clang: no -fopenmp driver flag, libomp from Homebrew
        compile_flags, link_flags = ["-Xpreprocessor", "-fopenmp"], ["-lomp"]
        for prefix in HOMEBREW_LIBOMP:
            if os.path.isdir(os.path.join(prefix, "include")):
                # (libomp.dylib's install name is absolute: no rpath needed, and
                # delocate bundles it into a wheel)
                compile_flags.append(f"-I{prefix}/include")
                link_flags = [f"-L{prefix}/lib"] + link_flags
                break
        return compile_flags, link_flags, (
            "Install libomp (brew install libomp), or point CPPFLAGS/LDFLAGS at an OpenMP "
            "runtime, and rebuild for parallel fills."
        )
    return ["-fopenmp"], ["-fopenmp"], (
        "Install an OpenMP runtime (GCC's libgomp; libomp-dev for clang) and rebuild "
        "for parallel fills."
    )


def probe_openmp(compiler, compile_flags, link_flags):
    """True when a tiny OpenMP library compiles and links with the build's
    compiler and flags.  It is not run (a cross build could not)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "openmp_probe.c")
        with open(src, "w") as f:
            f.write(OPENMP_PROBE)
        try:
            objects = compiler.compile([src], output_dir=tmp, extra_postargs=compile_flags)
            compiler.link_shared_object(
                objects, os.path.join(tmp, "openmp_probe" + (".pyd" if is_msvc_style(compiler) else ".so")),
                extra_postargs=link_flags,
            )
        except Exception:  # CompileError, LinkError, or a compiler that is not there
            return False
    return True


def without_build_machine_rpath(command):
    """The link command less the interpreter's own -rpath (some Pythons, e.g.
    pyenv's, put their lib directory in LDSHARED): an extension module needs
    no library path into the machine that built it."""
    return [arg for arg in command if not arg.startswith(("-Wl,-rpath,", "-Wl,-R", "-R/"))]


class FastinitBuildExt(build_ext):
    """build_ext that picks the compiler's flags and OpenMP once the compiler
    is known (it is only known here, not when setup.py starts)."""

    def build_extensions(self):
        compiler = self.compiler
        if is_msvc_style(compiler):
            self._use_clang_cl(compiler)
            base = ["/O2", "/clang:-ffp-contract=off", "/clang:-fno-math-errno",
                    "/clang:-fno-trapping-math"]
        else:
            base = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"]
            if not os.environ.get("FASTINIT_DEBUG"):
                base.append("-g0")  # after Python's own -g: no debug info in the module
            if sysconfig.get_platform().endswith(("-i686", "-i386", "-x86")):
                base += ["-msse2", "-mfpmath=sse"]  # 32-bit x86: no x87 maths (fi_platform.h)
            compiler.linker_so = without_build_machine_rpath(compiler.linker_so)
        extra_link = []
        if os.environ.get("FASTINIT_SANITIZE"):
            # ASan/UBSan build for scripts/sanitize.sh (issue: hardening).
            base += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"]
            extra_link += ["-fsanitize=address,undefined"]

        omp_compile, omp_link, hint = openmp_flags(compiler)
        if os.environ.get("FASTINIT_DISABLE_OPENMP"):
            omp_compile, omp_link = [], []
            self._warn_serial("FASTINIT_DISABLE_OPENMP is set", "Unset it for parallel fills.")
        elif not probe_openmp(compiler, base + omp_compile, omp_link + extra_link):
            omp_compile, omp_link = [], []
            self._warn_serial("the compiler cannot build OpenMP programs", hint)
        for ext in self.extensions:
            ext.extra_compile_args = base + omp_compile + ext.extra_compile_args
            ext.extra_link_args = omp_link + extra_link + ext.extra_link_args
        super().build_extensions()

    @staticmethod
    def _use_clang_cl(compiler):
        """Windows: setuptools drives MSVC's tools; the compiler must be
        clang-cl (it takes cl's options), the linker stays link.exe."""
        if not compiler.initialized:
            compiler.initialize()
        clang_cl = os.environ.get("CC") or shutil.which("clang-cl")
        if not clang_cl or "clang-cl" not in os.path.basename(clang_cl).lower():
            sys.exit(
                "fastinit: MSVC's cl cannot compile fastinit's C kernels (they use GNU C vector "
                "extensions).  Build with clang-cl: install LLVM (or Visual Studio's 'C++ Clang "
                "tools for Windows') and put clang-cl on PATH, or set CC to its path."
            )
        compiler.cc = clang_cl
        # cl's whole-program optimisation (/GL, /LTCG) has no clang-cl counterpart
        # that link.exe understands
        compiler.compile_options = [o for o in compiler.compile_options if o != "/GL"]
        compiler.ldflags_shared = [o for o in compiler.ldflags_shared if o != "/LTCG"]

    @staticmethod
    def _warn_serial(reason, hint):
        banner = "*" * 72
        print(SERIAL_WARNING.format(banner=banner, reason=reason, hint=hint), file=sys.stderr)


extension = Extension(
    "fastinit._core",
    sources=["fastinit/_core.pyx", "fastinit/src/fi_kernels.c"],
    include_dirs=[numpy.get_include(), "fastinit/src"],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                   ("FI_BOUNDSCHECK_BUILD", "1" if os.environ.get("FASTINIT_BOUNDSCHECK") else "0")],
)

# fastinit.Philox4x32, a numpy.random.BitGenerator: it calls the kernels of
# _core through fastinit._core.fill_flat_address(), so it has no C sources
# of its own (one compiled copy of the kernels, one instruction-set choice).
bitgen_extension = Extension(
    "fastinit._bitgen",
    sources=["fastinit/_bitgen.pyx"],
    include_dirs=[numpy.get_include(), "fastinit/src"],  # fi_kernels.h: the fi_params layout
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
)  # (compiler flags, sanitizers included: FastinitBuildExt, for every extension)

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

setup(
    ext_modules=cythonize([extension, bitgen_extension], compiler_directives=compiler_directives),
    cmdclass={"build_ext": FastinitBuildExt},
)
