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

    /**
     * A retirement deletes each snapshot it seals anew, and the hold that moves with it, in one batch made durable before
     * the key goes: it fsynced snapshots/ and holds/ once a file (each new file is still fsynced as it is written, before
     * its old one goes, so that a hold is never lost).
     */
    @Test
    void aRetirementSyncsTheDirectoriesOfTheOldSnapshotsAndHoldsOnceForTheirDeletions() throws Exception {
        Path dir = tmp.resolve("repo");
        List<SnapshotRef> many = manySnapshots(dir, 20);
        try (Repository repo = TestTrees.open(dir)) {
            for (SnapshotRef s : many.subList(0, 5)) {
                repo.hold(s, "LIT-7", "counsel");
            }
            new KeyEpochs(repo).rotate();
        }
        PowerCut cut = new PowerCut(dir);
        KeyEpochs.Retirement retired;
        try (Repository repo = opened(dir, cut)) {
            retired = new KeyEpochs(repo).retire(1);
            assertThat(repo.holds()).as("every hold moved with its snapshot").hasSize(5);
        }
        assertThat(retired.snapshotsRewritten()).isEqualTo(21);
        assertThat(cut.syncsOf("snapshots")).as("fsyncs of snapshots/: one a snapshot written anew, one for the old ones' unlinks")
                .isEqualTo(21 + 1);
        assertThat(cut.syncsOf("holds")).as("fsyncs of holds/: one a hold written anew, one for the old ones' unlinks").isEqualTo(5 + 1);
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
        List<SnapshotRef> many = manySnapshots(dir, 40);
        syncsOnceAndStaysDone(dir, "snapshots", "forget", repo -> {
            Forgetter forgetter = new Forgetter(repo, ZoneOffset.UTC);
            List<ObjectId> removed = new ArrayList<>();
            forgetter.remove(forgetter.plan(many, Instant.now()), removed::add);
            assertThat(removed).hasSize(40);
        });
    }

    /**
     * A forget stopped by a signal: the journal's hook lets the locks go (SharedLock.releaseAllOnTheWayOut), then names what
     * the forget handed on as removed. It named snapshots whose unlinks were not yet fsynced (a power cut seconds after the
     * SIGTERM brought them back, the journal saying they were removed), and the forget went on deleting after the list was
     * read (removed, named nowhere). What the entry names is exactly what is durably gone. In a child JVM: a process on
     * its way out takes no lock after.
     */
    @Test
    void aForgetStoppedBySignalNamesExactlyWhatIsDurablyGone() throws Exception {
        Path dir = tmp.resolve("repo");
        manySnapshots(dir, 40);
        java.util.Map<String, String> said = childSaid("forget-stopped", dir.toString());
        assertThat(said.get("NAMED")).as("the entry names what was removed").isNotEmpty();
        assertThat(said.get("UNDONE")).as("what a power cut as the entry is written brings back").isEmpty();
        assertThat(said.get("GONE")).as("removed from snapshots/, once the forget ended").isEqualTo(said.get("NAMED"));
    }

    /**
     * {@link #aForgetStoppedBySignalNamesExactlyWhatIsDurablyGone}'s child: forgets every snapshot, and as the fifth is
     * handed on, does what the journal's hook does on a signal, printing what it names and what a cut then brings back.
     */
    static void forgetStoppedAsItGoes(Path dir) {
        PowerCut cut = new PowerCut(dir);
        SignalHook hook = new SignalHook(cut);
        try (Repository repo = Repository.open(new LocalBackend(dir, cut), TestTrees.PASSWORD)) {
            List<SnapshotRef> all = repo.snapshots();
            Forgetter forgetter = new Forgetter(repo, ZoneOffset.UTC);
            try {
                forgetter.remove(forgetter.plan(all, Instant.now()), id -> {
                    hook.named.add(id);
                    if (hook.named.size() == 5) {
                        hook.stopNow();
                    }
                });
            } catch (RuntimeException stopped) {
                System.out.println("STOPPED " + stopped.getMessage());
            }
            hook.printGone(dir, all);
        }
    }

    /**
     * What the journal's hook does on a signal, in a child JVM as its work goes: lets the locks go, then prints what it names
     * ({@link #named}: NAMED) and what a power cut then brings back of snapshots/ (UNDONE).
     */
    private static final class SignalHook {
        final List<ObjectId> named = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread hook;

        SignalHook(PowerCut cut) {
            hook = new Thread(() -> {
                org.opsledger.vault.repository.SharedLock.releaseAllOnTheWayOut();
                System.out.println("NAMED " + sortedHex(List.copyOf(named)));
                System.out.println("UNDONE " + String.join(" ", cut.undoneUnder("snapshots/")));
            }, "journal-on-signal");
        }

        /** Runs the hook, once: returns when it has named its list, or waits for the commit under way. */
        void stopNow() {
            if (hook.getState() != Thread.State.NEW) {
                return;
            }
            hook.start();
            while (!java.util.Set.of(Thread.State.BLOCKED, Thread.State.WAITING, Thread.State.TERMINATED).contains(hook.getState())) {
                Thread.onSpinWait();
            }
        }

        /** Once the hook has ended, prints which of {@code all} are gone from {@code dir}'s snapshots/ (GONE). */
        void printGone(Path dir, List<SnapshotRef> all) {
            try {
                hook.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            List<ObjectId> gone = all.stream().map(SnapshotRef::id).filter(id -> !Files.exists(dir.resolve("snapshots/" + id.hex()))).toList();
            System.out.println("GONE " + sortedHex(gone));
        }
    }

    /** The lines "WORD rest" a {@link CrashChild} run with {@code args} printed, by word; it must exit 0. */
    private static java.util.Map<String, String> childSaid(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as(out).isZero();
        java.util.Map<String, String> said = new java.util.HashMap<>();
        out.lines().filter(l -> l.matches("[A-Z]+ .*|[A-Z]+")).forEach(l -> said.put(l.split(" ", 2)[0], l.contains(" ") ? l.split(" ", 2)[1] : ""));
        assertThat(said).as(out).containsKeys("NAMED", "UNDONE", "GONE");
        return said;
    }

    /**
     * A tier stopped by a signal, as the forget above (IS.012 6.6.7): its near-line forget went on deleting once the
     * journal's hook had let its locks go, so a hold placed then found the snapshot gone ("no longer in the repository"),
     * the entries named none of what it deleted after, and what they named was not yet durable. Now each original is
     * forgotten and handed on in one commit under the lock of holds, the turn's deletions durable before it goes: the tier
     * deletes nothing after, and the hold placed then wins, the snapshot staying near-line, held.
     */
    @Test
    void aTierStoppedBySignalForgetsNothingAfterAndAHoldPlacedThenWins() throws Exception {
        Path near = tmp.resolve("near");
        manySnapshots(near, 12);
        TestTrees.newRepo(tmp.resolve("far")).close();
        java.util.Map<String, String> said = childSaid("tier-stopped", near.toString(), tmp.resolve("far").toString());
        assertThat(said.get("NAMED").split(" ")).as("the entries name what was forgotten near-line").hasSize(3);
        assertThat(said.get("UNDONE")).as("what a power cut as the entries are written brings back").isEmpty();
        assertThat(said.get("GONE")).as("forgotten near-line, once the tier ended").isEqualTo(said.get("NAMED"));

        // the next one due, held once the tier's lock was let go: the tier did not take it from under the hold
        try (Repository repo = TestTrees.open(near)) {
            SnapshotRef next = repo.findSnapshot(said.get("NEXT"));
            repo.hold(next, "LIT-12", "counsel");
            assertThat(repo.holdOf(next.id())).isNotNull();
            assertThat(repo.snapshots()).as("one backup and 12 more, 3 forgotten").hasSize(13 - 3);
        }
    }

    /**
     * {@link #aTierStoppedBySignalForgetsNothingAfterAndAHoldPlacedThenWins}'s child: tiers every snapshot of {@code near}
     * to {@code far}, and as the third move is handed on, does what the journal's hook does on a signal, printing what it
     * names, what a cut then brings back, and the snapshot due next.
     */
    static void tierStoppedAsItGoes(Path near, Path far) {
        PowerCut cut = new PowerCut(near);
        SignalHook hook = new SignalHook(cut);
        try (Repository repo = Repository.open(new LocalBackend(near, cut), TestTrees.PASSWORD); Repository longTerm = TestTrees.open(far)) {
            List<SnapshotRef> all = repo.snapshots();
            List<ObjectId> order = new ArrayList<>();
            try {
                new org.opsledger.vault.copier.Tiering(repo, longTerm, ZoneOffset.UTC).move(all, (s, copy) -> order.add(s.id()), batch -> { }, m -> {
                    if (m.forgottenNearLine()) {
                        hook.named.add(m.source());
                    }
                    if (hook.named.size() == 3) {
                        hook.stopNow();
                    }
                });
            } catch (RuntimeException stopped) {
                System.out.println("STOPPED " + stopped.getMessage());
            }
            System.out.println("NEXT " + order.get(3).hex());
            hook.printGone(near, all);
        }
    }

    private static String sortedHex(List<ObjectId> ids) {
        return String.join(" ", ids.stream().map(ObjectId::hex).sorted().toList());
    }

    /** A repository at {@code dir} of one backup and {@code n} more snapshots of its tree. */
    private List<SnapshotRef> manySnapshots(Path dir, int n) throws Exception {
        SnapshotRef first = backups(dir, 1).getFirst();
        List<SnapshotRef> many = new ArrayList<>();
        try (Repository repo = TestTrees.open(dir)) {
            for (int i = 0; i < n; i++) {
                Snapshot record = first.snapshot().withTag("n", Integer.toString(i));
                many.add(new SnapshotRef(repo.saveSnapshot(record), record));
            }
        }
        return many;
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
