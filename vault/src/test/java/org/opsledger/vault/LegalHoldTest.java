package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;

class LegalHoldTest {

    @TempDir
    Path tmp;

    /** A repository at tmp/repo whose store runs {@code before} once when a name with {@code prefix} is first written or deleted. */
    private Repository withHook(String prefix, Runnable before) {
        return Repository.open(ForwardingBackend.hooked(tmp.resolve("repo"), prefix, 1, before), TestTrees.PASSWORD);
    }

    /**
     * A hold placed while a forget deletes the snapshot, after the forget looked for holds: the hold said it was placed,
     * the snapshot was gone, and a prune freed its data (a helper's). The forget looks again once the file is gone, and
     * writes it back; a hold whose snapshot went while it was placed is taken back and fails.
     */
    @Test
    void aHoldPlacedWhileAForgetDeletesTheSnapshotWins() throws Exception {
        SnapshotRef s = oneSnapshot();
        try (Repository admin = TestTrees.open(tmp.resolve("repo"));
             Repository forgetting = withHook("snapshots/", () -> admin.hold(s, "LIT-7", "counsel"))) {
            new Forgetter(forgetting, ZoneOffset.UTC).remove(List.of(new ForgetDecision(s, false, List.of())), id -> {
                throw new AssertionError("named as removed: " + id);
            });
            assertThat(admin.snapshots()).extracting(SnapshotRef::id).containsExactly(s.id());
            assertThat(admin.holds()).containsKey(s.id());
        }
        // the other order: the forget deletes the snapshot after the hold looked for it
        try (Repository admin = TestTrees.open(tmp.resolve("repo"))) {
            admin.release(s.id(), null);
        }
        try (Repository admin = TestTrees.open(tmp.resolve("repo"));
             Repository holding = withHook("holds/", () -> admin.backend().delete("snapshots/" + s.id().hex()))) {
            assertThatThrownBy(() -> holding.hold(s, "LIT-8", "counsel")).isInstanceOf(VaultException.class)
                    .hasMessage("snapshot " + s.shortId() + " was removed (a forget, an amend) while the hold was placed: no hold placed;"
                            + " find it again with `vault snapshots`");
            assertThat(admin.holds()).isEmpty();
        }
    }

    /**
     * An amend replaces a snapshot's file: a hold placed while the old one went landed on the replaced ID, and the
     * amended snapshot could be forgotten (a helper's); a forget while it ran left the amended record alive. The old file
     * goes under the lock of holds (one replacement or hold at a time): a hold placed while the amend runs, before that
     * turn, keeps the old snapshot as it is and the amend fails; the amend puts nothing in place of what a forget removed.
     */
    @Test
    void anAmendYieldsToAHoldOrAForgetThatCameWhileItRan() throws Exception {
        SnapshotRef s = oneSnapshot();
        try (Repository admin = TestTrees.open(tmp.resolve("repo"));
             Repository amending = withHook("snapshots/", () -> admin.hold(s, "LIT-7", "counsel"))) { // as its new file is written
            assertThatThrownBy(() -> amending.amend(List.of(s), OWNER)).hasMessage("snapshot " + s.shortId()
                    + " was placed under legal hold while it was amended: it stays as it is (IS.012 6.6.7)");
            assertThat(admin.snapshots()).extracting(SnapshotRef::id).containsExactly(s.id());
            assertThat(admin.holds()).containsKey(s.id());
            admin.release(s.id(), null);
        }
        try (Repository admin = TestTrees.open(tmp.resolve("repo"));
             Repository amending = withHook("snapshots/", () -> admin.backend().delete("snapshots/" + s.id().hex()))) {
            assertThatThrownBy(() -> amending.amend(List.of(s), OWNER)).hasMessage("snapshot " + s.shortId()
                    + " was removed (a forget) while it was amended: nothing put in its place");
            assertThat(admin.snapshots()).isEmpty();
        }
    }

