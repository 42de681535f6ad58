#!/bin/sh
# The include graph's floors (ARCHITECTURE.md "Layers"), lowest first:
#   models  solvers  io  regions  viz  planner  service  app
# A file may include its own floor and those below, never one above: no include arrow runs back
# up a floor, so there is no cycle between folders. Prints each offending include; exit 1 if any.
# Usage: scripts/check-layers.sh [SOURCE_DIR]
cd "${1:-.}" || exit 2
floors="models solvers io regions viz planner service app"
status=0
i=0
for f in $floors; do
  i=$((i + 1))
  above=$(echo "$floors" | tr ' ' '\n' | tail -n +$((i + 1)) | paste -sd'|')
  [ -z "$above" ] && continue
  [ -d "$f" ] || continue
  if grep -rnE "#include *\"($above)/" "$f" --include='*.h' --include='*.cpp' --include='*.in'; then
    echo "check-layers: $f/ includes a floor above it ($above)" >&2
    status=1
  fi
done
exit $status
