package org.opsledger.vault.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.ByteSize;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.Keyring;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * Key epochs (docs/vault-format.md §3). IS.012 6.6.8.1: rotation starts a new data key for new
 * data; retirement re-encrypts what an old epoch protects under the current one and then destroys
 * the old key, so anything deleted before is unrecoverable (crypto-shredding, IS.012 6.6.6.4).
 */
public final class KeyEpochs {

    private final Repository repo;

    public KeyEpochs(Repository repo) {
        this.repo = repo;
    }

    /**
     * A new epoch for new data. Not beside a retirement, which ends by writing the keyring it read without the retired
     * epoch: a rotation in between lost its new epoch's key, and a backup sealed under it with it (a helper's).
     */
    public int rotate() {
        try (SharedLock lock = repo.lock("rotate")) { // one at a time (Locks#ONE_AT_A_TIME)
            refuseOverNewerKeyring("key rotate refused, nothing changed", false);
            Keyring next = repo.storedKeyring().rotated(); // as stored: another rotation may have come since we opened
            repo.replaceKeyring(next);
            return next.currentEpoch();
        }
    }

    /**
     * The directories of the sealed files each named by its bytes' SHA-256 that any command writes under the current epoch
     * (docs/vault-format.md §2): a backup's index file and snapshot, every command's journal entry. Packs are not read: a
     * backup's packs come with its index file, sealed under the same epoch. Hold and condemned records are named by the
     * snapshot or pack they are for, so nothing proves one whole and none counts: they were read for nothing (the reviewer's).
     */
    private static final Map<String, Sealing.Kind> SEALED_FILES = Map.of("index", Sealing.Kind.INDEX, "snapshots", Sealing.Kind.SNAPSHOT,
            Journal.DIR, Sealing.Kind.JOURNAL);

    /**
     * Stops a rotation or retirement while a sealed file names an epoch after the keyring's newest, as `vault repair`
     * refuses ({@link Repository#refuseWhileNewerKeyringLacked}): on a keyring put back from an older copy, a rotation made
     * a second, different key for the epoch the store already used, what the real one sealed then failed authentication,
     * and repair moved it under damaged/ (a helper's). Each file's epoch is a ranged read of its first four bytes; only one
     * that names an epoch after the keyring's newest ({@link org.opsledger.vault.crypto.Keys#isLater}) is read whole: only a whole one counts.
     * So is one that names an epoch after the first that the keyring holds, and opened: a whole file that does not open is
     * a copy's written apart under its own key for that epoch and merged back (Repository#sealedUnderAnotherKey).
     * {@code journalRead}: the caller read every file of the journal already (a retirement's one read of it), each opened
     * through Repository#openSealed, which noted what counts: its files are not read again.
     */
    private void refuseOverNewerKeyring(String refused, boolean journalRead) {
        for (var dir : SEALED_FILES.entrySet()) {
            if (journalRead && dir.getKey().equals(Journal.DIR)) {
                continue; // each file opened whole by the caller's read of it (Journal#read), which noted the same
            }
            for (String name : repo.backend().list(dir.getKey())) {
                int epoch = sealedEpochOf(name);
                if (repo.keys().isLater(epoch) || epoch > 1 && repo.keys().keyring().epochs().containsKey(epoch)) {
                    try {
                        repo.openSealed(name, repo.backend().read(name), dir.getValue()); // notes either, as it fails
                    } catch (org.opsledger.vault.backend.MissingFileException gone) {
                        // deleted since listed (a forget, a journal compaction): it names nothing now
                    } catch (org.opsledger.vault.backend.BackendException e) {
                        throw e;
                    } catch (VaultException damaged) {
                        // damage is check's and repair's to name; what counts here was noted as it failed
                    }
                }
            }
        }
        repo.refuseWhileNewerKeyringLacked(refused);
    }

    /** The epoch a sealed file names, or 0 when it is gone or too short to name one. */
    private int sealedEpochOf(String name) {
        try {
            return epochOf(name);
        } catch (org.opsledger.vault.backend.MissingFileException gone) {
            return 0;
        } catch (org.opsledger.vault.backend.BackendException e) {
            try {
                if (repo.backend().size(name) < 4) {
                    return 0; // a short read: an emptied file names no epoch
                }
            } catch (org.opsledger.vault.backend.MissingFileException gone) {
                return 0; // deleted between the read and the look at its size
            }
            throw e;
        }
    }

