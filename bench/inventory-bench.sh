#!/usr/bin/env bash
# Inventory figures for docs/performance.md (## Inventory): a 10,000-host nmap import, inventory
# search p50/p95 over 100,000 items, 10,000 drift items reconciled, and a 100 MB nmap import with
# the heap's peak. Runs the whole server on its embedded PostgreSQL in one JVM with -Xmx256m
# (org.opsledger.inventory.InventoryBench, server test sources), driven over HTTP.
# Usage: bench/inventory-bench.sh [items=100000] [hosts=10000] [bigMegabytes=100]. Needs a JDK 21+.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
"$JAVA_HOME/bin/java" -Xmx256m -cp "server/target/test-classes:server/target/classes:ledger/target/classes:$(cat "$cp")" \
  org.opsledger.inventory.InventoryBench "$@" 2>&1 | grep -Ev '^(WARNING|SLF4J)|^\s*$|^20[0-9]{2}-'
status=${PIPESTATUS[0]}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
