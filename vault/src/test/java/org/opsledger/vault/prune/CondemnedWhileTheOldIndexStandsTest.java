package org.opsledger.vault.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opsledger.vault.ForwardingBackend;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A prune's condemned records say when the pack left the index, and the index still named it until the prune had written
 * them all and replaced the index: on a store where that took minutes (thousands of packs condemned, a PUT each), a backup
 * that began meanwhile read the old index, deduplicated against a condemned pack, and had a lock that started past the
 * condemnation time and the 5 minutes of clock skew allowed. The prune took it for one that read the new index and deleted
 * the pack; the backup's snapshot did not restore. The prune's clock here moves on by the minutes the records and the new
 * index took, between the condemnation and the replacement of the index (InstantSource: no test waits minutes).
 */
class CondemnedWhileTheOldIndexStandsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "the records and the index take {0} min")
    @ValueSource(ints = {6, 11})
    void aBackupThatBeginsBeforeTheOldIndexIsGoneKeepsThePacksItDeduplicatedAgainst(int minutes) throws Exception {
        Path data = tmp.resolve("src/data");
        Path dir = tmp.resolve("repo");
        TestTrees.contentOnlyAForgottenSnapshotHeld(dir, data, 1); // the pack of what config holds is condemned

        // the backup, on another host: it reads the index and stores, then waits at its snapshot until the prune has ended
        CountDownLatch atCommit = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        ForwardingBackend backupStore = new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public void write(String name, byte[] bytes, int off, int len) {
                if (name.startsWith("snapshots/") && atCommit.getCount() > 0) {
                    atCommit.countDown();
                    try {
                        go.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.write(name, bytes, off, len);
            }
        };
        AtomicReference<CompletableFuture<SnapshotRef>> backup = new AtomicReference<>();
        Duration[] behind = {Duration.ofMinutes(minutes)};
        InstantSource pruneClock = () -> Instant.now().minus(behind[0]);
        ForwardingBackend pruneStore = ForwardingBackend.hooked(dir, "index/", 1, () -> {
            behind[0] = Duration.ZERO; // the condemned records are written: the minutes they took have passed
            backup.set(CompletableFuture.supplyAsync(() -> {
                try (Repository other = Repository.open(backupStore, TestTrees.PASSWORD)) {
                    return TestTrees.backup(other, data);
                }
            }));
            try {
                assertThat(atCommit.await(2, TimeUnit.MINUTES)).as("the backup reached its snapshot").isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        PruneResult pruned;
        try (Repository pruning = Repository.open(pruneStore, TestTrees.PASSWORD)) {
            pruned = new Pruner(pruning, Pruner.REPACK_THRESHOLD, pruneClock).prune();
        } finally {
            go.countDown();
        }
        SnapshotRef saved = backup.get().get(2, TimeUnit.MINUTES);
        assertThat(pruned.packsCondemned()).isPositive();
        assertThat(pruned.packsWaiting()).as("kept for the backup that may hold the old index").isPositive();
        try (Repository after = TestTrees.open(dir)) {
            restoresWhole(after, saved, tmp.resolve("out"));
            new Pruner(after).prune(); // the backup has ended: its snapshot's data is put back in the index, not deleted
            assertThat(new Checker(after, 2).check(100).errors()).isEmpty();
            restoresWhole(after, saved, tmp.resolve("again"));
        }
    }

    private static void restoresWhole(Repository repo, SnapshotRef s, Path target) {
        RestoreResult r = new Restorer(repo, 2).restore(s, target, List.of(), true);
        assertThat(r.verifyFailures()).isEmpty();
    }
}
