package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.Recoverer;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * Two commands from two hosts, one run to its end at the exact moment the other reaches a step: what a helper proved
 * with breakpoints in the debugger. Most came from work read before a lock was written and used after it (the keyring,
 * the index), from commands that wrote no lock a process running alone could see, and from a deletion that did not look
 * again for a legal hold. Each test runs the other command from a hook on the store as the first one writes or deletes
 * a file there.
 */
class InterleavingsTest {

    @TempDir
    Path tmp;

    /** The repository at {@code dir}, opened again, {@code other} run once just before its {@code nth} write or delete of a name under {@code prefix}. */
    private static Repository withHook(Path dir, String prefix, int nth, Runnable other) {
        return Repository.open(ForwardingBackend.hooked(dir, prefix, nth, other), TestTrees.PASSWORD);
    }

    private static void restoresWhole(Repository repo, SnapshotRef s, Path target) {
        RestoreResult r = new Restorer(repo, 2).restore(s, target, List.of(), true);
        assertThat(r.verifyFailures()).isEmpty();
    }

    private static void checkIsClean(Repository repo) {
        CheckResult c = new Checker(repo, 2).check(100);
        assertThat(c.errors()).isEmpty();
    }

    /**
     * A backup reads the keyring when it opens the repository; a `key rotate` and `key retire 1` ran before it wrote its
     * lock (the retirement, running alone, saw none), and the backup sealed its index and snapshot under the destroyed
     * key: "saved", and nothing in the repository read any more. It reads the keyring again once its lock is written.
     */
    @Test
    void aBackupThatOpenedBeforeARotationAndRetirementSealsUnderTheKeyThatIsCurrent() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 100_000));
        Path dir = tmp.resolve("repo");
        try (Repository first = TestTrees.newRepo(dir)) {
            TestTrees.backup(first, data);
        }
        Files.write(data.resolve("b.bin"), TestTrees.random(2, 100_000));
        SnapshotRef saved;
        try (Repository admin = TestTrees.open(dir);
             Repository backing = withHook(dir, "locks/", 1, () -> {
                 new KeyEpochs(admin).rotate();
                 new KeyEpochs(admin).retire(1);
             })) {
            saved = TestTrees.backup(backing, data);
        }
        try (Repository after = TestTrees.open(dir)) {
            assertThat(after.snapshots()).extracting(SnapshotRef::id).contains(saved.id());
            checkIsClean(after);
            restoresWhole(after, after.findSnapshot(saved.id().hex()), tmp.resolve("out"));
        }
    }

    /**
     * An incremental reads the index to compare with its parent before it writes its lock; a forget and a prune in that
     * moment deleted the pack of a file that came back to content only the forgotten snapshot had, and the backup
     * deduplicated against it: "saved", and the snapshot did not restore. The index is read again after the lock.
     */
    @Test
    void anIncrementalDoesNotDeduplicateAgainstDataAPruneDeletedBeforeItsLock() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        byte[] old = TestTrees.random(3, 200_000);
        Files.write(data.resolve("config"), old);
        Files.write(data.resolve("other"), TestTrees.random(4, 50_000));
        Path dir = tmp.resolve("repo");
        SnapshotRef s0;
        try (Repository first = TestTrees.newRepo(dir)) {
            s0 = TestTrees.backup(first, data);
            Files.write(data.resolve("config"), TestTrees.random(5, 200_000));
            TestTrees.backup(first, data); // the parent: config as it is now
        }
        Files.write(data.resolve("config"), old); // back to what only s0 holds
        SnapshotRef saved;
        try (Repository admin = TestTrees.open(dir);
             Repository backing = withHook(dir, "locks/", 1, () -> {
                 Forgetter f = new Forgetter(admin, ZoneOffset.UTC);
                 f.remove(f.plan(List.of(s0), Instant.now()), id -> { });
                 new Pruner(admin, 0).prune();
             })) {
            backing.index(); // as an incremental has it: read before the lock, to compare with the parent
            saved = TestTrees.backup(backing, data);
        }
        try (Repository after = TestTrees.open(dir)) {
            checkIsClean(after);
            restoresWhole(after, after.findSnapshot(saved.id().hex()), tmp.resolve("out"));
        }
    }

    /**
     * The race suspected in prune's delete phase, which the design rules out: a backup that writes its lock after the
     * delete phase listed the locks, and deduplicates against a pack the prune condemned and is about to delete. The pack
     * left the index files before that listing (the new index written, the old files deleted), and a backup reads the
     * index after its lock is written, or again then (whole, when a file it read has gone): here it opened the repository
     * and read the index before the prune condemned, and begins as the prune deletes. It stores the data again; its
     * snapshot restores. (A backup never takes a condemned blob for stored: vault-format.md §10.)
     */
    @Test
    void aBackupThatBeginsAfterThePruneListedTheLocksNeverUsesAPackItCondemned() throws Exception {
        Path data = tmp.resolve("src/data");
        Path dir = tmp.resolve("repo");
        TestTrees.contentOnlyAForgottenSnapshotHeld(dir, data, 3);
        AtomicReference<SnapshotRef> saved = new AtomicReference<>();
        try (Repository backing = TestTrees.open(dir);
             Repository pruning = withHook(dir, "data/", 1, () -> saved.set(TestTrees.backup(backing, data)))) {
            backing.index(); // read before the prune condemned: it names the pack
            assertThat(new Pruner(pruning).prune().packsDeleted()).as("the backup's lock came after the listing").isPositive();
        }
        assertThat(saved.get()).isNotNull();
        try (Repository after = TestTrees.open(dir)) {
            checkIsClean(after);
            restoresWhole(after, saved.get(), tmp.resolve("out"));
        }
    }

    /**
     * A copy takes the target's lock for each snapshot, its index of the target read once: a forget and prune in the
     * target between two snapshots deleted a blob a later snapshot then skipped as there, and the copy did not restore.
     */
    @Test
    void aCopyOfSeveralSnapshotsReadsTheTargetsIndexAgainForEach() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        byte[] config = TestTrees.random(6, 200_000);
        Files.write(data.resolve("config"), config);
        Path source = tmp.resolve("source");
        Path target = tmp.resolve("target");
        List<SnapshotRef> s = new ArrayList<>();
        try (Repository src = TestTrees.newRepo(source); Repository tgt = TestTrees.newRepo(target)) {
            s.add(TestTrees.backup(src, data));
            Files.write(data.resolve("config"), TestTrees.random(7, 200_000));
            s.add(TestTrees.backup(src, data));
            Files.write(data.resolve("config"), config);
            s.add(TestTrees.fullBackup(src, data));
            new Copier(src, tgt).copyOnce(s.get(0)); // t0: the target's only copy of config's first content
        }
        AtomicReference<SnapshotRef> copyOfS2 = new AtomicReference<>();
        try (Repository src = TestTrees.open(source); Repository admin = TestTrees.open(target);
             Repository tgt = withHook(target, "locks/", 3, () -> { // the first copy's lock written, then removed; the second's
                 Forgetter f = new Forgetter(admin, ZoneOffset.UTC);
                 f.remove(f.plan(admin.snapshots(), Instant.now()), id -> { }); // t0, and the copy of s1 just made
                 new Pruner(admin, 0).prune();
             })) {
            Copier copier = new Copier(src, tgt);
            copier.copyOnce(s.get(1));
            copyOfS2.set(copier.copyOnce(s.get(2)).snapshot());
        }
        try (Repository after = TestTrees.open(target)) {
            checkIsClean(after);
            restoresWhole(after, after.findSnapshot(copyOfS2.get().id().hex()), tmp.resolve("out"));
        }
    }

    /** Two rotations at once each wrote a key of their own for one epoch, the later over the earlier: one refuses. */
    @Test
    void aKeyRotationIsRefusedWhileAnotherRuns() throws Exception {
        Path dir = tmp.resolve("repo");
        try (Repository a = TestTrees.newRepo(dir); Repository b = TestTrees.open(dir); SharedLock rotating = a.lock("rotate")) {
            assertThatThrownBy(() -> new KeyEpochs(b).rotate()).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("another key rotation is running on ");
            assertThat(b.storedKeyring().currentEpoch()).isEqualTo(1);
        }
        try (Repository b = TestTrees.open(dir)) {
            assertThat(new KeyEpochs(b).rotate()).isEqualTo(2);
        }
    }

    /**
     * A forget wrote no lock, so a key retirement (which runs alone, and gives snapshots sealed under the epoch new IDs)
     * ran beside it and wrote back under a new ID a snapshot the forget had just removed. The forget holds a lock while
     * it deletes: the retirement is refused.
     */
    @Test
    void aKeyRetirementIsRefusedWhileAForgetDeletes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(8, 10_000));
        Path dir = tmp.resolve("repo");
        SnapshotRef s;
        try (Repository repo = TestTrees.newRepo(dir)) {
            s = TestTrees.backup(repo, data);
            TestTrees.backup(repo, data);
            new KeyEpochs(repo).rotate();
        }
        AtomicReference<Throwable> retire = new AtomicReference<>();
        try (Repository admin = TestTrees.open(dir);
             Repository forgetting = withHook(dir, "snapshots/", 1, () -> {
                 try {
                     new KeyEpochs(admin).retire(1);
                 } catch (RuntimeException e) {
                     retire.set(e);
                 }
             })) {
            Forgetter f = new Forgetter(forgetting, ZoneOffset.UTC);
            List<ObjectId> removed = new ArrayList<>();
            List<ForgetDecision> done = f.remove(f.plan(List.of(s), Instant.now()), removed::add);
            assertThat(removed).containsExactly(s.id());
            assertThat(done).singleElement().satisfies(d -> assertThat(d.keep()).isFalse());
        }
        assertThat(retire.get()).isInstanceOf(VaultException.class).hasMessageStartingWith("a forget on ")
                .hasMessageEndingWith("is working in the repository, and a retire runs alone: run it again when nothing else runs");
        try (Repository after = TestTrees.open(dir)) {
            assertThat(after.snapshots()).hasSize(1);
            assertThat(new KeyEpochs(after).retire(1).snapshotsRewritten()).isEqualTo(1);
            assertThat(after.snapshots()).hasSize(1);
        }
    }

    /** A snapshot another command removed between a forget's plan and its deletion is said to be gone, not removed. */
    @Test
    void aSnapshotGoneBeforeTheForgetDeletesItIsNotCountedAsRemoved() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(9, 10_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Forgetter f = new Forgetter(repo, ZoneOffset.UTC);
            List<ForgetDecision> plan = f.plan(List.of(s), Instant.now());
            repo.backend().delete("snapshots/" + s.id().hex());
            List<ObjectId> removed = new ArrayList<>();
            assertThat(f.remove(plan, removed::add)).singleElement()
                    .satisfies(d -> assertThat(d.reasons()).containsExactly(Forgetter.GONE_MEANWHILE));
            assertThat(removed).isEmpty();
        }
    }

    /** Work that runs alone is not joined by a backup that starts after it looked: a recover took its trees for lost. */
    @Test
    void aBackupIsRefusedWhileWorkThatRunsAloneRuns() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(10, 10_000));
        Path dir = tmp.resolve("repo");
        try (Repository admin = TestTrees.newRepo(dir); Repository backing = TestTrees.open(dir); SharedLock recovering = admin.lock("recover")) {
            assertThatThrownBy(() -> TestTrees.backup(backing, data)).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("a recover on ").hasMessageEndingWith("runs alone in the repository: backup when it has finished");
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.snapshots()).isEmpty();
            assertThat(new Recoverer(repo).recover(true).trees()).as("the refused backup left no tree behind").isEmpty();
        }
    }

    /**
     * A copy brought to its source's amended record deletes the old copy unless it is held: it looked for a hold, then
     * deleted, and a hold placed in between was left naming a snapshot that was gone (check said nothing, and a prune
     * freed every pack). It looks again after the deletion, and the held copy is written back.
     */
    @Test
    void aHoldPlacedOnACopyWhileItsAmendedRecordReplacesItKeepsIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(11, 10_000));
        Path source = tmp.resolve("source");
        Path target = tmp.resolve("target");
        SnapshotRef copy;
        SnapshotRef amended;
        try (Repository src = TestTrees.newRepo(source); Repository tgt = TestTrees.newRepo(target)) {
            SnapshotRef s = TestTrees.backup(src, data);
            copy = new Copier(src, tgt).copyOnce(s).snapshot();
            amended = src.amend(List.of(s), new Amendment("alice", null, null, null, null, "owner left out", "ops")).getFirst();
        }
        Copier.Copy second;
        try (Repository src = TestTrees.open(source); Repository admin = TestTrees.open(target);
             Repository tgt = withHook(target, "snapshots/" + copy.id().hex(), 1, () -> admin.hold(copy, "MATTER-8", "counsel"))) {
            second = new Copier(src, tgt).copyOnce(amended);
        }
        assertThat(second.amendedCopyHeld()).isTrue();
        try (Repository after = TestTrees.open(target)) {
            assertThat(after.snapshots()).extracting(SnapshotRef::id).contains(copy.id(), second.snapshot().id());
            assertThat(after.holds()).containsOnlyKeys(copy.id());
            checkIsClean(after);
        }
    }

    /**
     * A hold record whose snapshot is gone (deleted while held, outside the vault) is an error of check, and prune and key
     * retire refuse while it stands: prune freed every pack of the held snapshot, exit 0 (a tester's). Recovered, held
     * again and the gone ID released, the prune goes ahead and the held data stays.
     */
    @Test
    void aHoldWhoseSnapshotIsGoneIsNamedByCheckAndStopsPruneAndRetire() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(12, 10_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            repo.hold(s, "MATTER-9", "counsel");
            repo.backend().delete("snapshots/" + s.id().hex());
            String recover = "`vault recover` writes a snapshot of the trees no snapshot references: hold it for the matter (`vault hold"
                    + " --reason`), then `vault release` the ID that is gone";
            assertThat(new Checker(repo, 2).check(0).errors()).contains("hold record holds/" + s.id().hex() + " keeps snapshot "
                    + s.shortId() + " under legal hold (MATTER-9), but no such snapshot is in the repository: it was deleted while held"
                    + " (IS.012 6.6.7) and a prune would free its data (prune refuses meanwhile); " + recover);
            int packs = repo.backend().list("data").size();
            String refused = "snapshot " + s.shortId() + " is under legal hold (MATTER-9, hold record holds/" + s.id().hex() + ") but not in"
                    + " the repository: deleted while held (IS.012 6.6.7), its data is referenced by no snapshot, and would be freed; "
                    + recover + "; ";
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessage(refused + "nothing was pruned");
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessage(refused + "nothing was retired");
            assertThat(repo.backend().list("data")).as("nothing freed").hasSize(packs);

            SnapshotRef recovered = new Recoverer(repo).recover(false).snapshot();
            repo.hold(recovered, "MATTER-9", "counsel");
            assertThat(repo.heldUnreadable(s.id().hex())).contains(s.id());
            repo.release(s.id(), null);
            new Pruner(repo).prune();
            assertThat(new Checker(repo, 2).check(100).errors()).as("the held data is whole").isEmpty();
        }
    }

    /** {@code s} held for MATTER-9 by counsel, and the placement recorded as `vault hold` records it; the entry's ID. */
    private static ObjectId held(Repository repo, Journal journal, SnapshotRef s) throws java.io.IOException {
        repo.hold(s, "MATTER-9", "counsel");
        return journal.record(JournalEntry.of(JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, Instant.now(), List.of(),
                List.of(s.id()), false, 0, HoldHistory.placed("counsel", "MATTER-9")));
    }

    /**
     * IS.012 6.6.7: whoever can write to the store (no password) deleted a held snapshot's file and its hold record: check
     * called it an error (it reads the journal), but prune freed every pack of the held snapshot, exit 0, and what a recovery
     * needs went with them (a tester's). Prune, and key retire, read the journal and refuse, naming the way out; recovered,
     * held again and the matter on the gone ID released by the journal, the prune goes ahead and the held data stays.
     */
    @Test
    void aHeldSnapshotDeletedWithItsHoldRecordStopsPruneAndRetireByTheJournal() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(14, 10_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Journal journal = new Journal(repo);
            held(repo, journal, s);
            repo.backend().delete("holds/" + s.id().hex());
            repo.backend().delete("snapshots/" + s.id().hex());
            int packs = repo.backend().list("data").size();
            String refused = "snapshot " + s.shortId() + " is under legal hold by the journal (held for \"MATTER-9\", placed ";
            String wayOut = " by counsel), never released, but neither it nor its hold record is in the repository: deleted outside the"
                    + " vault while held (IS.012 6.6.7), its data is referenced by no snapshot, and would be freed; `vault recover` writes a"
                    + " snapshot of the trees no snapshot references: hold it for the matter (`vault hold --reason`), then `vault release "
                    + s.shortId() + " --reason \"MATTER-9\" --snapshot-gone WHY` (by the journal, naming why); ";
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessageStartingWith(refused).hasMessageEndingWith(wayOut + "nothing was pruned");
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith(refused)
                    .hasMessageEndingWith(wayOut + "nothing was retired");
            assertThat(repo.backend().list("data")).as("nothing freed").hasSize(packs);

            SnapshotRef recovered = new Recoverer(repo).recover(false).snapshot();
            repo.hold(recovered, "MATTER-9", "counsel");
            HoldHistory.GoneRelease gone = HoldHistory.goneRelease(repo, repo.snapshots(), s.shortId(), null).orElseThrow();
            assertThat(gone.snapshot()).isEqualTo(s.id());
            journal.record(JournalEntry.of(JournalEntry.Operation.RELEASE, JournalEntry.Outcome.OK, Instant.now(), List.of(), List.of(s.id()),
                    false, 0, HoldHistory.releasedGone(gone, "counsel", "recovered as " + recovered.shortId() + ", held there")));
            new Pruner(repo).prune();
            assertThat(new Checker(repo, 2).check(100).errors()).as("the held data is whole").isEmpty();
        }
    }

    /**
     * IS.012 6.6.7: prune and key retire passed over what dispose refuses: a journal file that did not read (the placement
     * of a hold, damaged or altered), or a placement a check had read gone from the journal (deleted from the store, or a
     * damaged file `vault repair` moved aside), with the held snapshot and its record deleted too; prune freed the held
     * data, exit 0, and so would a retirement have dropped it. Both refuse as dispose does (HoldHistory#refuseWhileUnread),
     * and go ahead on the operator's word (--ignore-unreadable-journal).
     */
    @Test
    void aJournalThatDoesNotSayWhetherAHoldWasReleasedStopsPruneAndRetireAsDispose() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(15, 10_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Journal journal = new Journal(repo);
            ObjectId placed = held(repo, journal, s);
            Checker checker = new Checker(repo, 2);
            checker.check(0);
            journal.record(JournalEntry.of(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, Instant.now(), List.of(), List.of(), false,
                    0, "checked").covering(checker.journalCovers())); // as `vault check` records it
            repo.backend().delete("holds/" + s.id().hex());
            repo.backend().delete("snapshots/" + s.id().hex());
            Path entry = tmp.resolve("repo/journal/" + placed.hex());
            byte[] bytes = Files.readAllBytes(entry);
            bytes[bytes.length / 2] ^= 1;
            Files.write(entry, bytes);
            int packs = repo.backend().list("data").size();

            assertThatThrownBy(() -> new Pruner(repo).prune())
                    .hasMessageStartingWith("1 journal file(s) cannot be read (first journal/" + placed.hex())
                    .hasMessageEndingWith("): one may record a legal hold never released, and a held backup's data is not freed (IS.012"
                            + " 6.6.7); `vault check` names each and `vault repair` moves it aside, or prune with --ignore-unreadable-journal"
                            + " once you know none held a backup; nothing was pruned");
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1, true)).as("a file that does not read is never sealed again")
                    .hasMessageStartingWith("key retire needs every snapshot, hold and journal file to read, and journal/" + placed.hex());
            assertThat(repo.backend().list("data")).as("nothing freed").hasSize(packs);

            Files.delete(entry); // as `vault repair` moves it aside, or as deleted from the store
            String gone = "1 legal hold placement(s) a check read are gone from the journal (first the hold on ";
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessageStartingWith(gone)
                    .hasMessageEndingWith("whether its matter was released is unknown, and a held backup's data is not freed (IS.012 6.6.7);"
                            + " `vault check` names each; prune with --ignore-unreadable-journal once you know none holds a backup still"
                            + " kept; nothing was pruned");
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith(gone)
                    .hasMessageEndingWith("a held backup's data is not dropped with the key (IS.012 6.6.7); `vault check` names each; key"
                            + " retire with --ignore-unreadable-journal once you know none holds a backup still kept; nothing was retired");
            assertThat(repo.backend().list("data")).as("nothing freed").hasSize(packs);

            assertThat(new KeyEpochs(repo).retire(1, true).epoch()).as("the operator's word").isEqualTo(1);
            new Pruner(repo).ignoringUnreadableJournal(true).prune();
            assertThat(new Checker(repo, 2).check(100).errors()).as("the placement's deletion is still named")
                    .singleElement().asString().startsWith("journal entry missing: the hold on ");
        }
    }

    /**
     * A tier read a snapshot's hold, copied it, and placed the hold in the long-term repository: a release in between
     * ended the hold near-line, yet the long-term copy was held for the ended matter and the snapshot kept near-line. The
     * tier reads and carries holds under the near-line lock of holds, and a release meanwhile waits its turn (refused).
     */
    @Test
    void aReleaseWhileATierCarriesTheHoldIsRefusedAndTheTwoRepositoriesAgree() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(13, 10_000));
        Path near = tmp.resolve("near");
        Path far = tmp.resolve("far");
        SnapshotRef s;
        try (Repository n = TestTrees.newRepo(near); Repository f = TestTrees.newRepo(far)) {
            s = TestTrees.backup(n, data);
            n.hold(s, "MATTER-1", "counsel");
        }
        AtomicReference<Throwable> release = new AtomicReference<>();
        try (Repository admin = TestTrees.open(near); Repository n = TestTrees.open(near);
             Repository f = withHook(far, "holds/", 1, () -> {
                 try {
                     admin.waitsItsTurnUpTo(Duration.ofSeconds(1)); // refused after a second, not a minute (LegalHoldTest: its turn)
                     admin.release(s.id(), "MATTER-1");
                 } catch (RuntimeException e) {
                     release.set(e);
                 }
             })) {
            List<Tiering.Moved> moved = new Tiering(n, f).move(List.of(s), m -> { });
            assertThat(moved).singleElement().satisfies(m -> assertThat(m.held()).isTrue());
        }
        assertThat(release.get()).isInstanceOf(VaultException.class).hasMessageStartingWith("legal holds are being changed (a hold, a release, or a tier forgetting what it moved) on ");
        try (Repository n = TestTrees.open(near); Repository f = TestTrees.open(far)) {
            assertThat(n.holds()).containsOnlyKeys(s.id());
            assertThat(f.holds()).hasSize(1);
        }
    }
    /**
     * A hold released between a reader's listing of holds/ and its read of the record: forget, snapshots and the other
     * readers of holds failed with "missing file … holds/…", as if the repository were damaged (a helper's, on S3). The
     * record gone so is a hold released.
     */
    @Test
    void aHoldReleasedWhileItIsListedIsNoHoldAndNoFailure() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(14, 10_000));
        Path dir = tmp.resolve("repo");
        SnapshotRef s;
        try (Repository repo = TestTrees.newRepo(dir)) {
            s = TestTrees.backup(repo, data);
            repo.hold(s, "MATTER-2", "counsel");
        }
        try (Repository admin = TestTrees.open(dir);
             Repository reading = Repository.open(new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
                 @Override
                 public byte[] read(String name) {
                     if (name.startsWith("holds/")) {
                         admin.release(s.id(), "MATTER-2"); // just after the listing
                     }
                     return super.read(name);
                 }
             }, TestTrees.PASSWORD)) {
            assertThat(reading.holds()).isEmpty();
        }
    }
    /**
     * A journal entry is sealed under the epoch current as stored: a command that opened the repository before a
     * rotation and a retirement (a decommission, which takes no lock; a backup refused beside the retirement) sealed its
     * entry under the destroyed key, and check called the journal damaged (a helper's, with breakpoints).
     */
    @Test
    void aJournalEntryWrittenAfterARetirementIsSealedUnderTheCurrentKey() throws Exception {
        Path dir = tmp.resolve("repo");
        try (Repository opened = TestTrees.newRepo(dir); Repository admin = TestTrees.open(dir)) {
            new KeyEpochs(admin).rotate();
            new KeyEpochs(admin).retire(1);
            new org.opsledger.vault.journal.Journal(opened).record(org.opsledger.vault.journal.JournalEntry.decommission("db-1",
                    List.of("/srv"), List.of(), "decommissioned for CHG-7"));
        }
        try (Repository after = TestTrees.open(dir)) {
            var listing = new org.opsledger.vault.journal.Journal(after).read(e -> true);
            assertThat(listing.unreadable()).isEmpty();
            assertThat(listing.decommissions()).hasSize(1);
        }
    }
}
