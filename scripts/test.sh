#!/usr/bin/env bash
# Set-up + the whole test suite (GoogleTest through ctest). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --tests
cd build
ctest --output-on-failure -j"$(nproc)"
