#!/usr/bin/env bash
# Side-by-side benchmark: opsledger vault, restic and BorgBackup on one ~850 MB tree of real files
# (a JDK, part of the Maven cache, /usr/share/doc), in one run on one machine.
#
#   apt-get install -y restic borgbackup     (Debian: restic 0.14, borg 1.2)
#   ./mvnw -q -pl cli -am -DskipTests package
#   bench/vault-vs-restic.sh                 results in bench/results/vault-<date>.md
#   RUNS=3 bench/vault-vs-restic.sh          each step three times (interleaved), medians reported
#   TREE=small bench/vault-vs-restic.sh      200,000 small files instead (a mail spool: bench/SmallFiles.java, ≈770 MB)
#
# Measures, for each tool: first backup, unchanged re-run, a 1%-changed incremental, repository size,
# a stdin database-dump-like stream, verified restore, full data check, and peak RSS (/usr/bin/time -v).
# A restore is also measured until its files are on disk (the restore, then `sync -f` of its target): the
# vault's restore fsyncs what it writes before it ends (docs/operations.md), restic's and borg's do not.
# All repositories sit on the same disk as the tree (so opsledger needs --allow-same-device).
# RESTORE_DIR (default BENCH_DIR) is where the restores write. Each tool's restored tree is deleted
# just before the next tool restores; on an ext4 without a journal (the root filesystem of the
# Firecracker VMs of docs/performance.md, "Seventh session") every new inode is then allocated past
# the recently deleted ones, a cost that grows from round to round for all three tools. A fresh
# journaled ext4 avoids it, e.g. as root:
#   truncate -s 3G /tmp/rfs.img && mkfs.ext4 -q -F /tmp/rfs.img && mkdir -p /mnt/rfs && mount -o loop /tmp/rfs.img /mnt/rfs
#   RESTORE_DIR=/mnt/rfs RUNS=3 bench/vault-vs-restic.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
RESTORE_DIR=${RESTORE_DIR:-$BENCH_DIR}
TARGET_MB=${TARGET_MB:-850}
TREE=${TREE:-real}   # real: the JDK, /usr/share/doc and ~/.m2 up to TARGET_MB; small: SMALL_FILES messages of ≈4 KB
SMALL_FILES=${SMALL_FILES:-200000}
RUNS=${RUNS:-1}   # each step this many times, the three tools interleaved in every round; medians reported
JAVA_OPTS=${OPSLEDGER_JAVA_OPTS:-}   # empty: the launcher's own options for vault commands (SerialGC, -Xmx by command)
jar=${OPSLEDGER_JAR:-$here/cli/target/opsledger.jar}
out="$here/bench/results/vault-$([ "$TREE" = real ] || echo "$TREE-")$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$here/bench/results" "$BENCH_DIR"
for t in restic borg /usr/bin/time; do command -v "$t" >/dev/null || { echo "missing $t: apt-get install -y restic borgbackup time" >&2; exit 1; }; done
[ -f "$jar" ] || { echo "build the CLI first: ./mvnw -q -pl cli -am -DskipTests package" >&2; exit 1; }
if [ "$jar" != "$BENCH_DIR/opsledger.jar" ]; then
  cp "$jar" "$BENCH_DIR/opsledger.jar" && jar="$BENCH_DIR/opsledger.jar"   # a rebuild during the run cannot disturb it
fi

export RESTIC_PASSWORD=bench-password BORG_PASSPHRASE=bench-password OPSLEDGER_VAULT_PASSWORD=bench-password
export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
case "$TREE" in
  real) tree="$BENCH_DIR/tree" stdin_dir="$BENCH_DIR/tree/doc" described="JDK, /usr/share/doc, part of ~/.m2" ;;
  small) tree="$BENCH_DIR/small-tree" stdin_dir="$BENCH_DIR/small-tree/u000" described="small text files, 100 to a directory: bench/SmallFiles.java" ;;
  *) echo "TREE is real or small" >&2; exit 1 ;;
esac

# ---- the tree: copied (or written) once so that the Maven cache changing under other builds does not disturb the run
if [ "$TREE" = small ] && [ ! -d "$tree" ]; then
  "$JAVA_HOME/bin/java" "$here/bench/SmallFiles.java" "$tree" "$SMALL_FILES"
