#!/usr/bin/env bash
# What the vault's journal costs (docs/vault-format.md §13): one entry written (every backup, restore, dump
# and check writes one as it ends) and the whole journal read (`vault journal`, `vault check`) after
# ENTRIES entries (default 7,300: ten years of two runs a day), on the local disk and on S3 (s3proxy).
# BENCH_DIR says where (its filesystem is the one measured).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
mkdir -p "$BENCH_DIR"
(cd "$here" && ./mvnw -q -pl vault -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
   -Dmdep.outputFile="$BENCH_DIR/vault-test-cp.txt") >&2
rm -rf "$BENCH_DIR/journalbench"
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx512m --enable-native-access=ALL-UNNAMED \
  -Dlogback.configurationFile="$here/bench/vault-s3-logback.xml" \
  -cp "$here/vault/target/classes:$(cat "$BENCH_DIR/vault-test-cp.txt")" "$here/bench/VaultJournalBench.java" \
  "$BENCH_DIR/journalbench" "${ENTRIES:-7300}" 2> >(grep -v -E "^(SLF4J|WARNING)" >&2)
rm -rf "$BENCH_DIR/journalbench"
