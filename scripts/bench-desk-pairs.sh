#!/usr/bin/env bash
# The desk's submission benchmark, two builds alternately (benchmarks/BENCHMARKS.md, issue #25
# item 7): for each round, OLD then NEW, 8 clients x 200 submissions on a new SQLite register and
# on a new database of one PostgreSQL 15 started here (Unix socket). Prints each run's line of
# bench_desk and its CPU time per submission, which the machine's load does not change:
#   bench: user+sys of the bench_desk process (the desk, its HTTP server and the 8 clients),
#          less its start (loading the region: the least of 3 runs of 1 submission);
#   pg:    user+sys of the PostgreSQL server's processes during the run (PostgreSQL only).
# Usage: bash scripts/bench-desk-pairs.sh OLD_BENCH NEW_BENCH [ROUNDS=3] [CLIENTS=8] [REQUESTS=200]
set -euo pipefail
old="$1"; new="$2"; rounds="${3:-3}"; clients="${4:-8}"; requests="${5:-200}"
source "$(dirname "$0")/pg-temp.sh" dorsale-bench-pairs
pg_temp_start
postmaster=$(head -1 "$work/pg/postmaster.pid")
tck=$(getconf CLK_TCK)
# ticks of user+sys of the server: the postmaster, its reaped children, its live children
pg_ticks() {
  local t=0 p
  t=$(awk '{print $14+$15+$16+$17}' "/proc/$postmaster/stat")
  for p in $(pgrep -P "$postmaster"); do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
n=$((clients * requests))
start_cpu() {  # binary: CPU seconds of a run of 1 submission, least of 3
  local best=99 k c
  for k in 1 2 3; do
    /usr/bin/time -f "%U %S" -o "$work/time" "$1" --db "$work/start-$k.sqlite" --clients 1 --requests 1 > /dev/null
    c=$(awk '{print $1+$2}' "$work/time")
    best=$(awk -v a="$best" -v b="$c" 'BEGIN{print (b < a) ? b : a}')
    rm -f "$work/start-$k.sqlite"*
  done
  echo "$best"
}
start_old=$(start_cpu "$old"); start_new=$(start_cpu "$new")
echo "start CPU: old $start_old s, new $start_new s (subtracted)"
run() {  # label binary db start
  local label="$1" bin="$2" db="$3" before after line cpu
  before=$(pg_ticks)
  line=$(/usr/bin/time -f "%U %S" -o "$work/time" "$bin" --db "$db" --clients "$clients" --requests "$requests")
  sleep 0.5  # the backends exit and are reaped
  after=$(pg_ticks)
  cpu=$(awk -v s="$4" '{print $1+$2-s}' "$work/time")
  echo "$label | $line | bench CPU $(awk -v c="$cpu" -v n="$n" 'BEGIN{printf "%.3f", 1000*c/n}') ms/submission | pg CPU $(awk -v d=$((after - before)) -v t="$tck" -v n="$n" 'BEGIN{printf "%.3f", 1000*d/t/n}') ms/submission"
}
for r in $(seq 1 "$rounds"); do
  for which in old new; do
    bin=$old; st=$start_old; [ "$which" = new ] && { bin=$new; st=$start_new; }
    psql -h "$work" -U dorsale -d postgres -qc "CREATE DATABASE b_${which}_$r"
    run "round $r $which pg" "$bin" "postgresql://dorsale@/b_${which}_$r?host=$work" "$st"
    run "round $r $which sqlite" "$bin" "$work/desk-$which-$r.sqlite" "$st"
  done
done