    /**
     * What a retirement did; {@code unreferencedBlobsDropped}: the blobs of the epoch no snapshot needed, not sealed again;
     * {@code replaced}: the IDs of the snapshots it sealed again, the old ones, then the new
     * ones in the same order (its journal entry names them, as an amend's does: `check` accounts for the old IDs);
     * {@code oldVersions}: what the store's old versions keep of the key ({@link Disposal#oldVersions}), null when none.
     */
    public record Retirement(int epoch, int packsRewritten, int snapshotsRewritten, int otherFilesRewritten, int orphanPacksDeleted,
                             int unreferencedBlobsDropped, List<ObjectId> replaced, String oldVersions) {
    }

    /**
     * The tag of a snapshot written anew by a retirement: the IDs it had before, newest first, separated by spaces
     * (a snapshot's ID is its sealed file's hash, and the file is sealed again).
     */
    public static final String RESEALED_FROM = "resealed-from";

    /**
     * Stops a retirement before it writes anything when a snapshot, hold or journal file does not read ({@code journal}:
     * the retirement's one read of it, null when the repository keeps none): each is sealed
     * again in its turn, and one that does not open stopped the retirement after every pack was written again (a
     * helper's: 38 MiB of packs left for the next prune and the retirement half done).
     */
    private void refuseUnreadable(Repository.SnapshotListing snapshots, HoldHistory journal) {
        List<String> unreadable = new ArrayList<>(snapshots.unreadable());
        unreadable.addAll(repo.listHolds().unreadable());
        if (journal != null) {
            unreadable.addAll(journal.unreadable());
        }
        if (!unreadable.isEmpty()) {
            throw new VaultException("key retire needs every snapshot, hold and journal file to read, and " + unreadable.getFirst()
                    + (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more)" : "")
                    + ": `vault repair` takes such files out of use; nothing was retired");
        }
    }

    /**
     * Stops a retirement before it writes anything while damaged/ keeps a file sealed under the epoch, or one that does
     * not say under which: `vault repair` kept it as evidence of the damage (§12), it cannot be sealed again (it does not
     * authenticate), and a retirement left it readable with the retired key (a helper's). What to keep of the evidence
     * is the operator's to decide, not the retirement's.
     */
    private void refuseDamagedUnder(int epoch) {
        Keyring keyring = repo.keys().keyring();
        List<String> kept = new ArrayList<>();
        for (String name : repo.backend().list("damaged")) {
            int sealedUnder = damagedEpochOf(name);
            if (sealedUnder == epoch || !keyring.epochs().containsKey(sealedUnder) && !keyring.retired().contains(sealedUnder)) {
                kept.add(name);
            }
        }
        if (!kept.isEmpty()) {
            throw new VaultException(kept.size() + " file(s) in damaged/ (" + kept.getFirst() + (kept.size() > 1 ? " …" : "")
                    + ") are sealed under epoch " + epoch + ", or say under none, and only its key reads them: inspect them (`vault"
                    + " repair` kept them of damaged files), delete them, then retire; nothing was retired");
        }
        // a snapshot file repair took out of use, of any epoch: its tree is walked by no one, and what only it needs a
        // retirement drops, which `vault recover` could still have brought back (a re-tester's: "nothing to recover" after)
        List<String> snapshots = repo.backend().list("damaged/snapshots");
        if (!snapshots.isEmpty()) {
            throw new VaultException(snapshots.size() + " snapshot file(s) in damaged/snapshots/ (" + snapshots.getFirst()
                    + (snapshots.size() > 1 ? " …" : "") + "): a retirement drops the data no snapshot needs, and what only those"
                    + " needed `vault recover` can still bring back: recover, inspect and delete them, then retire; nothing was retired");
        }
    }

    /** The epoch a file under damaged/ says it was sealed under, or -1 when it says none that reads. */
    private int damagedEpochOf(String name) {
        try {
            if (name.indexOf('/') == name.lastIndexOf('/')) { // damaged/<pack ID>
                return PackReader.epoch(repo.backend().read(name));
            }
            return epochOf(name);
        } catch (RuntimeException tooShort) {
            org.opsledger.vault.Cancelled.passOn(tooShort, "the retirement");
            return -1;
        }
    }

