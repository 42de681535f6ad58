#!/usr/bin/env bash
# Set-up + the main job on the built-in region: both example scenarios into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/dorsale run "$@"
