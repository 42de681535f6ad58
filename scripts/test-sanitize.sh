#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer: every target
# (libraries, the dorsale binary the CLI tests spawn, the tests, the fuzz targets) is built by
# clang 14 into build-asan/ (scripts/asan-build.sh --tests), then ctest. Any sanitizer report
# aborts the process, so the test fails. The fuzz targets of the same build are run by
# scripts/fuzz.sh. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/asan-build.sh --tests
# detect_leaks: LeakSanitizer needs ptrace-like thread suspension; where the container forbids
# it LSan dies with "LeakSanitizer has encountered a fatal error": set DORSALE_ASAN_LEAKS=0.
export ASAN_OPTIONS="detect_leaks=${DORSALE_ASAN_LEAKS:-1}:abort_on_error=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
cd build-asan
# The kill -9 test calibrates its kill instants on one timed run: under ASan and a parallel
# ctest the later runs can finish before the kills land (measured: 2 in-flight kills of 3
# wanted), so it runs alone after the others.
serial='OutputsCli.KilledAtAnyInstantTheFolderHoldsOneWholeRun'
rc=0
ctest --output-on-failure -j"$(nproc)" -E "$serial" "$@" || rc=$?
ctest --output-on-failure -R "$serial" "$@" || rc=$?
exit "$rc"
