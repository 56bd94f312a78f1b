package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.SnapshotRef;

class TieringTest {

    @TempDir
    Path tmp;

    /** src/data holding one file, a.bin, of {@code bytes} random bytes from {@code seed}. */
    private Path source(long seed, int bytes) throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(seed, bytes));
        return data;
    }

    /**
     * Tier counted its near-line period in spans of 24 hours and forget its --keep-within in calendar days: across a change
     * to summer time a snapshot 30 days old was an hour short of tier's 30d, and the documented nightly `tier` then
     * `forget --keep-within 30d` removed it, never moved to long-term storage (IS.012 6.6.1.3; a helper's). Both count
     * alike now, on the snapshot's calendar: whatever forget removes as older than the span, a tier of that span has moved.
     */
    @Test
    void aTierMovesWhatAForgetOfTheSameSpanWouldRemoveAcrossAChangeToSummerTime() throws Exception {
        Path data = source(3, 10_000);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef s = TestTrees.backup(near, data);
            RetentionPolicy.Within span = RetentionPolicy.Within.parse("200d");
            // a zone that springs forward within the next 200 days (Berlin's end of March, Sydney's start of October):
            // 200 calendar days there are 4,799 hours
            ZoneId zone = java.util.stream.Stream.of("Europe/Berlin", "Australia/Sydney").map(ZoneId::of).filter(z -> {
                var next = z.getRules().nextTransition(s.snapshot().time());
                return next.isGap() && next.getInstant().isBefore(s.snapshot().time().plus(Duration.ofDays(200)));
            }).findFirst().orElseThrow();
            Instant zoneDaysLater = s.snapshot().time().atZone(zone).plusDays(200).toInstant().plusSeconds(60);
            assertThat(Duration.between(s.snapshot().time(), zoneDaysLater)).isLessThan(Duration.ofDays(200)); // not 200 × 24 hours old
            // both count on the snapshot's own calendar, its recorded offset, whose 200 days are 4,800 hours whichever zone
            // the host is in (until 2026-12-07 both counted 200 calendar days of the host's zone): kept, and not moved
            assertThat(new Forgetter(near, zone).plan(new RetentionPolicy(span, 0, 0, 0, 0), zoneDaysLater)).singleElement()
                    .satisfies(d -> assertThat(d.keep()).isTrue());
            assertThat(new Tiering(near, far, zone).plan(span, zoneDaysLater).due()).isEmpty();
            Instant now = s.snapshot().localTime(zone).plusDays(200).toInstant().plusSeconds(60);
            // --keep-within counts back from the source's newest snapshot, as restic's (a clock a year ahead removed what it
            // should have kept: a tester's): the nightly backup of the day is that newest one
            near.saveSnapshot(TestTrees.forged(s.snapshot(), now, s.snapshot().tree(), s.snapshot().hostname()));

            List<ForgetDecision> forget = new Forgetter(near, zone).plan(new RetentionPolicy(span, 0, 0, 0, 0), now);
            assertThat(forget).filteredOn(d -> d.snapshot().id().equals(s.id())).singleElement().satisfies(d -> assertThat(d.keep()).isFalse());
            assertThat(new Tiering(near, far, zone).plan(span, now).due()).extracting(SnapshotRef::id).containsExactly(s.id());
            // one taken at the very instant the span begins: forget keeps only what is after it, and a tier moved only what
            // was before it; it was neither (a re-tester's)
            Instant atTheEdge = s.snapshot().localTime(zone).plusDays(200).toInstant();
            assertThat(new Forgetter(near, zone).plan(new RetentionPolicy(span, 0, 0, 0, 0), atTheEdge)).filteredOn(d -> d.snapshot().id()
                    .equals(s.id())).singleElement().satisfies(d -> assertThat(d.keep()).isFalse());
            assertThat(new Tiering(near, far, zone).plan(span, atTheEdge).due()).extracting(SnapshotRef::id).containsExactly(s.id());
        }
    }

    /**
     * h4's repro-1: `tier -r FAR --to NEAR`, -r and --to swapped, copied the long-term repository's snapshots back into the
     * near-line one they came from and forgot them long-term, exit 0; near-line retention then removed the last copy. It is
     * refused, naming both repositories and the right order, and moves nothing. A copy brought back for a restore drill, then
     * tiered again the right way, still goes: its original is in the long-term repository, and it adds nothing there.
     */
    @Test
    void aTierFromTheLongTermRepositoryBackIntoTheNearLineOneIsRefused() throws Exception {
        Path data = source(7, 20_000);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            TestTrees.backup(near, data);
            RetentionPolicy.Within all = RetentionPolicy.Within.parse("0d");
            Instant now = Instant.now().plusSeconds(1);
            assertThat(new Tiering(near, far).move(all, now)).singleElement().satisfies(m -> assertThat(m.forgottenNearLine()).isTrue());
            SnapshotRef archived = far.snapshots().getFirst();

            assertThatThrownBy(() -> new Tiering(far, near).move(all, now.plusSeconds(1))).isInstanceOf(VaultException.class)
                    .hasMessage("this tier runs backwards: " + far.backend().location() + " is the long-term repository of "
                            + near.backend().location() + " (1 of the 1 snapshot(s) due, first " + archived.shortId() + ", came here from"
                            + " there) and it would move them back and forget them here; run `vault tier -r " + near.backend().location()
                            + " --to " + far.backend().location() + "`");
            assertThat(far.snapshots()).extracting(SnapshotRef::id).containsExactly(archived.id());
            assertThat(near.snapshots()).isEmpty();

            SnapshotRef drill = new Copier(far, near).copyOnce(archived).snapshot();
            assertThat(new Tiering(near, far).move(all, now.plusSeconds(2))).singleElement().satisfies(m -> {
                assertThat(m.source()).isEqualTo(drill.id());
                assertThat(m.copy()).isEqualTo(archived.id());
                assertThat(m.forgottenNearLine()).isTrue();
            });
            assertThat(far.snapshots()).extracting(SnapshotRef::id).containsExactly(archived.id());

        }
        // a long-term repository whose snapshot due is no copy (a backup of its own): its journal's tier from near-line tells
        try (Repository near = TestTrees.open(tmp.resolve("near")); Repository other = TestTrees.newRepo(tmp.resolve("other"))) {
            new org.opsledger.vault.journal.Journal(other).record(org.opsledger.vault.journal.JournalEntry.of(
                    org.opsledger.vault.journal.JournalEntry.Operation.TIER, org.opsledger.vault.journal.JournalEntry.Outcome.OK, Instant.now(),
                    List.of(near.backend().location()), List.of(), false, 0,
                    org.opsledger.vault.journal.JournalEntry.RECEIVED + "1 snapshot(s) older than 0d from " + near.backend().location()));
            TestTrees.backup(other, data);
            assertThatThrownBy(() -> new Tiering(other, near).plan(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1)))
                    .isInstanceOf(VaultException.class).hasMessageContaining(" (its journal names 1 tier(s) from there) and it would move");
        }
    }

    @Test
    void snapshotsPastTheNearLinePeriodMoveToLongTermOnceAndHeldOnesStayInBoth() throws Exception {
        Path data = source(1, 700_000);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef plain = TestTrees.backup(near, data);
            SnapshotRef held = TestTrees.fullBackup(near, data);
            near.hold(held, "audit 2026", "legal");
            Instant now = Instant.now();

            assertThat(new Tiering(near, far).move(Tiering.NEAR_LINE, now)).as("nothing is 30 days old yet").isEmpty();

            List<Tiering.Moved> moved = new Tiering(near, far).move(RetentionPolicy.Within.parse("0d"), now.plusSeconds(1));
            assertThat(moved).hasSize(2);
            assertThat(near.snapshots()).extracting(SnapshotRef::id).containsExactly(held.id());
            assertThat(far.snapshots()).hasSize(2);
            assertThat(moved).filteredOn(Tiering.Moved::held).extracting(Tiering.Moved::source).containsExactly(held.id());
            assertThat(far.holds()).hasSize(1);
            assertThat(far.holds().values().iterator().next().reason()).isEqualTo("audit 2026");
            // the matter as it was placed, not as the tier carried it: once the near-line medium is disposed of, the
            // long-term record is the only one of when the hold began (it said the tier's time: a helper's)
            assertThat(far.holds().values().iterator().next().matters()).containsExactlyElementsOf(near.holdOf(held.id()).matters());
            assertThat(moved).filteredOn(Tiering.Moved::held).singleElement().satisfies(m ->
                    assertThat(m.holdsPlaced()).extracting(LegalHold.Matter::reason).containsExactly("audit 2026"));

            near.hold(held, "tax inquiry T-3", "legal"); // a second matter, after the copy was made
            List<Tiering.Moved> again = new Tiering(near, far).move(RetentionPolicy.Within.parse("0d"), now.plusSeconds(2));
            assertThat(again).singleElement().satisfies(m -> {
                assertThat(m.copiedBefore()).isTrue();
                assertThat(m.holdsPlaced()).as("only the new matter").extracting(LegalHold.Matter::reason).containsExactly("tax inquiry T-3");
            });
            assertThat(far.holds().values()).singleElement().satisfies(h -> assertThat(h.matters())
                    .extracting(LegalHold.Matter::reason).containsExactly("audit 2026", "tax inquiry T-3"));
            assertThat(far.snapshots()).hasSize(2);
            for (SnapshotRef s : far.snapshots()) {
                assertThat(new Restorer(far, 2).restore(s, tmp.resolve("out-" + s.shortId()), List.of(), true).ok()).isTrue();
            }
            assertThat(plain.id()).isNotNull();

            // the hold released near-line and the record amended there: the next run amends the long-term copy's record;
            // that copy is held there (the hold followed it), so it stays as it was beside the amended one
            near.release(held.id(), "audit 2026");
            near.release(held.id(), "tax inquiry T-3");
            SnapshotRef amended = near.amend(List.of(held), new Amendment("Payroll office", null, null, null, null, "owner left out", "ops"))
                    .getFirst();
            ObjectId heldCopy = far.holds().keySet().iterator().next();
            assertThat(new Tiering(near, far).move(RetentionPolicy.Within.parse("0d"), now.plusSeconds(3))).singleElement().satisfies(m -> {
                assertThat(m.source()).isEqualTo(amended.id());
                assertThat(m.copiedBefore()).isFalse();
                assertThat(m.amendedCopy()).isEqualTo(heldCopy);
                assertThat(m.amendedCopyHeld()).as("held there: it stays beside the new one, not replaced").isTrue();
                assertThat(m.forgottenNearLine()).isTrue();
            });
            assertThat(near.snapshots()).isEmpty();
            assertThat(far.snapshots()).hasSize(3).extracting(f -> f.snapshot().dataOwner()).containsOnlyOnce("Payroll office");
        }
    }

    /**
     * A helper's hold, placed four seconds into a slow tier, was ignored: tier read the holds once as it began, and forgot
     * the snapshot near-line once copied (its data then pruned), the copy not held either. Here the hold is placed on the
     * second snapshot as its copy is committed, after the first one's: the holds of a batch are read once its copies are
     * committed ({@link Copier#copyEach}).
     */
    @Test
    void aHoldPlacedWhileTheTierRunsKeepsItsSnapshotNearLineAndFollowsTheCopy() throws Exception {
        Path data = source(2, 300_000);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef first = TestTrees.backup(near, data);
            SnapshotRef second = TestTrees.fullBackup(near, data);
            Tiering tiering = new Tiering(near, far);
            List<Tiering.Moved> moved = tiering.move(tiering.due(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1)), (s, copy) -> {
                if (s.id().equals(second.id())) {
                    near.hold(second, "LIT-7 litigation", "legal");
                }
            }, m -> { });
            assertThat(moved).extracting(Tiering.Moved::held).containsExactly(false, true);
            assertThat(near.snapshots()).extracting(SnapshotRef::id).containsExactly(second.id());
            assertThat(far.holds().values()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo("LIT-7 litigation"));
        }
    }
    /**
     * Long-term storage is "per the record retention requirements" (IS.012 6.6.1.3): a snapshot whose retention ended,
     * and that no hold keeps, is not moved; it stays near-line for forget. A tier copied it, kept long-term past its
     * retention (a helper's). A held one past its retention moves, its hold with it.
     */
    @Test
    void aSnapshotPastItsRetentionIsNotMovedUnlessAHoldKeepsIt() throws Exception {
        Path data = source(2, 10_000);
        java.time.LocalDate yesterday = java.time.LocalDate.now().minusDays(2); // ended everywhere
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef ended = new org.opsledger.vault.archiver.Archiver(near, new org.opsledger.vault.archiver.BackupProgress())
                    .backup(TestTrees.options(data).withRecord("Payroll office", "Confidential", yesterday, java.util.Map.of()));
            SnapshotRef endedButHeld = new org.opsledger.vault.archiver.Archiver(near, new org.opsledger.vault.archiver.BackupProgress())
                    .backup(TestTrees.options(data).withFull(true).withRecord("Payroll office", "Confidential", yesterday, java.util.Map.of()));
            near.hold(endedButHeld, "LIT-4", "counsel");
            SnapshotRef kept = TestTrees.fullBackup(near, data);
            Tiering tiering = new Tiering(near, far);
            Instant later = Instant.now().plusSeconds(1);
            assertThat(tiering.plan(RetentionPolicy.Within.parse("0d"), later).pastRetention()).extracting(SnapshotRef::id).containsExactly(ended.id());
            assertThat(tiering.move(RetentionPolicy.Within.parse("0d"), later)).extracting(Tiering.Moved::source).containsExactly(endedButHeld.id(), kept.id());
            assertThat(near.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(ended.id(), endedButHeld.id());
            assertThat(far.snapshots()).hasSize(2);
        }
    }

    /**
     * A tier stopped (SIGTERM) just as it forgot a snapshot near-line, before the move was handed on: its journal entries,
     * filled from what was handed on, named neither the original nor its committed copy, and check warned for ever of a
     * snapshot deleted from the store (a helper's, with strace). Each is handed on once its copy is committed, before the
     * original goes: here the deletion of the original fails, as a stop there would end the tier.
     */
    @Test
    void eachCopyIsHandedOnBeforeItsOriginalIsForgottenNearLine() throws Exception {
        Path data = source(5, 10_000);
        SnapshotRef original;
        try (Repository near = TestTrees.newRepo(tmp.resolve("near"))) {
            original = TestTrees.backup(near, data);
        }
        ForwardingBackend stopping = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(tmp.resolve("near"))) {
            @Override
            public void delete(String name) {
                if (name.startsWith("snapshots/")) {
                    throw new VaultException("stopped as it forgets " + name);
                }
                super.delete(name);
            }
        };
        try (Repository near = Repository.open(stopping, TestTrees.PASSWORD); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            List<ObjectId> named = new java.util.ArrayList<>();
            List<Tiering.Moved> handedOn = new java.util.ArrayList<>();
            Tiering tiering = new Tiering(near, far);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tiering.move(tiering.due(RetentionPolicy.Within.parse("0d"),
                    Instant.now().plusSeconds(1)), (s, copy) -> {
                        named.add(s.id());
                        named.add(copy.snapshot().id());
                    }, handedOn::add)).isInstanceOf(VaultException.class);
            assertThat(handedOn).isEmpty();
            assertThat(named).containsExactly(original.id(), far.snapshots().getFirst().id());
        }
    }

    /**
     * A tester's long-term copy, taken with rsync while a copy into it ran and then repaired, had lost 21 blobs: a tier
     * found the copy made before, reused it as it was and forgot the near-line original, the only whole one (restore:
     * "blob … is not in the index"). What the copy lacks is copied again before the original is forgotten.
     */
    @Test
    void aCopyMadeBeforeThatLostDataIsCompletedBeforeTheOriginalIsForgotten() throws Exception {
        copiedAndItsDataPackLost(4);
        try (Repository far = TestTrees.open(tmp.resolve("far"))) {
            assertThat(new org.opsledger.vault.checker.Repairer(far, 2).repair(100, false).blobsLost()).isPositive(); // out of its index
        }
        try (Repository near = TestTrees.open(tmp.resolve("near")); Repository far = TestTrees.open(tmp.resolve("far"))) {
            assertThat(new Tiering(near, far).move(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1))).singleElement()
                    .satisfies(m -> {
                        assertThat(m.copiedBefore()).isTrue();
                        assertThat(m.blobsCopiedAgain()).isPositive();
                        assertThat(m.forgottenNearLine()).isTrue();
                    });
            assertThat(new org.opsledger.vault.checker.Checker(far, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(far, 2).restore(far.findSnapshot("latest"), tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(Files.readAllBytes(tmp.resolve("out/data/a.bin"))).isEqualTo(TestTrees.random(4, 700_000));
        }
    }

    /** A copy made before whose tree is in a pack its index names and the store lacks is made whole by the tier. */
    @Test
    void aCopyMadeBeforeWhoseTreePackIsMissingIsMadeWholeByTheTier() throws Exception {
        Path data = source(5, 10_000);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef s = TestTrees.backup(near, data);
            SnapshotRef copy = new org.opsledger.vault.copier.Copier(near, far).copyOnce(s).snapshot();
            Files.delete(tmp.resolve("far").resolve(Repository.packName(far.index().get(copy.snapshot().tree()).pack())));
        }
        theTierMakesTheCopyWhole();
    }

    /**
     * A copy made before whose data pack its index names and the store lacks (a re-tester's: a pack lost from the target)
     * was taken for whole, its blobs being in the index: check named the missing pack, yet the tier said "(copied before)",
     * forgot the near-line original, exit 0, and restore from the target failed on the missing file. The tier failed
     * then; now copying again stores what the store lacks, and the copy restores.
     */
    @Test
    void aCopyMadeBeforeWhoseDataPackIsMissingIsMadeWholeByTheTier() throws Exception {
        copiedAndItsDataPackLost(6);
        theTierMakesTheCopyWhole();
    }

    /**
     * A tier from near to far at the latest snapshot, whose copy made before lacks a pack its index names: the copy takes
     * no blob for stored whose pack the store lacks (f7's; it failed the tier before, "lacks data that copying it again
     * did not give back"), so copying again stores it, the copy restores, and the near-line original is forgotten. Check
     * still names the lost pack, needed by no snapshot now, until a repair takes it out of the index.
     */
    private void theTierMakesTheCopyWhole() {
        try (Repository near = TestTrees.open(tmp.resolve("near")); Repository far = TestTrees.open(tmp.resolve("far"))) {
            assertThat(new Tiering(near, far).move(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1))).singleElement()
                    .satisfies(m -> {
                        assertThat(m.copiedBefore()).isTrue();
                        assertThat(m.blobsCopiedAgain()).isPositive();
                        assertThat(m.forgottenNearLine()).isTrue();
                    });
            assertThat(new Restorer(far, 2).restore(far.findSnapshot("latest"), tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(new org.opsledger.vault.checker.Checker(far, 2).check(100).errors()).singleElement().asString()
                    .contains("is indexed but missing from the repository", "needed by no snapshot");
        }
    }

    /** Near with a backup of a.bin ({@code seed}), far with its copy, from whose store the pack of a.bin's data is gone. */
    private void copiedAndItsDataPackLost(long seed) throws java.io.IOException {
        Path data = source(seed, 700_000);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef copy = new org.opsledger.vault.copier.Copier(near, far).copyOnce(TestTrees.backup(near, data)).snapshot();
            Files.delete(tmp.resolve("far").resolve(Repository.packName(far.index().get(contentOf(far, copy)).pack())));
        }
    }

    /** The first data blob of data/a.bin in {@code snapshot}. */
    private static ObjectId contentOf(Repository repo, SnapshotRef snapshot) {
        var dir = repo.loadTree(snapshot.snapshot().tree()).nodes().getFirst();
        return repo.loadTree(dir.subtree()).nodes().getFirst().content().getFirst();
    }
}
