package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.LockRecord;
import org.opsledger.vault.repository.ReferencedBlobs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A backup whose lock was taken away (`vault unlock --remove-all` while it ran, a host suspended past the lock's ten
 * minutes) while a prune deleted its packs as orphans: it commits nothing, leaves no index file naming them, and the
 * backup run again takes no blob for stored whose pack the store does not hold (a tester's, h4, repro-2).
 */
class LockTakenAwayTest {

    @TempDir
    Path tmp;

    private static void restoresWhole(Repository repo, SnapshotRef s, Path target) {
        RestoreResult r = new Restorer(repo, 2).restore(s, target, List.of(), true);
        assertThat(r.verifyFailures()).isEmpty();
    }

    /** Every pack the index files name is in data/. */
    private static void indexNamesNoMissingPack(Path dir) {
        try (Repository after = TestTrees.open(dir)) {
            Set<ObjectId> stored = ReferencedBlobs.storedPacks(after);
            assertThat(after.freshIndex().packs()).allMatch(stored::contains);
        }
    }

    /**
     * The lock removed and a prune run as the backup writes its index file: the backup fails, and the index file it wrote
     * is gone with it; run again, it stores its data again and restores whole.
     */
    @Test
    void aBackupWhoseLockIsRemovedAsItWritesItsIndexLeavesNoIndexOfPacksAPruneDeleted() throws Exception {
        Path dir = tmp.resolve("repo");
        Path data = oneBackupAndABigFileSince(dir);
        try (Repository admin = TestTrees.open(dir)) {
            failsAndLeavesNoIndexOfItsPacks(dir, data, () -> {
                admin.locks().unlock(true); // `vault unlock --remove-all`, then the nightly prune
                return new Pruner(admin).prune().orphanPacksDeleted();
            });
        }
    }

    /**
     * A lock a prune passes over as stale is one it removes. A backup on a host suspended (a laptop's lid, a paused VM) while
     * a prune ran: its lock was fresh when the prune began and removed the stale ones, stale by the time the prune judged
     * the orphan packs, and only passed over there. The prune deleted the packs the backup had written; the host, resumed,
     * found its lock file there (its monotonic clock does not count a suspension), refreshed it and wrote an index file
     * naming the deleted packs, left when it then failed on one of them ("missing file … data/…"): check called the
     * repository damaged, and every prune refused until a repair. The prune now removes the lock it passes over: the
     * backup finds it gone, writes no index file and commits nothing, and run again stores its data again.
     */
    @Test
    void aLockAPruneTakesForStaleMidwayIsRemovedAndItsBackupCommitsNothing() throws Exception {
        Path dir = tmp.resolve("repo");
        Path data = oneBackupAndABigFileSince(dir);
        boolean[] armed = {true};
        // the prune's store: as the prune lists the snapshots (it removed the stale locks just before), the backup's host
        // has been suspended for 11 minutes: its lock file, as another host's reads it, was last refreshed 11 minutes ago
        ForwardingBackend pruneStore = new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public List<String> list(String dirName) {
                if (dirName.equals("snapshots") && armed[0]) {
                    armed[0] = false;
                    suspendedFor(dir, Duration.ofMinutes(11));
                }
                return super.list(dirName);
            }
        };
        try (Repository admin = Repository.open(pruneStore, TestTrees.PASSWORD)) {
            failsAndLeavesNoIndexOfItsPacks(dir, data, () -> new Pruner(admin).prune().orphanPacksDeleted()); // while the host sleeps
        }
        assertThat(armed[0]).isFalse();
    }

    /**
     * Work that runs alone removes the stale locks it passes over, as prune does. A backup on a host suspended: `key rotate`
     * and `key retire 1` ran meanwhile, the retirement taking its lock for stale and leaving it, and deleting the packs the
     * backup had written, in no index yet; the host, resumed, found its lock file there and wrote an index file naming them
     * (then failed "missing file … data/…", the file left). Removed, the backup finds it gone and commits nothing; run
     * again, it restores whole.
     */
    @Test
    void aLockAKeyRetirementTakesForStaleIsRemovedAndItsBackupCommitsNothing() throws Exception {
        Path dir = tmp.resolve("repo");
        Path data = oneBackupAndABigFileSince(dir);
        try (Repository admin = TestTrees.open(dir);
             Repository backing = Repository.open(ForwardingBackend.hooked(dir, "index/", 1, () -> {
                 suspendedFor(dir, Duration.ofMinutes(11)); // the backup's host sleeps while the keys are rotated and retired
                 new KeyEpochs(admin).rotate();
                 new KeyEpochs(admin).retire(1);
             }), TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> TestTrees.backup(backing, data)).isInstanceOf(VaultException.class)
                    .hasMessageContaining("was removed by another process").hasMessageContaining("nothing was committed: run it again");
        }
        try (Repository again = TestTrees.open(dir)) {
            assertThat(new org.opsledger.vault.checker.Checker(again, 2).check(100).errors()).isEmpty();
            SnapshotRef saved = TestTrees.backup(again, data);
            restoresWhole(again, saved, tmp.resolve("out"));
        }
    }

    /**
     * A prune stopped after it read the index and the snapshots (SIGSTOP: a suspended VM, a hung store), its lock taken
     * for stale by another host's prune, which then deleted the packs of a snapshot forgotten meanwhile: resumed, it wrote
     * the index it had read, naming them, exit 0, and check then found them missing and every prune refused until a repair
     * (h3's, finding 1). It now commits nothing once its lock is gone: it fails as the docs say ("Locks"), no index file
     * names a missing pack, and a prune run again goes through.
     */
    @Test
    void aPruneWhoseLockAnotherPruneTookForStaleWritesNothingOnceResumed() throws Exception {
        Path dir = tmp.resolve("repo");
        Path kept = Files.createDirectories(tmp.resolve("src/kept"));
        Path forgotten = Files.createDirectories(tmp.resolve("src/forgotten"));
        Path forgottenMeanwhile = Files.createDirectories(tmp.resolve("src/meanwhile"));
        Files.write(kept.resolve("a"), TestTrees.random(1, 100_000));
        Files.write(forgotten.resolve("b"), TestTrees.random(2, 1_000_000));
        Files.write(forgottenMeanwhile.resolve("c"), TestTrees.random(3, 1_000_000));
        SnapshotRef keep;
        SnapshotRef[] meanwhile = new SnapshotRef[1];
        try (Repository first = TestTrees.newRepo(dir)) {
            keep = TestTrees.backup(first, kept);
            SnapshotRef gone = TestTrees.backup(first, forgotten);
            meanwhile[0] = TestTrees.backup(first, forgottenMeanwhile);
            first.deleteSnapshotUnlessHeld(gone.id()); // what the stopped prune condemns
        }
        boolean[] armed = {true};
        Runnable elsewhere = () -> { // while the prune is stopped, 11 minutes: another host forgets a snapshot and prunes
            armed[0] = false;
            suspendedFor(dir, "prune", Duration.ofMinutes(11));
            try (Repository other = TestTrees.open(dir)) {
                other.deleteSnapshotUnlessHeld(meanwhile[0].id());
                assertThat(new Pruner(other).prune().packsDeleted()).as("the other prune deleted the packs").isPositive();
            }
        };
        // stopped as it writes its first condemned record, having read the index, the snapshots and their trees; or at its
        // first pack read, before the trees: the one it reads next the other prune deleted ("missing file", said alone)
        for (String stopsAt : List.of("condemned/", "data/")) {
            armed[0] = true;
            ForwardingBackend stopped = new ForwardingBackend(new LocalBackend(dir)) {
                @Override
                public void write(String name, byte[] data, int off, int len) {
                    if (name.startsWith(stopsAt) && armed[0]) {
                        elsewhere.run();
                    }
                    super.write(name, data, off, len);
                }

                @Override
                public byte[] readRange(String name, long offset, int length) {
                    if (name.startsWith(stopsAt) && armed[0]) {
                        elsewhere.run();
                    }
                    return super.readRange(name, offset, length);
                }

                @Override
                public byte[] read(String name) {
                    if (name.startsWith(stopsAt) && armed[0]) {
                        elsewhere.run();
                    }
                    return super.read(name);
                }
            };
            try (Repository resumed = Repository.open(stopped, TestTrees.PASSWORD)) {
                assertThatThrownBy(() -> new Pruner(resumed).prune()).as(stopsAt).isInstanceOf(VaultException.class)
                        .hasMessageContaining("this prune's lock file").hasMessageContaining("was removed by another process")
                        .hasMessageContaining("nothing was committed: run it again");
            }
            assertThat(armed[0]).isFalse();
            indexNamesNoMissingPack(dir);
            if (stopsAt.equals("condemned/")) { // a snapshot forgotten for the second round
                try (Repository again = TestTrees.open(dir)) {
                    Files.write(forgottenMeanwhile.resolve("d"), TestTrees.random(4, 1_000_000));
                    meanwhile[0] = TestTrees.backup(again, forgottenMeanwhile);
                    Files.write(forgotten.resolve("e"), TestTrees.random(5, 1_000_000));
                    again.deleteSnapshotUnlessHeld(TestTrees.backup(again, forgotten).id());
                }
            }
        }
        try (Repository again = TestTrees.open(dir)) {
            assertThat(new org.opsledger.vault.checker.Checker(again, 2).check(100).errors()).isEmpty();
            new Pruner(again).prune();
            restoresWhole(again, keep, tmp.resolve("out"));
        }
    }

    /**
     * A key retirement whose lock another process removed while it ran (a host suspended past the lock's ten minutes)
     * after it replaced the index deleted the old packs and destroyed the key all the same, exit 0. It fails as prune does,
     * before it deletes, the key kept (h3's).
     */
    @Test
    void aKeyRetirementWhoseLockIsRemovedDestroysNoKey() throws Exception {
        Path dir = tmp.resolve("repo");
        oneBackupAndABigFileSince(dir);
        try (Repository admin = TestTrees.open(dir)) {
            new KeyEpochs(admin).rotate();
        }
        boolean[] armed = {true};
        ForwardingBackend stopped = new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                if (name.startsWith("snapshots/") && armed[0]) { // the index replaced, as it seals the snapshots again,
                    armed[0] = false;                             // its lock is removed as stale
                    LocalBackend local = new LocalBackend(dir);
                    local.list("locks").forEach(local::delete);
                }
                super.write(name, data, off, len);
            }
        };
        try (Repository retiring = Repository.open(stopped, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> new KeyEpochs(retiring).retire(1)).isInstanceOf(VaultException.class)
                    .hasMessageContaining("this retire's lock file").hasMessageContaining("nothing was committed: run it again");
        }
        assertThat(armed[0]).isFalse();
        try (Repository after = TestTrees.open(dir)) {
            assertThat(after.storedKeyring().epochs()).containsKey(1);
            assertThat(new org.opsledger.vault.checker.Checker(after, 2).check(100).errors()).isEmpty();
        }
    }

    private static void suspendedFor(Path dir, Duration asleep) {
        suspendedFor(dir, "backup", asleep);
    }

    /**
     * The {@code kind} locks in {@code dir} as another host reads them once that host has slept {@code asleep}: last
     * refreshed then, and with no holder this host can look up.
     */
    private static void suspendedFor(Path dir, String kind, Duration asleep) {
        LocalBackend local = new LocalBackend(dir);
        for (String name : local.list("locks")) {
            LockRecord l = VaultJson.read(local.read(name), LockRecord.class);
            if (l.kind().equals(kind)) {
                Instant then = Instant.now().minus(asleep);
                local.write(name, VaultJson.write(new LockRecord(l.kind(), "laptop-7", l.pid(), then, then, null)));
            }
        }
    }

    /** A repository at {@code dir} with one backup of a small file, and a big file added since: the directory backed up. */
    private Path oneBackupAndABigFileSince(Path dir) throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("small"), TestTrees.random(1, 1_000));
        try (Repository first = TestTrees.newRepo(dir)) {
            TestTrees.backup(first, data);
        }
        Files.write(data.resolve("big"), TestTrees.random(2, 3_000_000));
        return data;
    }

    /**
     * A backup of {@code data} that runs {@code prune} (which says how many orphan packs it deleted) just before it writes
     * its index file: it fails, nothing committed, the prune deleted its packs, and no index file names them; run again,
     * it stores its data again and restores whole.
     */
    private void failsAndLeavesNoIndexOfItsPacks(Path dir, Path data, java.util.function.IntSupplier prune) {
        int[] orphans = {0};
        try (Repository backing = Repository.open(ForwardingBackend.hooked(dir, "index/", 1, () -> orphans[0] = prune.getAsInt()),
                TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> TestTrees.backup(backing, data)).isInstanceOf(VaultException.class)
                    .hasMessageContaining("was removed by another process").hasMessageContaining("nothing was committed: run it again");
        }
        assertThat(orphans[0]).as("the prune deleted the backup's packs").isPositive();
        indexNamesNoMissingPack(dir);
        try (Repository again = TestTrees.open(dir)) {
            SnapshotRef saved = TestTrees.backup(again, data);
            restoresWhole(again, saved, tmp.resolve("out"));
        }
    }

    /**
     * An index file names a pack the store no longer holds (written by a backup whose lock a prune no longer saw): a backup
     * stores the blobs again, the file unchanged since its parent too, and its snapshot restores whole.
     */
    @Test
    void aBackupTakesNoBlobForStoredWhosePackIsNotInTheStore() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("big"), TestTrees.random(3, 2_000_000));
        Path dir = tmp.resolve("repo");
        try (Repository first = TestTrees.newRepo(dir)) {
            TestTrees.backup(first, data);
            for (var e : first.index().entries().values()) {
                if (e.type() == BlobType.DATA) {
                    Files.deleteIfExists(dir.resolve(Repository.packName(e.pack())));
                }
            }
        }
        try (Repository again = TestTrees.open(dir)) {
            SnapshotRef saved = TestTrees.backup(again, data);
            restoresWhole(again, saved, tmp.resolve("out"));
        }
    }

    /**
     * `vault unlock --remove-all` removed the lock of a backup running on this very host, naming it "live, backup on vm (pid
     * N)": refused, nothing removed, unless asked for with --even-if-running.
     */
    @Test
    void removingEveryLockRefusesTheLockOfAProcessRunningOnThisHost() throws Exception {
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir); SharedLock running = repo.lock("backup")) {
            assertThatThrownBy(() -> repo.locks().unlock(true, false)).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("lock locks/").hasMessageContaining("is a backup's on " + Repository.hostname() + " (pid "
                            + ProcessHandle.current().pid() + "), a process running on this host")
                    .hasMessageEndingWith("give --even-if-running too; nothing was removed");
            assertThat(repo.locks().live()).hasSize(1);
            assertThat(repo.locks().unlock(true, true)).singleElement().asString().contains(": live, backup on ");
            assertThat(repo.locks().live()).isEmpty();
        }
    }
}
