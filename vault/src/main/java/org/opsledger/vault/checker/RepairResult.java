package org.opsledger.vault.checker;

import java.util.List;

/**
 * What {@code vault repair} did (or, with {@code dryRun}, would do).
 *
 * @param indexProblems     why index files could not be read (each replaced by what the packs' headers say)
 * @param packsIndexedAgain packs no readable index named, indexed again from their own headers
 * @param packsUnreadable   packs no index names whose header cannot be read either, each as "name: why", left for prune: when
 *                          nothing a snapshot needs is missing from the index (else they are among {@code packs}, kept under damaged/)
 * @param packs             damaged or missing packs, each with what was salvaged from it and what is lost
 * @param files             snapshot files, hold records and condemned records that do not open: what became of each
 * @param bytesRead         pack bytes read to find damage
 * @param unindexed         what a snapshot needs that no index holds once the index is rebuilt: lost
 * @param snapshotsGone     check's warning of snapshots the journal says were written that are gone with no entry saying they
 *                          left (snapshots/ lost: `vault recover` brings them back, repair cannot); null when there are none
 */
public record RepairResult(boolean dryRun, List<String> indexProblems, int packsIndexedAgain, List<String> packsUnreadable,
                           List<RepairedPack> packs, List<DamagedFile> files, int packsRead, long bytesRead, List<String> unwalked,
                           Unindexed unindexed, String snapshotsGone) {

    /**
     * The problem that starts that of a pack no index names whose header does not read, while blobs a snapshot needs are in no
     * index: it may have held them (an interrupted `rsync --partial` cut it short), so it is kept under damaged/ rather than
     * left for prune to delete as an orphan (a tester's, h2); which blobs it held is not known.
     */
    public static final String HEADERLESS = "in no index, and its header does not read: ";

    /**
     * Trees and blobs a snapshot needs that no index holds once repair has rebuilt it, nor a condemned pack: no pack that
     * reads lists them, so they are lost (a pack whose header does not read may have held them). Empty lists when none.
     */
    public record Unindexed(List<String> blobs, List<String> snapshots, List<String> files) {
    }

    /**
     * One damaged or missing pack.
     *
     * @param blobsSalvaged blobs that still authenticate, stored again in new packs
     * @param lostBlobs     blobs no pack holds whole any more: the snapshots and files below need them (none, when
     *                      {@link RepairResult#neededByNone})
     * @param keptAs        where the damaged pack's bytes were kept ("damaged/…"), null when it was missing
     * @param bytesNotRead  of those bytes, how many the medium did not give back (an I/O error): zeros in the copy
     */
    public record RepairedPack(String pack, String problem, int blobsSalvaged, List<String> lostBlobs, List<String> snapshots,
                               List<String> files, String keptAs, long bytesNotRead) {
    }

    /**
     * A snapshot file, hold record or condemned record that cannot be what the vault wrote.
     *
     * @param keptAs  where its bytes were kept ("damaged/snapshots/…"); null when it was left in place
     * @param outcome what that means (a backup lost, a hold kept in force), or why it was left in place
     */
    public record DamagedFile(String name, String problem, String keptAs, String outcome) {

        boolean snapshotLost() {
            return keptAs != null && name.startsWith("snapshots/");
        }
    }

    /**
     * The damaged hold records kept under damaged/ and replaced by a record whose placeholder matter keeps the hold in force
     * (IS.012 6.6.7): what they held is in the journal (§13), which names each snapshot in repair's entry.
     */
    public List<DamagedFile> holdsReplaced() {
        return files.stream().filter(f -> f.keptAs() != null && f.name().startsWith("holds/")).toList();
    }

    /** Blobs no pack holds whole any more that a snapshot needs, or may need: one whose trees could not all be read. */
    public int blobsLost() {
        return packs.stream().filter(p -> !neededByNone(p)).mapToInt(p -> p.lostBlobs().size()).sum() + unindexed.blobs().size();
    }

    /**
     * Blobs no pack holds whole any more that no snapshot needs, every snapshot's trees read (a forgotten one's data before
     * a prune): nothing is lost with them. An older index file put back named such a pack, and repair said "3 blob(s) lost:
     * … forget the snapshots whose sources are gone", exit 3 (a helper's).
     */
    public int blobsDropped() {
        return packs.stream().filter(this::neededByNone).mapToInt(p -> p.lostBlobs().size()).sum();
    }

    public boolean neededByNone(RepairedPack p) {
        return p.snapshots().isEmpty() && unwalked.isEmpty();
    }

    /** Whether the repository needed anything done. */
    public boolean changed() {
        return !indexProblems.isEmpty() || packsIndexedAgain > 0 || !packs.isEmpty() || files.stream().anyMatch(f -> f.keptAs() != null);
    }

    /** Damaged files repair left where they are (held, or not the vault's): still in the way of forget or prune. */
    public long filesLeft() {
        return files.stream().filter(f -> f.keptAs() == null).count();
    }

    /** Snapshots taken out of use: their backups are lost. */
    public long snapshotsLost() {
        return files.stream().filter(DamagedFile::snapshotLost).count();
    }
}
