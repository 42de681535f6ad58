#!/usr/bin/env bash
# Installs the Debian packages (idempotent) and builds into build/.
#
#   build.sh           the main job's packages, then dorsale alone (tests and benchmarks off)
#   build.sh --tests   + the test suite's packages, then everything (tests, benchmarks, MPI required)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--tests" ]; then
  bash scripts/install-deps.sh --with-tests
  OPTS=(-DDORSALE_BUILD_TESTS=ON -DDORSALE_BUILD_BENCHMARKS=ON -DDORSALE_MPI=ON)
  TARGETS=(--target all)
elif [ "$#" -eq 0 ]; then
  bash scripts/install-deps.sh
  OPTS=(-DDORSALE_BUILD_TESTS=OFF -DDORSALE_BUILD_BENCHMARKS=OFF)
  TARGETS=(--target dorsale)
else
  echo "build.sh: unknown arguments $* (none, or --tests)" >&2; exit 2
fi
# ccache (installed by install-deps.sh) keeps rebuilds and CI's later builds short
LAUNCHER=()
if command -v ccache > /dev/null; then LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# paths below the checkout hashed relative to it, the build folder's path not hashed: a clone
# elsewhere (CI's fresh clone) reuses the objects of another, whatever ccache's own configuration
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${OPTS[@]}" "${LAUNCHER[@]}" > /dev/null
cmake --build build -j"$(nproc)" "${TARGETS[@]}"
