#!/usr/bin/env bash
# Configures and builds build-asan/: clang 14, RelWithDebInfo, every target with AddressSanitizer
# + UndefinedBehaviorSanitizer, the code also with libFuzzer's coverage (DORSALE_FUZZ=ON; no
# comparison tracing in solvers/, regions/, planner/, no coverage in the tests: CMakeLists.txt),
# the fuzz targets linked with libFuzzer. One build serves the whole test suite under the sanitizers
# (scripts/test-sanitize.sh) and the fuzzing (scripts/fuzz.sh, FUZZING.md).
#
#   asan-build.sh --tests      everything: libraries, dorsale, the tests, the fuzz targets
#   asan-build.sh TARGET...    these targets only (fuzz.sh: its fuzz targets); a build-asan/
#                              configured with --tests keeps its tests
set -euo pipefail
cd "$(dirname "$0")/.."
OPTS=()
TARGETS=()
if [ "${1:-}" = "--tests" ]; then
  bash scripts/install-deps.sh --with-fuzz --with-tests
  OPTS=(-DDORSALE_BUILD_TESTS=ON -DDORSALE_MPI=ON)
else
  bash scripts/install-deps.sh --with-fuzz
  # a first configure without --tests needs no GoogleTest
  [ -f build-asan/CMakeCache.txt ] || OPTS=(-DDORSALE_BUILD_TESTS=OFF)
  for t in "$@"; do TARGETS+=(--target "$t"); done
fi
# ccache (scripts/install-deps.sh) keeps CI's repeated builds short
LAUNCHER=()
if command -v ccache > /dev/null; then LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# paths below the checkout hashed relative to it, the build folder's path not hashed: a clone
# elsewhere (CI's fresh clone) reuses the objects of another, whatever ccache's own configuration
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
# -gline-tables-only: the sanitizers' stack traces keep file:line, the objects and the 15 links
# (dorsale, dorsale_tests, the fuzz targets) stay small; lld links them faster than ld.bfd.
CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld" \
  -DDORSALE_FUZZ=ON -DDORSALE_BUILD_BENCHMARKS=OFF "${OPTS[@]}" "${LAUNCHER[@]}" > /dev/null
cmake --build build-asan -j"$(nproc)" "${TARGETS[@]}"
