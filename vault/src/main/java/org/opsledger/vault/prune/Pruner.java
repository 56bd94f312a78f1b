package org.opsledger.vault.prune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.index.IndexFile;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.repository.BlobsAdded;
import org.opsledger.vault.repository.Condemned;
import org.opsledger.vault.repository.LockRecord;
import org.opsledger.vault.repository.Locks;
import org.opsledger.vault.repository.ReferencedBlobs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * Two-phase prune (docs/vault-format.md §10). Phase 1 condemns packs no snapshot needs and
 * rewrites the index without them; phase 2 deletes a condemned pack only when no backup that
 * might still hold the old index is running, after rescuing any pack a newer snapshot needs.
 * Cancelled with {@code Thread.interrupt()}, a prune throws {@link org.opsledger.vault.Cancelled}; one cancelled while it
 * reads the snapshots and trees has condemned and deleted nothing (docs/architecture.md, "A cancelled job").
 */
public final class Pruner {

    /** A partly used pack is repacked when at least this share of its bytes is unused. */
    public static final double REPACK_THRESHOLD = 0.20;

    private final Repository repo;
    private final double repackThreshold;
    private final InstantSource clock;

    public Pruner(Repository repo) {
        this(repo, REPACK_THRESHOLD);
    }

    /**
     * @param repackThreshold the share of a pack's bytes that must be unused for it to be repacked; 0 repacks every pack
     *                        that holds any unused blob, so nothing a rewrite took out of the snapshots stays (restic's
     *                        {@code --max-unused 0})
     */
    public Pruner(Repository repo, double repackThreshold) {
        this(repo, repackThreshold, InstantSource.system());
    }

    /** As {@link #Pruner(Repository, double)}, telling the time of its condemnations by {@code clock} (a test's, that moves on). */
    Pruner(Repository repo, double repackThreshold, InstantSource clock) {
        if (!(repackThreshold >= 0 && repackThreshold <= 1)) {
            throw new IllegalArgumentException("the share of unused bytes is between 0 and 1, got " + repackThreshold);
        }
        this.repo = repo;
        this.repackThreshold = repackThreshold;
        this.clock = clock;
    }

    /** One-entry journal files this prune leaves out of its journal compaction (a forget's own stand-in entry). */
    private Set<String> journalFilesLeft = Set.of();

    /** This prune leaves {@code names} out of the journal's compaction (Journal#compact(int, Set)). */
    public Pruner leavingInTheJournal(Set<String> names) {
        this.journalFilesLeft = Set.copyOf(names);
        return this;
    }

    private boolean ignoreUnreadableJournal;

    /** The command its refusal at a journal that does not read names, to run again with --ignore-unreadable-journal. */
    private String command = "prune";

    /**
     * This prune goes ahead although a journal file does not read, or a hold placement a check read is gone from the
     * journal ({@link HoldHistory#refuseWhileUnread}): the operator's word that none held a backup (IS.012 6.6.7).
     */
    public Pruner ignoringUnreadableJournal(boolean ignore) {
        return ignoringUnreadableJournal(ignore, "prune");
    }

    /**
     * {@link #ignoringUnreadableJournal(boolean)}, its refusal naming {@code command} as the one to run again with
     * --ignore-unreadable-journal ("prune (or forget --prune)": `forget --prune` named prune's option, which it lacked).
     */
    public Pruner ignoringUnreadableJournal(boolean ignore, String command) {
        this.ignoreUnreadableJournal = ignore;
        this.command = command;
        return this;
    }

