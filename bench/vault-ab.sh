#!/usr/bin/env bash
# Two builds of the opsledger CLI on the same tree, interleaved step by step: did a change cost anything?
#
#   bench/vault-ab.sh OLD.jar NEW.jar [TREE]     TREE defaults to $BENCH_DIR/tree (bench/vault-vs-restic.sh makes it)
#
# Each jar gets its own repository (an older build may not open a newer format); RUNS rounds (default 5)
# of a first backup into a new repository, an unchanged re-run, a verified restore into RESTORE_DIR and a
# full data check, the two jars one after the other in every round, so both see the same load. Prints each step's
# wall seconds, CPU seconds (user + system) and peak RSS for each jar, median and range. Both run
# through ./opsledger (OPSLEDGER_JAR), with its start-up cache, as users run them.
# A JVM option against the same jar: A_OPTS and B_OPTS are each side's OPSLEDGER_JAVA_OPTS, e.g.
#   A_OPTS=-XX:TrimNativeHeapInterval=0 bench/vault-ab.sh J.jar J.jar     (the launcher's default, B, against none)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [TREE]" >&2; exit 2; }
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
RESTORE_DIR=${RESTORE_DIR:-$BENCH_DIR}
RUNS=${RUNS:-5}
tree=${3:-$BENCH_DIR/tree}
[ -d "$tree" ] || { echo "no tree at $tree: run bench/vault-vs-restic.sh first, or name one" >&2; exit 1; }
work=$BENCH_DIR/ab
rm -rf "$work" && mkdir -p "$work"
cp "$1" "$work/a.jar" && mkdir -p "$work/a" && mv "$work/a.jar" "$work/a/opsledger.jar"
cp "$2" "$work/b.jar" && mkdir -p "$work/b" && mv "$work/b.jar" "$work/b/opsledger.jar"
export OPSLEDGER_VAULT_PASSWORD=bench-password
# side → its OPSLEDGER_JAVA_OPTS: A_OPTS or B_OPTS where set, else the caller's for both
opts_of() { if [ "$1" = a ]; then echo "${A_OPTS-${OPSLEDGER_JAVA_OPTS:-}}"; else echo "${B_OPTS-${OPSLEDGER_JAVA_OPTS:-}}"; fi; }
run() { # jar-label step args…
  local v=$1 step=$2; shift 2
  sync # the step before's writes reach the disk first: a restore paid for the last one's writeback (5–8 s of system time)
  /usr/bin/time -f "$v $step %e %U %S %M" -a -o "$work/times.txt" \
    env OPSLEDGER_JAR="$work/$v/opsledger.jar" OPSLEDGER_JAVA_OPTS="$(opts_of $v)" "$here/opsledger" vault "$@" --repo "$work/$v/repo" >/dev/null 2>"$work/$v/last.err" \
    || { echo "$v $step failed:" >&2; cat "$work/$v/last.err" >&2; exit 1; }
}
: > "$work/times.txt"
for i in $(seq "$RUNS"); do
  for v in a b; do
    rm -rf "$work/$v/repo" # a first backup each round, into a repository of its own
    env OPSLEDGER_JAR="$work/$v/opsledger.jar" OPSLEDGER_JAVA_OPTS="$(opts_of $v)" "$here/opsledger" vault init --repo "$work/$v/repo" >/dev/null 2>&1
    run $v first backup --allow-same-device "$tree"
    run $v re-run backup --allow-same-device "$tree"
    rm -rf "$RESTORE_DIR/ab-out"
    run $v restore restore latest --target "$RESTORE_DIR/ab-out" --verify
    rm -rf "$RESTORE_DIR/ab-out"
    run $v check check --read-data
  done
done
echo "A = $1${A_OPTS:+ with OPSLEDGER_JAVA_OPTS=$A_OPTS}"
echo "B = $2${B_OPTS:+ with OPSLEDGER_JAVA_OPTS=$B_OPTS}"
echo "| step | A wall (median, range) | B wall | A CPU s | B CPU s | A peak RSS | B peak RSS |"
echo "|---|---|---|---|---|---|---|"
for step in first re-run restore check; do
  med() { sort -n | awk '{a[NR]=$1} END{printf "%.2f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  range() { sort -n | awk 'NR==1{lo=$1} {hi=$1} END{printf "%.2f–%.2f", lo, hi}'; }
  col() { awk -v v="$1" -v s="$step" '$1==v && $2==s {print '"$2"'}' "$work/times.txt"; }
  printf "| %s | %s s (%s) | %s s (%s) | %s | %s | %s MiB | %s MiB |\n" "$step" \
    "$(col a '$3' | med)" "$(col a '$3' | range)" "$(col b '$3' | med)" "$(col b '$3' | range)" \
    "$(col a '$4+$5' | med)" "$(col b '$4+$5' | med)" \
    "$(col a 'int($6/1024)' | med | cut -d. -f1)" "$(col b 'int($6/1024)' | med | cut -d. -f1)"
done
rm -rf "$RESTORE_DIR/ab-out"
