/**
 * Snapshots and trees (docs/vault-format.md §8, §9): a snapshot names its root tree and carries
 * the IS.012 6.6.5.1 record (data owner, classification, time of capture, retention, storage
 * location, source host); a tree lists one directory's nodes; a legal hold pins a snapshot.
 */
package org.opsledger.vault.snapshot;
