#!/usr/bin/env bash
# ctest lazy_libraries (tests/CMakeLists.txt): the dorsale executable loads GDAL and CBC on
# first use (scripts/lazy-trampolines.sh, app/lazy_library.cpp), and only then:
#   1. neither is NEEDED by the executable;
#   2. `--help` and a guichet whose fixed part is cached start without loading either;
#   3. a command that uses each loads it (dlopen) and gives its usual answer: a guichet that
#      computes its fixed part (GDAL) writes the same guichet.json as the cached one; the
#      optimal interconnection (CBC) proves its optimum;
#   4. a library that cannot be loaded stops the command with exit 3 and its name, nothing written.
#
#   bash scripts/check-lazy-libraries.sh DORSALE_BINARY SOURCE_DIR
set -uo pipefail
bin="$1" src="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "lazy_libraries: FAIL: $*" >&2; exit 1; }
loaded() {  # the libraries the dynamic loader opened while running "$@" (LD_DEBUG)
  LD_DEBUG=files "$@" 2>&1 > /dev/null | grep -oE "file=(libgdal|libCbcSolver)\.so[.0-9]* \[0\];  (needed|dynamically loaded)" | sort -u
}

needed=$(readelf -d "$bin" | grep -E "NEEDED.*(libgdal|libCbcSolver)")
[ -z "$needed" ] || fail "the executable still needs: $needed"

l=$(loaded "$bin" --help)
[ -z "$l" ] || fail "--help loaded: $l"

# a cold guichet computes its fixed part with GDAL, loaded on first call
l=$(loaded "$bin" guichet --draws 50 -q -o "$work/cold")
grep -q "file=libgdal.so[.0-9]* \[0\];  dynamically loaded" <<< "$l" || fail "a cold guichet did not load GDAL on first use: '$l'"
[ -s "$work/cold/guichet.json" ] || fail "the cold guichet wrote no guichet.json"
cp "$work/cold/guichet.json" "$work/cold.json"
l=$(loaded "$bin" guichet --draws 50 -q -o "$work/cold")
[ -z "$l" ] || fail "a guichet with its fixed part cached loaded: $l"
cmp "$work/cold.json" "$work/cold/guichet.json" || fail "the cached guichet's answer differs from the computed one"

l=$(LD_DEBUG=files "$bin" interconnect "$src/scenarios/requests-example.csv" --mode optimal --backend cbc -o "$work/ic" 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "the optimal interconnection failed (exit $rc): $(echo "$l" | grep -v '^ *[0-9]*:' | tail -5)"
grep -qE "file=libCbcSolver.so[.0-9]* \[0\];  dynamically loaded" <<< "$l" ||
  fail "the optimal interconnection did not load CBC on first use: $(echo "$l" | grep -v '^ *[0-9]*:' | tail -5)"
grep -qE "MILP cbc optimal over [0-9]+ routes" <<< "$l" || fail "the optimal interconnection did not prove its optimum: $(echo "$l" | grep -v '^ *[0-9]*:' | tail -5)"

# a library that is not a library: one clear line, exit 3, no output folder
soname=$(strings "$bin" | grep -m 1 -oE 'libgdal\.so\.[0-9]+$')
[ -n "$soname" ] || fail "no GDAL soname in the executable's trampolines"
mkdir -p "$work/libs"
echo "not a library" > "$work/libs/$soname"
out=$(LD_LIBRARY_PATH="$work/libs" "$bin" guichet --draws 50 -q -o "$work/broken" 2>&1)
rc=$?
[ "$rc" -eq 3 ] || fail "an unloadable GDAL gave exit $rc (want 3): $out"
grep -q "cannot load libgdal.so" <<< "$out" || fail "an unloadable GDAL was not named: $out"
[ ! -e "$work/broken/guichet.json" ] || fail "an unloadable GDAL still left a guichet.json"
echo "lazy_libraries: ok (GDAL and CBC load on first use only)"
