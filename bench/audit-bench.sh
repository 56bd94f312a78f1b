#!/usr/bin/env bash
# Audit ledger figures for docs/performance.md (## Audit ledger (server)): audited transactions
# committed per second with N concurrent writers (one business row + its audit entry per
# transaction), commit latency, commit -> covered by a signed checkpoint, and the export and
# offline verify of everything written. Runs the whole server on its embedded PostgreSQL in one
# JVM (org.opsledger.audit.AuditLedgerBench, server test sources).
# Usage: bench/audit-bench.sh [writers=32] [seconds=30]. Needs a JDK 21+.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
"$JAVA_HOME/bin/java" -Xms1g -Xmx2g -cp "server/target/test-classes:server/target/classes:ledger/target/classes:$(cat "$cp")" \
  org.opsledger.audit.AuditLedgerBench "$@" 2>&1 | grep -Ev '^(WARNING|SLF4J)|^\s*$|^20[0-9]{2}-'
exit "${PIPESTATUS[0]}"