    public PruneResult prune() {
        // each look at the index below lists it again and reads only the files it has not read (it read every file 7 times)
        try (SharedLock lock = repo.lock("prune"); Repository.IndexFilesKept kept = repo.keepingIndexFiles()) { // safe beside backups, not beside a repair or key retirement
            repo.locks().removeStale();
            // The packs this prune judges: those indexed now, before the snapshots are listed. A backup ends by writing its
            // index files, then its snapshot: one that ends after this is not judged, and one that ended before is listed
            // below. (Listed first, a snapshot that ended in between was not seen while its packs were: they looked unused.)
            List<String> oldIndexFiles = repo.indexFiles();
            Index index = repo.freshIndex();
            ReferencedBlobs.refuseWhileIndexedPacksMissing(repo, index, "nothing was pruned");
            // ---- phase 0: a backup that held an older index may have referenced condemned blobs; rescue them
            List<Condemned> earlier = condemned();
            List<SnapshotRef> snapshots = repo.snapshots();
            // the journal read once: for holds here, before anything is written, and what it saw gathered at the end (it was
            // read again for that)
            Journal.FilesSeen journalSeen = new Journal.FilesSeen();
            ReferencedBlobs.refuseWhileHeldSnapshotsMissing(repo, snapshots, HoldHistory.of(repo, journalSeen), ignoreUnreadableJournal,
                    "a held backup's data is not freed", command, "nothing was pruned"); // before anything is written
            repo.loadIndex(); // the trees of snapshots listed now may sit in packs indexed after this process read the index
            Set<ObjectId> referenced;
            try {
                referenced = ReferencedBlobs.of(repo, snapshots);
            } catch (VaultException e) {
                // a tree gone from under a prune whose lock went (stopped, another host's prune deleted it meanwhile): the
                // lock's "… was removed by another process …: run it again", not a bare "missing file" (h3's, with a real stop)
                whileHeld(lock, () -> { });
                throw e;
            }
            Index indexed = repo.freshIndex();
            org.opsledger.vault.Cancelled.check("the prune"); // nothing condemned by what an interrupted read left out
            List<IndexFile.Pack> rescue = new ArrayList<>();
            for (Condemned c : earlier) {
                if (c.pack().blobs().stream().map(b -> ObjectId.parse(b.id()))
                        .anyMatch(b -> referenced.contains(b) && !indexed.contains(b))) {
                    rescue.add(c.pack());
                }
            }
            if (!rescue.isEmpty()) {
                whileHeld(lock, () -> repo.writeSealed("index", Sealing.Kind.INDEX, new IndexFile(rescue)));
                whileHeld(lock, () -> repo.backend().deleteAll(rescue.stream().map(p -> "condemned/" + p.id()).toList()));
            }
            // ---- phase 1: condemn
            Map<ObjectId, List<PackedBlob>> byPack = index.byPack();
            List<ObjectId> toCondemn = new ArrayList<>();
            List<ObjectId> toRepack = new ArrayList<>();
            long unusedLeft = 0; // under the threshold: kept as they are, what no snapshot needs in them too
            int packsUnusedLeft = 0;
            for (var e : byPack.entrySet()) {
                long total = 0;
                long unused = 0;
                for (PackedBlob b : e.getValue()) {
                    total += b.length();
                    if (!referenced.contains(b.id())) {
                        unused += b.length();
                    }
                }
                if (unused == total) {
                    toCondemn.add(e.getKey());
                } else if (unused > 0 && unused >= total * repackThreshold) {
                    toRepack.add(e.getKey());
                } else if (unused > 0) {
                    unusedLeft += unused;
                    packsUnusedLeft++;
                }
            }
            BlobsAdded repacking = new BlobsAdded(); // this prune's own: a backup beside it on the object stores too
            Set<ObjectId> repacked = new HashSet<>(); // a blob in two of them (two backups stored it at once) goes in once (KeyEpochs)
            for (ObjectId pack : toRepack) {
                byte[] bytes = repo.backend().read(Repository.packName(pack));
                for (PackedBlob b : byPack.get(pack)) {
                    if (referenced.contains(b.id()) && repacked.add(b.id())) {
                        byte[] plain = repo.openBlob(b.id(), b.compressed(), b.rawLength(), bytes, b.offset(), b.length());
                        repo.storeBlob(b.type(), b.id(), plain, 0, plain.length, repacking);
                    }
                }
            }
            repo.flush(); // new packs and their index file are durable before anything is condemned
            long repackedBytes = repacking.bytes();
            // a record's condemnedAt is when no index file names its pack any more: the old files go once every record and
            // the new index are written, which took minutes on a slow store, and a backup that began meanwhile read the old
            // index with a lock the delete phase took for one begun after it (§10, Delete). Written ahead by the time that
            // may take; written again with the time it ended, when it took longer
            Instant condemnedAt = clock.instant().plus(INDEX_REPLACED_WITHIN);
            Set<ObjectId> condemnedNow = new HashSet<>();
            for (ObjectId pack : concat(toCondemn, toRepack)) {
                writeCondemned(lock, pack, condemnedAt, index, byPack);
                condemnedNow.add(pack);
            }
            if (!condemnedNow.isEmpty() || oldIndexFiles.size() > Repository.indexFilesFor(index) + INDEX_FILES_LEFT) {
                repo.replaceIndex(lock, index, condemnedNow, oldIndexFiles);
            }
            Instant indexReplaced = clock.instant();
            if (indexReplaced.isAfter(condemnedAt)) {
                for (ObjectId pack : condemnedNow) {
                    writeCondemned(lock, pack, indexReplaced, index, byPack);
                }
            }
            if (!toRepack.isEmpty()) {
                // IS.012 6.6.7: a held snapshot's data repacked is in new packs, which the store's legal holds (S3 Object
                // Lock) must cover before the old ones go: a prune left the held data in packs no store hold covered, and
                // the hold records naming the deleted ones (a helper's)
                repo.reloadIndex();
                try (SharedLock holds = repo.holdsLockWaiting()) {
                    holds.whileHeld(() -> {
                        repo.renewStoreHolds();
                        return null;
                    });
                }
            }
            // ---- phase 2: delete what no running backup can still need
            PruneResult r = deleteCondemned(lock, snapshots, referenced, toCondemn.size() + toRepack.size(), toRepack.size());
            repo.reloadIndex();
            // the journal stays a few files (§13); one prune at a time gathers it: two would each write the same entries into
            // a segment of their own. Each wrote its lock before it began, so of two the later sees the earlier here.
            boolean anotherPrune = repo.locks().liveOtherThan(lock).stream().anyMatch(l -> l.kind().equals("prune"));
            Journal.Compaction compacted = anotherPrune ? new Journal.Compaction(0, 0, 0)
                    : lock.whileHeld(() -> new Journal(repo).compact(Journal.SEGMENT_MAX, journalFilesLeft, journalSeen));
            return new PruneResult(r.packsCondemned(), r.packsDeleted(), r.packsWaiting(), r.packsRescued() + rescue.size(),
                    r.packsRepacked(), r.orphanPacksDeleted(), r.bytesDeleted(), repackedBytes, compacted.entries(), unusedLeft, packsUnusedLeft);
        }
    }

