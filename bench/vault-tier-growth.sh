#!/usr/bin/env bash
# What `vault copy` and `vault tier` of N one-file snapshots cost as N grows, two builds side by side:
#
#   bench/vault-tier-growth.sh OLD.jar NEW.jar [N…]      N defaults to 250 1000 2000
#
# For each N, one near-line repository of N snapshots of one small file each (bench/VaultManySnapshots.java, in one
# process); then, for each jar, a copy of every snapshot into a new repository and a tier (--near-line 0d) of a copy of
# the near-line repository into another, through ./opsledger (OPSLEDGER_JAR) as users run it. Prints each run's CPU
# seconds (user + system, /usr/bin/time, the whole command), wall seconds, and the index files the target holds after.
# A cost per snapshot that grows with N is a cost quadratic in N.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [N…]" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
shift 2
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(250 1000 2000)
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
work=$BENCH_DIR/tier-growth
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
export OPSLEDGER_VAULT_PASSWORD=bench-password
vault() { # jar args…
  local jar=$1; shift
  env OPSLEDGER_JAR="$jar" "$here/opsledger" vault "$@"
}
timed() { # label jar args… : one command, its CPU and wall seconds
  local label=$1 jar=$2; shift 2
  /usr/bin/time -f "%U %S %e" -o "$work/time.txt" env OPSLEDGER_JAR="$jar" "$here/opsledger" vault "$@" >"$work/out.txt" 2>"$work/err.txt" \
    || { echo "$label failed:" >&2; cat "$work/err.txt" >&2; exit 1; }
  read -r user sys wall <"$work/time.txt"
  printf "%s %.2f %.2f" "$label" "$(echo "$user + $sys" | bc)" "$wall"
}
echo "| N | command | build | CPU s (user+sys) | wall s | index files in the target |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  near=$work/near-$n
  # made by the OLD build: a newer format (6, since the ACLs) is refused by builds before it, and the old rows were empty
  vault "$old" init --repo "$near" >/dev/null 2>&1
  "$here/bench/vault-java.sh" VaultManySnapshots.java "$near" "$n" >/dev/null
  ids=$(vault "$new" snapshots --repo "$near" --json | grep -o '"id" *: *"[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}' | tr '\n' ' ')
  for build in old new; do
    jar=${!build}
    target=$work/copy-$build-$n
    vault "$jar" init --repo "$target" >/dev/null 2>&1
    # shellcheck disable=SC2086
    read -r label cpu wall <<<"$(timed copy "$jar" copy --repo "$near" --to "$target" $ids)"
    [ -n "${cpu:-}" ] || exit 1 # timed said why (its exit in the substitution does not end the script)
    echo "| $n | copy | $build | $cpu | $wall | $(ls "$target/index" | wc -l) |"
    rm -rf "$target"
    tiered=$work/tier-near-$build-$n target=$work/tier-far-$build-$n
    cp -a "$near" "$tiered"
    vault "$jar" init --repo "$target" >/dev/null 2>&1
    read -r label cpu wall <<<"$(timed tier "$jar" tier --repo "$tiered" --to "$target" --near-line 0d)"
    [ -n "${cpu:-}" ] || exit 1
    echo "| $n | tier | $build | $cpu | $wall | $(ls "$target/index" | wc -l) |"
    rm -rf "$tiered" "$target"
  done
  rm -rf "$near" "$near-src"
done
