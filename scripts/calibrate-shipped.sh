#!/usr/bin/env bash
# Regenerates the calibrated scenarios shipped in scenarios/ (*-calibrated.toml and their
# *-calibrated.fit.json) with `dorsale calibrate` on the ARCEP actuals in ../shared/data, up to
# 2020-12-31 (the last date the shared file holds). Paths inside are made relative again.
set -euo pipefail
cd "$(dirname "$0")/.."
actuals=../shared/data/arcep-actuals/barometre-fibre-bfc-2017-2020.csv
shared=$(cd ../shared && pwd)
scen=$(cd scenarios && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in scenarios/opendata-bfc.toml bfc-2022 bfc-2025; do
  name=$(basename "$s" .toml)
  "${DORSALE_BIN:-./build/dorsale}" calibrate "$s" --actuals "$actuals" --until 2020-12-31 -o "$tmp/$name" > /dev/null
  sed -e "s|\"$shared/|\"../../shared/|g" -e "s|\"$scen/|\"|g" -e "s|from scenarios/|from |" \
    "$tmp/$name/calibrated.toml" |
    # the run tracks itself against the same actuals (track.json, the report's chart)
    sed -e '/^\[scenario\]$/a actuals = "../../shared/data/arcep-actuals/barometre-fibre-bfc-2017-2020.csv"' \
    > "scenarios/$name-calibrated.toml"
  cp "$tmp/$name/fit.json" "scenarios/$name-calibrated.fit.json"
  echo "scenarios/$name-calibrated.toml"
done
