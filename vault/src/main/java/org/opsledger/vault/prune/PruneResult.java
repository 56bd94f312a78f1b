package org.opsledger.vault.prune;

/**
 * What a prune did: packs condemned (phase 1), deleted (phase 2), kept waiting for a backup, rescued, repacked; the
 * bytes of the packs it deleted, those it wrote again into new packs by repacking (what the repacked packs still held
 * in use), and what the repository lost of its size, the one less the other (never below zero: a repacked pack waiting
 * for a running backup is deleted by a later prune); the journal's one-entry files gathered into a segment
 * (docs/vault-format.md §13); and the bytes no snapshot needs that it left in the packs it kept, each under the share of
 * unused bytes that repacks a pack (--max-unused), and how many packs hold them: what a forgotten snapshot alone held
 * may be among them, still in the repository.
 */
public record PruneResult(int packsCondemned, int packsDeleted, int packsWaiting, int packsRescued, int packsRepacked,
                          int orphanPacksDeleted, long bytesDeleted, long bytesRepacked, long bytesFreed, int journalEntriesCompacted,
                          long bytesUnusedLeft, int packsWithUnusedLeft) {

    public PruneResult(int packsCondemned, int packsDeleted, int packsWaiting, int packsRescued, int packsRepacked,
                       int orphanPacksDeleted, long bytesDeleted, long bytesRepacked, int journalEntriesCompacted, long bytesUnusedLeft,
                       int packsWithUnusedLeft) {
        this(packsCondemned, packsDeleted, packsWaiting, packsRescued, packsRepacked, orphanPacksDeleted, bytesDeleted, bytesRepacked,
                Math.max(0, bytesDeleted - bytesRepacked), journalEntriesCompacted, bytesUnusedLeft, packsWithUnusedLeft);
    }
}
