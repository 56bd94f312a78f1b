#!/usr/bin/env bash
# What a repository of years of dailies costs every command that lists its snapshots (IS.012 6.6: ≈1,100 snapshots of a
# host after three years), opsledger vault against restic, in one run on one machine:
#
#   apt-get install -y restic                          (Debian: restic 0.14)
#   ./mvnw -q -pl cli -am -DskipTests package
#   bench/vault-many-snapshots.sh [JAR…]               JARs default to cli/target/opsledger.jar; two: before and after
#   SIZES="1 1000 3000" RUNS=3 bench/vault-many-snapshots.sh OLD.jar NEW.jar
#
# For each N of SIZES (default 1 1000): a tree of FILES small files (default 300), and for each tool a local repository
# of N snapshots of it: the vault's in one process (bench/VaultManySnapshots.java, by the Archiver a backup runs, daily.bin
# in the tree written anew before each: N launches of the CLI take ≈1 s each), restic's by N `restic backup` of the
# tree, FILL_JOBS (4) at a time, with its cache in BENCH_DIR. Then, RUNS times, interleaved: an unchanged re-run backup, `snapshots`, and `forget --keep-daily 7
# --dry-run`, as each tool's CLI runs them (opsledger through ./opsledger, its start-up cache recorded first). Prints CPU
# seconds (user + system, /usr/bin/time, the whole command) and wall seconds, medians of RUNS. A cost that grows with N
# is a cost per snapshot kept: (CPU at N − CPU at 1) ÷ (N − 1).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
RUNS=${RUNS:-1}
FILES=${FILES:-300}
read -r -a sizes <<<"${SIZES:-1 1000}"
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=("${OPSLEDGER_JAR:-$here/cli/target/opsledger.jar}")
for t in restic /usr/bin/time bc; do command -v "$t" >/dev/null || { echo "missing $t: apt-get install -y restic time bc" >&2; exit 1; }; done
work=$BENCH_DIR/many-snapshots
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
for i in "${!jars[@]}"; do # each jar in its own directory (the launcher extracts it beside itself): a rebuild cannot disturb it
  [ -f "${jars[$i]}" ] || { echo "no jar ${jars[$i]}: ./mvnw -q -pl cli -am -DskipTests package" >&2; exit 1; }
  mkdir -p "$work/jar$i" && cp "${jars[$i]}" "$work/jar$i/opsledger.jar"
  OPSLEDGER_JAR="$work/jar$i/opsledger.jar" "$here/opsledger" vault --help >/dev/null 2>&1 # its start-up cache, once
done
export OPSLEDGER_VAULT_PASSWORD=bench-password RESTIC_PASSWORD=bench-password RESTIC_CACHE_DIR=$work/restic-cache
vault() { # jar-number args… : the vault as users run it, through the launcher
  local j=$1; shift
  env OPSLEDGER_JAR="$work/jar$j/opsledger.jar" "$here/opsledger" vault "$@"
}
declare -A CPU WALL
measure() { # key command… : appends this run's CPU and wall seconds to CPU[key] and WALL[key]
  local key=$1; shift
  /usr/bin/time -f "%U %S %e" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" \
    || { echo "$key failed:" >&2; tail -3 "$work/err.txt" >&2; exit 1; }
  local user sys wall
  read -r user sys wall <"$work/time.txt"
  CPU[$key]+="$(echo "$user + $sys" | bc) " WALL[$key]+="$wall "
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {printf "%.2f", NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "| N | command | tool | CPU s (user+sys) | wall s |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  tree=$work/tree
  rm -rf "$tree" && mkdir -p "$tree"
  for f in $(seq 1 "$FILES"); do seq "$f" $((f + 400)) >"$tree/file-$f.txt"; done
  rs=$work/rs-$n
  restic -q -r "$rs" init >/dev/null
  head -c 1024 /dev/urandom >"$tree/daily.bin"
  # FILL_JOBS backups at a time (each one's start is a key derivation, ≈2 s of wall on a loaded machine): restic 0.14
  # writes a snapshot of an unchanged tree too, so they need not change it
  # (restic's retries on one another's locks go to restic-fill.log)
  seq 1 "$n" | xargs -P "${FILL_JOBS:-4}" -I{} restic -q -r "$rs" backup "$tree" >/dev/null 2>>"$work/restic-fill.log" \
    || { echo "filling $rs failed:" >&2; tail -5 "$work/restic-fill.log" >&2; exit 1; }
  [ "$(restic -q -r "$rs" snapshots --json | grep -o '"tree"' | wc -l)" -eq "$n" ] || { echo "the restic repository does not hold $n snapshots" >&2; exit 1; }
  ol=$work/ol-$n
  vault 0 init --repo "$ol" >/dev/null 2>&1
  "$here/bench/vault-java.sh" VaultManySnapshots.java "$ol" "$n" "$tree" >/dev/null 2>"$work/fill.log" \
    || { echo "filling $ol failed:" >&2; tail -5 "$work/fill.log" >&2; exit 1; }
  [ "$(vault 0 snapshots --repo "$ol" --json | grep -o '"tree"' | wc -l)" -eq "$n" ] || { echo "the vault repository does not hold $n snapshots" >&2; exit 1; }
  sync
  for _ in $(seq 1 "$RUNS"); do
    for i in "${!jars[@]}"; do # each run's vault repository a copy: the re-run adds a snapshot
      rm -rf "$ol-run" && cp -a "$ol" "$ol-run"
      measure "rerun vault$i" env OPSLEDGER_JAR="$work/jar$i/opsledger.jar" "$here/opsledger" vault backup --repo "$ol-run" --allow-same-device "$tree"
      measure "snapshots vault$i" env OPSLEDGER_JAR="$work/jar$i/opsledger.jar" "$here/opsledger" vault snapshots --repo "$ol-run"
      measure "forget vault$i" env OPSLEDGER_JAR="$work/jar$i/opsledger.jar" "$here/opsledger" vault forget --repo "$ol-run" --keep-daily 7 --dry-run
    done
    rm -rf "$rs-run" && cp -a "$rs" "$rs-run"
    measure "rerun restic" restic -r "$rs-run" backup "$tree"
    measure "snapshots restic" restic -r "$rs-run" snapshots
    measure "forget restic" restic -r "$rs-run" forget --keep-daily 7 --dry-run
  done
  for command in rerun snapshots forget; do
    for i in "${!jars[@]}"; do
      tool="vault ($(basename "$(dirname "$(realpath "${jars[$i]}")")")/$(basename "${jars[$i]}"))"
      echo "| $n | $command | $tool | $(median <<<"${CPU[$command vault$i]}") | $(median <<<"${WALL[$command vault$i]}") |"
    done
    echo "| $n | $command | restic $(restic version | awk '{print $2}') | $(median <<<"${CPU[$command restic]}") | $(median <<<"${WALL[$command restic]}") |"
  done
  rm -rf "$ol" "$ol-run" "$rs" "$rs-run" "$ol-src"
done
echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r), $(date -u +%Y-%m-%d); tree: $FILES small files and daily.bin; RUNS=$RUNS"
