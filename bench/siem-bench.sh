#!/usr/bin/env bash
# SIEM forwarding figures for docs/performance.md (## SIEM forwarding): entries per second
# forwarded over TLS (RFC 5425) to Debian's rsyslogd on loopback, ECS and CEF payloads, draining a
# backlog the server wrote first. Runs the whole server on its embedded PostgreSQL in one JVM
# (org.opsledger.audit.internal.siem.SiemForwardingBench, server test sources); needs rsyslog and
# rsyslog-gnutls (apt-get install rsyslog rsyslog-gnutls) and openssl.
# Usage: bench/siem-bench.sh [entries=50000] [batch=500]. Needs a JDK 21+.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(/usr/sbin/rsyslogd -v | head -1 | sed "s/ compiled with://")"
"$JAVA_HOME/bin/java" -Xms512m -Xmx1g -cp "server/target/test-classes:server/target/classes:ledger/target/classes:$(cat "$cp")" \
  org.opsledger.audit.internal.siem.SiemForwardingBench "$@" 2>&1 | grep -Ev '^(WARNING|SLF4J)|^\s*$|^20[0-9]{2}-'
exit "${PIPESTATUS[0]}"
