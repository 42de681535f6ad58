#!/usr/bin/env bash
# Issue #27's batch pairs in one command (benchmarks/BENCHMARKS.md, "3" and "3d"): the whole
# command, two threads (or ranks) against one, in alternated pairs, caches warm:
#   guichet   dorsale guichet --draws DRAWS --threads 1 | 2
#   sweep     dorsale guichet --sweep scenarios/guichet-sweep.toml --draws DRAWS --threads 1 | 2
#   mpirun    mpirun -np 1 | 2 dorsale guichet --sweep ... --draws DRAWS --threads 1
# Prints every pair's wall times (s) and ratio, then per item the median ratio and the ratio of
# the sums, and checks that guichet.json and results.h5 are the same bytes for one and two
# threads or ranks (and one process against the ranks). Run it on a quiet machine: it measures
# wall time. Exit 1 if any file differs.
#
#   bash benchmarks/batch-pairs.sh [BIN=./build/dorsale] [PAIRS=6] [DRAWS=100000] [ITEMS="guichet sweep mpirun"]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-./build/dorsale}
PAIRS=${2:-6}
DRAWS=${3:-100000}
ITEMS=${4:-guichet sweep mpirun}
S=scenarios/guichet-sweep.toml
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cmd() {  # item, 1|2, output folder: the command of one side of a pair
  case "$1" in
    guichet) echo "$BIN guichet --draws $DRAWS --threads $2 -q -o $3" ;;
    sweep) echo "$BIN guichet --sweep $S --draws $DRAWS --threads $2 -q -o $3" ;;
    mpirun) echo "mpirun -np $2 $BIN guichet --sweep $S --draws $DRAWS --threads 1 -q -o $3" ;;
  esac
}
wall() {  # seconds of wall time of the command in "$@", to the nanosecond clock
  local s e
  s=$(date +%s.%N)
  "$@" > /dev/null
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }'
}
echo "$(uptime)"
status=0
for item in $ITEMS; do
  # warm: the fixed part cached in each folder (and the page cache) before any timed run
  for k in 1 2; do $(cmd "$item" "$k" "$T/$item$k" | sed "s/--draws $DRAWS/--draws 1/") > /dev/null; done
  : > "$T/$item.pairs"
  for p in $(seq "$PAIRS"); do
    # shellcheck disable=SC2046
    a=$(wall $(cmd "$item" 1 "$T/${item}1"))
    # shellcheck disable=SC2046
    b=$(wall $(cmd "$item" 2 "$T/${item}2"))
    echo "$a $b" >> "$T/$item.pairs"
    awk -v i="$item" -v p="$p" -v a="$a" -v b="$b" 'BEGIN { printf "%-8s pair %d: %s / %s s  %.2fx\n", i, p, a, b, a / b }'
  done
  median=$(awk '{ printf "%.6f\n", $1 / $2 }' "$T/$item.pairs" | sort -g | awk '{ r[NR] = $1 } END { print (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }')
  awk -v i="$item" -v m="$median" '{ s1 += $1; s2 += $2 } END { printf "%-8s %d pairs: median %.2fx, sums %.3f / %.3f s = %.2fx\n", i, NR, m, s1, s2, s1 / s2 }' "$T/$item.pairs"
  for f in guichet.json results.h5; do
    if ! cmp -s "$T/${item}1/$f" "$T/${item}2/$f"; then
      echo "$item: $f differs between 1 and 2" >&2
      status=1
    fi
  done
done
if [[ " $ITEMS " == *" sweep "* && " $ITEMS " == *" mpirun "* ]]; then
  for f in guichet.json results.h5; do
    cmp -s "$T/sweep1/$f" "$T/mpirun2/$f" || { echo "sweep vs mpirun -np 2: $f differs" >&2; status=1; }
  done
fi
[ "$status" = 0 ] && echo "files: guichet.json and results.h5 identical for 1 and 2 threads / ranks"
echo "$(uptime)"
exit "$status"