    /**
     * When and by whom the journal says {@code epoch} was retired ("2026-12-06 18:02:11Z by ops@db1"), the latest
     * retirement of it that succeeded, or null when the journal names none (one kept by no format, or compacted).
     */
    private String retiredOn(int epoch) {
        String line = "retired key epoch " + epoch + ":";
        org.opsledger.vault.journal.Journal journal = new org.opsledger.vault.journal.Journal(repo);
        if (!journal.kept()) {
            return null;
        }
        List<org.opsledger.vault.journal.JournalEntry> found = journal.read(e ->
                e.operation() == org.opsledger.vault.journal.JournalEntry.Operation.KEY
                        && e.outcome() == org.opsledger.vault.journal.JournalEntry.Outcome.OK && e.detail() != null
                        && e.detail().startsWith(line)).entries();
        return found.stream().max(java.util.Comparator.comparing(org.opsledger.vault.journal.JournalEntry::started))
                .map(e -> e.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ')
                        + " by " + e.username() + "@" + e.host()).orElse(null);
    }

    /** {@link #retire(int, boolean)}, refused while the journal does not say whether a hold was released. */
    public Retirement retire(int epoch) {
        return retire(epoch, false);
    }

    /**
     * Retires key epoch {@code epoch}. {@code ignoreUnreadableJournal}: the operator's word that no hold placement gone from
     * the journal held a backup ({@link org.opsledger.vault.journal.HoldHistory#refuseWhileUnread}; a journal file that does
     * not read stops a retirement whatever it says: it must be sealed again).
     */
    public Retirement retire(int epoch, boolean ignoreUnreadableJournal) {
        try (SharedLock lock = repo.lock("retire")) { // runs alone (Locks#RUNS_ALONE): no backup adds a reference meanwhile
            try {
                repo.keys().keyring().withoutEpoch(epoch); // validates before any work, with the keyring as it is now: not current, still live
            } catch (IllegalArgumentException refused) {
                String when = repo.keys().keyring().retired().contains(epoch) ? retiredOn(epoch) : null;
                throw when == null ? refused : new IllegalArgumentException("key epoch " + epoch + " was retired already, on " + when
                        + ": its key is destroyed, nothing to do");
            }
            // the journal read once, as prune reads it: for what was sealed under another key, for files that do not read,
            // for holds, and what it saw sealed again below (it was read four times: each file sealed under a later epoch for
            // the keyring, each file for those two, then every segment and one-entry file to seal the epoch's anew)
            Journal.FilesSeen journalSeen = new Journal.FilesSeen();
            HoldHistory journal = HoldHistory.of(repo, journalSeen);
            refuseOverNewerKeyring("key retire refused, nothing changed", journal != null);
            // IS.012 6.6.6.4: a versioned bucket keeps the key in the keyring's old versions
            String oldVersions = Disposal.oldVersions(repo.backend().keepsOldVersions(), "the keyring");
            // a pack this object's caller saved blobs into and has not flushed is written now, not after the epoch's packs
            // are listed: it would never be sealed again (an engineer's)
            repo.flush();
            Index index = repo.freshIndex();
            var byPack = index.byPack();
            Map<ObjectId, List<PackedBlob>> oldPacks = new java.util.LinkedHashMap<>();
            for (ObjectId p : index.packs()) {
                if (index.epochOf(p) == epoch) {
                    oldPacks.put(p, byPack.getOrDefault(p, List.of()));
                }
            }
            // the snapshots listed once, each file read and decrypted (they were listed four times): under the lock that
            // runs alone no other command writes one, and this retirement writes them in step 3 alone
            Repository.SnapshotListing listing = repo.listSnapshots();
            refuseUnreadable(listing, journal);
            List<SnapshotRef> all = listing.readable(); // every one: refuseUnreadable refused any that does not read
            refuseDamagedUnder(epoch);
            ReferencedBlobs.refuseWhileIndexedPacksMissing(repo, index, "nothing was retired");
            ReferencedBlobs.refuseWhileHeldSnapshotsMissing(repo, all, journal,
                    ignoreUnreadableJournal, "a held backup's data is not dropped with the key", "key retire", "nothing was retired");
            Set<ObjectId> needed = needed(all);
            // a pack of the epoch no index names may be the only copy of what a snapshot needs (§10: an index file lost, or a
            // pack a prune condemned and a backup then used): sealed again like an indexed one, never deleted as an orphan
            // (a helper's: restore failed, "blob … missing from the index", where `vault repair` would have kept it)
            Set<ObjectId> measured = new HashSet<>();
            for (String name : repo.backend().list("data")) {
                ObjectId p = Repository.idOfName(name);
                if (p != null && !index.packs().contains(p)) {
                    Repository.PackHeader h = ReferencedBlobs.neededFrom(repo, p, needed, index, measured, "the retirement", "nothing was retired");
                    if (h != null && h.epoch() == epoch) {
                        oldPacks.put(p, h.blobs());
                    }
                }
            }
            refuseWhatCannotFit(epoch, oldPacks.keySet());
            // 1. re-seal every blob of the old epoch's packs that a snapshot needs into new packs under the current epoch, once:
            //    a blob two backups stored at once is in two packs, and stored twice it sat twice in one new pack, which
            //    check called damaged (index and pack header disagree; a helper's). What nothing needs is dropped, as a
            //    prune with --max-unused 0 drops it: sealed again, forgotten data a default prune had left in a pack still
            //    read under the current key, with any password (IS.012 6.6.6.4; a helper's)
            Set<ObjectId> blobsResealed = new HashSet<>();
            Set<ObjectId> blobsDropped = new HashSet<>();
            for (var e : oldPacks.entrySet()) {
                byte[] bytes = null;
                for (PackedBlob b : e.getValue()) {
                    if (!needed.contains(b.id())) {
                        blobsDropped.add(b.id());
                        continue;
                    }
                    if (!blobsResealed.add(b.id())) {
                        continue;
                    }
                    if (bytes == null) {
                        bytes = repo.backend().read(Repository.packName(e.getKey()));
                    }
                    byte[] plain = openToSealAgain(e.getKey(), epoch, b, bytes);
                    repo.storeBlob(b.type(), b.id(), plain, 0, plain.length);
                }
            }
            repo.flush();
            // 2. one new index without the old packs, then the old index files go
            List<String> oldIndexFiles = repo.indexFiles();
            repo.replaceIndex(lock, repo.freshIndex(), oldPacks.keySet(), oldIndexFiles);
            // 3. snapshots sealed under the old epoch are written anew; a snapshot's ID is its file's hash, so it
            //    changes, and every snapshot whose parent changed ID is rewritten too (oldest first, so a chain follows)
            int snapshots = 0;
            int others = 0;
            Map<ObjectId, ObjectId> renamed = new java.util.LinkedHashMap<>();
            Map<ObjectId, ObjectId> renamedBefore = resealedBefore(all);
            // the old files (snapshots, holds) durable together once all are sealed anew, long before the key goes (one fsync
            // of snapshots/ and of holds/, not one a file): each new file is durable when written, before its old one goes,
            // so a cut between leaves both, and the next run finishes it (resealedBefore)
            try (Backend.Deletions oldFiles = repo.backend().deletions()) {
                for (SnapshotRef ref : all) {
                    String name = "snapshots/" + ref.id().hex();
                    Snapshot s = ref.snapshot();
                    ObjectId successor = renamedBefore.get(ref.id());
                    if (successor != null) { // a retirement stopped after it sealed this one again: its successor stands, it goes
                        moveHold(ref.id(), successor, oldFiles);
                        oldFiles.delete(name);
                        renamed.put(ref.id(), successor);
                        snapshots++;
                        continue;
                    }
                    ObjectId newParent = s.parent() == null ? null : renamed.getOrDefault(s.parent(), renamedBefore.get(s.parent()));
                    if (epochOf(name) != epoch && newParent == null) {
                        continue;
                    }
                    // the record names the ID it had: a copy in another repository, which names that one, is known by it
                    Snapshot resealed = (newParent == null ? s : s.withParent(newParent)).withTag(RESEALED_FROM,
                            RecordHistory.prepend(ref.id().hex(), s.tags() == null ? null : s.tags().get(RESEALED_FROM), RecordHistory.IDS));
                    ObjectId newId = repo.saveSnapshot(resealed);
                    renamed.put(ref.id(), newId);
                    moveHold(ref.id(), newId, oldFiles);
                    oldFiles.delete(name);
                    snapshots++;
                }
            }
            for (String dir : List.of("holds", "condemned")) {
                for (String name : repo.backend().list(dir)) {
                    if (epochOf(name) == epoch) {
                        Sealing.Kind kind = dir.equals("holds") ? Sealing.Kind.HOLD : Sealing.Kind.CONDEMNED;
                        Class<?> type = dir.equals("holds") ? LegalHold.class : Condemned.class;
                        Object value = repo.readSealed(name, kind, type);
                        repo.writeSealedAs(name, kind, value);
                        others++;
                    }
                }
            }
            others += new Journal(repo).sealAgain(epoch, journalSeen).filesRewritten(); // §13: into segments that name what they replace
            // 3b. S3 Object Lock: the store's legal holds follow the held data to its new objects before the old go
            repo.reloadIndex();
            repo.renewStoreHolds();
            // 4. delete the old packs and any unindexed pack of that epoch
            // each deletion, and the key's destruction, only while this retirement's lock stands (SharedLock#whileHeld), as
            // prune's: removed as stale while it was stopped, another host's work went on beside it (h3's)
            lock.whileHeld(() -> {
                repo.backend().deleteAll(oldPacks.keySet().stream().map(Repository::packName).toList());
                return null;
            });
            List<String> orphans = new ArrayList<>();
            Index after = repo.freshIndex();
            for (String name : repo.backend().list("data")) {
                ObjectId p = Repository.idOfName(name); // null: not a pack, not the vault's to delete
                if (p != null && !after.packs().contains(p)) {
                    byte[] bytes = repo.backend().read(name);
                    if (bytes.length < PackReaderTrailer.MIN || PackReader.epoch(bytes) == epoch) {
                        orphans.add(name);
                    }
                }
            }
            lock.whileHeld(() -> {
                repo.backend().deleteAll(orphans);
                return null;
            });
            // 5. only now destroy the key: nothing in the repository needs it any more, and every deletion above is durable
            //    (a power cut after an unlink not yet fsynced brought the old index files back, sealed under the destroyed
            //    key: every command failed until a repair; a helper's). The keyring as stored: no
            //    rotation runs beside a retirement, and none may be lost if one did)
            lock.whileHeld(() -> {
                repo.replaceKeyring(repo.storedKeyring().withoutEpoch(epoch));
                return null;
            });
            // and every keyring a stopped `key rotate` or `key retire` left unfinished beside it, which holds the key too
            // (a helper's: the retired key was still on disk after "its key is destroyed"), and every file a killed writer left
            // in any other directory, sealed under the epoch maybe (a helper's: snapshots/.tmp-… still opened with the
            // retired key). None is being written but by a command that takes no lock: a refused command's journal entry,
            // sealed under the current epoch (a journal file is discarded only if sealed under the retired one; a re-tester's
            // key add lost its slot file to the sweep before key add locked). Lock files are plaintext, and one may be a
            // starting process's, which then refuses; key slots are wrapped by passwords, under no epoch.
            if (repo.backend().store() instanceof LocalBackend local) {
                for (Path tmp : local.leftoverTemporaryFiles(java.time.Duration.ZERO)) {
                    String name = local.root().relativize(tmp).toString();
                    if (!name.startsWith("locks/") && !name.startsWith("keys/") && (!name.startsWith("journal/") || sealedEpochOf(name) == epoch)) {
                        repo.backend().discard(name);
                    }
                }
            }
            repo.reloadIndex(); // the old packs are gone: later reads in this process go to the new ones
            List<ObjectId> replaced = new ArrayList<>(renamed.keySet());
            replaced.addAll(renamed.values());
            return new Retirement(epoch, oldPacks.size(), snapshots, others, orphans.size(), blobsDropped.size(), List.copyOf(replaced), oldVersions);
        }
    }

