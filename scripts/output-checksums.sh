#!/bin/bash
# usage: scripts/output-checksums.sh BIN SRC OUTDIR > sums
# Runs the five commands named by issue #10 (run, opendata run, towers, guichet, interconnect optimal/cbc)
# into OUTDIR and prints one checksum per output: JSON/SVG/HTML as bytes, HDF5 through h5dump,
# GeoPackage through ogrinfo -al. Compare two builds with diff to prove behaviour unchanged.
set -e
BIN=$1; SRC=$2; O=$3; rm -rf $O; mkdir -p $O
cd $SRC
$BIN run -o $O/run >/dev/null
$BIN run scenarios/opendata-bfc.toml -o $O/od >/dev/null
$BIN towers --sites 67 -o $O/towers >/dev/null
$BIN guichet --draws 2000 -o $O/guichet >/dev/null
$BIN interconnect scenarios/requests-example.csv --mode optimal --backend cbc -o $O/ic >/dev/null
cd $O
for f in $(find -L . -path '*/.dorsale' -prune -o -type f -print | sort); do
  case $f in
    *.h5) echo "$(h5dump $f | sed 1d | md5sum | cut -c1-32)  $f (h5dump)";;
    *.gpkg) echo "$(ogrinfo -ro -al -q $f | grep -v '^INFO\|Open of\|using driver' | md5sum | cut -c1-32)  $f (ogrinfo -al)";;
    *) echo "$(md5sum < $f | cut -c1-32)  $f";;
  esac
done
