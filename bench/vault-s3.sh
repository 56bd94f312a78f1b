#!/usr/bin/env bash
# The vault's S3 backend against its local-disk backend on the same tree, in one JVM, with s3proxy
# (a real S3 server, in-process, loopback HTTP, filesystem store). Run bench/vault-vs-restic.sh
# first: it builds the tree under $BENCH_DIR/tree.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
[ -d "$BENCH_DIR/tree" ] || { echo "no tree at $BENCH_DIR/tree: run bench/vault-vs-restic.sh first" >&2; exit 1; }
rm -rf "$BENCH_DIR/s3bench"
"$here/bench/vault-java.sh" VaultS3Bench.java "$BENCH_DIR/tree" "$BENCH_DIR/s3bench"
rm -rf "$BENCH_DIR/s3bench"
