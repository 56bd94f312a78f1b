#!/usr/bin/env bash
# What `vault rewrite` and the transfer limits cost, on the repository bench/vault-vs-restic.sh leaves in
# $BENCH_DIR (run it first; it is copied, never changed):
#  - rewrite: every snapshot of the copy without PATTERN (default '*.html'), a dry run first, then the
#    rewrite, `prune --max-unused 0` (every pack holding what went is repacked) and `check --read-data`;
#  - limits: a new repository of a 40 MiB random file backed up without a limit and with
#    --limit-upload $LIMIT KiB/s (default 8192), then checked with --limit-download $LIMIT.
# Each step's wall time, CPU and peak RSS from /usr/bin/time; the copies go when it ends.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
PATTERN=${PATTERN:-*.html}
LIMIT=${LIMIT:-8192}
[ -d "$BENCH_DIR/ol-repo" ] || { echo "no repository in $BENCH_DIR: run bench/vault-vs-restic.sh first" >&2; exit 1; }
export OPSLEDGER_VAULT_PASSWORD=bench-password
work=$(mktemp -d "$BENCH_DIR/rewrite.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { # step NAME ARGS… : one vault command, timed
  local name=$1; shift
  /usr/bin/time -f "$name  %e s  CPU %U+%S s  %M KB" "$here/opsledger" vault "$@" 2>&1 >"$work/$name.out" | grep "^$name" \
    || { cat "$work/$name.out" >&2; exit 1; }
}

cp -a "$BENCH_DIR/ol-repo" "$work/repo"
ids=$("$here/opsledger" vault snapshots --repo "$work/repo" --json | grep -o '"id" *: *"[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}' | tr '\n' ' ')
echo "rewrite: $(wc -w <<<"$ids") snapshot(s) of $BENCH_DIR/ol-repo, without $PATTERN"
# shellcheck disable=SC2086
step rewrite-dry-run rewrite $ids --repo "$work/repo" --exclude "$PATTERN" --reason bench --dry-run
tail -1 "$work/rewrite-dry-run.out"
# shellcheck disable=SC2086
step rewrite rewrite $ids --repo "$work/repo" --exclude "$PATTERN" --reason bench
step prune-max-unused-0 prune --repo "$work/repo" --max-unused 0
tail -1 "$work/prune-max-unused-0.out"
step check-read-data check --repo "$work/repo" --read-data

echo "limits: 40 MiB of random bytes, --limit-upload/--limit-download $LIMIT KiB/s"
mkdir -p "$work/src"
head -c 41943040 /dev/urandom >"$work/src/random.bin"
"$here/opsledger" vault init --repo "$work/free" >/dev/null
"$here/opsledger" vault init --repo "$work/limited" >/dev/null
step backup-no-limit backup "$work/src" --repo "$work/free" --allow-same-device
step backup-limit-upload backup "$work/src" --repo "$work/limited" --allow-same-device --limit-upload "$LIMIT"
step check-limit-download check --repo "$work/limited" --read-data --limit-download "$LIMIT"
