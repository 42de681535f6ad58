#!/usr/bin/env bash
# Regenerates the parameter table at the end of scenarios/README.md from the registry
# (models/parameters.cpp). A test fails when a parameter is not documented there.
set -euo pipefail
cd "$(dirname "$0")/.."
marker='<!-- generated below by scripts/update-param-docs.sh (dorsale params --markdown) -->'
tmp=$(mktemp)
sed "/^${marker//\//\\/}\$/q" scenarios/README.md > "$tmp"
"${DORSALE_BIN:-./build/dorsale}" params --markdown >> "$tmp"
mv "$tmp" scenarios/README.md
