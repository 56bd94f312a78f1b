#!/usr/bin/env bash
# `vault dump` against `restic dump` on the repositories bench/vault-vs-restic.sh leaves in $BENCH_DIR
# (run it first): the whole tree as a tar archive, and its largest file, each to /dev/null, interleaved
# for $RUNS rounds. Prints wall time, CPU and peak RSS per run; the vault's output is compared with the
# tree once (cmp for the file; GNU tar -d for the archive).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
RUNS=${RUNS:-3}
tree=$BENCH_DIR/tree
[ -d "$BENCH_DIR/ol-repo" ] && [ -d "$BENCH_DIR/rs-repo" ] || { echo "no repositories in $BENCH_DIR: run bench/vault-vs-restic.sh first" >&2; exit 1; }
export OPSLEDGER_VAULT_PASSWORD=bench-password RESTIC_PASSWORD=bench-password
vault() { "$here/opsledger" vault "$@" --repo "$BENCH_DIR/ol-repo"; }
big=$(find "$tree" -type f -printf '%s %P\n' | sort -n | tail -1 | cut -d' ' -f2-)
name=$(basename "$tree")

vault dump latest "/$name/$big" | cmp - "$tree/$big"
vault dump latest "/$name" | tar -d -C "$(dirname "$tree")" -f - >/dev/null   # contents, modes, mtimes, links
echo "checked: the dumped file and archive match $tree"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "vault  tree as tar  %e s  CPU %U+%S s  %M KB" "$here/opsledger" vault dump latest "/$name" --repo "$BENCH_DIR/ol-repo" 2>&1 >/dev/null | grep '^vault'
  /usr/bin/time -f "restic tree as tar  %e s  CPU %U+%S s  %M KB" restic -q -r "$BENCH_DIR/rs-repo" dump latest "$tree" 2>&1 >/dev/null | grep '^restic'
  /usr/bin/time -f "vault  $big  %e s  CPU %U+%S s  %M KB" "$here/opsledger" vault dump latest "/$name/$big" --repo "$BENCH_DIR/ol-repo" 2>&1 >/dev/null | grep '^vault'
  /usr/bin/time -f "restic $big  %e s  CPU %U+%S s  %M KB" restic -q -r "$BENCH_DIR/rs-repo" dump latest "$tree/$big" 2>&1 >/dev/null | grep '^restic'
done
