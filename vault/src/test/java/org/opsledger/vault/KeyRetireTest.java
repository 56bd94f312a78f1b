package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

class KeyRetireTest {

    @TempDir
    Path tmp;

    /**
     * A key retirement read and decrypted every snapshot file four times (its checks of unreadable files and of held
     * snapshots, what the snapshots need, then sealing them again): once now, its sealing as before. (Two listings of the
     * names alone stay: the check of the epochs that files name, before the snapshots are read, and the held snapshots'.)
     */
    @Test
    void aRetirementReadsEachSnapshotOnce() throws Exception {
        Path dir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("src"));
        Files.write(data.resolve("a"), TestTrees.random(1, 10_000));
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            Files.write(data.resolve("b"), TestTrees.random(2, 10_000));
            TestTrees.backup(repo, data);
            new KeyEpochs(repo).rotate();
        }
        ReadsAtADistanceTest.Counting counting = new ReadsAtADistanceTest.Counting(dir, "snapshots");
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            int reads = counting.reads.get();
            KeyEpochs.Retirement done = new KeyEpochs(repo).retire(1);
            assertThat(done.snapshotsRewritten()).isEqualTo(2);
            assertThat(counting.reads.get() - reads).as("snapshot files read whole").isEqualTo(2);
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.snapshots()).hasSize(2);
            assertThat(new Checker(repo, 1).check(0).errors()).isEmpty();
        }
    }

    /**
     * A mirror kept with `rsync -a` without --delete after a key retirement on the original keeps the files the retirement
     * replaced beside their successors: no restore read the index there ("sealed under retired key epoch 1", a tester's).
     * Readers pass such a file over, saying what it is; check names each.
     */
    @Test
    void aMirrorKeptWithoutDeletingReadsPastTheFilesARetirementReplaced() throws Exception {
        Path dir = tmp.resolve("repo");
        Path mirror = tmp.resolve("mirror");
        Path data = Files.createDirectories(tmp.resolve("src"));
        Files.write(data.resolve("a"), TestTrees.random(1, 100_000));
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
        }
        TestTrees.copyTree(dir, mirror);
        try (Repository repo = TestTrees.open(dir)) {
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
        }
        try (var files = Files.walk(dir)) { // the nightly mirror again, deleting nothing
            for (Path p : files.toList()) {
                Path to = mirror.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        List<String> notices = new java.util.ArrayList<>();
        try (Repository repo = TestTrees.open(mirror)) {
            repo.onNotice(notices::add);
            assertThat(repo.listSnapshots().unreadable()).isEmpty();
            SnapshotRef s = repo.snapshots().getFirst();
            assertThat(new Restorer(repo, 2).restore(s, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(notices).anyMatch(n -> n.startsWith("index/") && n.contains("retired key epoch 1") && n.contains("without deleting"));
            assertThat(notices).anyMatch(n -> n.startsWith("snapshots/") && n.contains("retired key epoch 1"));
            assertThat(new org.opsledger.vault.checker.Checker(repo, 2).check(0).errors()).anyMatch(e -> e.contains("without deleting"));
        }
    }

    /**
     * A rotation beside a retirement: the retirement wrote the keyring it had read, without the rotation's new epoch, and
     * a backup sealed under that epoch meanwhile was lost for good (a helper's). A rotation now refuses, and takes the
     * keyring as stored, not as this process read it when it opened the repository.
     */
    @Test
    void aRotationBesideARetirementIsRefusedAndARotationKeepsEpochsAnotherMade() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository retiring = TestTrees.open(dir); Repository rotating = TestTrees.open(dir)) {
            try (var lock = retiring.lock("retire")) {
                assertThatThrownBy(() -> new KeyEpochs(rotating).rotate()).hasMessageContaining(" runs alone in the repository: rotate"
                        + " when it has finished");
            }
            assertThat(new KeyEpochs(rotating).rotate()).isEqualTo(2);
            assertThat(new KeyEpochs(retiring).rotate()).as("opened at epoch 1, the store says 2").isEqualTo(3);
            assertThat(new KeyEpochs(retiring).retire(1).epoch()).isEqualTo(1);
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.keys().keyring().currentEpoch()).isEqualTo(3);
        }
    }

    /**
     * Two backups of one file at once each store its blob, in two packs; a retirement (and a prune's repack) stored it
     * twice in one new pack, and check called that healthy pack damaged, "index and pack header disagree" (a helper's,
     * again and again in a long run of many commands). Each blob is stored once.
     */
    @Test
    void aBlobTwoBackupsStoredAtOnceIsResealedOnceAndCheckIsClean() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("src/a"));
        Path b = Files.createDirectories(tmp.resolve("src/b"));
        byte[] same = TestTrees.random(3, 300_000);
        Files.write(a.resolve("same.bin"), same);
        Files.write(b.resolve("same.bin"), same);
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository first = TestTrees.open(dir); Repository second = TestTrees.open(dir)) {
            first.index();
            second.index(); // both read the index before either stored the blob
            TestTrees.backup(first, a);
            TestTrees.backup(second, b);
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            new KeyEpochs(repo).retire(1);
            assertThat(new org.opsledger.vault.checker.Checker(repo, 2).check(100).errors()).isEmpty();
            // such a pack, as earlier builds wrote it: healthy, and check says so
            byte[] blob = TestTrees.random(4, 1000);
            org.opsledger.vault.crypto.ObjectId id = repo.keys().contentId(blob, 0, blob.length);
            repo.storeBlob(org.opsledger.vault.pack.BlobType.DATA, id, blob, 0, blob.length);
            repo.storeBlob(org.opsledger.vault.pack.BlobType.DATA, id, blob, 0, blob.length);
            repo.flush();
            assertThat(new org.opsledger.vault.checker.Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A check that opened the repository before a `key rotate` met an entry and a backup sealed under the new epoch and
     * called them damaged, "unknown key epoch" (a helper's, in a long run of many commands). An epoch newer than its
     * keyring is looked for in the keyring as stored.
     */
    @Test
    void aCommandOpenedBeforeARotationReadsWhatTheNewEpochSealed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("a.txt"), "a");
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository checking = TestTrees.open(dir); Repository rotating = TestTrees.open(dir)) {
            checking.keys(); // opened at epoch 1
            assertThat(new KeyEpochs(rotating).rotate()).isEqualTo(2);
            TestTrees.backup(rotating, data);
            new Journal(rotating).record(JournalEntry.of(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.OK, Instant.now(),
                    List.of(data.toString()), List.of(), false, 0, "sealed under epoch 2"));
            assertThat(new org.opsledger.vault.checker.Checker(checking, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A retirement reads the journal once, as prune does (HoldHistory#of): it read every file sealed under a later epoch
     * to find one of another keyring, every file to find one that does not read, every file again for holds, then every
     * segment and every one-entry file again to seal the epoch's anew (Journal#sealAgain): four times a journal of years. A segment sealed under the epoch is read once more, as it is
     * written anew; nothing else is.
     */
    @Test
    void aRetirementReadsTheJournalOnce() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 50_000));
        Path dir = tmp.resolve("repo");
        java.util.Set<String> underOne;
        long entries;
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            Journal journal = new Journal(repo);
            for (int i = 0; i < 40; i++) {
                journal.record(JournalEntry.of(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, Instant.now(), List.of(), List.of(),
                        false, 0, "checked " + i));
                if (i % 10 == 9) {
                    journal.compact(); // a segment each ten, sealed under epoch 1
                }
            }
            underOne = new java.util.HashSet<>(repo.backend().list("journal"));
            new KeyEpochs(repo).rotate();
            for (int i = 0; i < 13; i++) {
                journal.record(JournalEntry.of(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, Instant.now(), List.of(), List.of(),
                        false, 0, "after " + i));
                if (i == 9) {
                    journal.compact(); // one under epoch 2, and three one-entry files since
                }
            }
            entries = journal.read().total();
        }
        java.util.Map<String, Integer> reads = new java.util.concurrent.ConcurrentHashMap<>();
        ForwardingBackend counting = ForwardingBackend.countingReads(dir, reads, "journal/");
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            List<String> before = repo.backend().list("journal");
            assertThat(before).as("4 segments under epoch 1, 1 under epoch 2, 3 one-entry files").hasSize(8);
            new KeyEpochs(repo).retire(1);

            int total = reads.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(reads.keySet()).as("every file read").containsExactlyInAnyOrderElementsOf(before);
            assertThat(reads).as("each file read once, a segment of epoch 1 twice (" + total + " reads of " + before.size() + " files)")
                    .allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(underOne.contains(name) ? 2 : 1));
            Journal.Listing after = new Journal(repo).read();
            assertThat(after.unreadable()).isEmpty();
            assertThat(after.total()).as("every entry kept, once").isEqualTo(entries);
        }
    }

    @Test
    void afterRetireNothingDecryptsWithTheRetiredKeyAndEverySnapshotRestores() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("one.bin"), TestTrees.random(1, 1_500_000));
        Path repoDir = tmp.resolve("repo");
        SecretKey epochOne;
        JournalEntry journaled;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            SnapshotRef first = TestTrees.backup(repo, data);
            repo.hold(first, "audit", "auditor");
            journaled = JournalEntry.of(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.OK, Instant.now(), List.of(data.toString()),
                    List.of(first.id()), false, 0, "the first backup");
            new Journal(repo).record(journaled); // sealed under epoch 1 like the rest
            epochOne = repo.keys().dataKey(1);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            Files.write(data.resolve("two.txt"), TestTrees.text(2, 700_000));
            TestTrees.backup(repo, data);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(2)).hasMessageContaining("current epoch");
            KeyEpochs.Retirement r = new KeyEpochs(repo).retire(1);
            assertThat(r.packsRewritten()).isPositive();
            assertThat(r.snapshotsRewritten()).isEqualTo(2); // the first by its epoch, the second because its parent moved
            assertThat(r.otherFilesRewritten()).as("the journal entry (the hold moved with its snapshot)").isEqualTo(1);
        }
        // every sealed file and every pack: try the retired key, it must fail
        int tried = 0;
        try (var files = Files.walk(repoDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String rel = repoDir.relativize(p).toString();
                if (rel.equals("config") || rel.startsWith("keys/") || rel.startsWith("locks/") || rel.equals("keyring")) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(p);
                if (rel.startsWith("data/")) {
                    assertThat(PackReader.epoch(bytes)).isEqualTo(2);
                    assertThatThrownBy(() -> PackReader.header(bytes, e -> epochOne)).isInstanceOf(PackReader.CorruptPackException.class);
                } else {
                    assertThat(Sealing.epochOf(bytes, 0)).as(rel).isEqualTo(2);
                    for (Sealing.Kind kind : Sealing.Kind.values()) {
                        assertThatThrownBy(() -> Sealing.open(epochOne, kind, bytes, 0, bytes.length)).isInstanceOf(AEADBadTagException.class);
                    }
                }
                tried++;
            }
        }
        assertThat(tried).isGreaterThan(4);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.keys().keyring().epochs()).containsOnlyKeys(2);
            assertThat(repo.keys().keyring().retired()).containsExactly(1);
            assertThat(repo.holds()).hasSize(1);
            assertThat(new Journal(repo).read().entries()).containsExactly(journaled.openedWith(new Journal(repo).slotInUse()));
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();
            List<SnapshotRef> snaps = repo.snapshots();
            assertThat(snaps).hasSize(2);
            int i = 0;
            for (SnapshotRef s : snaps) {
                RestoreResult r = new Restorer(repo, 2).restore(s, tmp.resolve("out" + i++), List.of(), true);
                assertThat(r.ok()).isTrue();
            }
            assertThat(Files.readAllBytes(tmp.resolve("out0/data/one.bin"))).isEqualTo(TestTrees.random(1, 1_500_000));
        }
    }

    /**
     * A backup that deduplicated against blobs a prune then condemned (§10: the packs wait for it) references packs only
     * condemned records name; a retirement of their epoch deleted them as orphans without sealing their blobs again, and
     * the snapshot no longer restored, "blob … missing from the index" (a helper's). They are sealed again, as indexed ones.
     */
    @Test
    void packsACondemnedRecordNamesAndALaterBackupUsesAreSealedAgainNotDeleted() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(5, 700_000));
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
        }
        boolean[] pruned = {false};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
            @Override
            public void write(String name, byte[] bytes, int off, int len) {
                if (name.startsWith("snapshots/") && !pruned[0]) { // the backup deduplicated every blob; it is about to reference them
                    pruned[0] = true;
                    try (Repository admin = TestTrees.open(dir)) {
                        new Forgetter(admin, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
                        assertThat(new Pruner(admin, 0).prune().packsWaiting()).as("for this backup").isPositive();
                    }
                }
                super.write(name, bytes, off, len);
            }
        };
        SnapshotRef late;
        try (Repository backingUp = Repository.open(store, TestTrees.PASSWORD)) {
            late = new Archiver(backingUp, new BackupProgress()).backup(TestTrees.options(data));
        }
        assertThat(pruned[0]).isTrue();
        try (Repository repo = TestTrees.open(dir)) {
            KeyEpochs.Retirement r = new KeyEpochs(repo).retire(1);
            assertThat(r.packsRewritten()).as("the two condemned packs").isEqualTo(2);
            assertThat(r.orphanPacksDeleted()).isZero();
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            SnapshotRef now = repo.snapshots().getFirst();
            assertThat(now.snapshot().tree()).isEqualTo(late.snapshot().tree());
            assertThat(new Restorer(repo, 2).restore(now, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(Files.readAllBytes(tmp.resolve("out/data/a.bin"))).isEqualTo(TestTrees.random(5, 700_000));
        }
    }

    /**
     * An index file lost (deleted by hand): the packs it named are the only copy of a snapshot's data, which `vault
     * repair` indexes again from their headers; a retirement of their epoch deleted them as orphans, "0 pack(s)" sealed
     * again (a helper's). It stops before it changes anything, and runs once repair has indexed them.
     */
    @Test
    void aRetirementStopsBeforeItChangesAnythingWhenASnapshotsTreeIsInNoIndex() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(6, 300_000));
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
        }
        try (var files = Files.list(dir.resolve("index"))) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith("key retire seals again what the snapshots"
                    + " need, and snapshot ").hasMessageContaining("`vault repair` indexes again a pack").hasMessageEndingWith("; nothing was retired");
        }
        try (var packs = Files.walk(dir.resolve("data"))) {
            assertThat(packs.filter(Files::isRegularFile).count()).as("the tree pack and the data pack").isEqualTo(2);
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.keys().keyring().epochs()).containsOnlyKeys(1, 2);
            new org.opsledger.vault.checker.Repairer(repo, 2).repair(0, false);
            assertThat(new KeyEpochs(repo).retire(1).packsRewritten()).isEqualTo(2);
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(repo.snapshots().getFirst(), tmp.resolve("out"), List.of(), true).ok()).isTrue();
        }
    }

    /**
     * A file forgotten, then a default prune, which keeps a pack until a fifth of it is unused: the retirement sealed its
     * unreferenced blob again under the current key, readable with any password, where the help promised it
     * unrecoverable (a helper's). Only what a snapshot needs is sealed again; the rest is dropped and counted.
     */
    @Test
    void aBlobNoSnapshotNeedsIsDroppedNotSealedAgain() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        byte[] forgotten = TestTrees.text(7, 3_000);
        Files.write(data.resolve("deleted.txt"), forgotten);
        Files.write(data.resolve("big.bin"), TestTrees.random(8, 2_000_000));
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            Files.delete(data.resolve("deleted.txt"));
            TestTrees.backup(repo, data);
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), Instant.now());
            new Pruner(repo).prune();
            org.opsledger.vault.crypto.ObjectId blob = repo.keys().contentId(forgotten, 0, forgotten.length);
            assertThat(repo.freshIndex().contains(blob)).as("a default prune keeps it, in a pack mostly used").isTrue();
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThat(new KeyEpochs(repo).retire(1).unreferencedBlobsDropped()).isPositive();
            assertThat(repo.freshIndex().contains(blob)).isFalse();
            try (var packs = Files.walk(dir.resolve("data"))) {
                for (Path p : packs.filter(Files::isRegularFile).toList()) {
                    assertThat(repo.packHeader(org.opsledger.vault.crypto.ObjectId.parse(p.getFileName().toString())).blobs())
                            .noneMatch(b -> b.id().equals(blob));
                }
            }
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A pack of the epoch with a blob that does not authenticate stopped the retirement with "blob … fails
     * authentication", no pack named, no remedy; `vault repair --read-data` then kept the pack under damaged/, and every
     * file a killed writer left in snapshots/ or journal/, all of which the retirement left, still opening with the
     * retired key (a helper's). It names the pack; it refuses while damaged/ keeps a file of the epoch; it removes every
     * leftover.
     */
    @Test
    void aBadBlobAndWhatRepairKeptStopTheRetirementAndEveryLeftoverGoes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(9, 700_000));
        Path dir = tmp.resolve("repo");
        Path largest;
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
        }
        try (var packs = Files.walk(dir.resolve("data"))) {
            largest = packs.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(largest);
        bytes[5000] ^= 1;
        Files.write(largest, bytes);
        try (Repository repo = TestTrees.open(dir)) {
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith("key retire cannot read pack "
                    + largest.getFileName() + " of epoch 1 (blob ").hasMessageEndingWith("fails authentication): `vault repair --read-data`"
                    + " takes such packs out of use; nothing was retired");
            assertThat(repo.keys().keyring().epochs()).containsOnlyKeys(1, 2);
            assertThat(largest).exists();
        }
        try (Repository repo = TestTrees.open(dir)) {
            new org.opsledger.vault.checker.Repairer(repo, 2).repair(100, false);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessage("1 file(s) in damaged/ (damaged/" + largest.getFileName()
                    + ") are sealed under epoch 1, or say under none, and only its key reads them: inspect them (`vault repair` kept"
                    + " them of damaged files), delete them, then retire; nothing was retired");
        }
        Files.delete(dir.resolve("damaged/" + largest.getFileName()));
        Path snapshot;
        try (var snaps = Files.list(dir.resolve("snapshots"))) {
            snapshot = snaps.findFirst().orElseThrow();
        }
        Files.copy(snapshot, dir.resolve("snapshots/.tmp-killed")); // a snapshot a killed backup did not rename into place
        Files.copy(snapshot, Files.createDirectories(dir.resolve("journal")).resolve(".tmp-killed"));
        // what commands that take no lock are writing as it runs (a re-tester's key add lost its slot file to the sweep):
        // a refused command's journal entry, under the current epoch, and a key slot, under no epoch
        Path writing = Files.write(dir.resolve("journal/.tmp-writing"), java.nio.ByteBuffer.allocate(64).putInt(2).array());
        Path slot = Files.write(dir.resolve("keys/.tmp-adding"), "{\"kdf\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (Repository repo = TestTrees.open(dir)) {
            new KeyEpochs(repo).retire(1);
        }
        assertThat(writing).exists();
        assertThat(slot).exists();
        Files.delete(writing);
        Files.delete(slot);
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith(".tmp-"))).isEmpty();
        }
    }

    /** A pack a library caller left open (blobs saved, no flush) is written before the epoch's packs are listed, not after. */
    @Test
    void aPackLeftOpenOnTheObjectIsWrittenBeforeTheRetirementListsTheEpochsPacks() throws Exception {
        Path repoDir = tmp.resolve("open-pack-repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            byte[] blob = TestTrees.text(7, 200_000);
            repo.saveBlob(org.opsledger.vault.pack.BlobType.DATA, blob, 0, blob.length); // sealed under epoch 1, in an open pack
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            new KeyEpochs(repo).retire(1);
        }
        try (var packs = Files.walk(repoDir.resolve("data"))) {
            for (Path p : packs.filter(Files::isRegularFile).toList()) {
                assertThat(PackReader.epoch(Files.readAllBytes(p))).as("no pack under the destroyed key: " + p).isNotEqualTo(1);
            }
        }
    }

    /**
     * A retirement stopped while it sealed snapshots again, at each step (the successor saved, its hold moved, the old
     * file deleted, a child not yet rewritten), then run again: three snapshots, the hold on the held one's successor,
     * every parent there. The re-run sealed the old file again beside its successor (two copies of a held snapshot, one
     * without its hold) or left a child naming a deleted parent (a re-tester's, killing it at each rename).
     */
    @Test
    void aRetirementStoppedWhileItSealsSnapshotsAgainIsFinishedByTheNext() throws Exception {
        // the nth write or delete under each: the held one's hold moved; its old file deleted; its child, its grandchild saved
        String[][] stops = {{"holds/", "1"}, {"snapshots/", "2"}, {"snapshots/", "3"}, {"snapshots/", "5"}};
        for (String[] stop : stops) {
            Path dir = tmp.resolve("stopped-" + stop[0].replace('/', '-') + stop[1]);
            Path data = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-src/data"));
            ObjectId heldFirst;
            try (Repository repo = TestTrees.newRepo(dir)) {
                Files.write(data.resolve("a.bin"), TestTrees.random(1, 300_000));
                SnapshotRef first = TestTrees.backup(repo, data);
                repo.hold(first, "M-7", "legal");
                heldFirst = first.id();
                Files.write(data.resolve("b.bin"), TestTrees.random(2, 300_000));
                TestTrees.backup(repo, data); // its child, under epoch 1 too
                assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
                Files.write(data.resolve("c.bin"), TestTrees.random(3, 300_000));
                TestTrees.backup(repo, data); // a grandchild under epoch 2, rewritten only because its parent moves
            }
            ForwardingBackend stopping = ForwardingBackend.hooked(dir, stop[0], Integer.parseInt(stop[1]), () -> {
                throw new IllegalStateException("stopped at " + String.join(" ", stop));
            });
            try (Repository repo = Repository.open(stopping, TestTrees.PASSWORD)) {
                assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).as(String.join(" ", stop)).hasMessageStartingWith("stopped at");
            }
            try (Repository repo = TestTrees.open(dir)) {
                new KeyEpochs(repo).retire(1);
            }
            try (Repository repo = TestTrees.open(dir)) {
                List<SnapshotRef> left = repo.snapshots();
                assertThat(left).as(String.join(" ", stop)).hasSize(3);
                java.util.Set<ObjectId> ids = new java.util.HashSet<>(left.stream().map(SnapshotRef::id).toList());
                assertThat(left).allSatisfy(s -> assertThat(s.snapshot().parent() == null || ids.contains(s.snapshot().parent()))
                        .as("parent of " + s.shortId()).isTrue());
                assertThat(repo.holds()).hasSize(1);
                SnapshotRef held = repo.snapshots().stream().filter(s -> repo.holds().containsKey(s.id())).findFirst().orElseThrow();
                assertThat(held.snapshot().tags().get(KeyEpochs.RESEALED_FROM)).isEqualTo(heldFirst.hex());
                assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            }
        }
    }

    /** A condemned record that does not open stops a retirement with the remedy (it said "condemned/… fails authentication"). */
    @Test
    void aDamagedCondemnedRecordStopsTheRetirementSayingWhatToDo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(4, 100_000));
        Path dir = tmp.resolve("condemned-repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
        }
        Files.write(Files.createDirectories(dir.resolve("condemned")).resolve("ab".repeat(32)), TestTrees.random(5, 200));
        try (Repository repo = TestTrees.open(dir)) {
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith("key retire needs every condemned record"
                    + " to read, and condemned/" + "ab".repeat(32)).hasMessageEndingWith(": `vault repair` replaces such a record;"
                    + " nothing was retired");
            assertThat(repo.keys().keyring().epochs()).containsOnlyKeys(1, 2);
        }
    }

    /** A snapshot file repair took out of use, of another epoch: what only it needs `vault recover` could bring back. */
    @Test
    void aSnapshotFileRepairTookOutOfUseStopsTheRetirementUntilRecovered() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(8, 100_000));
        Path dir = tmp.resolve("damaged-snapshot-repo");
        SnapshotRef second;
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            second = TestTrees.backup(repo, data);
        }
        Path aside = Files.createDirectories(dir.resolve("damaged/snapshots")).resolve(second.id().hex());
        Files.move(dir.resolve("snapshots/" + second.id().hex()), aside); // as repair moves a snapshot file that does not read
        try (Repository repo = TestTrees.open(dir)) {
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessage("1 snapshot file(s) in damaged/snapshots/ (damaged/snapshots/"
                    + second.id().hex() + "): a retirement drops the data no snapshot needs, and what only those needed `vault recover`"
                    + " can still bring back: recover, inspect and delete them, then retire; nothing was retired");
        }
        Files.delete(aside);
        try (Repository repo = TestTrees.open(dir)) {
            new KeyEpochs(repo).retire(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }
}