    /**
     * Index files beyond those the index needs, full, that a prune leaves, as the journal's small segments (§13): a prune
     * that condemns nothing writes the index anew when there are more. A backup writes an index file of its own, and a
     * repository where nothing is forgotten (a long-term tier, snapshots under legal hold) kept one per backup for good,
     * each listed and read by every command: 4,002 stayed 4,002 after a prune, where restic's prune leaves one (a
     * helper's). The files needed are those the rewrite writes ({@link Repository#indexFilesFor}): counted by blobs
     * alone, packs of more than 8,192 small files' blobs, a file each, were written anew at every prune (a re-tester's).
     */
    public static final int INDEX_FILES_LEFT = 8;

    /**
     * How long after the condemnation time a prune takes at most, as a rule, to write its condemned records and the index
     * without their packs, and delete the old index files: a record says that much later, and is written again with the
     * time the old files were gone when it took longer. Later prunes wait, for that pack, for the backups begun up to then
     * and the clock skew allowed.
     */
    static final Duration INDEX_REPLACED_WITHIN = Duration.ofMinutes(10);

    /**
     * Runs {@code step}, which writes or deletes, only while this prune's lock stands and has not lapsed ({@link
     * SharedLock#whileHeld}): a prune stopped after it read the index and snapshots (SIGSTOP, a suspended VM), its lock
     * removed as stale by another host's prune that then deleted packs, resumed and wrote the index it had read, naming
     * them, exit 0; check found them missing and every prune refused until a repair (h3's). It now fails "… was removed by
     * another process …: run it again" before its next write (docs/operations.md, "Locks").
     */
    private static void whileHeld(SharedLock lock, Runnable step) {
        lock.whileHeld(() -> {
            step.run();
            return null;
        });
    }

