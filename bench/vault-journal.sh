#!/usr/bin/env bash
# What the vault's journal costs (docs/vault-format.md §13): one entry written (every backup, restore, dump,
# check, forget, prune, copy and tier writes one as it ends) and the whole journal read (`vault journal`,
# `vault check`) after ENTRIES entries (default 7,300: ten years of two runs a day), on the local disk and
# on S3 (s3proxy); then ENTRIES/2 days of two entries and a prune each (the segments a journal of years keeps).
# BENCH_DIR says where (its filesystem is the one measured).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=${BENCH_DIR:-/tmp/vault-bench}
rm -rf "$BENCH_DIR/journalbench"
"$here/bench/vault-java.sh" VaultJournalBench.java "$BENCH_DIR/journalbench" "${ENTRIES:-7300}"
rm -rf "$BENCH_DIR/journalbench"
