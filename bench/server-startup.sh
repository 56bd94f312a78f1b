#!/usr/bin/env bash
# Time from `./opsledger server` to healthy, and its memory, on a first start (empty data
# directory: initdb + migrations) and on a second start (the goal: ≤ 8 s). Needs curl.
# Usage: bench/server-startup.sh [runs]   (default 3 second starts)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
port=18080
data=$(mktemp -d /tmp/opsledger-bench-XXXX)
export OPSLEDGER_BOOTSTRAP_ADMIN_PASSWORD='Bench-Operator-Pass-1'
./opsledger --version >/dev/null # build once if needed, outside the timing
export OPSLEDGER_SKIP_BUILD=1

start_once() {
  local t0 t1 pid rss
  t0=$(date +%s%N)
  ./opsledger server --port $port --data-dir "$data" >"$data/server.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; do
    if ! kill -0 $pid 2>/dev/null; then echo "server died; see $data/server.log" >&2; exit 1; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  sleep 2 # let start-up work settle before reading memory
  java_pid=$(pgrep -f "opsledger.jar server --port $port" | head -1)
  rss=$(ps -o rss= -p "$java_pid" | tr -d ' ')
  # the embedded PostgreSQL: its postmaster (started with -D <data>/postgres) and its children,
  # as PSS (shared buffers counted once, not once per process as RSS would)
  pm=$(pgrep -f -- "-D $data/postgres" | head -1)
  pg_pss=0
  for p in $pm $(pgrep -P "$pm"); do
    pg_pss=$((pg_pss + $(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null || echo 0)))
  done
  printf '%s\t%.2f s\tJVM RSS %d MiB\tPostgreSQL PSS %d MiB\n' "$1" "$(echo "($t1 - $t0) / 1000000000" | bc -l)" \
    $((rss / 1024)) $((pg_pss / 1024))
  kill $pid; wait $pid 2>/dev/null || true
  # the embedded PostgreSQL stops with the JVM
  sleep 1
}

echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs), $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%F)"
start_once "first start "
for i in $(seq "$runs"); do start_once "second start"; done
rm -rf "$data"
