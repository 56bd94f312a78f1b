package org.opsledger.vault.prune;

/**
 * What a prune did: packs condemned (phase 1), deleted (phase 2), kept waiting for a backup, rescued, repacked; and the
 * journal's one-entry files gathered into a segment (docs/vault-format.md §13).
 */
public record PruneResult(int packsCondemned, int packsDeleted, int packsWaiting, int packsRescued, int packsRepacked,
                          int orphanPacksDeleted, long bytesFreed, int journalEntriesCompacted) {
}
