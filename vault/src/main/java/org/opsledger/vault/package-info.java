/**
 * The vault: OpsLedger's backup engine. Content-defined chunking, keyed content IDs, zstd,
 * AES-256-GCM, packs, an index, snapshots as trees, legal holds, key epochs and two-phase prune.
 * The format on disk is written down in {@code docs/vault-format.md}; each concept has its own
 * package below this one, as in restic's {@code internal/}. {@link org.opsledger.vault.Vault} is
 * the entry point the CLI and the server use.
 */
package org.opsledger.vault;
