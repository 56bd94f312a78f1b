#!/usr/bin/env bash
# The vault's commands against an S3 store DELAY_MS away (default 25 ms each way: a store in another data centre),
# with the requests each makes counted: s3proxy in a JVM of its own (bench/S3Serve.java) behind
# bench/s3-delay-proxy.py. A repository of SNAPSHOTS one-file backups (default 100) is made once, with no delay, by
# the first JAR; then each JAR given runs the same commands on it in turn, ROUNDS times (default 1), interleaved. Each JAR
# has a metadata cache of its own, empty at the start (OPSLEDGER_VAULT_CACHE, vault-format.md §14; builds before it keep
# none): its first round's first command fills it, and ROUNDS=2 shows commands on a host that ran them before.
#   bench/vault-s3-distance.sh JAR [JAR…]    (e.g. an older build's opsledger.jar, then cli/target/opsledger.jar)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
DELAY_MS=${DELAY_MS:-25}
SNAPSHOTS=${SNAPSHOTS:-100}
ROUNDS=${ROUNDS:-1}
[ $# -ge 1 ] || { echo "usage: bench/vault-s3-distance.sh JAR [JAR…]" >&2; exit 2; }
w=$BENCH_DIR/s3-distance
rm -rf "$w"
mkdir -p "$w/store" "$w/src" "$w/restored"
pids=()
# each started process and its children (bench/vault-java.sh runs s3proxy's JVM as a child, which outlived a plain kill)
trap 'for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done' EXIT

"$here/bench/vault-java.sh" S3Serve.java "$w/store" "$w/port" > "$w/s3proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do [ -s "$w/port" ] && break; sleep 1; done # a build of the vault first (bench/vault-java.sh)
[ -s "$w/port" ] || { echo "s3proxy did not start: $w/s3proxy.log" >&2; exit 1; }
proxy_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo 0 > "$w/delay"
: > "$w/requests.log"
python3 "$here/bench/s3-delay-proxy.py" "$proxy_port" "$(cat "$w/port")" "$w/requests.log" "$w/delay" &
pids+=($!)
sleep 1

export AWS_ACCESS_KEY_ID=access AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
export OPSLEDGER_VAULT_S3_ENDPOINT=http://127.0.0.1:$proxy_port OPSLEDGER_VAULT_PASSWORD=bench
repo=s3://vault/repo
jars=("$@")
# the cache of the JAR's position among those given; "off" while the repository is made
cache_of() { local i; for i in "${!jars[@]}"; do [ "${jars[$i]}" = "$1" ] && { echo "$w/cache-$i"; return; }; done; }
vault() { local jar=$1; shift; OPSLEDGER_JAR=$jar OPSLEDGER_VAULT_CACHE=${making:-$(cache_of "$jar")} "$here/opsledger" vault "$@"; }
making=off

echo "making a repository of $SNAPSHOTS snapshots (no delay) …" >&2
vault "$1" init --repo "$repo" --kdf-iterations 100000 > /dev/null
for i in $(seq "$SNAPSHOTS"); do
  echo "$i" > "$w/src/f.txt"
  vault "$1" backup "$w/src" --repo "$repo" > /dev/null 2>&1
done
id=$(ls "$w/store/vault/repo/snapshots" | head -1)
making=
echo "$DELAY_MS" > "$w/delay"

# measure LABEL JAR ARGS…: one row: wall seconds and the requests by kind (a GET of the bucket with a query is a LIST)
measure() {
  local label=$1 jar=$2; shift 2
  local before; before=$(wc -l < "$w/requests.log")
  local start; start=$(date +%s.%N)
  vault "$jar" "$@" --repo "$repo" > /dev/null 2> "$w/last.err" || { echo "failed: $label: $(tail -1 "$w/last.err")" >&2; }
  local end; end=$(date +%s.%N)
  sleep 0.2
  tail -n +$((before + 1)) "$w/requests.log" | python3 -c '
import sys
kinds = {"GET": 0, "LIST": 0, "HEAD": 0, "PUT": 0, "DELETE": 0, "CONNECT": 0}
for line in sys.stdin:
    parts = line.split()
    method, path = parts[2], parts[3] if len(parts) > 3 else ""
    if method == "GET" and "?" in path and ("list-type" in path or "prefix=" in path):
        method = "LIST"
    kinds[method] = kinds.get(method, 0) + 1
label, jar, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
print("| %s | %s | %.1f s | %d | %d | %d | %d | %d | %d |" % (label, jar, seconds, kinds["GET"], kinds["LIST"], kinds["HEAD"],
      kinds["PUT"], kinds["DELETE"], kinds["CONNECT"]))
' "$label" "$(basename "$(dirname "$jar")")/$(basename "$jar")" "$(echo "$end - $start" | bc)"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $SNAPSHOTS snapshots, $DELAY_MS ms each way"
echo "| command | build | wall | GET | LIST | HEAD | PUT | DELETE | connections |"
echo "|---|---|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  for jar in "$@"; do
    measure "snapshots" "$jar" snapshots
    measure "ls ID" "$jar" ls "$id"
    measure "stats" "$jar" stats
    measure "check" "$jar" check
    measure "restore ID" "$jar" restore "$id" --target "$w/restored/$round-$(basename "$(dirname "$jar")")"
    echo "$round $jar" > "$w/src/f.txt"
    measure "backup (1 file changed)" "$jar" backup "$w/src"
  done
done