    /**
     * A hold that waits for an amend's turn on the snapshot it found (the amend takes the old file away under the lock of
     * holds), and finds it replaced once its turn comes: it said the snapshot was "no longer in the repository (forgotten,
     * or sealed again …)", where `vault hold` given the old ID names the amended one. It names it, and places no hold.
     */
    @Test
    void aHoldThatWaitsForAnAmendsTurnNamesTheSnapshotThatReplacedIt() throws Exception {
        SnapshotRef s = oneSnapshot();
        java.util.concurrent.CountDownLatch holdTriesItsTurn = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<LegalHold> hold = new java.util.concurrent.CompletableFuture<>();
        try (Repository holding = Repository.open(ForwardingBackend.hooked(tmp.resolve("repo"), "locks/", 1, holdTriesItsTurn::countDown),
                TestTrees.PASSWORD);
             // the amend's second write or delete under snapshots/: the old file's deletion, under the lock of holds
             Repository amending = Repository.open(ForwardingBackend.hooked(tmp.resolve("repo"), "snapshots/", 2, () -> {
                 Thread.ofPlatform().start(() -> {
                     try {
                         hold.complete(holding.hold(s, "LIT-7", "counsel"));
                     } catch (RuntimeException e) {
                         hold.completeExceptionally(e);
                     }
                 });
                 try { // the hold has found the lock of holds taken (or is about to): it waits for this turn
                     holdTriesItsTurn.await();
                 } catch (InterruptedException e) {
                     throw new AssertionError(e);
                 }
             }), TestTrees.PASSWORD)) {
            SnapshotRef amended = amending.amend(List.of(s), OWNER).getFirst();
            assertThatThrownBy(() -> hold.get(2, java.util.concurrent.TimeUnit.MINUTES)).hasCauseInstanceOf(VaultException.class)
                    .cause().hasMessage("snapshot " + s.shortId() + " is no longer in the repository: replaced by " + amended.shortId()
                            + " (an amend); name that one");
            assertThat(holding.holds()).as("no hold on nothing").isEmpty();
            assertThat(holding.snapshots()).containsExactly(amended);
        }
    }

    /**
     * A hold whose snapshot an amend of a copy removes while the hold is placed ({@link Repository#amendCopy}, which
     * takes the old copy away beside holds): no hold placed, and the copy that replaced it named, as a hold given its ID
     * names it.
     */
    @Test
    void aHoldWhoseSnapshotIsReplacedWhileItIsPlacedNamesTheOneThatReplacedIt() throws Exception {
        SnapshotRef s = oneSnapshot();
        SnapshotRef[] amended = new SnapshotRef[1];
        try (Repository admin = TestTrees.open(tmp.resolve("repo"));
             Repository holding = withHook("holds/", () -> amended[0] = admin.amendCopy(s, OWNER.applyTo(s.id(), s.snapshot(),
                     Instant.now())).copy())) {
            assertThatThrownBy(() -> holding.hold(s, "LIT-8", "counsel")).hasMessage("snapshot " + s.shortId() + " was removed (a forget,"
                    + " an amend) while the hold was placed: no hold placed; replaced by " + amended[0].shortId() + " (an amend); name that one");
            assertThat(admin.holds()).isEmpty();
        }
    }

