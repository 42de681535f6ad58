#!/usr/bin/env bash
# Installs the Debian 12 packages dorsale needs to build, test and benchmark.
# Idempotent: packages already present are left alone; safe to run twice.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config ccache
  liblemon-dev libglpk-dev coinor-libcbc-dev
  libgdal-dev gdal-bin libhdf5-dev hdf5-tools libtbb-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libtoml11-dev
  libcli11-dev libfmt-dev libeigen3-dev libboost-graph-dev
  libopenmpi-dev openmpi-bin
  libcpp-httplib-dev libsqlite3-dev libssl-dev libpqxx-dev postgresql
  libxlsxwriter-dev libzip-dev
  python3-jsonschema
)
# --with-browser: also Debian's chromium (and node + npm), for the tests that load the HTML report
# and the desk's page headless.
# --with-fuzz: also clang 14 with libFuzzer and its sanitizer runtimes (scripts/fuzz.sh).
# Flags can be combined.
for arg in "$@"; do
  case "$arg" in
    --with-browser)
      PKGS+=(chromium)
      # node + npm drive chromium in the desk's page test (puppeteer-core from npm); a node
      # already installed with its npm (e.g. another distribution of node) is kept
      if ! command -v node > /dev/null || ! command -v npm > /dev/null; then PKGS+=(nodejs npm); fi ;;
    --with-fuzz) PKGS+=(clang-14 libclang-rt-14-dev libfuzzer-14-dev) ;;
    *) echo "install-deps.sh: unknown flag $arg (--with-browser, --with-fuzz)" >&2; exit 2 ;;
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
