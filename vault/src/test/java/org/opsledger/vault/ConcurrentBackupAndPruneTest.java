package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

class ConcurrentBackupAndPruneTest {

    @TempDir
    Path tmp;

    @Test
    void twoHostsBackUpIntoOneRepositoryAtTheSameTime() throws Exception {
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        Path a = Files.createDirectories(tmp.resolve("a/data"));
        Path b = Files.createDirectories(tmp.resolve("b/data"));
        Files.write(a.resolve("shared.bin"), TestTrees.random(1, 5_000_000));
        Files.write(b.resolve("shared.bin"), TestTrees.random(1, 5_000_000));
        Files.write(a.resolve("only-a.bin"), TestTrees.random(2, 3_000_000));
        Files.write(b.resolve("only-b.bin"), TestTrees.random(3, 3_000_000));
        var fa = CompletableFuture.supplyAsync(() -> {
            try (Repository r = TestTrees.open(repoDir)) {
                return new Archiver(r, new BackupProgress()).backup(TestTrees.options(a));
            }
        });
        var fb = CompletableFuture.supplyAsync(() -> {
            try (Repository r = TestTrees.open(repoDir)) {
                return new Archiver(r, new BackupProgress()).backup(TestTrees.options(b));
            }
        });
        SnapshotRef sa = fa.join();
        SnapshotRef sb = fb.join();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(sa.id(), sb.id());
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(sa, tmp.resolve("ra"), List.of(), true).ok()).isTrue();
            assertThat(new Restorer(repo, 2).restore(sb, tmp.resolve("rb"), List.of(), true).ok()).isTrue();
        }
    }

    /** A new repository at {@code repoDir} with one backup of {@code data}, a directory made here of one file of {@code size} bytes. */
    private static SnapshotRef oneBackupOf(Path repoDir, Path data, int size) throws java.io.IOException {
        Files.createDirectories(data);
        Files.write(data.resolve("x.bin"), TestTrees.random(1, size));
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            return TestTrees.backup(repo, data);
        }
    }

    /** {@link #oneBackupOf}, then a second file of {@code size} bytes written into {@code data}, not backed up yet. */
    private static SnapshotRef oneBackupThenAFileMore(Path repoDir, Path data, int size) throws java.io.IOException {
        SnapshotRef first = oneBackupOf(repoDir, data, size);
        Files.write(data.resolve("y.bin"), TestTrees.random(2, size));
        return first;
    }

    /**
     * A backup beside a check: it wrote its snapshot after check listed snapshots/, and its journal entry before check
     * read the journal, and check warned that a snapshot a backup wrote was gone (a helper's). Gone is looked at again.
     */
    @Test
    void aBackupThatEndsWhileACheckRunsIsNotWarnedOfAsGone() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = tmp.resolve("src/data");
        oneBackupOf(repoDir, data, 100_000);
        boolean[] armed = {true};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                List<String> listed = super.list(dir);
                if (dir.equals("snapshots") && armed[0]) { // the backup on another host ends just after the listing
                    armed[0] = false;
                    try (Repository other = TestTrees.open(repoDir)) {
                        Instant began = Instant.now();
                        SnapshotRef s = TestTrees.backup(other, data);
                        new org.opsledger.vault.journal.Journal(other).record(org.opsledger.vault.journal.JournalEntry.of(
                                org.opsledger.vault.journal.JournalEntry.Operation.BACKUP, org.opsledger.vault.journal.JournalEntry.Outcome.OK,
                                began, List.of(data.toString()), List.of(s.id()), false, 0, "saved"));
                    }
                }
                return listed;
            }
        };
        try (Repository checking = Repository.open(store, TestTrees.PASSWORD)) {
            var result = new org.opsledger.vault.checker.Checker(checking, 2).check(0);
            assertThat(armed[0]).isFalse();
            assertThat(result.warnings()).noneMatch(w -> w.contains("no journal entry says they left"));
        }
    }

    /**
     * A backup that ends while check reads the index: check read the index, then listed snapshots/, and found the new
     * snapshot's tree "missing from the index", exit 1, of a sound repository (a helper's). It lists the snapshots first.
     */
    @Test
    void aBackupThatEndsWhileACheckReadsTheIndexIsNoError() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = tmp.resolve("src/data");
        oneBackupThenAFileMore(repoDir, data, 100_000);
        boolean[] armed = {false};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                List<String> listed = super.list(dir);
                if (dir.equals("index") && armed[0]) { // the backup on another host ends just after the index was listed
                    armed[0] = false;
                    try (Repository other = TestTrees.open(repoDir)) {
                        TestTrees.backup(other, data);
                    }
                }
                return listed;
            }
        };
        try (Repository checking = Repository.open(store, TestTrees.PASSWORD)) {
            armed[0] = true;
            var result = new org.opsledger.vault.checker.Checker(checking, 2).check(0);
            assertThat(armed[0]).isFalse();
            assertThat(result.errors()).isEmpty();
        }
    }

    /**
     * An index file a prune replaced between a reader's listing and its read, and a snapshot a forget removed likewise: a
     * backup, check or restore beside a prune failed with "missing file … index/…", a backup beside a forget with "missing
     * file … snapshots/…" (a helper's). The index listing is read again; a snapshot gone is one fewer.
     */
    @Test
    void anIndexFileReplacedOrASnapshotRemovedBetweenListingAndReadingIsNoFailure() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = tmp.resolve("src/data");
        SnapshotRef first = oneBackupThenAFileMore(repoDir, data, 200_000);
        try (Repository repo = TestTrees.open(repoDir)) {
            TestTrees.backup(repo, data);
        }
        boolean[] armed = {true, true};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith("index/") && armed[0]) { // a prune on another host writes the index again just now
                    armed[0] = false;
                    try (Repository other = TestTrees.open(repoDir); org.opsledger.vault.repository.SharedLock lock = other.lock("prune")) {
                        other.replaceIndex(lock, other.freshIndex(), java.util.Set.of(), other.backend().list("index"));
                    }
                }
                if (name.equals("snapshots/" + first.id().hex()) && armed[1]) { // and a forget there removes the older snapshot
                    armed[1] = false;
                    local.delete(name);
                }
                return super.read(name);
            }
        };
        try (Repository reader = Repository.open(store, TestTrees.PASSWORD)) {
            assertThat(reader.index().packs()).as("every pack, from the file that replaced the ones listed").hasSize(
                    new org.opsledger.vault.backend.LocalBackend(repoDir).list("data").size());
            assertThat(reader.listSnapshots().readable()).hasSize(1);
            assertThat(reader.listSnapshots().unreadable()).isEmpty();
        }
        assertThat(armed).containsExactly(false, false);
    }

    /**
     * A key retirement on another host between a reader's listing of snapshots/ and its reading of the files: it seals each
     * snapshot of the retired epoch again under a new ID, writing the new file before it deletes the old. Read once, the
     * listing left out every snapshot it sealed again, and `vault snapshots` (or `find`, `stats`) listed none of the three,
     * exit 0 (f3's). snapshots/ is listed again: each is there by its new file, once.
     */
    @Test
    void aSnapshotAKeyRetirementSealsAgainBetweenListingAndReadingIsListedByItsNewFile() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = tmp.resolve("src/data");
        oneBackupThenAFileMore(repoDir, data, 100_000);
        try (Repository repo = TestTrees.open(repoDir)) {
            TestTrees.backup(repo, data);
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
            TestTrees.backup(repo, data); // under epoch 2, its parent's ID changes with the retirement
        }
        int[] resealed = {-1};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                List<String> listed = super.list(dir);
                if (dir.equals("snapshots") && resealed[0] < 0) { // the retirement on another host runs just after the listing
                    try (Repository other = TestTrees.open(repoDir)) {
                        resealed[0] = new org.opsledger.vault.repository.KeyEpochs(other).retire(1).snapshotsRewritten();
                    }
                }
                return listed;
            }
        };
        try (Repository reader = Repository.open(store, TestTrees.PASSWORD); Repository after = TestTrees.open(repoDir)) {
            Repository.SnapshotListing listing = reader.listSnapshots();
            assertThat(resealed[0]).as("every snapshot was sealed again under a new ID").isEqualTo(3);
            assertThat(listing.readable()).extracting(SnapshotRef::id)
                    .containsExactlyElementsOf(after.snapshots().stream().map(SnapshotRef::id).toList());
            assertThat(listing.unreadable()).isEmpty();
        }
    }

    /**
     * A listing beside a key retirement at the moment it holds both files of a snapshot it sealed again: it writes the
     * successor before it deletes the old file, and `vault snapshots` (find, stats: {@link Repository.SnapshotListing#shown})
     * there listed the snapshot twice, under its old ID and its new one, the same record (a lead's note, session 42). Shown,
     * each is there once, the resealed one by its new ID; the whole listing, which a retirement run again reads to finish
     * what a stopped one left (its hold moved, the old file deleted), keeps both.
     */
    @Test
    void aListingWhileAKeyRetirementHoldsBothFilesOfASnapshotShowsItOnceByItsNewId() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = tmp.resolve("src/data");
        SnapshotRef first = oneBackupThenAFileMore(repoDir, data, 100_000);
        try (Repository repo = TestTrees.open(repoDir)) {
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
            TestTrees.backup(repo, data); // under epoch 2: sealed again too, as its parent's ID changes
        }
        List<Repository.SnapshotListing> seen = new java.util.ArrayList<>();
        // held at the retirement's first deletion under snapshots/: the first snapshot's successor written, its old file not yet deleted
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public void delete(String name) {
                if (name.startsWith("snapshots/") && seen.isEmpty()) {
                    try (Repository reader = TestTrees.open(repoDir)) {
                        seen.add(reader.listSnapshots());
                    }
                }
                super.delete(name);
            }
        };
        try (Repository retiring = Repository.open(store, TestTrees.PASSWORD)) {
            new org.opsledger.vault.repository.KeyEpochs(retiring).retire(1);
        }
        assertThat(seen).as("the hold was reached").hasSize(1);
        Repository.SnapshotListing mid = seen.getFirst();
        assertThat(mid.readable()).as("both files of the first snapshot, and the second's old one").hasSize(3)
                .extracting(SnapshotRef::id).contains(first.id());
        SnapshotRef successor = mid.readable().stream().filter(s -> !s.id().equals(first.id())
                && s.snapshot().time().equals(first.snapshot().time())).findFirst().orElseThrow();
        assertThat(mid.shown()).extracting(SnapshotRef::id).as("once each, the first by its new ID").hasSize(2)
                .contains(successor.id()).doesNotContain(first.id());
        try (Repository after = TestTrees.open(repoDir)) {
            assertThat(after.listSnapshots().shown()).hasSize(2).extracting(SnapshotRef::id).contains(successor.id());
            // a record anyone with the password may write, naming the successor in its tag but recording another backup
            // (the second's), hides nothing: only a record of the same backup stands for the one it names
            SnapshotRef second = after.listSnapshots().shown().stream().filter(s -> !s.id().equals(successor.id())).findFirst().orElseThrow();
            var forged = second.snapshot().withTag(org.opsledger.vault.repository.KeyEpochs.RESEALED_FROM, successor.id().hex());
            after.saveSnapshot(forged);
            assertThat(after.listSnapshots().shown()).as("the successor, the second and the forged record").hasSize(3)
                    .extracting(SnapshotRef::id).contains(successor.id(), second.id());
        }
    }

    /**
     * A backup that ends while a prune runs, between the prune's listing of the snapshots and its reading of the index:
     * a prune that listed the snapshots first saw the backup's packs but not its snapshot, condemned them as unused,
     * took them out of the index and then stopped on the snapshot ("needs tree …, which no pack holds"; a helper's prune
     * did so every time with its download slowed). The index is read first now: the backup's packs are not judged.
     */
    @Test
    void aBackupThatEndsWhileAPruneRunsLosesNothingToIt() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path old = Files.createDirectories(tmp.resolve("old/data"));
        Files.write(old.resolve("x.bin"), TestTrees.random(1, 2_000_000));
        Path fresh = Files.createDirectories(tmp.resolve("new/data"));
        Files.write(fresh.resolve("y.bin"), TestTrees.random(2, 3_000_000));
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, old);
        }
        SnapshotRef[] ended = new SnapshotRef[1];
        boolean[] armed = {false};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                if (dir.equals("index") && armed[0]) { // the backup on another host ends just now
                    armed[0] = false;
                    try (Repository other = TestTrees.open(repoDir)) {
                        ended[0] = new Archiver(other, new BackupProgress()).backup(TestTrees.options(fresh));
                    }
                }
                return super.list(dir);
            }
        };
        try (Repository admin = Repository.open(store, TestTrees.PASSWORD)) {
            admin.index();
            new Forgetter(admin, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
            armed[0] = true;
            PruneResult r = new Pruner(admin).prune();
            assertThat(ended[0]).isNotNull();
            assertThat(r.packsCondemned()).as("the forgotten snapshot's packs, not the new backup's").isPositive();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(ended[0].id());
            assertThat(repo.backend().list("condemned")).isEmpty();
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(ended[0], tmp.resolve("out"), List.of(), true).ok()).isTrue();
        }
    }

    /**
     * A prune that condemns the packs a running restore is reading (its snapshot forgotten meanwhile, or repacked) keeps
     * them until the restore ends: the restore holds a lock as a backup does. Without one, the helper's restore failed
     * halfway with "missing file in repository … data/e6/…", and a check beside a prune reported damage that was not there.
     */
    @Test
    void aPruneDeletesNoPackARunningRestoreReads() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = tmp.resolve("src/data");
        SnapshotRef snap = oneBackupOf(repoDir, data, 3_000_000);
        PruneResult[] pruned = new PruneResult[1];
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (name.startsWith("data/") && pruned[0] == null) { // the restore has planned and begins to read: forget, prune
                    try (Repository admin = TestTrees.open(repoDir)) {
                        new Forgetter(admin, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
                        pruned[0] = new Pruner(admin).prune();
                    }
                }
                return super.readRange(name, offset, length);
            }
        };
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) {
            assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true).ok()).isTrue();
        }
        assertThat(pruned[0].packsCondemned()).isPositive();
        assertThat(pruned[0].packsWaiting()).isEqualTo(pruned[0].packsCondemned());
        assertThat(Files.readAllBytes(tmp.resolve("out/data/x.bin"))).isEqualTo(TestTrees.random(1, 3_000_000));
        try (Repository admin = TestTrees.open(repoDir)) {
            assertThat(admin.backend().list("locks")).as("the restore's lock is gone with it").isEmpty();
            assertThat(new Pruner(admin).prune().packsDeleted()).as("deleted once the restore ended").isPositive();
        }
    }

    @Test
    void pruneKeepsCondemnedPacksWhileAnOlderBackupRunsAndRescuesWhatItReferenced() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = oneBackupOfTwoMegabytes(repoDir);
        // a backup on another host has taken its lock and deduplicated every blob against the index it read after it; the
        // forget and prune come just before it writes its snapshot, which references the blobs they condemn
        boolean[] pruned = {false};
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public void write(String name, byte[] bytes, int off, int len) {
                if (name.startsWith("snapshots/") && !pruned[0]) {
                    pruned[0] = true;
                    forgetAllAndPruneKeepsWhatItCondemns(repoDir);
                }
                super.write(name, bytes, off, len);
            }
        };
        SnapshotRef late;
        try (Repository slowBackup = Repository.open(store, TestTrees.PASSWORD)) {
            late = new Archiver(slowBackup, new BackupProgress()).backup(TestTrees.options(data));
        }
        assertThat(pruned[0]).isTrue();
        // until the next prune indexes them again, its snapshot is read from the condemned packs (a helper's restore
        // failed here with "blob 7c54637b is not in the index", and check called the repository damaged)
        try (Repository repo = TestTrees.open(repoDir)) {
            var check = new Checker(repo, 2).check(100);
            assertThat(check.errors()).isEmpty();
            assertThat(check.warnings()).anyMatch(w -> w.contains("condemned by prune, awaiting deletion"));
            assertThat(new Restorer(repo, 2).restore(late, tmp.resolve("before-rescue"), List.of(), true).ok()).isTrue();
        }
        try (Repository admin = TestTrees.open(repoDir)) {
            PruneResult r = new Pruner(admin).prune();
            assertThat(r.packsRescued()).isPositive();
            assertThat(r.packsDeleted()).isZero();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(late, tmp.resolve("out"), List.of(), true).ok()).isTrue();
        }
    }

    /**
     * A backup whose clock was set back after it started (NTP at boot): its lock, refreshed after that, says it started
     * 9 minutes after it was last refreshed, past the condemnation and the skew allowed, and a prune deleted the packs it
     * was using (a helper's). A lock whose times do not add up makes prune wait, as one started before does.
     */
    @Test
    void pruneWaitsForABackupWhoseClockWasSetBackAfterItStarted() throws Exception {
        Path repoDir = tmp.resolve("repo");
        oneBackupOfTwoMegabytes(repoDir);
        Instant now = Instant.now();
        Files.write(repoDir.resolve("locks/reset"), org.opsledger.vault.VaultJson.write(new org.opsledger.vault.repository.LockRecord(
                "backup", "web-1", 7, now.plus(java.time.Duration.ofMinutes(9)), now, null)));
        forgetAllAndPruneKeepsWhatItCondemns(repoDir);
    }

    /**
     * Two prunes at once: one deleted condemned records (and their packs) the other had listed, and the other failed with
     * "missing file … condemned/…", failing the `forget --prune` around it (a helper's, on S3). A record gone so is done.
     */
    @Test
    void aCondemnedRecordAnotherPruneDeletedMeanwhileIsPassedOver() throws Exception {
        Path repoDir = tmp.resolve("repo");
        oneBackupOfTwoMegabytes(repoDir);
        Instant now = Instant.now();
        Path lock = repoDir.resolve("locks/running");
        Files.write(lock, org.opsledger.vault.VaultJson.write(new org.opsledger.vault.repository.LockRecord(
                "backup", "web-1", 7, now.minusSeconds(60), now, null)));
        forgetAllAndPruneKeepsWhatItCondemns(repoDir); // its records wait for the backup
        Files.delete(lock);
        ForwardingBackend otherPruneFirst = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith("condemned/")) { // the other prune deleted its pack and it just after this one listed them
                    super.delete("data/" + name.substring(10, 12) + "/" + name.substring(10));
                    super.delete(name);
                }
                return super.read(name);
            }
        };
        try (Repository repo = Repository.open(otherPruneFirst, TestTrees.PASSWORD)) {
            PruneResult r = new Pruner(repo).prune();
            assertThat(r.packsDeleted()).as("the other prune deleted them").isZero();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A prune removed every temporary file it found, also those other processes were writing at that moment: a starting
     * backup failed on its lock file, a forget's journal entry was lost (a helper's). Only one not written to for as long
     * as a lock takes to go stale is a killed writer's.
     */
    @Test
    void pruneRemovesOnlyTemporaryFilesNoWriterCanStillBeWriting() throws Exception {
        Path repoDir = tmp.resolve("repo");
        oneBackupOfTwoMegabytes(repoDir);
        Path writing = Files.writeString(repoDir.resolve("locks/.tmp-starting"), "{");
        Path killed = Files.writeString(repoDir.resolve("index/.tmp-killed"), "x");
        Files.setLastModifiedTime(killed, java.nio.file.attribute.FileTime.from(Instant.now().minus(java.time.Duration.ofHours(1))));
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new org.opsledger.vault.checker.Checker(repo, 2).check(0).warnings())
                    .contains("1 temporary file(s) from an interrupted write (never read)");
            new Pruner(repo).prune();
        }
        assertThat(writing).exists();
        assertThat(killed).doesNotExist();
    }

    /** A new repository at {@code repoDir} with one backup of a 2 MB file, tmp/src/data/x.bin: → the directory backed up. */
    private Path oneBackupOfTwoMegabytes(Path repoDir) throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("x.bin"), TestTrees.random(1, 2_000_000));
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        return data;
    }

    /** Forgets every snapshot and prunes: what it condemns waits for a running backup, and nothing is deleted. */
    private static void forgetAllAndPruneKeepsWhatItCondemns(Path repoDir) {
        try (Repository admin = TestTrees.open(repoDir)) {
            new Forgetter(admin, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
            PruneResult r = new Pruner(admin).prune();
            assertThat(r.packsCondemned()).isPositive();
            assertThat(r.packsDeleted()).isZero();
            assertThat(r.packsWaiting()).isEqualTo(r.packsCondemned());
        }
    }

    /**
     * The store at {@code repoDir} whose listings of locks/ lag its writes by {@code lag}, as an S3-compatible store with
     * eventually consistent listings: a lock file is listed {@code lag} after it was written through this object, or first
     * listed (written by another host).
     */
    private static ForwardingBackend locksListedLate(Path repoDir, java.time.Duration lag) {
        java.util.Map<String, Long> since = new java.util.concurrent.ConcurrentHashMap<>();
        return new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                since.putIfAbsent(name, System.nanoTime());
                super.write(name, data, off, len);
            }

            @Override
            public List<String> list(String dir) {
                List<String> all = super.list(dir);
                return !dir.equals("locks") ? all : all.stream().filter(n -> System.nanoTime()
                        - since.computeIfAbsent(n, x -> System.nanoTime()) >= lag.toNanos()).toList();
            }
        };
    }

    /** A repository at {@code repoDir} whose one snapshot is forgotten, opened through {@link #locksListedLate}. */
    private Repository forgottenAndOpenedListingLocksLate(Path repoDir, java.time.Duration lag) throws java.io.IOException {
        oneBackupOfTwoMegabytes(repoDir);
        try (Repository admin = TestTrees.open(repoDir)) {
            new Forgetter(admin, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
        }
        return Repository.open(locksListedLate(repoDir, lag), TestTrees.PASSWORD);
    }

    /** A lock of a backup on another host, begun just now, written to the store at {@code repoDir}. */
    private static void anotherHostsBackupBegins(Path repoDir) throws java.io.IOException {
        Instant now = Instant.now();
        Files.write(repoDir.resolve("locks/web-1"), org.opsledger.vault.VaultJson.write(new org.opsledger.vault.repository.LockRecord(
                "backup", "web-1", 7, now, now, null)));
    }

    /**
     * A store whose listings lag its writes a second: a prune listed locks/ without the lock a backup on another host had
     * written just before, and deleted the packs it condemned, which that backup may deduplicate against. Its own lock,
     * written before it looks, is not listed either: it lists again until it is, and sees the backup's then.
     */
    @Test
    void aPruneWhoseStoreListsLocksLateListsUntilItsOwnLockShows() throws Exception {
        Path repoDir = tmp.resolve("repo");
        try (Repository admin = forgottenAndOpenedListingLocksLate(repoDir, java.time.Duration.ofSeconds(1))) {
            anotherHostsBackupBegins(repoDir);
            PruneResult r = new Pruner(admin).prune();
            assertThat(r.packsCondemned()).isPositive();
            assertThat(r.packsWaiting()).as("kept for the backup").isEqualTo(r.packsCondemned());
        }
    }

    /** One that never lists a lock file it has written: refused once its own has not shown for 10 s, nothing condemned. */
    @Test
    void aPruneWhoseStoreNeverListsItsOwnLockIsRefused() throws Exception {
        Path repoDir = tmp.resolve("repo");
        try (Repository admin = forgottenAndOpenedListingLocksLate(repoDir, java.time.Duration.ofDays(1))) {
            assertThatThrownBy(() -> new Pruner(admin).prune()).hasMessageStartingWith("the store's listing of locks/ at " + repoDir
                    + " still lacks this prune's own lock file locks/").hasMessageEndingWith(" s after it was written: its listings lag"
                    + " its writes, and may lack another host's running backup too; this prune stopped there, deciding nothing from it:"
                    + " use a store that lists what it has written (docs/operations.md, a repository on a network mount)");
        }
        var store = new org.opsledger.vault.backend.LocalBackend(repoDir);
        assertThat(store.list("condemned")).isEmpty();
        assertThat(store.list("locks")).as("the prune's lock released").isEmpty();
    }

    /**
     * A prune through sshfs, which keeps a directory's listing 20 s (dcache_timeout) and forgets it when a file is written
     * there through it: its look before it deleted was served the listing of its first look, without the lock of a backup
     * another host began between them (after the prune condemned), and it deleted the packs it condemned beside that
     * backup. Each look now follows a write of its own lock.
     */
    @Test
    void aPruneThroughAMountThatKeepsListingsUntilItWritesThereSeesABackupBegunSinceItsFirstLook() throws Exception {
        Path repoDir = tmp.resolve("repo");
        oneBackupOfTwoMegabytes(repoDir);
        try (Repository admin = TestTrees.open(repoDir)) {
            new Forgetter(admin, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
        }
        List<String>[] kept = new List[1];
        boolean[] begun = {false};
        ForwardingBackend sshfs = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                if (name.startsWith("condemned/") && !begun[0]) {
                    begun[0] = true;
                    try {
                        anotherHostsBackupBegins(repoDir); // written on the server, not through this mount
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                super.write(name, data, off, len);
                if (name.startsWith("locks/")) {
                    kept[0] = null;
                }
            }

            @Override
            public List<String> list(String dir) {
                if (!dir.equals("locks")) {
                    return super.list(dir);
                }
                if (kept[0] == null) {
                    kept[0] = super.list(dir);
                }
                return kept[0];
            }
        };
        try (Repository admin = Repository.open(sshfs, TestTrees.PASSWORD)) {
            PruneResult r = new Pruner(admin).prune();
            assertThat(begun[0]).isTrue();
            assertThat(r.packsCondemned()).isPositive();
            assertThat(r.packsWaiting()).as("kept for the backup begun after the first look").isEqualTo(r.packsCondemned());
        }
    }
}
