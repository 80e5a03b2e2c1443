#!/usr/bin/env bash
# Builds fastinit's extension with another C compiler (CC) in a temporary copy
# of the working tree and runs the stream-stability tests against that build:
# the bits must not depend on the compiler.  The checkout itself is not rebuilt.
#
#   scripts/build_with.sh clang            # hash + instruction-set tests
#   scripts/build_with.sh clang tests/core # any pytest selection after the compiler
#
# Needs the build requirements (numpy, Cython, setuptools) and pytest in the
# current Python environment; clang's OpenMP needs libomp-dev (Debian).
set -euo pipefail

[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
cc="$1"
shift
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/core/test_hashes.py tests/core/test_invariance.py)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/fi-build-with.XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && git ls-files -z -co --exclude-standard --deduplicate \
    | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$work" -xf -
cd "$work"

if ! CC="$cc" python setup.py build_ext --inplace >build.log 2>&1; then
    tail -40 build.log
    echo "build_with: the $cc build FAILED" >&2
    exit 1
fi
so=$(ls fastinit/_core*.so)
# the compiler that built the kernels (GCC's crt files add a GCC line of their own)
compiled_by=$(readelf -p .comment "$so" | grep -v GCC | sed -n 's/^ *\[ *[0-9a-f]*\] *//p' | head -1)
[ -n "$compiled_by" ] || compiled_by=$(readelf -p .comment "$so" | sed -n 's/^ *\[ *[0-9a-f]*\] *//p' | head -1)
python - <<'PY'
import os, fastinit
assert fastinit._core.__file__.startswith(os.getcwd()), fastinit._core.__file__
print("testing", fastinit._core.__file__, fastinit.simd_info()["available"],
      "openmp:", fastinit.openmp_enabled())
PY
echo "built by: $compiled_by"
python -m pytest -q -p no:cacheprovider "${tests[@]}"
