#!/usr/bin/env bash
# The vault's S3 backend against its local-disk backend on the same tree, in one JVM, with s3proxy
# (a real S3 server, in-process, loopback HTTP, filesystem store). Run bench/vault-vs-restic.sh
# first: it builds the tree under $BENCH_DIR/tree.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
[ -d "$BENCH_DIR/tree" ] || { echo "no tree at $BENCH_DIR/tree: run bench/vault-vs-restic.sh first" >&2; exit 1; }
(cd "$here" && ./mvnw -q -pl vault -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
   -Dmdep.outputFile="$BENCH_DIR/vault-test-cp.txt") >&2
rm -rf "$BENCH_DIR/s3bench"
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx512m --enable-native-access=ALL-UNNAMED \
  -Dlogback.configurationFile="$here/bench/vault-s3-logback.xml" \
  -cp "$here/vault/target/classes:$(cat "$BENCH_DIR/vault-test-cp.txt")" "$here/bench/VaultS3Bench.java" \
  "$BENCH_DIR/tree" "$BENCH_DIR/s3bench" 2> >(grep -v -E "^(SLF4J|WARNING)" >&2)
rm -rf "$BENCH_DIR/s3bench"
