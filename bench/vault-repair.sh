#!/usr/bin/env bash
# `vault repair` against restic on copies of the repositories bench/vault-vs-restic.sh leaves in $BENCH_DIR
# (run it first), interleaved for $RUNS rounds; wall time, CPU and peak RSS per run:
#  1. every index file deleted: `vault repair` (the index from the packs' headers) against
#     `restic rebuild-index` (the same from restic's pack headers); then `check` must pass for both;
#  2. one byte flipped in the middle of the largest data pack: `vault check --read-data` (finds it),
#     `vault repair --read-data` (finds it and salvages the pack's other blobs) and, for scale, restic's
#     `check --read-data` on its own damaged copy (restic 0.14 has no command that salvages a pack).
# Needs ≈2.5 × the repositories' size free under $WORK (default $BENCH_DIR/repair).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
RUNS=${RUNS:-3}
WORK=${WORK:-$BENCH_DIR/repair}
[ -d "$BENCH_DIR/ol-repo" ] && [ -d "$BENCH_DIR/rs-repo" ] || { echo "no repositories in $BENCH_DIR: run bench/vault-vs-restic.sh first" >&2; exit 1; }
export OPSLEDGER_VAULT_PASSWORD=bench-password RESTIC_PASSWORD=bench-password
timed() { local label=$1; shift; /usr/bin/time -f "$label  %e s  CPU %U+%S s  %M KB" "$@" 2>&1 >/dev/null | grep -F "$label"; }
flip_middle_of_largest() { # one bit, in the middle of the largest file under $1
  local f; f=$(find "$1" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
  python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(0,2); n=f.tell()//2; f.seek(n); b=f.read(1); f.seek(n); f.write(bytes([b[0]^1]))" "$f"
}
mkdir -p "$WORK"
"$here/opsledger" vault snapshots --repo "$BENCH_DIR/ol-repo" >/dev/null # a fresh build records its start-up cache here, untimed
for i in $(seq "$RUNS"); do
  rm -rf "$WORK/ol" "$WORK/rs"
  cp -a "$BENCH_DIR/ol-repo" "$WORK/ol"; cp -a "$BENCH_DIR/rs-repo" "$WORK/rs"
  rm -f "$WORK"/ol/index/* "$WORK"/rs/index/*
  timed "vault  repair (index from headers)" "$here/opsledger" vault repair --repo "$WORK/ol"
  timed "restic rebuild-index" restic -q -r "$WORK/rs" rebuild-index
  "$here/opsledger" vault check --repo "$WORK/ol" >/dev/null
  restic -q -r "$WORK/rs" check >/dev/null
  flip_middle_of_largest "$WORK/ol/data"; flip_middle_of_largest "$WORK/rs/data"
  timed "vault  check --read-data (damaged)" "$here/opsledger" vault check --read-data --repo "$WORK/ol" || true
  timed "vault  repair --read-data" "$here/opsledger" vault repair --read-data --repo "$WORK/ol" || true
  timed "restic check --read-data (damaged)" restic -q -r "$WORK/rs" check --read-data || true
  "$here/opsledger" vault repair --repo "$WORK/ol" | tail -1   # nothing left to repair
done
rm -rf "$WORK"
