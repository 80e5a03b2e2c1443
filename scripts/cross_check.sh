#!/usr/bin/env bash
# Same bits on every architecture and compiler: builds scripts/kernel_dump.c
# with fastinit's C kernels for x86-64 (GCC and clang), arm64 (GCC and clang,
# NEON path) and s390x (GCC; big-endian), runs the foreign ones under
# qemu-user, and compares every dump byte for byte with the x86-64 GCC one.
# Each dump also checks, on its own machine, that every instruction set gives
# the same bytes (x86-64: scalar, sse2, avx2, avx512 as far as the CPU has them;
# arm64: scalar, neon).
#
#   scripts/cross_check.sh            # needs the tools below; exit 1 on any difference
#   scripts/cross_check.sh --install  # first apt-get installs them (Debian/Ubuntu, as root)
#   FASTINIT_CROSS_DIR=/tmp/x scripts/cross_check.sh   # keep the builds and dumps there
#
# Tools: gcc, clang, gcc-aarch64-linux-gnu, gcc-s390x-linux-gnu (with their
# libc6-dev-*-cross), qemu-user-static.  Nothing here needs Python.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(dirname "$here")/fastinit/src"
packages=(gcc clang gcc-aarch64-linux-gnu gcc-s390x-linux-gnu libc6-dev-arm64-cross
          libc6-dev-s390x-cross qemu-user-static)

if [ "${1:-}" = "--install" ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null
elif [ $# -gt 0 ]; then
    sed -n '2,16p' "$0"; exit 2
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

# name, compiler command, how to run the program
builds=(
    "x86_64-gcc|gcc|"
    "x86_64-clang|clang|"
    "aarch64-gcc|aarch64-linux-gnu-gcc -static|qemu-aarch64-static"
    "aarch64-clang|clang --target=aarch64-linux-gnu -static|qemu-aarch64-static"
    "s390x-gcc|s390x-linux-gnu-gcc -static|qemu-s390x-static"
)

for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner <<<"$b"
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
    IFS='|' read -r name cc runner <<<"$b"
    # shellcheck disable=SC2086
    $runner "./dump-$name" "$name.bin" >"$name.txt" 2>"$name.log" &
    pids+=($!)
done
status=0
i=0
for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner <<<"$b"
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
echo "reference: $reference ($(sed -n 1p "$reference.log" | sed 's/^kernel_dump: //'))"
for b in "${builds[@]}"; do
    IFS='|' read -r name cc runner <<<"$b"
    [ "$name" = "$reference" ] && continue
    records=$(wc -l <"$name.txt")
    bytes=$(wc -c <"$name.bin")
    isas=$(sed -n 1p "$name.log" | sed 's/^kernel_dump: instruction sets //')
    if cmp -s "$reference.bin" "$name.bin" && cmp -s "$reference.txt" "$name.txt"; then
        echo "$name [$isas]: $records records, $bytes bytes compared with $reference: differences: none"
    else
        echo "$name [$isas]: DIFFERENT from $reference; first differing records:" >&2
        diff "$reference.txt" "$name.txt" | head -20 >&2 || true
        status=1
    fi
done
echo "cross_check: dumps took $((t1 - t0)) s (foreign ones under qemu-user)"
if [ $status != 0 ]; then
    echo "cross_check: FAILED: builds give different bits" >&2
fi
exit $status
