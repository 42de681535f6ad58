#!/bin/sh
# One owner per external format (issue #22): only io/ includes the headers of GDAL/OGR/OSR/CPL,
# HDF5, SQLite, libpq/libpqxx, toml11, nlohmann/json and libxlsxwriter, with no exception in the
# library folders (the desk's JSON bodies are io/desk_json's: service/ handles typed records).
# Allowed elsewhere: fuzz/, tests/, benchmarks/ (they build their inputs with the libraries).
# Prints each offending include; exit 1 if any. Usage: scripts/check-format-owners.sh [SOURCE_DIR]
cd "${1:-.}" || exit 2
found=$(grep -rnE '#include *[<"](gdal|ogr|ogrsf|cpl_|hdf5|H5|sqlite3|libpq|pqxx|toml|nlohmann|xlsxwriter)' \
  --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.in' models solvers regions viz planner service app 2>/dev/null)
if [ -n "$found" ]; then
  echo "$found"
  echo "check-format-owners: a format library included outside io/" >&2
  exit 1
fi
exit 0
