#!/usr/bin/env bash
# Run the dieharder battery (Debian package `dieharder`) on fastinit's streams,
# fed through stdin (`-g 200`, raw binary 32-bit words).
#
#   scripts/dieharder.sh                 # full battery (-a) on both streams, in parallel
#   scripts/dieharder.sh --mode raw      # one stream only (raw | uniform_f32)
#   scripts/dieharder.sh --tests "0 2 15 100 101"   # a subset of -d test numbers
#   scripts/dieharder.sh --seed 7 --out /tmp/dh
#   scripts/dieharder.sh --resolve-only --mode raw   # re-test the WEAK lines of a result file
#
# Streams (scripts/stream_to_stdout.py):
#   raw          Generator.random_raw: the Philox4x32-10 words themselves
#   uniform_f32  Generator.random(dtype=float32): the 24 bits of each uniform,
#                packed back to back (4 uniforms -> 3 words)
#
# Results go to docs/dieharder/<mode>.txt (header + dieharder's table +
# PASSED/WEAK/FAILED counts).  Exit status 1 if any test FAILED.
# The full battery takes roughly 70-120 minutes per stream on one core.
#
# WEAK (p < 0.005 or p > 0.995) is expected about once per hundred results of a
# perfect generator.  Each WEAK result is then re-tested with dieharder's
# "resolve ambiguity" mode (-Y 1: more p-samples of the same test until the
# verdict is clearly PASSED or FAILED), on the same seed's stream read from
# its start (so on other words than in the battery, which had used the stream
# before reaching that test), and appended to the file with a final summary
# line.  --no-resolve skips that.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
modes="raw uniform_f32"
seed=20240608
tests=""
outdir="$root/docs/dieharder"
resolve=1
resolve_only=0

while [ $# -gt 0 ]; do
    case "$1" in
        --mode) modes="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --tests) tests="$2"; shift 2 ;;
        --out) outdir="$2"; shift 2 ;;
        --no-resolve) resolve=0; shift ;;
        --resolve-only) resolve_only=1; shift ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
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

# -d numbers of the (20-character) test names in dieharder's table
declare -A number=(
    [diehard_birthdays]=0 [diehard_operm5]=1 [diehard_rank_32x32]=2 [diehard_rank_6x8]=3
    [diehard_bitstream]=4 [diehard_opso]=5 [diehard_oqso]=6 [diehard_dna]=7
    [diehard_count_1s_str]=8 [diehard_count_1s_byt]=9 [diehard_parking_lot]=10
    [diehard_2dsphere]=11 [diehard_3dsphere]=12 [diehard_squeeze]=13 [diehard_sums]=14
    [diehard_runs]=15 [diehard_craps]=16 [marsaglia_tsang_gcd]=17 [sts_monobit]=100
    [sts_runs]=101 [sts_serial]=102 [rgb_bitdist]=200 [rgb_minimum_distance]=201
    [rgb_permutations]=202 [rgb_lagged_sum]=203 [rgb_kstest_test]=204 [dab_bytedistrib]=205
    [dab_dct]=206 [dab_filltree]=207 [dab_filltree2]=208 [dab_monobit2]=209
)

resolve_weak() {
    local mode="$1" out="$outdir/$1.txt" name ntup final passed weak failed
    grep -q '|   WEAK' "$out" || return 0
    {
        echo "#"
        echo "# re-test of every WEAK result with -Y 1 (resolve ambiguity: p-samples are added until"
        echo "# the verdict is clear), each on the same seed's stream read from its start:"
    } >>"$out"
    grep '|   WEAK' "$out" | grep -v '^#' | while IFS='|' read -r name ntup _rest; do
        name="${name// /}"; ntup="${ntup// /}"
        [ -n "${number[$name]:-}" ] || { echo "# $name: unknown test name" >>"$out"; continue; }
        python "$here/stream_to_stdout.py" --mode "$mode" --seed "$seed" --threads 1 \
            | dieharder -d "${number[$name]}" -n "$ntup" -g 200 -Y 1 2>&1 \
            | grep -E "^ *$name\|" | sed 's/^/#Y1 /' >>"$out" || true
    done
    # final verdicts: the re-test's last line replaces each WEAK line
    passed=$(grep -v '^#' "$out" | grep -c '|  PASSED' || true)
    failed=$(grep -v '^#' "$out" | grep -c '|  FAILED' || true)
    weak=0
    while IFS='|' read -r name ntup _rest; do
        name="${name// /}"; ntup="${ntup// /}"
        final=$(grep -E "^#Y1 +$name\| +$ntup\|" "$out" | tail -1)
        case "$final" in
            *PASSED*) passed=$((passed + 1)) ;;
            *FAILED*) failed=$((failed + 1)) ;;
            *) weak=$((weak + 1)) ;;
        esac
    done < <(grep '|   WEAK' "$out" | grep -v '^#')
    echo "# summary after re-testing WEAK: PASSED=$passed WEAK=$weak FAILED=$failed" >>"$out"
    echo "$mode after -Y 1 re-tests: PASSED=$passed WEAK=$weak FAILED=$failed"
    [ "$failed" = 0 ]
}

if [ "$resolve_only" = 1 ]; then
    status=0
    for m in $modes; do resolve_weak "$m" || status=1; done
    exit $status
fi

pids=()
for m in $modes; do
    { r=0; run_one "$m" || r=$?; if [ "$resolve" = 1 ]; then resolve_weak "$m" || r=1; fi; exit $r; } &
    pids+=($!)
done
status=0
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
exit $status
