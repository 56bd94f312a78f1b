package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.prune.Pruner;
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
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("small"), TestTrees.random(1, 1_000));
        Path dir = tmp.resolve("repo");
        try (Repository first = TestTrees.newRepo(dir)) {
            TestTrees.backup(first, data);
        }
        Files.write(data.resolve("big"), TestTrees.random(2, 3_000_000));
        int[] orphans = {0};
        try (Repository admin = TestTrees.open(dir);
             Repository backing = Repository.open(ForwardingBackend.hooked(dir, "index/", 1, () -> {
                 admin.locks().unlock(true); // `vault unlock --remove-all`, then the nightly prune
                 orphans[0] = new Pruner(admin).prune().orphanPacksDeleted();
             }), TestTrees.PASSWORD)) {
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
