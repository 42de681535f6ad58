#!/usr/bin/env bash
# Installs the Debian 12 packages dorsale needs. Idempotent: packages already present are left
# alone; safe to run twice.
#
#   install-deps.sh               what the main job needs: build dorsale (tests and benchmarks off)
#   install-deps.sh --with-tests  + what the test suite and benchmarks need (scripts/test.sh)
#   install-deps.sh --with-fuzz   + clang 14 with libFuzzer, its sanitizer runtimes, lld (build-asan/)
#   install-deps.sh --with-browser  + chromium and node/npm only (part of --with-tests)
# Flags can be combined.
set -euo pipefail
# The main job: one package per find_package / pkg_check_modules of CMakeLists.txt when
# DORSALE_BUILD_TESTS and DORSALE_BUILD_BENCHMARKS are OFF (MPI is optional: DORSALE_MPI=AUTO).
PKGS=(
  build-essential cmake pkg-config ccache
  liblemon-dev libglpk-dev coinor-libcbc-dev
  libgdal-dev libhdf5-dev libtbb-dev nlohmann-json3-dev libtoml11-dev
  libcli11-dev libfmt-dev libeigen3-dev libboost-graph-dev
  libcpp-httplib-dev libsqlite3-dev libssl-dev libpqxx-dev
  libxlsxwriter-dev
)
browser() {
  PKGS+=(chromium)
  # node + npm drive chromium in the desk's page test (puppeteer-core from npm); a node
  # already installed with its npm (e.g. another distribution of node) is kept
  if ! command -v node > /dev/null || ! command -v npm > /dev/null; then PKGS+=(nodejs npm); fi
}
for arg in "$@"; do
  case "$arg" in
    --with-tests)
      # GoogleTest, Google Benchmark; ogrinfo (GraceTHD tests) and h5dump; Open MPI (the
      # distributed tests: scripts/test.sh configures DORSALE_MPI=ON); the desk's tests' own
      # PostgreSQL server; the OpenAPI check (python3-jsonschema); the headless browser tests
      PKGS+=(libgtest-dev libgmock-dev libbenchmark-dev gdal-bin hdf5-tools
        libopenmpi-dev openmpi-bin postgresql python3-jsonschema libzip-dev)
      browser ;;
    --with-browser) browser ;;
    --with-fuzz) PKGS+=(clang-14 libclang-rt-14-dev libfuzzer-14-dev lld-14) ;;
    *) echo "install-deps.sh: unknown flag $arg (--with-tests, --with-fuzz, --with-browser)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