    private void writeCondemned(SharedLock lock, ObjectId pack, Instant condemnedAt, Index index, Map<ObjectId, List<PackedBlob>> byPack) {
        whileHeld(lock, () -> repo.writeSealedAs("condemned/" + pack.hex(), Sealing.Kind.CONDEMNED,
                new Condemned(condemnedAt, Index.toFile(pack, index.epochOf(pack), byPack.get(pack)))));
    }

    /** Every condemned record, its pack's blobs readable in memory meanwhile (ReferencedBlobs#condemned). */
    private List<Condemned> condemned() {
        return ReferencedBlobs.condemned(repo);
    }

    private Condemned readCondemned(String name) {
        return ReferencedBlobs.readCondemned(repo, name);
    }

    private PruneResult deleteCondemned(SharedLock own, List<SnapshotRef> seen, Set<ObjectId> referenced,
                                        int condemnedCount, int repacked) {
        // every other live lock: backups, a second prune, a key retirement, a copy into this repository; a stale one passed
        // over is removed, so that its process, should it resume, commits nothing (Locks#liveOtherThanRemovingStale)
        List<LockRecord> backups = repo.locks().liveOtherThanRemovingStale(own);
        // snapshots written since phase 1 may reference condemned blobs: add what they need
        Set<String> seenIds = new HashSet<>();
        seen.forEach(s -> seenIds.add(s.id().hex()));
        List<SnapshotRef> newer = repo.snapshotsBut(seenIds); // only those: it read every snapshot file again
        repo.loadIndex(); // trees of newer snapshots may sit in packs indexed after this process opened the repository
        condemned(); // or in packs condemned since: what is rescued below
        Set<ObjectId> needed = new HashSet<>(referenced);
        needed.addAll(ReferencedBlobs.of(repo, newer));
        Index current = repo.freshIndex();
        org.opsledger.vault.Cancelled.check("the prune"); // nothing deleted by what an interrupted read left out
        int deleted = 0;
        int waiting = 0;
        int rescued = 0;
        long freed = 0;
        List<IndexFile.Pack> rescue = new ArrayList<>();
        // deleted together, each directory fsynced once (a prune deletes thousands of packs), and only after what makes
        // it safe is durable: the forgotten snapshots' removal and the new index (replaceIndex), whose old files named
        // these packs. A power cut that kept an unlink of a snapshot undone and a pack's done listed the snapshot again
        // without its data (a helper's, with a filesystem that keeps only what was fsynced)
        List<String> deletions = new ArrayList<>();
        for (String name : repo.backend().list("condemned")) {
            Condemned c = readCondemned(name);
            if (c == null) {
                continue;
            }
            ObjectId pack = ObjectId.parse(c.pack().id());
            boolean needs = c.pack().blobs().stream().anyMatch(b -> needed.contains(ObjectId.parse(b.id())) && !current.contains(ObjectId.parse(b.id())));
            if (needs) {
                rescue.add(c.pack());
                continue;
            }
            if (current.packs().contains(pack)) {
                deletions.add(name); // an interrupted prune left it indexed: not condemned after all
                continue;
            }
            Instant cutoff = c.condemnedAt().plus(Locks.CLOCK_SKEW);
            if (backups.stream().anyMatch(l -> mayHoldIndexOf(l, cutoff))) {
                waiting++; // a backup that may hold the old index is still running
                continue;
            }
            String packName = Repository.packName(pack);
            if (repo.backend().exists(packName)) {
                try {
                    freed += repo.backend().size(packName);
                } catch (org.opsledger.vault.backend.MissingFileException gone) {
                    // deleted just now by another prune
                }
                deletions.add(packName);
            }
            deletions.add(name);
            deleted++;
        }
        whileHeld(own, () -> repo.backend().deleteAll(deletions));
        if (!rescue.isEmpty()) {
            whileHeld(own, () -> repo.writeSealed("index", Sealing.Kind.INDEX, new IndexFile(rescue)));
            whileHeld(own, () -> repo.backend().deleteAll(rescue.stream().map(p -> "condemned/" + p.id()).toList()));
            rescued = rescue.size();
        }
        int orphans = 0;
        if (backups.isEmpty()) {
            Index after = repo.freshIndex();
            Set<String> stillCondemned = new HashSet<>();
            repo.backend().list("condemned").forEach(n -> stillCondemned.add(n.substring(n.lastIndexOf('/') + 1)));
            List<String> orphanNames = new ArrayList<>();
            for (String name : repo.backend().list("data")) {
                ObjectId pack = Repository.idOfName(name); // null: not a pack, not the vault's to delete
                if (pack != null && !after.packs().contains(pack) && !stillCondemned.contains(pack.hex())) {
                    orphanNames.add(name);
                }
            }
            LocalBackend local = repo.backend().store() instanceof LocalBackend l ? l : null;
            List<Path> leftovers = local == null ? List.of() : local.leftoverTemporaryFiles(Locks.STALE_AFTER);
            // a backup that began after the listings writes new names; one that began before them is seen here
            // (its lock file is written before any pack)
            boolean otherStarted = !repo.locks().liveOtherThanRemovingStale(own).isEmpty();
            if (!otherStarted) {
                List<IndexFile.Pack> indexedAgain = new ArrayList<>();
                List<String> leftByBackups = new ArrayList<>();
                Set<ObjectId> measured = new HashSet<>();
                for (String name : orphanNames) { // every orphan judged before any goes: a refusal deletes none
                    ObjectId pack = Repository.idOfName(name);
                    Repository.PackHeader holds = ReferencedBlobs.neededFrom(repo, pack, needed, after, measured, "the prune",
                            "no orphan pack was deleted");
                    if (holds != null) {
                        indexedAgain.add(Index.toFile(pack, holds.epoch(), holds.blobs()));
                    } else {
                        leftByBackups.add(name);
                    }
                }
                for (String name : leftByBackups) { // left by an interrupted backup: no index names it
                    freed += repo.backend().size(name);
                    orphans++;
                }
                whileHeld(own, () -> repo.backend().deleteAll(leftByBackups));
                if (!indexedAgain.isEmpty()) {
                    whileHeld(own, () -> repo.writeSealed("index", Sealing.Kind.INDEX, new IndexFile(indexedAgain)));
                    rescued += indexedAgain.size();
                }
                for (Path tmp : leftovers) {
                    try {
                        if (KEY_DIRECTORIES.contains(local.root().relativize(tmp.getParent()).toString())) {
                            local.discard(local.root().relativize(tmp).toString()); // a keyring or a key slot: overwritten first
                        } else {
                            Files.deleteIfExists(tmp); // half-written by a killed writer; never read
                        }
                    } catch (IOException | BackendException ignored) {
                        // left for the next prune
                    }
                }
            }
        }
        return new PruneResult(condemnedCount, deleted, waiting, rescued, repacked, orphans, freed, 0, 0, 0, 0);
    }

    /** Where a killed writer's leftover may hold key material (the keyring, key slots): overwritten, not only deleted. */
    private static final Set<String> KEY_DIRECTORIES = Set.of("", "keys");

    /**
     * Whether the process of live lock {@code l} may hold an index read before a pack was condemned ({@code cutoff}: its
     * condemnation and the clock skew allowed): it started before, by its own clock, or its clock cannot be compared with
     * this one. A backup whose clock was set back after it started (NTP at boot) had a lock refreshed before it
     * "started", 9 minutes ahead, and a prune deleted the packs it was using (a helper's).
     */
    private static boolean mayHoldIndexOf(LockRecord l, Instant cutoff) {
        return l.started().isBefore(cutoff) || l.started().isAfter(l.refreshed())
                || l.refreshed().isAfter(Instant.now().plus(Locks.CLOCK_SKEW));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
