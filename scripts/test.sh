#!/usr/bin/env bash
# Set-up + the whole test suite (GoogleTest through ctest). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --tests
cd build
# a fresh build/ starts from the committed costs of a full run, the longest tests first
# (scripts/test-sanitize.sh)
costs=Testing/Temporary/CTestCostData.txt
[ -f "$costs" ] || { mkdir -p Testing/Temporary && cp ../.ci/ctest-costs-release.txt "$costs"; }
ctest --output-on-failure -j"$(nproc)"
