#!/usr/bin/env bash
# Ledger figures for docs/performance.md (## Ledger): streaming audit verify throughput and
# proof size/time for a large tree. Usage: bench/ledger-bench.sh [verify-entries] [proof-tree-size]
# Defaults: 1,000,000 entries of ~400 bytes; a 10,000,000-leaf tree. Needs a JDK 21+.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -pl ledger test-compile
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo
exec "$JAVA_HOME/bin/java" -Xms3g -Xmx3g -XX:+UseParallelGC \
  -cp ledger/target/classes:ledger/target/test-classes \
  org.opsledger.ledger.LedgerBench "$@"
