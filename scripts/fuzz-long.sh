#!/usr/bin/env bash
# Long fuzzing runs (FUZZING.md, "10^6 executions"): each target until RUNS executions
# (libFuzzer -runs=RUNS), one target at a time, under nice -n 19 (the machine is shared), from
# the work corpus build-asan/corpus/<target>/ (kept between runs: a run stopped or killed
# resumes from the corpus it grew), seeded from the committed fuzz/corpus/<target>/.
#
#   bash scripts/fuzz-long.sh [RUNS] [TARGET...]     (default: 1000000 executions, every target)
#
# DORSALE_FUZZ_MAX_SECONDS=S also stops each run after S seconds (-max_total_time): for the
# slow targets; the line then records the executions reached.
# Does not build: build build-asan/ first (bash scripts/fuzz.sh 1).
# A target that already has a clean run of at least RUNS executions in build-asan/long-runs.tsv
# is skipped (so the script can be started again after an interruption). Every run appends one
# line to build-asan/long-runs.tsv: date, target, executions, exec/s, seconds, result, command.
# Exits non-zero if any run found a crash, leak, timeout, OOM or sanitizer report (the
# reproducer is in build-asan/artifacts/<target>/, the log in build-asan/logs/<target>.long.log).
#
#   bash scripts/fuzz-long.sh --fast [RUNS] [TARGET...]
#
# --fast: the runs use build-fuzz-fast/ (configured and built here for the given targets: the
# same clang 14 libFuzzer build as build-asan/ with -DDORSALE_FUZZ_SANITIZERS=undefined, i.e.
# UBSan without ASan/LSan, several times faster on the importers), its corpora, logs and
# long-runs.tsv; after each run the corpus it grew is replayed once, every input, by the
# build-asan/ target (-runs=0, ASan + UBSan + LSan; build-asan/ must be built), whose result is
# a second line "asan-replay:<target>" in the same long-runs.tsv (FUZZING.md, "Two builds").
#
# DORSALE_FUZZ_FORK=N runs libFuzzer's fork mode (-fork=N -ignore_crashes=0): one campaign, N
# worker processes sharing the corpus, stopped at RUNS executions summed over the workers (the
# executions are then read from the campaign's last "#N:" status line, exec/s is their average).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan
FAST=0
if [ "${1:-}" = "--fast" ]; then
  FAST=1
  B=build-fuzz-fast
  shift
fi
RUNS="${1:-1000000}"
shift || true
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

export ASAN_OPTIONS="detect_leaks=${DORSALE_ASAN_LEAKS:-1}:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

if [ "$FAST" = 1 ]; then
  # the flags of scripts/asan-build.sh but UBSan only (no ASan, no LSan); ccache as there
  LAUNCHER=()
  if command -v ccache > /dev/null; then LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld" \
    -DDORSALE_FUZZ=ON -DDORSALE_FUZZ_SANITIZERS=undefined -DDORSALE_BUILD_TESTS=OFF \
    -DDORSALE_BUILD_BENCHMARKS=OFF "${LAUNCHER[@]}" > /dev/null
  nice -n 5 cmake --build "$B" -j"$(nproc)" "${targets[@]/#/--target=fuzz_}" | grep -E "error|Error" || true
fi

# Inputs larger than these make a target slow without reaching new code (bytes).
max_len() {
  case "$1" in
    desk_http) echo 16384 ;;
    gracethd_import | gracethd_check | gracethd_gpkg) echo 8192 ;;
    *) echo "" ;;
  esac
}

clean_shm() {  # the /dev/shm folders of targets that died (see fuzz.sh)
  local d pid
  for d in /dev/shm/dorsale-fuzz-*; do
    [ -d "$d" ] || continue
    pid="${d##*-}"
    kill -0 "$pid" 2> /dev/null || rm -rf -- "$d"
  done
}

