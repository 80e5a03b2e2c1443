#!/usr/bin/env bash
# Build fastinit's compiled core with AddressSanitizer + UndefinedBehaviorSanitizer
# (setup.py: FASTINIT_SANITIZE=1, plus Cython bounds checks: FASTINIT_BOUNDSCHECK=1)
# in a temporary copy of the working tree, and run the test suite against it.
# The checkout itself is never rebuilt, so everyone else's `import fastinit` keeps working.
#
#   scripts/sanitize.sh                # the default test selection (pyproject: not slow)
#   scripts/sanitize.sh --short        # CI subset, under 2 minutes
#   scripts/sanitize.sh -- -k philox   # extra pytest arguments after --
#   FASTINIT_SANITIZE_DIR=/tmp/x scripts/sanitize.sh   # reuse a build directory
#
# Exit status: non-zero if the build fails, a test fails, or a sanitizer reports
# anything (any "ERROR: AddressSanitizer" / "runtime error:" line in the log).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
short=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --short) short=1; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

work="${FASTINIT_SANITIZE_DIR:-$(mktemp -d /tmp/fi-asan.XXXXXX)}"
mkdir -p "$work"
echo "sanitizer build in $work"
# the working tree as git sees it (uncommitted and untracked work included, ignored
# build products excluded); an earlier copy is replaced, its build/ cache kept
find "$work" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
(cd "$root" && git ls-files -z -co --exclude-standard --deduplicate \
    | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$work" -xf -

cd "$work"
t0=$(date +%s)
if ! FASTINIT_SANITIZE=1 FASTINIT_BOUNDSCHECK=1 python setup.py build_ext --inplace >build.log 2>&1; then
    tail -40 build.log
    echo "sanitizer build FAILED" >&2
    exit 1
fi
t1=$(date +%s)
so=$(ls fastinit/_core*.so)
deps="$(ldd "$so")"  # (not piped into grep -q: an early exit would SIGPIPE ldd under pipefail)
if [[ "$deps" != *libasan* ]]; then
    echo "the extension is not linked against libasan: $so" >&2
    exit 1
fi
echo "built $so in $((t1 - t0)) s"

# The ASan runtime must be loaded first; libstdc++ with it, or ASan's __cxa_throw
# interceptor finds no real one when a C++ extension (matplotlib) throws.
export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)"
# Reports go to files as well (pytest captures file descriptors 1 and 2, so a
# report printed by a dying test process could be lost).
# detect_leaks: CPython keeps many objects alive at exit, by design.
# allocator_may_return_null: huge requests become MemoryError, not an ASan abort.
rm -rf "$work/sanitizer-reports" && mkdir -p "$work/sanitizer-reports"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:halt_on_error=1:abort_on_error=0:print_summary=1:log_path=$work/sanitizer-reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1:log_path=$work/sanitizer-reports/ubsan"
export PYTHONPATH="$work"
export PYTHONFAULTHANDLER=1

python - <<'PY'
import fastinit, fastinit._core as c
assert c.__file__.startswith(__import__("os").getcwd()), c.__file__
print("testing", c.__file__, "simd:", fastinit.simd_info()["active"])
PY

# Canary: the instrumented kernel must catch a deliberate out-of-bounds write
# (the internal _core.fill trusts contiguity; a reversed view makes it write
# past the buffer).  A build that is not really instrumented fails here.
if ASAN_OPTIONS="detect_leaks=0" python - >canary.log 2>&1 <<'PY'
import numpy as np
from fastinit import _core
base = np.empty(1000, np.float32)
_core.fill(_core.UNIFORM, _core.F32, base[::-1], (1, 2), (0, 0), 0, {}, 1)
PY
then
    echo "canary: the sanitizer did NOT catch an out-of-bounds write" >&2
    exit 1
fi
grep -q "heap-buffer-overflow" canary.log || { cat canary.log >&2; exit 1; }
echo "canary: out-of-bounds write caught (heap-buffer-overflow), the build is instrumented"

if [ "$short" = 1 ]; then
    tests=(tests/guarantees/test_inputs.py tests/guarantees/test_concurrency.py
           tests/guarantees/test_interrupts.py)
    for f in tests/core/test_philox.py tests/core/test_invariance.py tests/core/test_errors.py \
             tests/core/test_streams.py tests/core/test_limits.py \
             tests/numpy_compat/test_bitgen.py tests/numpy_compat/test_delegation.py; do
        [ -e "$f" ] && tests+=("$f")
    done
else
    tests=(tests)
fi

status=0
# Under ASan a fresh 1 GiB np.empty is itself instrumented and slow, so a Ctrl-C
# timing test that allocates each time can see the signal land in the allocation;
# its out= variant still interrupts the fill itself here.
python -m pytest -q -p no:cacheprovider -k "not (ctrl_c and size)" "${tests[@]}" "${extra[@]}" \
    2>&1 | tee pytest.log || status=$?
t2=$(date +%s)
if [ -n "$(ls -A "$work/sanitizer-reports")" ] || \
        grep -qE "ERROR: AddressSanitizer|runtime error:|CHECK failed" pytest.log; then
    echo "SANITIZER REPORTS FOUND ($work/sanitizer-reports):" >&2
    for f in "$work"/sanitizer-reports/*; do
        [ -e "$f" ] && { echo "== $f" >&2; head -40 "$f" >&2; }
    done
    grep -nE -A20 "ERROR: AddressSanitizer|runtime error:" pytest.log | head -80 >&2 || true
    status=1
fi
echo "sanitize: pytest exit $status, tests took $((t2 - t1)) s (log: $work/pytest.log)"
exit $status
