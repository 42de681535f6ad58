#!/usr/bin/env bash
# MPI strong scaling of `dorsale guichet` on a 100-set x 2,000-draw sweep: 1 process, then
# mpirun -np 1 and -np 2 (one guichet thread per rank), each timed REPS times back to back; prints
# the median wall times, the speed-up and checks that the files are identical.
# usage: [DRAWS=2000] benchmarks/mpi/scaling.sh [BIN] [REPS]
# MPIRUN_ARGS: options given to mpirun; by default the single-node transports (shared memory,
# no UCX/InfiniBand probing: `--mca pml ob1 --mca btl self,vader`), which is what one machine
# uses and starts about 0.3 s faster. MPIRUN_ARGS= (empty) measures Open MPI's defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-./build/dorsale}
REPS=${2:-3}
read -r -a MPIRUN <<< "${MPIRUN_ARGS---mca pml ob1 --mca btl self,vader}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DRAWS=${DRAWS:-2000}
args=(guichet --sweep benchmarks/mpi/sweep-100.toml --draws "$DRAWS" --threads 1)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); awk "BEGIN {print $e - $s}"; }
for r in $(seq "$REPS"); do
  timed "$BIN" "${args[@]}" -o "$T/one" >> "$T/t1"
  timed mpirun "${MPIRUN[@]}" -np 1 "$BIN" "${args[@]}" -o "$T/np1" >> "$T/tn1"
  timed mpirun "${MPIRUN[@]}" -np 2 "$BIN" "${args[@]}" -o "$T/np2" >> "$T/tn2"
done
cmp "$T/one/guichet.json" "$T/np2/guichet.json" && cmp "$T/one/results.h5" "$T/np2/results.h5"
t1=$(median < "$T/t1"); tn1=$(median < "$T/tn1"); tn2=$(median < "$T/tn2")
bytes=$(stat -L -c %s "$T/one/guichet.json")
echo "100 sets x ${DRAWS} draws; mpirun options: ${MPIRUN[*]:-(Open MPI defaults)}"
echo "one process: ${t1} s; mpirun -np 1: ${tn1} s; mpirun -np 2: ${tn2} s (medians of $REPS)"
echo "speed-up 1 -> 2 ranks: $(awk "BEGIN {printf \"%.2f\", $tn1 / $tn2}")x; files identical; guichet.json ${bytes} bytes"