    /**
     * A release of a snapshot found before a key retirement gave it a new ID (and moved its hold along) said it "is not
     * under legal hold": it names the snapshot that holds it now, and releases nothing.
     */
    @Test
    void aReleaseOfASnapshotGivenANewIdSinceItWasFoundNamesTheNewOne() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, oneFile());
            repo.hold(s, "LIT-7", "counsel");
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
            new org.opsledger.vault.repository.KeyEpochs(repo).retire(1);
            SnapshotRef resealed = repo.snapshots().getFirst();
            assertThatThrownBy(() -> repo.release(s.id(), "LIT-7")).hasMessage("snapshot " + s.shortId() + " is not under legal hold:"
                    + " replaced by " + resealed.shortId() + " (a key retirement); name that one");
            assertThat(repo.holds()).containsOnlyKeys(resealed.id());
            repo.release(resealed.id(), "LIT-7");
            assertThat(repo.holds()).isEmpty();
        }
    }

    /**
     * A forget of a snapshot named by its ID that an amend replaced after the forget found it said only "gone meanwhile
     * (removed by another forget …)", and the amended record, data and all, lived on: it names the amended one, as a
     * forget given the old ID does.
     */
    @Test
    void aForgetOfANamedSnapshotAnAmendReplacedMeanwhileNamesTheOneThatReplacedIt() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, oneFile());
            Forgetter f = new Forgetter(repo, ZoneOffset.UTC);
            List<ForgetDecision> plan = f.plan(List.of(s), Instant.now());
            SnapshotRef amended = repo.amend(List.of(s), OWNER).getFirst();
            List<ForgetDecision> done = f.remove(plan, id -> {
                throw new AssertionError("named as removed: " + id);
            });
            assertThat(done).singleElement().satisfies(d -> assertThat(d.reasons())
                    .containsExactly("gone meanwhile: replaced by " + amended.shortId() + " (an amend); name that one"));
            assertThat(repo.snapshots()).containsExactly(amended);
        }
    }

    /** A record's owner, amended: an amend to race. */
    private static final Amendment OWNER = new Amendment("Payroll office", null, null, null, null, "INC-9", "records");

    /** The snapshot of {@link #oneFile} in a new repository at tmp/repo. */
    private SnapshotRef oneSnapshot() throws java.io.IOException {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            return TestTrees.backup(repo, oneFile());
        }
    }

    /** src/data holding one small file: a snapshot to hold. */
    private Path oneFile() throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("ledger.csv"), "2026,1\n");
        return data;
    }

    @Test
    void aHeldSnapshotSurvivesForgetKeepWithinZeroAndPrune() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Files.write(data.resolve("evidence.bin"), TestTrees.random(1, 2_000_000));
            SnapshotRef held = TestTrees.backup(repo, data);
            Files.delete(data.resolve("evidence.bin"));
            Files.write(data.resolve("later.bin"), TestTrees.random(2, 2_000_000));
            SnapshotRef other = TestTrees.backup(repo, data);
            repo.hold(held, "litigation 2026-17", "counsel");

            RetentionPolicy zero = new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
            List<ForgetDecision> plan = new Forgetter(repo, ZoneOffset.UTC).forget(zero, Instant.now());
            assertThat(plan).filteredOn(ForgetDecision::keep).extracting(d -> d.snapshot().id()).containsExactly(held.id());
            assertThat(plan).filteredOn(ForgetDecision::keep).first().extracting(ForgetDecision::reasons).asList().contains("legal hold");
            PruneResult pruned = new Pruner(repo).prune();
            assertThat(pruned.packsDeleted()).isPositive();

            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(held.id());
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();
            var r = new Restorer(repo, 2).restore(repo.findSnapshot(held.id().hex()), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isTrue();
            assertThat(Files.readAllBytes(tmp.resolve("out/data/evidence.bin"))).isEqualTo(TestTrees.random(1, 2_000_000));
            assertThat(repo.backend().list("data").stream().mapToLong(repo.backend()::size).sum())
                    .as("the forgotten snapshot's data is gone").isLessThan(2_500_000);
            assertThat(other.id()).isNotEqualTo(held.id());

            repo.release(held);
            new Forgetter(repo, ZoneOffset.UTC).forget(zero, Instant.now());
            assertThat(repo.snapshots()).isEmpty();
        }
    }

    /**
     * IS.012 6.6.7: one backup held for two matters stays held until both are released. A second hold replaced the
     * first's record, and one release ended both: the backup could then be forgotten while the other matter was open.
     */
    /**
     * Forget names each snapshot as its file goes, so that a forget stopped part-way says what it removed; one a hold
     * placed after the plan kept is not named (the command named every snapshot its plan would remove).
     */
    @Test
    void forgetNamesWhatItRemovedAsItGoesAndNotWhatAHoldKept() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.txt"), TestTrees.text(3, 1_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef first = TestTrees.backup(repo, data);
            SnapshotRef second = TestTrees.fullBackup(repo, data);
            List<org.opsledger.vault.crypto.ObjectId> removed = new java.util.ArrayList<>();
            RetentionPolicy zero = new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
            List<ForgetDecision> plan = new Forgetter(repo, ZoneOffset.UTC).forget(zero, Instant.now(), SnapshotFilter.ALL, id -> {
                removed.add(id);
                if (removed.size() == 1) { // the plan removes both; a hold comes as the first goes
                    repo.hold(id.equals(first.id()) ? second : first, "M-9", "legal");
                }
            });
            assertThat(plan).as("as carried out: the one the hold kept is kept").filteredOn(ForgetDecision::keep).singleElement()
                    .satisfies(d -> assertThat(d.reasons()).containsExactly("legal hold, placed while the forget ran"));
            assertThat(removed).hasSize(1);
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).doesNotContainAnyElementsOf(removed).hasSize(1);
        }
    }

    /**
     * Hold records were listed by the snapshot named inside them, not by their file name holds/<id>, which forget and prune
     * go by (a helper's, re-sealed): one naming another snapshot showed that one held and the held one not, and forget
     * --dry-run said it would remove the held one; one naming none stopped check with a NullPointerException. The name is
     * the truth (a hold fails safe), and check names such a record as damaged.
     */
    @Test
    void aHoldRecordHoldsTheSnapshotItsNameSaysAndCheckNamesOneThatSaysOtherwise() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef held = TestTrees.backup(repo, oneFile());
            SnapshotRef other = TestTrees.fullBackup(repo, oneFile());
            LegalHold hold = repo.hold(held, "M-1", "legal");
            RetentionPolicy keepLast = new RetentionPolicy(1, RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
            String name = "holds/" + held.id().hex();
            for (org.opsledger.vault.crypto.ObjectId inside : java.util.Arrays.asList(other.id(), null)) {
                repo.writeSealedAs(name, org.opsledger.vault.crypto.Sealing.Kind.HOLD, hold.movedTo(inside));
                assertThat(repo.holds().keySet()).containsExactly(held.id());
                assertThat(new Forgetter(repo, ZoneOffset.UTC).plan(keepLast, Instant.now())).filteredOn(ForgetDecision::keep)
                        .extracting(d -> d.snapshot().id()).containsExactlyInAnyOrder(held.id(), other.id());
                var checked = new Checker(repo, 2).check(0);
                assertThat(checked.errors()).singleElement().asString().startsWith(name + " names "
                        + (inside == null ? "no snapshot" : "snapshot " + other.shortId()) + ": a damaged or forged hold record; it still"
                        + " holds snapshot " + held.shortId() + ", as its name says");
                assertThat(checked.warnings()).noneMatch(w -> w.contains("no hold record"));
                repo.hold(held, "M-2", "legal");
                assertThat(new Checker(repo, 2).check(0).errors()).as("a hold for a new matter writes the record right").isEmpty();
                assertThat(repo.holdOf(held.id()).snapshot()).isEqualTo(held.id());
            }
        }
    }

    /**
     * A sealed hold record under a name that is no snapshot ID (holds/<id>.bak, an interrupted rsync's leftover) stops
     * forget and prune, which say to move it out of holds/; check said nothing of it (a re-tester's). It names it now.
     */
    @Test
    void checkNamesAHoldRecordUnderANameThatIsNoSnapshotIdAsForgetRefusesIt() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef held = TestTrees.backup(repo, oneFile());
            LegalHold hold = repo.hold(held, "M-1", "legal");
            String name = "holds/" + held.id().hex() + ".bak";
            repo.writeSealedAs(name, org.opsledger.vault.crypto.Sealing.Kind.HOLD, hold);
            assertThat(new Checker(repo, 2).check(0).errors()).singleElement().asString()
                    .startsWith(name + ": not named by a snapshot ID, so it holds none; move it out of holds/");
        }
    }

    @Test
    void aSnapshotHeldForTwoMattersStaysHeldUntilBothAreReleased() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, oneFile());
            String id = snap.id().shortHex();
            repo.hold(snap, "litigation 2026-17", "counsel");
            LegalHold both = repo.hold(snap, "audit AUD-9", "auditor");
            assertThat(both.matters()).extracting(LegalHold.Matter::reason).containsExactly("litigation 2026-17", "audit AUD-9");
            assertThat(repo.hold(snap, "audit AUD-9", "someone else").matters()).as("held for that matter already").hasSize(2);
            assertThat(repo.holds().get(snap.id()).matters()).extracting(LegalHold.Matter::heldBy).containsExactly("counsel", "auditor");

            assertThatThrownBy(() -> repo.release(snap)).hasMessage("snapshot " + id + " is under legal hold for 2 matters"
                    + " (\"litigation 2026-17\", \"audit AUD-9\"): name the one to release by its reason; the others stay");
            assertThatThrownBy(() -> repo.release(snap.id(), "audit AUD-8"))
                    .hasMessage("snapshot " + id + " is not held for audit AUD-8; it is held for: \"litigation 2026-17\", \"audit AUD-9\"");

            LegalHold left = repo.release(snap.id(), "litigation 2026-17");
            assertThat(left.matters()).extracting(LegalHold.Matter::reason).containsExactly("audit AUD-9");
            RetentionPolicy zero = new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
            new Forgetter(repo, ZoneOffset.UTC).forget(zero, Instant.now());
            assertThat(repo.snapshots()).as("still held for the audit").extracting(SnapshotRef::id).containsExactly(snap.id());

            // a reason holding quotes reads as one matter (`case-1", "case-2` read as two: a re-tester's)
            repo.hold(snap, "case-1\", \"case-2", "counsel");
            assertThatThrownBy(() -> repo.release(snap)).hasMessage("snapshot " + id + " is under legal hold for 2 matters"
                    + " (\"audit AUD-9\", \"case-1\\\", \\\"case-2\"): name the one to release by its reason; the others stay");
            repo.release(snap.id(), "case-1\", \"case-2");

            assertThat(repo.release(snap.id(), null)).as("the last matter: the hold ends").isNull();
            assertThat(repo.holds()).isEmpty();
            new Forgetter(repo, ZoneOffset.UTC).forget(zero, Instant.now());
            assertThat(repo.snapshots()).isEmpty();
        }
    }

    /**
     * Placing and releasing a hold reads the hold record and writes it back: two at once could leave a matter out, and
     * a hold placed while a key retirement moves holds to the snapshots' new IDs could stay on an ID no snapshot has.
     */
    @Test
    void holdsArePlacedOneAtATimeAndNotWhileARetirementRuns() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            repo.waitsItsTurnUpTo(Duration.ofSeconds(1)); // refused after a second of its turn, not a minute (as the next test)
            SnapshotRef snap = TestTrees.backup(repo, oneFile());
            try (var other = repo.lock("hold")) { // another process placing a hold
                assertThatThrownBy(() -> repo.hold(snap, "audit AUD-9", "auditor"))
                        .hasMessageStartingWith("legal holds are being changed (a hold, a release, or a tier forgetting what it moved) on ")
                        .hasMessageEndingWith(": run it again when that has finished");
            }
            try (var retirement = repo.lock("retire")) {
                assertThatThrownBy(() -> repo.hold(snap, "audit AUD-9", "auditor")).hasMessageContaining("runs alone in the repository: hold"
                        + " when it has finished");
            }
            assertThat(repo.holds()).isEmpty();
            try (var backup = repo.lock("backup")) { // beside a backup, a prune, a copy: as always
                repo.hold(snap, "audit AUD-9", "auditor");
            }
            try (var other = repo.lock("hold")) {
                assertThatThrownBy(() -> repo.release(snap)).hasMessageStartingWith("legal holds are being changed (a hold, a release, or a tier forgetting what it moved) on ");
            }
            repo.release(snap);
            assertThat(repo.holds()).isEmpty();
            assertThat(repo.backend().list("locks")).as("each took its lock and let it go").isEmpty();

            // found before a retirement gave it a new ID: the hold would name an ID no snapshot has; it names the new one
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
            new org.opsledger.vault.repository.KeyEpochs(repo).retire(1);
            SnapshotRef resealed = repo.snapshots().getFirst();
            assertThatThrownBy(() -> repo.hold(snap, "audit AUD-9", "auditor")).hasMessage("snapshot " + snap.shortId() + " is no longer"
                    + " in the repository: replaced by " + resealed.shortId() + " (a key retirement); name that one");
            assertThat(repo.holds()).isEmpty();
            // forgotten: nothing replaced it
            repo.backend().delete("snapshots/" + resealed.id().hex());
            assertThatThrownBy(() -> repo.hold(resealed, "audit AUD-9", "auditor")).hasMessage("snapshot " + resealed.shortId() + " is no"
                    + " longer in the repository (forgotten, or sealed again under a new ID by a key retirement): find it again with"
                    + " `vault snapshots`");
            assertThat(repo.holds()).isEmpty();
        }
    }

    /**
     * A `vault hold` beside another waits its turn (each holds the lock of holds a second or two, and none should fail for
     * another): it is placed once the other lets go, and refused only when its wait is over, having looked again meanwhile.
     */
    @Test
    void aHoldWaitsItsTurnWhileAnotherChangesHoldsAndIsRefusedOnlyAfterItsWait() throws Exception {
        SnapshotRef snap = oneSnapshot();
        AtomicInteger refusals = new AtomicInteger(); // the lock files it let go, refused (and one once it was placed)
        CountDownLatch waiting = new CountDownLatch(1);
        ExecutorService placer = Executors.newSingleThreadExecutor();
        try (Repository other = TestTrees.open(tmp.resolve("repo"));
             Repository placing = Repository.open(new ForwardingBackend(new LocalBackend(tmp.resolve("repo"))) {
                 @Override
                 public void delete(String name) {
                     if (name.startsWith("locks/")) {
                         refusals.incrementAndGet();
                         waiting.countDown();
                     }
                     super.delete(name);
                 }
             }, TestTrees.PASSWORD)) {
            placing.waitsItsTurnUpTo(Duration.ofMinutes(5));
            Future<LegalHold> placed;
            try (var holding = other.lock("hold")) { // another process placing a hold
                placed = placer.submit(() -> placing.hold(snap, "audit AUD-9", "auditor"));
                assertThat(waiting.await(5, TimeUnit.MINUTES)).as("refused once: waiting its turn").isTrue();
            } // let go while the hold waits
            assertThat(placed.get(5, TimeUnit.MINUTES).reason()).isEqualTo("audit AUD-9");
            assertThat(other.holds()).containsOnlyKeys(snap.id());

            placing.waitsItsTurnUpTo(Duration.ofSeconds(1));
            int before = refusals.get();
            try (var holding = other.lock("hold")) {
                assertThatThrownBy(() -> placing.release(snap)).hasMessageStartingWith("legal holds are being changed (a hold, a"
                        + " release, or a tier forgetting what it moved) on ");
            }
            assertThat(refusals.get() - before).as("looked again within its second before it refused").isGreaterThan(1);
            assertThat(other.holds()).containsOnlyKeys(snap.id());
        } finally {
            placer.shutdownNow();
        }
    }

    @Test
    void aHoldNeedsAReasonOfAtMostAThousandCharacters() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = TestTrees.backup(repo, oneFile());
            assertThatThrownBy(() -> repo.hold(snap, " ", "ops")).hasMessage("a legal hold needs a reason");
            assertThatThrownBy(() -> repo.hold(snap, "x".repeat(1001), "ops"))
                    .hasMessage("a legal hold's reason has at most 1000 characters, got 1001");
            assertThatThrownBy(() -> repo.hold(snap, "case\n1", "ops")).as("a release names the matter by its reason, on one line")
                    .hasMessage("a legal hold's reason and holder are one line each, without control characters");
            assertThat(repo.holds()).isEmpty();
            assertThat(repo.hold(snap, "x".repeat(1000), "ops").reason()).hasSize(1000);
        }
    }

    @Test
    void retainUntilAndKeepDailyKeepSnapshots() throws Exception {
        Path data = oneFile();
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef retained = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("finance", "Confidential", LocalDate.now().plusDays(30), Map.of()));
            SnapshotRef plain = TestTrees.backup(repo, data);
            SnapshotRef newest = TestTrees.backup(repo, data);
            List<ForgetDecision> plan = new Forgetter(repo, ZoneOffset.UTC)
                    .plan(new RetentionPolicy(null, 1, 0, 0, 0), Instant.now());
            assertThat(plan).filteredOn(ForgetDecision::keep).extracting(d -> d.snapshot().id())
                    .containsExactlyInAnyOrder(retained.id(), newest.id());
            assertThat(plan).filteredOn(d -> !d.keep()).extracting(d -> d.snapshot().id()).containsExactly(plain.id());
            assertThat(retained.snapshot().dataOwner()).isEqualTo("finance");
            assertThat(new Forgetter(repo, ZoneOffset.UTC).plan(new RetentionPolicy(RetentionPolicy.Within.parse("1d"), 0, 0, 0, 0), Instant.now()))
                    .allMatch(ForgetDecision::keep);
            // backups that stopped 40 days ago: --keep-within 30d counts back from the newest snapshot, as restic does, not from
            // the clock (a clock a year ahead removed last week's: h2's), so it keeps the last 30 days of backups there were
            List<ForgetDecision> stopped = new Forgetter(repo, ZoneOffset.UTC)
                    .plan(new RetentionPolicy(0, RetentionPolicy.Within.parse("30d"), 0, 0, 0, 0), Instant.now().plus(Duration.ofDays(40)));
            assertThat(stopped).allMatch(ForgetDecision::keep);
            assertThat(stopped).filteredOn(d -> d.snapshot().id().equals(plain.id())).singleElement()
                    .extracting(ForgetDecision::reasons).isEqualTo(List.of("within 30 days"));
        }
    }
}
