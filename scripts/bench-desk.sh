#!/usr/bin/env bash
# The desk's benchmark (benchmarks/BENCHMARKS.md): submissions per second and p50/p99 latency
# with 1, 8 and 32 concurrent clients, on a new SQLite register and on a new database of a
# PostgreSQL server started here (Debian's postgresql; as root it runs as `nobody`).
# Usage: bash scripts/bench-desk.sh [SUBMISSIONS_PER_RUN]   (default 1600, split over the clients)
# LIST_ROWS=100000 (default; 0: skip): then a page of 50, with and without searches, on a
# register of that many requests, on both registers (bench_desk --list).
set -euo pipefail
cd "$(dirname "$0")/.."
total="${1:-1600}"
bench=./build/benchmarks/bench_desk
[ -x "$bench" ] || { echo "build first: cmake --build build --target bench_desk" >&2; exit 2; }
source scripts/pg-temp.sh dorsale-bench-desk
for c in 1 8 32; do
  "$bench" --db "$work/desk-$c.sqlite" --clients "$c" --requests $((total / c))
done
pg_temp_start
for c in 1 8 32; do
  psql -h "$work" -U dorsale -d postgres -qc "CREATE DATABASE bench_$c"
  "$bench" --db "postgresql://dorsale@/bench_$c?host=$work" --clients "$c" --requests $((total / c))
done
rows="${LIST_ROWS:-100000}"
if [ "$rows" -gt 0 ]; then
  "$bench" --db "$work/desk-list.sqlite" --list "$rows"
  psql -h "$work" -U dorsale -d postgres -qc "CREATE DATABASE bench_list"
  "$bench" --db "postgresql://dorsale@/bench_list?host=$work" --list "$rows"
fi