    /**
     * The snapshots an earlier retirement sealed again, by the IDs they had (each names them in its resealed-from tag),
     * where that old ID is still listed or still a parent: a retirement killed between saving a snapshot anew and deleting
     * the old one, or before it rewrote the children, left the old one beside its successor or a child naming a deleted
     * parent, and the run that finished it sealed the old one again (two copies of a held snapshot, one without its hold)
     * or left the child's parent missing (a re-tester's).
     */
    private static Map<ObjectId, ObjectId> resealedBefore(List<SnapshotRef> snapshots) {
        Map<ObjectId, ObjectId> successors = new java.util.HashMap<>();
        for (SnapshotRef ref : snapshots) {
            for (String old : RecordHistory.entries(ref.snapshot(), RESEALED_FROM, RecordHistory.IDS)) {
                try {
                    successors.put(ObjectId.parse(old), ref.id());
                } catch (IllegalArgumentException notAnId) {
                    // a record written by hand: nothing to finish
                }
            }
        }
        return successors;
    }

    /**
     * IS.012 6.6.7: a hold moves with its snapshot, before the snapshot's old file goes: written anew (durable when written),
     * then the old one deleted in {@code batch}. Never lost: a cut may leave both, never neither.
     */
    private void moveHold(ObjectId from, ObjectId to, Backend.Deletions batch) {
        String holdName = "holds/" + from.hex();
        if (repo.backend().exists(holdName)) {
            LegalHold h = repo.readSealed(holdName, Sealing.Kind.HOLD, LegalHold.class);
            repo.writeSealedAs("holds/" + to.hex(), Sealing.Kind.HOLD, h.movedTo(to));
            batch.delete(holdName);
        }
    }

