#!/usr/bin/env bash
# Run the dieharder battery (Debian package `dieharder`) on fastinit's streams,
# fed through stdin (`-g 200`, raw binary 32-bit words).
#
#   scripts/dieharder.sh                 # full battery (-a) on both streams, in parallel
#   scripts/dieharder.sh --mode raw      # one stream only (raw | uniform_f32)
#   scripts/dieharder.sh --tests "0 2 15 100 101"   # a subset of -d test numbers
#   scripts/dieharder.sh --seed 7 --out /tmp/dh
#
# Streams (scripts/stream_to_stdout.py):
#   raw          Generator.random_raw: the Philox4x32-10 words themselves
#   uniform_f32  Generator.random(dtype=float32): the 24 bits of each uniform,
#                packed back to back (4 uniforms -> 3 words)
#
# Results go to docs/dieharder/<mode>.txt (header + dieharder's table +
# PASSED/WEAK/FAILED counts).  Exit status 1 if any test FAILED.
# The full battery takes roughly 30-90 minutes per stream on one core.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
modes="raw uniform_f32"
seed=20240608
tests=""
outdir="$root/docs/dieharder"

while [ $# -gt 0 ]; do
    case "$1" in
        --mode) modes="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --tests) tests="$2"; shift 2 ;;
        --out) outdir="$2"; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

if ! command -v dieharder >/dev/null 2>&1; then
    echo "installing dieharder (apt-get)" >&2
    apt-get install -y dieharder >/dev/null || { apt-get update >/dev/null && apt-get install -y dieharder >/dev/null; }
fi

mkdir -p "$outdir"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
python "$here/stream_to_stdout.py" --check >/dev/null

run_one() {
    local mode="$1" out="$outdir/$1.txt" t0 t1
    local commit
    commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    t0=$(date +%s)
    {
        echo "# fastinit dieharder run"
        echo "# stream: $mode   seed: $seed   commit: $commit   date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "# dieharder: $(dieharder -h 2>/dev/null | grep -m1 -o 'version [0-9.]*' || echo '?')"
        echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
        if [ -n "$tests" ]; then
            echo "# tests: -d $tests (subset, default options each)"
        else
            echo "# tests: -a (all, default options)"
        fi
        if [ -n "$tests" ]; then
            echo "# command (per test N): python scripts/stream_to_stdout.py --mode $mode --seed $seed --threads 1 | dieharder -d N -g 200"
        else
            echo "# command: python scripts/stream_to_stdout.py --mode $mode --seed $seed --threads 1 | dieharder -a -g 200"
        fi
    } >"$out.tmp"
    if [ -n "$tests" ]; then
        for d in $tests; do
            python "$here/stream_to_stdout.py" --mode "$mode" --seed "$seed" --threads 1 \
                | dieharder -d "$d" -g 200 >>"$out.tmp" 2>&1 || true
        done
    else
        python "$here/stream_to_stdout.py" --mode "$mode" --seed "$seed" --threads 1 \
            | dieharder -a -g 200 >>"$out.tmp" 2>&1 || true
    fi
    t1=$(date +%s)
    local passed weak failed
    passed=$(grep -c '|  PASSED' "$out.tmp" || true)
    weak=$(grep -c '|   WEAK' "$out.tmp" || true)
    failed=$(grep -c '|  FAILED' "$out.tmp" || true)
    {
        echo "# summary: PASSED=$passed WEAK=$weak FAILED=$failed  ($((t1 - t0)) s)"
    } >>"$out.tmp"
    mv "$out.tmp" "$out"
    echo "$mode: PASSED=$passed WEAK=$weak FAILED=$failed ($((t1 - t0)) s) -> $out"
    [ "$failed" = 0 ]
}

pids=()
for m in $modes; do
    run_one "$m" &
    pids+=($!)
done
status=0
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
exit $status
