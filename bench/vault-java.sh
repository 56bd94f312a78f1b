#!/usr/bin/env bash
# Runs one of the Java bench programs beside this script (VaultS3Bench.java, VaultJournalBench.java) as a
# source program on the vault's classes and its test classpath (s3proxy, the AWS SDK); the program may use
# the other sources here (LocalS3.java): a multi-file source program, JDK 22 or later.
#   bench/vault-java.sh PROGRAM.java ARGS…
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
mkdir -p "$BENCH_DIR"
program=$1
shift
(cd "$here" && ./mvnw -q -pl vault -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
   -Dmdep.outputFile="$BENCH_DIR/vault-test-cp.txt") >&2
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx512m --enable-native-access=ALL-UNNAMED \
  -Dlogback.configurationFile="$here/bench/vault-s3-logback.xml" \
  -cp "$here/vault/target/classes:$(cat "$BENCH_DIR/vault-test-cp.txt")" "$here/bench/$program" "$@" \
  2> >(grep -v -E "^(SLF4J|WARNING)" >&2)
