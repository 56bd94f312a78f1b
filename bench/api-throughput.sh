#!/usr/bin/env bash
# Authenticated API requests per second on a list endpoint with 32 concurrent clients, and p99
# latency, with wrk (Debian package `wrk`). Starts its own server on the embedded default.
# Usage: bench/api-throughput.sh [seconds] [endpoint]   (default 30 s, /api/v1/accounts)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
endpoint=${2:-/api/v1/accounts}
port=18081
data=$(mktemp -d /tmp/opsledger-bench-XXXX)
export OPSLEDGER_BOOTSTRAP_ADMIN_PASSWORD='Bench-Operator-Pass-1'
./opsledger --version >/dev/null # build once if needed, outside the timing
export OPSLEDGER_SKIP_BUILD=1
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }

./opsledger server --port $port --data-dir "$data" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -fs "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; do sleep 0.2; done

base="http://127.0.0.1:$port/api/v1"
token=$(curl -fs -X POST "$base/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"Bench-Operator-Pass-1"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
# a realistic page: 50 accounts
for i in $(seq 1 49); do
  curl -fs -o /dev/null -X POST "$base/accounts" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench-$i\",\"displayName\":\"Bench $i\",\"kind\":\"service\",\"roles\":[\"requester\"]}"
done

echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs); $(date -u +%F)"
echo "warm-up 10 s"
wrk -t2 -c32 -d10s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$endpoint" >/dev/null
echo "GET $endpoint, 32 connections, ${secs} s:"
wrk -t2 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$endpoint" \
  | grep -E 'Requests/sec|Latency  |50%|90%|99%|requests in|Non-2xx'
echo "JVM RSS after the run: $(( $(ps -o rss= -p "$(pgrep -f "opsledger.jar server --port $port" | head -1)") / 1024 )) MiB"
