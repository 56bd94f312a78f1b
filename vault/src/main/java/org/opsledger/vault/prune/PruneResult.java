package org.opsledger.vault.prune;

/**
 * What a prune did: packs condemned (phase 1), deleted (phase 2), kept waiting for a backup, rescued, repacked; the
 * bytes of the packs it deleted, those it wrote again into new packs by repacking (what the repacked packs still held
 * in use), and what the repository lost of its size, the one less the other (never below zero: a repacked pack waiting
 * for a running backup is deleted by a later prune); and the journal's one-entry files gathered into a segment
 * (docs/vault-format.md §13).
 */
public record PruneResult(int packsCondemned, int packsDeleted, int packsWaiting, int packsRescued, int packsRepacked,
                          int orphanPacksDeleted, long bytesDeleted, long bytesRepacked, long bytesFreed, int journalEntriesCompacted) {

    public PruneResult(int packsCondemned, int packsDeleted, int packsWaiting, int packsRescued, int packsRepacked,
                       int orphanPacksDeleted, long bytesDeleted, long bytesRepacked, int journalEntriesCompacted) {
        this(packsCondemned, packsDeleted, packsWaiting, packsRescued, packsRepacked, orphanPacksDeleted, bytesDeleted, bytesRepacked,
                Math.max(0, bytesDeleted - bytesRepacked), journalEntriesCompacted);
    }
}