    /**
     * A blob of the epoch's pack {@code pack}, opened to be sealed again: one that does not authenticate stops the
     * retirement, the pack named, before any old file is deleted or the key destroyed (it said "blob 7fe95c14 fails
     * authentication" and no more: a helper's). What it sealed again so far is sealed again once more by the next run.
     */
    private byte[] openToSealAgain(ObjectId pack, int epoch, PackedBlob b, byte[] bytes) {
        try {
            return repo.openBlob(b.id(), b.compressed(), b.rawLength(), bytes, b.offset(), b.length());
        } catch (DamagedBlobException e) {
            throw new VaultException("key retire cannot read pack " + pack.hex() + " of epoch " + epoch + " (" + e.getMessage()
                    + "): `vault repair --read-data` takes such packs out of use; nothing was retired", e);
        }
    }

    /**
     * Every tree and data blob the snapshots need (held ones are snapshots too; under the lock that runs alone no backup
     * or copy references more): a tree no index names stops the retirement before it writes anything.
     */
    private Set<ObjectId> needed(List<SnapshotRef> snapshots) {
        try {
            ReferencedBlobs.condemned(repo); // a backup that held an older index may reference a condemned pack's trees (§10)
        } catch (VaultException e) {
            org.opsledger.vault.Cancelled.passOn(e, "the retirement");
            if (e instanceof org.opsledger.vault.backend.BackendException) {
                throw e;
            }
            throw new VaultException("key retire needs every condemned record to read, and " + e.getMessage() + ": `vault repair`"
                    + " replaces such a record; nothing was retired", e);
        }
        try {
            return ReferencedBlobs.of(repo, snapshots);
        } catch (VaultException e) {
            org.opsledger.vault.Cancelled.passOn(e, "the retirement");
            throw new VaultException("key retire seals again what the snapshots need, and " + e.getMessage() + "; nothing was retired", e);
        }
    }

