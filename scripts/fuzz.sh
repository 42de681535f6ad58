#!/usr/bin/env bash
# Fuzzes every input parser with libFuzzer (clang 14 + ASan + UBSan), see FUZZING.md.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 30 s, every target)
#
# The targets run DORSALE_FUZZ_JOBS at a time (default: the number of cores; each libFuzzer run
# uses one), their reports printed in the targets' order once all have ended.
#
# Installs clang/libFuzzer and builds the fuzz targets in build-asan/ (scripts/asan-build.sh:
# DORSALE_FUZZ=ON; the same build runs the test suite under ASan + UBSan in
# scripts/test-sanitize.sh), then per target:
#   1. replays the committed regressions (fuzz/regressions/<target>/: inputs that crashed once);
#   2. fuzzes for SECONDS from a work corpus build-asan/corpus/<target>/ seeded with the
#      committed fuzz/corpus/<target>/ (which is never written to).
# Prints per target the result, the executions and exec/s (libFuzzer's final stats) and exits
# non-zero on any crash, unexpected exception, leak, timeout, out-of-memory or sanitizer report;
# the reproducer stays in build-asan/artifacts/<target>/ and the log in build-asan/logs/.
#
# DORSALE_FUZZ_FORK=1 (longer runs, FUZZING.md): libFuzzer's -fork=1 mode with crashes,
# timeouts and OOMs ignored, so the run goes on past a known finding and collects every
# distinct one in build-asan/artifacts/<target>/; the counts are still reported and fail.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-30}"
shift || true
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
bash scripts/asan-build.sh "${targets[@]/#/fuzz_}"

# LeakSanitizer needs ptrace-like thread suspension; DORSALE_ASAN_LEAKS=0 where it cannot run.
export ASAN_OPTIONS="detect_leaks=${DORSALE_ASAN_LEAKS:-1}:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
FUZZ_FLAGS=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)

# The targets write their inputs under /dev/shm/dorsale-fuzz-<pid>/ and remove it at exit;
# processes that die (crash, libFuzzer's fork jobs ending with _Exit) leave it behind.
clean_shm() {
  local d pid
  for d in /dev/shm/dorsale-fuzz-*; do
    [ -d "$d" ] || continue
    pid="${d##*-}"
    kill -0 "$pid" 2> /dev/null || rm -rf -- "$d"
  done
}

stat() {  # stat NAME LOG -> the last value of libFuzzer's "stat::NAME: value"
  grep -a "^stat::$1:" "$2" | tail -n 1 | awk '{print $2}' || true
}

mkdir -p build-asan/logs
JOBS="${DORSALE_FUZZ_JOBS:-$(nproc)}"

# fuzz_one TARGET: its regressions, then its fuzzing; prints its report (and last its summary
# line, ending with "ok" when the target is clean) to build-asan/logs/TARGET.report.
fuzz_one() {
  local t="$1" bin work art result regress rlog log rc kind repro execs rate last counts line
  bin="build-asan/fuzz/fuzz_$t"
  work="build-asan/corpus/$t"
  art="build-asan/artifacts/$t"
  mkdir -p "$work" "$art"
  cp -n fuzz/corpus/"$t"/* "$work"/ 2> /dev/null || true

  result="ok"
  # 1. Regressions: libFuzzer runs each file given on the command line once.
  regress=()
  if [ -d "fuzz/regressions/$t" ]; then
    while IFS= read -r -d '' f; do regress+=("$f"); done < <(find "fuzz/regressions/$t" -type f ! -name '*.md' -print0 | sort -z)
  fi
  if [ "${#regress[@]}" -gt 0 ]; then
    rlog="build-asan/logs/$t.regressions.log"
    if ! "$bin" "${FUZZ_FLAGS[@]}" -artifact_prefix="$art/regression-" "${regress[@]}" > "$rlog" 2>&1; then
      result="REGRESSION"
      echo "== $t: a committed regression still fails (log: $rlog)"
      grep -a -m 5 -E "ERROR: |runtime error|terminate called|what\(\)|Running: " "$rlog" | sed 's/^/   /' || true
    fi
  fi

  # 2. Fuzzing.
  log="build-asan/logs/$t.log"
  echo "== $t: fuzzing for ${SECS}s"
  rc=0
  if [ "${DORSALE_FUZZ_FORK:-0}" = "1" ]; then
    "$bin" "${FUZZ_FLAGS[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$SECS" -artifact_prefix="$art/" "$work" > "$log" 2>&1 || rc=$?
    last=$(grep -aE "^#[0-9]+: cov:" "$log" | tail -n 1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<< "$last")
    rate=$(sed -E 's/.*exec\/s ([0-9]+).*/\1/' <<< "$last")
    counts=$(grep -oE "oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+" <<< "$last" | awk '{print $2}')
    if [ "$rc" -ne 0 ] || [ -z "$counts" ] || [ "$counts" != "0/0/0" ]; then
      result="FAIL(rc=$rc; oom/timeout/crash ${counts:-?}; reproducers in $art/)"
    fi
  else
    "$bin" "${FUZZ_FLAGS[@]}" -max_total_time="$SECS" -artifact_prefix="$art/" "$work" > "$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] || grep -aqE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:" "$log"; then
      kind=$(grep -aoE -m 1 "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-z-]+( [a-z-]+)?|runtime error: .{0,80}" "$log" || true)
      repro=$(grep -aoE -m 1 "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //' || true)
      result="FAIL(rc=$rc${kind:+; $kind}${repro:+; $repro})"
      grep -a -m 3 -E "terminate called|what\(\)" "$log" | sed 's/^/   /' || true
      grep -a -m 8 -E "^ +#[0-9]+ " "$log" | sed 's/^/   /' || true
    fi
    execs=$(stat number_of_executed_units "$log")
    rate=$(stat average_exec_per_sec "$log")
  fi
  line=$(printf '%-16s execs=%-10s exec/s=%-7s %s' "$t" "${execs:-?}" "${rate:-?}" "$result")
  echo "$line"
}

for t in "${targets[@]}"; do
  [ -x "build-asan/fuzz/fuzz_$t" ] || { echo "fuzz.sh: no target $t (build-asan/fuzz/fuzz_$t)" >&2; exit 2; }
done
echo "== fuzzing ${#targets[@]} targets for ${SECS}s each, $JOBS at a time"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  fuzz_one "$t" > "build-asan/logs/$t.report" 2>&1 &
done
wait
failed=()
summary=()
for t in "${targets[@]}"; do
  sed '$d' "build-asan/logs/$t.report"
  line=$(tail -n 1 "build-asan/logs/$t.report")
  summary+=("$line")
  # the report's last line is the target's summary, ending with its result
  [[ "$line" == "$t "*" ok" ]] || failed+=("$t")
done
clean_shm

echo
echo "== fuzz summary (${SECS}s per target; logs in build-asan/logs/, reproducers in build-asan/artifacts/)"
printf '%s\n' "${summary[@]}" | tee build-asan/summary.txt
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
