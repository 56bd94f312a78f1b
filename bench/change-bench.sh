#!/usr/bin/env bash
# Change management figures for docs/performance.md (## Change management): with 100,000 changes
# seeded by SQL (10,000 scheduled on 2,000 items, 5,000 emergencies), the p50/p95 of list and search
# pages, of the conflict check against the scheduled changes, and of the emergency-change report,
# over real HTTP. Runs the whole server on its embedded PostgreSQL in one JVM
# (org.opsledger.change.ChangeBench, server test sources). Targets: list/search p95 <= 200 ms,
# conflict check <= 100 ms, emergency report <= 1 s.
# Usage: bench/change-bench.sh [changes=100000] [requests=300]. Needs a JDK 21+.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xms1g -Xmx2g -cp "server/target/test-classes:server/target/classes:ledger/target/classes:$(cat "$cp")" \
  org.opsledger.change.ChangeBench "$@" 2>&1 | grep -Ev '^(WARNING|SLF4J)|^\s*$|^20[0-9]{2}-|^\s+at ' || true
status=${PIPESTATUS[0]}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
