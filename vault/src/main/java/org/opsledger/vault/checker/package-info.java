/**
 * Verification (docs/vault-format.md §12): structure (every file authentic, every referenced
 * blob indexed, every indexed pack present) and, with read-data, every byte of every pack, with
 * damage traced to the snapshots and files it hurts (IS.012 6.6.4, 6.6.8 integrity).
 */
package org.opsledger.vault.checker;
