#!/usr/bin/env bash
# The CPU floor of a first backup in the vault's format on this machine (bench/VaultFloor.java):
# each stage of the per-byte work on one thread, nothing else. Run bench/vault-vs-restic.sh first:
# it builds the tree under $BENCH_DIR/tree.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
[ -d "$BENCH_DIR/tree" ] || { echo "no tree at $BENCH_DIR/tree: run bench/vault-vs-restic.sh first" >&2; exit 1; }
(cd "$here" && ./mvnw -q -pl vault -DskipTests package dependency:build-classpath -Dmdep.outputFile="$BENCH_DIR/vault-cp.txt") >&2
echo "$(date -u +%FT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx3g --enable-native-access=ALL-UNNAMED \
  -cp "$here/vault/target/classes:$(cat "$BENCH_DIR/vault-cp.txt")" "$here/bench/VaultFloor.java" "$BENCH_DIR/tree"