elif [ ! -d "$tree" ]; then
  mkdir -p "$tree/m2"
  cp -a /usr/lib/jvm/temurin-25-jdk-amd64 "$tree/jdk"
  cp -a /usr/share/doc "$tree/doc"
  have=$(du -sm "$tree" | cut -f1)
  for d in $(cd ~/.m2/repository && find . -mindepth 2 -maxdepth 2 -type d | sort); do
    [ "$have" -ge "$TARGET_MB" ] && break
    mkdir -p "$tree/m2/$d" && cp -a ~/.m2/repository/"$d"/. "$tree/m2/$d/"
    have=$(du -sm "$tree" | cut -f1)
  done
fi
size_mb=$(du -sm --apparent-size "$tree" | cut -f1)
files=$(find "$tree" -type f | wc -l)
tar cf - "$tree" 2>/dev/null | cat >/dev/null   # same warm page cache for every tool

# opsledger runs through its launcher, as users run it: the extracted jar and the vault commands' start-up
# cache (an AOT cache on JDK 25+, which the launcher records from its training workload the first time a vault
# command runs; OPSLEDGER_NO_CDS=1 bench/vault-vs-restic.sh measures the plain jar instead). Recorded here,
# before the first measure.
export OPSLEDGER_JAR="$jar" OPSLEDGER_JAVA_OPTS="$JAVA_OPTS"
vault=("$here/opsledger" vault)
[ -n "${OPSLEDGER_NO_CDS:-}" ] || "${vault[@]}" --help >/dev/null
declare -A T M C R S
measure() { # name command...  → T[name]=seconds C[name]=CPU seconds (user + system) M[name]=peak RSS MB, of this run
  local name=$1; shift
  [ -n "${NO_SYNC:-}" ] || sync # the writes before (the tree's copy, the last tool's repository or restore) reach the
       # disk before this step starts, so no step pays for the one before it; vault-ab.sh does the same
  /usr/bin/time -v -o "$BENCH_DIR/time.txt" "$@" >"$BENCH_DIR/$name.log" 2>&1 || { echo "FAILED: $name (see $BENCH_DIR/$name.log)" >&2; tail -3 "$BENCH_DIR/$name.log" >&2; exit 1; }
  local t m c
  t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$BENCH_DIR/time.txt")
  m=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2/1024}' "$BENCH_DIR/time.txt")
  c=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {printf "%.2f", s}' "$BENCH_DIR/time.txt")
  T[$name]="${T[$name]:-} $t"; M[$name]="${M[$name]:-} $m"; C[$name]="${C[$name]:-} $c"
  printf '%-28s %8.2f s %8.2f s CPU %6d MB\n' "$name" "$t" "$c" "$m" >&2
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {printf "%.15g\n", (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
summarize() { # each figure → the median of its runs; R[name] = the range of its wall times
  local k
  for k in "${!T[@]}"; do
    R[$k]=$(tr ' ' '\n' <<<"${T[$k]}" | grep . | sort -g | awk 'NR==1 {a=$1} {b=$1} END {print a "–" b}')
    T[$k]=$(median <<<"${T[$k]}")
    [ -z "${M[$k]:-}" ] || { M[$k]=$(median <<<"${M[$k]}"); C[$k]=$(median <<<"${C[$k]}"); } # not for a sum (on_disk)
  done
}
on_disk() { # tool → T[tool-ondisk] += its last restore's time plus what a sync of the restored files then waits for:
  # the vault's restore fsyncs what it wrote before it ends, restic's and borg's leave it in the page cache
  NO_SYNC=1 measure "$1-flush" sync -f "$RESTORE_DIR/$1-out"
  T[$1-ondisk]="${T[$1-ondisk]:-} $(awk -v r="${T[$1-restore]##* }" -v f="${T[$1-flush]##* }" 'BEGIN {print r + f}')"
  rm -rf "$RESTORE_DIR/$1-out"
}
change_one_percent() { # append to every 100th file: ~1% of files changed
  find "$tree" -type f | sort | awk 'NR % 100 == 0' | while read -r f; do printf 'changed %s\n' "$RANDOM" >>"$f"; done
}
rm -rf "$BENCH_DIR"/{ol,rs,bg}-out
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the three tools step by step, interleaved (vault, restic, borg for each step and round), so that
# each step of the three sees the same load on this shared machine; each tool's own order is unchanged
for run in $(seq "$RUNS"); do # a new repository for every round of the first backup; the last one stays
  rm -rf "$BENCH_DIR"/{ol,rs,bg}-repo
  measure ol-init      "${vault[@]}" init --repo "$BENCH_DIR/ol-repo"
  measure rs-init      restic -r "$BENCH_DIR/rs-repo" init
  measure bg-init      borg init -e repokey "$BENCH_DIR/bg-repo"

  measure ol-first     "${vault[@]}" backup --repo "$BENCH_DIR/ol-repo" --allow-same-device "$tree"
  measure rs-first     restic -r "$BENCH_DIR/rs-repo" backup "$tree"
  measure bg-first     borg create "$BENCH_DIR/bg-repo::first" "$tree"
  # each round's repositories have their own random chunker secrets (all three tools), so their sizes vary a little
  for t in ol rs bg; do S[$t]="${S[$t]:-} $(du -sb "$BENCH_DIR/$t-repo" | cut -f1)"; done
done

for run in $(seq "$RUNS"); do
  measure ol-rerun     "${vault[@]}" backup --repo "$BENCH_DIR/ol-repo" --allow-same-device "$tree"
  measure rs-rerun     restic -r "$BENCH_DIR/rs-repo" backup "$tree"
  measure bg-rerun     borg create "$BENCH_DIR/bg-repo::rerun-$run" "$tree"
done
ol_size=$(median <<<"${S[ol]}")
rs_size=$(median <<<"${S[rs]}")
bg_size=$(median <<<"${S[bg]}")
size_ratios=$(paste -d' ' <(tr ' ' '\n' <<<"${S[ol]}" | grep .) <(tr ' ' '\n' <<<"${S[rs]}" | grep .) | awk '{printf "%s%.3f", (NR > 1 ? ", " : ""), $1 / $2}')

for run in $(seq "$RUNS"); do
  measure ol-restore   "${vault[@]}" restore latest --repo "$BENCH_DIR/ol-repo" --target "$RESTORE_DIR/ol-out" --verify
  on_disk ol
  measure rs-restore   restic -r "$BENCH_DIR/rs-repo" restore latest --target "$RESTORE_DIR/rs-out" --verify
  on_disk rs
  mkdir -p "$RESTORE_DIR/bg-out"
  measure bg-restore   sh -c "cd '$RESTORE_DIR/bg-out' && borg extract '$BENCH_DIR/bg-repo::rerun-1'"
  on_disk bg
done

for run in $(seq "$RUNS"); do
  measure ol-check     "${vault[@]}" check --repo "$BENCH_DIR/ol-repo" --read-data
  measure rs-check     restic -r "$BENCH_DIR/rs-repo" check --read-data
  measure bg-check     borg check --verify-data "$BENCH_DIR/bg-repo"
done

for run in $(seq "$RUNS"); do
  measure ol-stdin     sh -c "tar cf - '$stdin_dir' | '$here/opsledger' vault backup --repo '$BENCH_DIR/ol-repo' --stdin --stdin-name doc.tar"
  measure rs-stdin     sh -c "tar cf - '$stdin_dir' | restic -r '$BENCH_DIR/rs-repo' backup --stdin --stdin-filename doc.tar"
  measure bg-stdin     sh -c "tar cf - '$stdin_dir' | borg create '$BENCH_DIR/bg-repo::stdin-$run' -"
done

for run in $(seq "$RUNS"); do # ---- 1% changed incremental, all three on the same change
  change_one_percent
  measure ol-incr1     "${vault[@]}" backup --repo "$BENCH_DIR/ol-repo" --allow-same-device "$tree"
  measure rs-incr1     restic -r "$BENCH_DIR/rs-repo" backup "$tree"
  measure bg-incr1     borg create "$BENCH_DIR/bg-repo::incr1-$run" "$tree"
done
summarize

mbps() { awk -v mb="$size_mb" -v s="$1" 'BEGIN {printf "%.0f", mb / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -n): $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM;"
  echo "tree: $size_mb MB in $files files ($described), warm page cache, stdin stream: tar of ${stdin_dir#"$tree"/}/; restic $(restic version | awk '{print $2}'), $(borg --version);"
  echo "opsledger JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), options \`${JAVA_OPTS:-launcher defaults}\`;"
  echo "load average (1/5/15 min) before the run: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)."
  echo "restores written to $RESTORE_DIR: $(df --output=fstype "$RESTORE_DIR" | tail -1) on $(df --output=source "$RESTORE_DIR" | tail -1)."
  [ "$RUNS" -eq 1 ] || echo "Each figure is the median of $RUNS runs (wall times of vault / restic: first backup ${R[ol-first]} / ${R[rs-first]} s, re-run ${R[ol-rerun]} / ${R[rs-rerun]} s, restore ${R[ol-restore]} / ${R[rs-restore]} s, restore on disk ${R[ol-ondisk]} / ${R[rs-ondisk]} s, check ${R[ol-check]} / ${R[rs-check]} s); repository size vault ÷ restic in each round: $size_ratios."
  echo
  echo "| measure | opsledger vault | restic | borg | vault ÷ restic |"
  echo "|---|---|---|---|---|"
  echo "| first backup | ${T[ol-first]} s ($(mbps "${T[ol-first]}") MB/s) | ${T[rs-first]} s ($(mbps "${T[rs-first]}") MB/s) | ${T[bg-first]} s ($(mbps "${T[bg-first]}") MB/s) | $(ratio "${T[rs-first]}" "${T[ol-first]}")× throughput |"
  echo "| unchanged re-run | ${T[ol-rerun]} s | ${T[rs-rerun]} s | ${T[bg-rerun]} s | $(ratio "${T[ol-rerun]}" "${T[rs-rerun]}")× time |"
  echo "| 1%-changed incremental | ${T[ol-incr1]} s | ${T[rs-incr1]} s | ${T[bg-incr1]} s | $(ratio "${T[ol-incr1]}" "${T[rs-incr1]}")× time |"
  echo "| repository size after first backup | $((${ol_size%.*}/1048576)) MiB | $((${rs_size%.*}/1048576)) MiB | $((${bg_size%.*}/1048576)) MiB | $(ratio "$ol_size" "$rs_size")× size |"
  echo "| verified restore (borg: extract, which checks chunk hashes) | ${T[ol-restore]} s | ${T[rs-restore]} s | ${T[bg-restore]} s | $(ratio "${T[rs-restore]}" "${T[ol-restore]}")× throughput |"
  echo "| verified restore, then \`sync -f\` of its target (on disk) | ${T[ol-ondisk]} s | ${T[rs-ondisk]} s | ${T[bg-ondisk]} s | $(ratio "${T[rs-ondisk]}" "${T[ol-ondisk]}")× throughput |"
  echo "| check --read-data (borg: check --verify-data) | ${T[ol-check]} s | ${T[rs-check]} s | ${T[bg-check]} s | $(ratio "${T[rs-check]}" "${T[ol-check]}")× throughput |"
  echo "| stdin stream | ${T[ol-stdin]} s | ${T[rs-stdin]} s | ${T[bg-stdin]} s | $(ratio "${T[ol-stdin]}" "${T[rs-stdin]}")× time |"
  echo "| peak RSS: first backup | ${M[ol-first]} MB | ${M[rs-first]} MB | ${M[bg-first]} MB | $(ratio "${M[ol-first]}" "${M[rs-first]}")× |"
  echo "| peak RSS: restore | ${M[ol-restore]} MB | ${M[rs-restore]} MB | ${M[bg-restore]} MB | $(ratio "${M[ol-restore]}" "${M[rs-restore]}")× |"
  echo "| peak RSS: check | ${M[ol-check]} MB | ${M[rs-check]} MB | ${M[bg-check]} MB | $(ratio "${M[ol-check]}" "${M[rs-check]}")× |"
  echo
  echo "CPU time (user + system) of the same runs: less disturbed than wall time by other work on a shared machine."
  echo
  echo "| CPU seconds | opsledger vault | restic | borg | vault ÷ restic |"
  echo "|---|---|---|---|---|"
  for step in first:"first backup" rerun:"unchanged re-run" incr1:"1%-changed incremental" restore:"verified restore" check:"check --read-data" stdin:"stdin stream"; do
    k=${step%%:*}
    echo "| ${step#*:} | ${C[ol-$k]} | ${C[rs-$k]} | ${C[bg-$k]} | $(ratio "${C[ol-$k]}" "${C[rs-$k]}")× |"
  done
} | tee "$out"
echo "results: $out" >&2
