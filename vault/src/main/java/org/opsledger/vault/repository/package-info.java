/**
 * The repository (docs/vault-format.md §2, §3, §10): opening it through a key slot, saving and
 * loading blobs (dedup by content ID, zstd, AES-256-GCM, packing), sealed files (index,
 * snapshots, holds), shared locks, key slots and key epochs.
 */
package org.opsledger.vault.repository;
