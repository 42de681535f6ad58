#!/usr/bin/env bash
# Installs the Debian packages (idempotent) and builds dorsale into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh "$@"
# ccache (installed by install-deps.sh) keeps rebuilds and CI's later builds short
LAUNCHER=()
if command -v ccache > /dev/null; then LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}" > /dev/null
cmake --build build -j"$(nproc)"
