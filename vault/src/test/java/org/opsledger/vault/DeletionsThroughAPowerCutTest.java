package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.Rewriter;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A command that deletes says done only once a power cut can no longer undo its deletions ({@link PowerCut}: a directory
 * keeps what it held at its last fsync). A helper's FUSE filesystem that kept only what was fsynced brought back, after
 * each of these exited 0, what it had deleted: a retired epoch's index files sealed under the destroyed key (every
 * command failed until a repair), the record a rewrite had taken a secret out of, forgotten snapshots, released holds.
 */
class DeletionsThroughAPowerCutTest {

    @TempDir
    Path tmp;

    private Repository opened(Path dir, PowerCut cut) {
        return Repository.open(new LocalBackend(dir, cut), TestTrees.PASSWORD);
    }

    /** {@code n} backups of a file that changes each time. */
    private List<SnapshotRef> backups(Path dir, int n) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        List<SnapshotRef> made = new ArrayList<>();
        try (Repository repo = TestTrees.newRepo(dir)) {
            for (int i = 0; i < n; i++) {
                Files.write(data.resolve("f"), TestTrees.random(i, 150_000));
                made.add(TestTrees.backup(repo, data));
            }
        }
        return made;
    }

    /** IS.012 6.6.6.4: the key is destroyed only once nothing sealed under it can come back. */
    @Test
    void aRetiredEpochsFilesStayGoneThroughAPowerCut() throws Exception {
        Path dir = tmp.resolve("repo");
        backups(dir, 2);
        try (Repository repo = TestTrees.open(dir)) {
            new KeyEpochs(repo).rotate();
        }
        PowerCut cut = new PowerCut(dir);
        try (Repository repo = opened(dir, cut)) {
            new KeyEpochs(repo).retire(1);
        }
        assertThat(cut.undone()).as("what a power cut after `key retire` brings back or takes away").isEmpty();
    }

    @Test
    void aRewrittenRecordStaysGoneThroughAPowerCut() throws Exception {
        Path dir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("server.key"), "-----BEGIN PRIVATE KEY-----");
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
        }
        PowerCut cut = new PowerCut(dir);
        try (Repository repo = opened(dir, cut)) {
            new Rewriter(repo).rewrite(repo.snapshots(), List.of("*.key"), "INC-12: a private key", "alice", false);
        }
        assertThat(cut.undone()).as("what a power cut after `rewrite` brings back").isEmpty();
    }

    @Test
    void aForgetAReleaseAndAnAmendStayDoneThroughAPowerCut() throws Exception {
        Path dir = tmp.resolve("repo");
        List<SnapshotRef> made = backups(dir, 3);
        try (Repository repo = TestTrees.open(dir)) {
            repo.hold(made.get(1), "LIT-7", "counsel");
        }
        PowerCut cut = new PowerCut(dir);
        try (Repository repo = opened(dir, cut)) {
            Forgetter forgetter = new Forgetter(repo, ZoneOffset.UTC);
            forgetter.remove(forgetter.plan(List.of(made.getFirst()), Instant.now()), id -> { });
            assertThat(cut.undone()).as("after forget").isEmpty();
            repo.release(made.get(1).id(), null);
            assertThat(cut.undone()).as("after release").isEmpty();
            repo.amend(List.of(made.get(2)), new Amendment("Finance records office", null, null, null, null, "owner left out", "ops"));
            assertThat(cut.undone()).as("after amend").isEmpty();
        }
    }

    /**
     * A forget of many snapshots makes their removal durable at once, before it returns (and so before its journal entry):
     * it fsynced snapshots/ once a snapshot, 999 times for 999 snapshots.
     */
    @Test
    void aForgetOfManySnapshotsSyncsTheirDirectoryOnce() throws Exception {
        Path dir = tmp.resolve("repo");
        SnapshotRef first = backups(dir, 1).getFirst();
        List<SnapshotRef> many = new ArrayList<>();
        try (Repository repo = TestTrees.open(dir)) {
            for (int i = 0; i < 40; i++) {
                Snapshot record = first.snapshot().withTag("n", Integer.toString(i));
                many.add(new SnapshotRef(repo.saveSnapshot(record), record));
            }
        }
        syncsOnceAndStaysDone(dir, "snapshots", "forget", repo -> {
            Forgetter forgetter = new Forgetter(repo, ZoneOffset.UTC);
            List<ObjectId> removed = new ArrayList<>();
            forgetter.remove(forgetter.plan(many, Instant.now()), removed::add);
            assertThat(removed).hasSize(40);
        });
    }

    /** {@code command}'s {@code work} in the repository at {@code dir} fsyncs {@code synced} once, and a power cut after it undoes nothing. */
    private void syncsOnceAndStaysDone(Path dir, String synced, String command, java.util.function.Consumer<Repository> work) {
        PowerCut cut = new PowerCut(dir);
        try (Repository repo = opened(dir, cut)) {
            work.accept(repo);
        }
        assertThat(cut.syncsOf(synced)).as("fsyncs of " + synced + "/ by the " + command).isEqualTo(1);
        assertThat(cut.undone()).as("what a power cut after the " + command + " brings back").isEmpty();
    }

    /** `vault unlock` removes the lock files no process keeps together: one fsync of locks/, not one a file. */
    @Test
    void anUnlockOfManyLockFilesSyncsTheirDirectoryOnce() throws Exception {
        Path dir = tmp.resolve("repo");
        backups(dir, 1);
        for (int i = 0; i < 30; i++) {
            Files.writeString(dir.resolve("locks/" + String.format("%064x", i)), "not a lock record"); // unreadable: unlock removes it
        }
        syncsOnceAndStaysDone(dir, "locks", "unlock", repo -> assertThat(repo.locks().unlock(false)).hasSize(30));
    }

    /** `vault repair` takes damaged snapshot files out of snapshots/ together: one fsync of it, not one a file. */
    @Test
    void aRepairOfManyDamagedSnapshotFilesSyncsTheirDirectoryOnce() throws Exception {
        Path dir = tmp.resolve("repo");
        for (SnapshotRef s : backups(dir, 3)) {
            Path file = dir.resolve("snapshots/" + s.id().hex());
            DamagedPackTest.flipOneByte(file, Files.size(file) / 2);
        }
        syncsOnceAndStaysDone(dir, "snapshots", "repair", repo -> assertThat(new Repairer(repo, 2).repair(0, false).files()).hasSize(3));
    }

    /**
     * forget --prune: before the first pack goes, the forgotten snapshots' removal and the new index are durable; a cut
     * that kept a snapshot's unlink undone and its pack's done (directories written back in another order) listed the
     * snapshot again without its data.
     */
    @Test
    void aPruneDeletesNoPackBeforeTheSnapshotsAndIndexThatNamedItAreGoneForGood() throws Exception {
        Path dir = tmp.resolve("repo");
        backups(dir, 6);
        List<String> undoneAtAPack = new ArrayList<>();
        PowerCut cut = new PowerCut(dir);
        cut.beforeUnlinking(f -> {
            if (cut.named(f).startsWith("data/")) {
                undoneAtAPack.addAll(cut.undoneUnder("snapshots/", "index/"));
            }
        });
        try (Repository repo = opened(dir, cut)) {
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), Instant.now());
            assertThat(new Pruner(repo, 0).prune().packsDeleted()).isPositive();
        }
        assertThat(undoneAtAPack).as("what a power cut as a pack goes brings back").isEmpty();
        assertThat(cut.undone()).as("what a power cut after the prune brings back").isEmpty();
    }
}
