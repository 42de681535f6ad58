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
# ctest starts the longest tests first from the costs of the previous run in this folder; a
# fresh build-asan/ starts from the committed costs of a full run (.ci/ctest-costs-asan.txt), so
# that no long test starts last and runs alone at the end.
costs=Testing/Temporary/CTestCostData.txt
[ -f "$costs" ] || { mkdir -p Testing/Temporary && cp ../.ci/ctest-costs-asan.txt "$costs"; }
ctest --output-on-failure -j"$(nproc)" "$@"
