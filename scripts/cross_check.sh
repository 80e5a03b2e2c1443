#!/usr/bin/env bash
# Same bits on every architecture and compiler: builds scripts/kernel_dump.c
# with fastinit's C kernels for x86-64 (GCC and clang), 32-bit x86 (GCC, SSE2
# maths), arm64 (GCC and clang, NEON path) and s390x (GCC; big-endian), runs
# the foreign ones under qemu-user (and the x86-64 one again on emulated CPUs
# without AVX-512 and without AVX: the run-time detection must pick AVX2 and
# SSE2 there), and compares every dump byte for byte with the x86-64 GCC one.
# Each dump also checks, on its own machine, that every instruction set gives
# the same bytes (x86-64: scalar, sse2, avx2, avx512 as far as the CPU has
# them; arm64: scalar, neon).  Then checks that the builds which could not
# give those bits are refused: x87 maths and -ffast-math do not compile, and
# forced contraction (clang -ffp-contract=fast) is caught when the kernels start.
#
#   scripts/cross_check.sh            # needs the tools below; exit 1 on any difference
#   scripts/cross_check.sh --install  # first apt-get installs them (Debian/Ubuntu, as root)
#   FASTINIT_CROSS_DIR=/tmp/x scripts/cross_check.sh   # keep the builds and dumps there
#
# Tools: gcc, clang, gcc-aarch64-linux-gnu, gcc-s390x-linux-gnu,
# gcc-i686-linux-gnu (with their libc6-dev-*-cross), qemu-user-static.
# Nothing here needs Python.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(dirname "$here")/fastinit/src"
packages=(gcc clang gcc-aarch64-linux-gnu gcc-s390x-linux-gnu gcc-i686-linux-gnu
          libc6-dev-arm64-cross libc6-dev-s390x-cross libc6-dev-i386-cross qemu-user-static)

if [ "${1:-}" = "--install" ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null
elif [ $# -gt 0 ]; then
    sed -n '2,20p' "$0"; exit 2
fi

if [ -n "${FASTINIT_CROSS_DIR:-}" ]; then
    work="$FASTINIT_CROSS_DIR"
    mkdir -p "$work"
else
    work="$(mktemp -d /tmp/fi-cross.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"

# setup.py's flags for GCC and clang (the kernels' own pragmas and checks in
# fi_platform.h hold without them too).
flags=(-O3 -ffp-contract=off -fno-math-errno -fno-trapping-math -Wall -Werror)
sources=("$here/kernel_dump.c" "$src/fi_kernels.c")

# name | compiler command | how to run the program | the instruction sets it
# must find (empty: whatever this machine's CPU has)
builds=(
    "x86_64-gcc|gcc||"
    "x86_64-clang|clang||"
    "i686-gcc|i686-linux-gnu-gcc -static -msse2 -mfpmath=sse||"
    "x86_64-haswell|gcc -static|qemu-x86_64-static -cpu Haswell|scalar sse2 avx2"
    "x86_64-nehalem|gcc -static|qemu-x86_64-static -cpu Nehalem|scalar sse2"
    "aarch64-gcc|aarch64-linux-gnu-gcc -static|qemu-aarch64-static|scalar neon"
    "aarch64-clang|clang --target=aarch64-linux-gnu -static|qemu-aarch64-static|scalar neon"
    "s390x-gcc|s390x-linux-gnu-gcc -static|qemu-s390x-static|scalar"
)

for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner expect <<<"$b"
    # shellcheck disable=SC2086  # cc is a command with its options
    if ! $cc "${flags[@]}" -I"$src" "${sources[@]}" -o "dump-$name" 2>"build-$name.log"; then
        cat "build-$name.log" >&2
        echo "cross_check: the $name build FAILED (tools: ${packages[*]}; --install gets them)" >&2
        exit 1
    fi
done

t0=$(date +%s)
pids=()
for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner expect <<<"$b"
    # shellcheck disable=SC2086
    $runner "./dump-$name" "$name.bin" >"$name.txt" 2>"$name.log" &
    pids+=($!)
done
status=0
i=0
for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner expect <<<"$b"
    if ! wait "${pids[$i]}"; then
        echo "cross_check: $name: the dump FAILED:" >&2
        cat "$name.log" >&2
        status=1
    fi
    i=$((i + 1))
done
[ $status = 0 ] || exit 1
t1=$(date +%s)

reference=x86_64-gcc
isas_of() { grep '^kernel_dump: instruction sets' "$1.log" | sed 's/^kernel_dump: instruction sets //'; }
echo "reference: $reference [$(isas_of "$reference")]"
for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner expect <<<"$b"
    [ "$name" = "$reference" ] && continue
    records=$(wc -l <"$name.txt")
    bytes=$(wc -c <"$name.bin")
    isas=$(isas_of "$name")
    if [ -n "$expect" ] && [ "$isas" != "$expect" ]; then
        echo "$name: found instruction sets [$isas], expected [$expect]" >&2
        status=1
    fi
    if cmp -s "$reference.bin" "$name.bin" && cmp -s "$reference.txt" "$name.txt"; then
        echo "$name [$isas]: $records records, $bytes bytes compared with $reference: differences: none"
    else
        echo "$name [$isas]: DIFFERENT from $reference; first differing records:" >&2
        diff "$reference.txt" "$name.txt" | head -20 >&2 || true
        status=1
    fi
done
echo "cross_check: dumps took $((t1 - t0)) s (foreign ones under qemu-user)"

# The refusals.  x87 maths (32-bit x86 without -mfpmath=sse) must not compile:
if i686-linux-gnu-gcc -static "${flags[@]}" -I"$src" "${sources[@]}" -o dump-x87 2>build-x87.log; then
    echo "cross_check: an x87-maths build COMPILED; fi_platform.h should refuse it" >&2
    status=1
elif grep -q "extra precision" build-x87.log; then
    echo "x87 maths build: refused at compile time"
else
    cat build-x87.log >&2; echo "cross_check: the x87 build failed for another reason" >&2; status=1
fi
# -ffast-math must not compile either:
if gcc "${flags[@]}" -ffast-math -I"$src" -c "$src/fi_kernels.c" -o fast-math.o 2>build-fast-math.log; then
    echo "cross_check: a -ffast-math build COMPILED; fi_platform.h should refuse it" >&2
    status=1
elif grep -q "ffast-math" build-fast-math.log; then
    echo "-ffast-math build: refused at compile time"
else
    cat build-fast-math.log >&2; echo "cross_check: the -ffast-math build failed for another reason" >&2; status=1
fi
# clang -ffp-contract=fast overrides the no-contraction pragma; the kernels'
# probe must catch it (the extension then refuses to import):
clang "${flags[@]}" -ffp-contract=fast -I"$src" "${sources[@]}" -o dump-contract
if ./dump-contract contract.bin >contract.txt 2>contract.log; then
    echo "cross_check: a build with forced contraction was NOT caught" >&2
    status=1
elif grep -q "contracts a \* b - c" contract.log; then
    echo "clang -ffp-contract=fast build: caught by the contraction probe"
else
    cat contract.log >&2; echo "cross_check: the contraction build failed for another reason" >&2; status=1
fi
if [ $status != 0 ]; then
    echo "cross_check: FAILED (see above)" >&2
fi
exit $status