    /**
     * A retirement writes the epoch's packs again before it deletes them: on a local disk without room for that it is
     * refused before it writes anything (it failed part-way, disk full, a pack's worth left for the next prune). An
     * object store has no size to ask.
     */
    private void refuseWhatCannotFit(int epoch, java.util.Collection<ObjectId> oldPacks) {
        Path dir = repo.backend().localDirectory().orElse(null);
        if (dir == null) {
            return;
        }
        long needs = 0;
        for (ObjectId p : oldPacks) {
            needs += repo.backend().size(Repository.packName(p));
        }
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return; // no figure to go by: a full disk stops it as before
        }
        if (needs > free) {
            throw new VaultException("key retire writes epoch " + epoch + "'s " + ByteSize.format(needs) + " again before it deletes"
                    + " the old packs, and the filesystem of " + dir + " has " + ByteSize.format(free) + " free: make room"
                    + " (`vault prune` removes what no snapshot needs) and run it again; nothing was changed");
        }
    }

    private int epochOf(String name) {
        byte[] head = repo.backend().readRange(name, 0, 4);
        return Sealing.epochOf(head, 0);
    }

    private static final class PackReaderTrailer {
        static final int MIN = org.opsledger.vault.pack.PackWriter.TRAILER + Sealing.OVERHEAD;
    }
}