stat() { grep -a "^stat::$1:" "$2" | tail -n 1 | awk '{print $2}' || true; }
# judge RC LOG NAME: $result becomes "ok", or "FAIL(rc=…; the first sanitizer or libFuzzer
# error of LOG)" with NAME added to the failed runs
judge() {
  result="ok"
  if [ "$1" -ne 0 ] || grep -aqE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:" "$2"; then
    local kind
    kind=$(grep -aoE -m 1 "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-z-]+( [a-z-]+)?|runtime error: .{0,80}" "$2" || true)
    result="FAIL(rc=$1${kind:+; $kind})"
    failed+=("$3")
  fi
}

TSV=$B/long-runs.tsv
mkdir -p "$B/logs"
[ -f "$TSV" ] || printf 'date\ttarget\texecutions\texec_per_s\tseconds\tresult\tcommand\n' > "$TSV"
failed=()
for t in "${targets[@]}"; do
  bin="$B/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz-long.sh: no target $t ($bin): build $B/ first" >&2; exit 2; }
  [ "$FAST" = 0 ] || [ -x "build-asan/fuzz/fuzz_$t" ] || { echo "fuzz-long.sh: --fast replays under build-asan/fuzz/fuzz_$t: build it first" >&2; exit 2; }
  if awk -F'\t' -v t="$t" -v n="$RUNS" '$2 == t && $6 == "ok" && $3 + 0 >= n + 0 {f = 1} END {exit !f}' "$TSV"; then
    echo "== $t: a clean run of >= $RUNS executions is recorded in $TSV: skipped"
    continue
  fi
  work="$B/corpus/$t"
  art="$B/artifacts/$t"
  mkdir -p "$work" "$art"
  cp -n fuzz/corpus/"$t"/* "$work"/ 2> /dev/null || true
  flags=(-runs="$RUNS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$art/")
  [ -z "${DORSALE_FUZZ_MAX_SECONDS:-}" ] || flags+=(-max_total_time="$DORSALE_FUZZ_MAX_SECONDS")
  [ -z "${DORSALE_FUZZ_FORK:-}" ] || flags+=(-fork="$DORSALE_FUZZ_FORK" -ignore_crashes=0)
  ml=$(max_len "$t")
  [ -z "$ml" ] || flags+=(-max_len="$ml")
  log="$B/logs/$t.long.log"
  cmd="nice -n 19 $bin ${flags[*]} $work"
  echo "== $t: $cmd"
  start=$(date +%s)
  rc=0
  nice -n 19 "$bin" "${flags[@]}" "$work" > "$log" 2>&1 || rc=$?
  secs=$(($(date +%s) - start))
  judge "$rc" "$log" "$t"
  execs=$(stat number_of_executed_units "$log")
  rate=$(stat average_exec_per_sec "$log")
  if [ -n "${DORSALE_FUZZ_FORK:-}" ]; then
    # fork mode prints no final stats: its last status line "#N: cov: … exec/s R oom/timeout/crash: …"
    last=$(grep -aE '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<< "$last")
    rate=$((${execs:-0} / (secs > 0 ? secs : 1)))  # the status line's exec/s is its last job's
    grep -aqE 'oom/timeout/crash: 0/0/0' <<< "$last" || judge 1 "$log" "$t"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$t" "${execs:-?}" "${rate:-?}" "$secs" "$result" "$cmd" | tee -a "$TSV"
  clean_shm
  if [ "$FAST" = 1 ]; then
    # every input of the grown corpus once under ASan + UBSan + LSan (memory errors and leaks
    # the fast build cannot see); executions = the inputs replayed
    rbin="build-asan/fuzz/fuzz_$t"
    rlog="$B/logs/$t.asan-replay.log"
    n=$(find "$work" -type f | wc -l)
    rcmd="nice -n 19 $rbin -runs=0 -rss_limit_mb=2048 -timeout=10 -artifact_prefix=$art/asan- $work"
    echo "== $t: replay of the $n corpus inputs: $rcmd"
    start=$(date +%s)
    rc=0
    nice -n 19 "$rbin" -runs=0 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$art/asan-" "$work" > "$rlog" 2>&1 || rc=$?
    secs=$(($(date +%s) - start))
    judge "$rc" "$rlog" "asan-replay:$t"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "asan-replay:$t" "$n" "-" "$secs" "$result" "$rcmd" | tee -a "$TSV"
    clean_shm
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz-long.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
