package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.5: backup records must be accurate and complete. A record given wrong or incomplete at backup time is
 * corrected afterwards: the snapshot is written anew with the same tree and time of capture, says what it replaced
 * and why, and its retention is only ever lengthened. A held snapshot's record stays as it is (IS.012 6.6.7).
 */
class AmendTest {

    @TempDir
    Path tmp;

    private static final LocalDate SOON = LocalDate.now(ZoneOffset.UTC).plusYears(1);

    private SnapshotRef backup(Repository repo, Path data) {
        return new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                .withRecord(null, "Internal", SOON, Map.of("system", "payroll", "ticket", "CHG-1")));
    }

    /** src/data holding one small file. */
    private Path oneFile() throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("a.txt"), "a");
        return data;
    }

    @Test
    void anAmendedRecordReplacesTheSnapshotWithTheSameTreeAndSaysWhatItReplacedAndWhy() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef before = backup(repo, data);
            Instant now = Instant.parse("2026-12-04T21:00:00.123Z");
            Amendment a = new Amendment("Finance records office", "Confidential", SOON.plusYears(6), Map.of("case", "AUD-7"),
                    Set.of("ticket"), "owner left out at backup; classification per the data's register", "auditor");
            Snapshot expected = a.applyTo(before.id(), before.snapshot(), now);
            assertThat(expected.tags()).containsEntry("amended", "2026-12-04T21:00:00Z by auditor: owner left out at backup;"
                    + " classification per the data's register");

            SnapshotRef after = repo.amend(List.of(before), a).getFirst();

            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(after.id());
            Snapshot s = repo.snapshots().getFirst().snapshot();
            assertThat(List.of(s.dataOwner(), s.classification(), s.retainUntil()))
                    .containsExactly("Finance records office", "Confidential", SOON.plusYears(6));
            assertThat(s.tags()).containsEntry("system", "payroll").containsEntry("case", "AUD-7").doesNotContainKey("ticket")
                    .containsEntry("amended-from", before.id().hex());
            assertThat(s.tags().get("amended")).endsWith(" by auditor: owner left out at backup; classification per the data's register");
            Snapshot b = before.snapshot();
            assertThat(List.of(s.time(), s.tree(), s.paths(), s.hostname(), s.kind(), s.summary()))
                    .as("the backup itself is the same: time of capture, tree, paths, host")
                    .isEqualTo(List.of(b.time(), b.tree(), b.paths(), b.hostname(), b.kind(), b.summary()));
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();
            assertThat(new Restorer(repo, 2).restore(after, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));

            // the lengthened retention is the one forget keeps it for
            RetentionPolicy nothing = new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
            assertThat(new Forgetter(repo, ZoneOffset.UTC).forget(nothing, Instant.now()).getFirst().reasons())
                    .containsExactly("retain until " + SOON.plusYears(6));
        }
    }

    @Test
    void retentionIsLengthenedNeverShortenedAndAHeldRecordStaysAsItIs() throws Exception {
        Path data = oneFile();
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = backup(repo, data);
            String id = snap.id().shortHex();
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment(null, null, SOON.minusDays(1), null, null, "typo", "ops")))
                    .isInstanceOf(VaultException.class)
                    .hasMessage("snapshot " + id + " is retained until " + SOON + ": retention is lengthened, never shortened (forget would"
                            + " delete what was promised kept until then); " + SOON.minusDays(1) + " is earlier");
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment("ops", null, null, null, null, " ", "ops")))
                    .hasMessage("an amendment needs a reason (IS.012 6.6.5: the record says why it was corrected)");
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment("ops", null, null, null, null, "owner", null)))
                    .hasMessage("an amendment names who makes it (IS.012 6.6.5: the record says who corrected it)");
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment(null, "Internal", SOON, Map.of("system", "payroll"), null, "again", "ops")))
                    .hasMessage("nothing to amend: snapshot " + id + "'s record already says that");
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment(null, null, null, Map.of("copied-from", "/elsewhere#00"), null, "x", "ops")))
                    .hasMessage("the tag copied-from is written by the vault itself (by copy, tier, recover, amend, rewrite and key retire), not by hand");
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment(null, null, null, null, Set.of("nope"), "x", "ops")))
                    .hasMessage("snapshot " + id + " has no tag nope");

            repo.hold(snap, "litigation 2026-17", "counsel");
            assertThatThrownBy(() -> repo.amend(List.of(snap), new Amendment("ops", null, null, null, null, "owner", "ops")))
                    .hasMessage("snapshot " + id + " is under legal hold (IS.012 6.6.7): its record stays as it is until the hold is released");
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).as("nothing was written").containsExactly(snap.id());
            repo.release(snap);
            SnapshotRef amended = repo.amend(List.of(snap), new Amendment("ops", null, null, null, null, "owner", "ops")).getFirst();
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(amended.id());
        }
    }

    /** A record amended again keeps what the amendment before it said: every ID replaced and every reason, newest first. */
    @Test
    void aRecordAmendedAgainKeepsItsHistory() throws Exception {
        Path data = oneFile();
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef first = backup(repo, data);
            Snapshot once = new Amendment("ops", null, null, null, null, "owner left out (INC-88)", "alice")
                    .applyTo(first.id(), first.snapshot(), Instant.parse("2026-12-04T21:00:00Z"));
            ObjectId onceId = ObjectId.of(new byte[32]);
            Snapshot twice = new Amendment(null, "Confidential", null, null, null, "per the register", "bob")
                    .applyTo(onceId, once, Instant.parse("2026-12-05T08:30:00Z"));

            assertThat(twice.tags()).containsEntry("amended-from", onceId.hex() + " " + first.id().hex())
                    .containsEntry("amended", "2026-12-05T08:30:00Z by bob: per the register\n2026-12-04T21:00:00Z by alice: owner left out (INC-88)");
            assertThatThrownBy(() -> repo.amend(List.of(first), new Amendment("ops", null, null, null, null, "owner\nforged line", "ops")))
                    .hasMessage("an amendment's reason and author are one line each, without control characters");
            assertThatThrownBy(() -> repo.amend(List.of(first), new Amendment("ops", null, null, null, null, "owner", "ops\r")))
                    .hasMessage("an amendment's reason and author are one line each, without control characters");
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(first.id());
        }
    }

    /**
     * A record that does not parse back as written is never written: a tag name holding a byte that is not UTF-8 (a Latin-1
     * host's Gr\xf6sse) made a snapshot file no command could read, and an amend replaced a good record by one (a tester's).
     */
    @Test
    void aRecordThatWouldNotReadBackIsNeitherWrittenNorPutInPlaceOfAGoodOne() throws Exception {
        Path data = oneFile();
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef good = backup(repo, data);
            Amendment latin1 = new Amendment(null, null, null, Map.of("Gr\uDCF6sse", "2"), Set.of(), "inventory tag", "auditor");

            assertThatThrownBy(() -> repo.amend(List.of(good), latin1)).isInstanceOf(VaultException.class)
                    .hasMessage("the new snapshot record does not parse as the format says (it is not JSON): nothing was written;"
                            + " a field of it holds what the format cannot keep (a tag name that is not UTF-8?)");
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(good.id());
            assertThat(repo.snapshots().getFirst().snapshot()).isEqualTo(good.snapshot());

            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord(null, "Internal", SOON, Map.of("Gr\uDCF6sse", "1")))).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("the new snapshot record ");
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(good.id());
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();
        }
    }

    /**
     * Two copies of one repository each amend the same snapshot's record and are merged back (`rsync -a`): two records of one
     * backup, both amended from the same ID, with conflicting owner, classification and retention; check said nothing and
     * forget's policies counted two backups (a tester's, h2). Check warns, naming both and what differs.
     */
    @Test
    void twoRecordsAmendedFromOneSnapshotInTwoCopiesMergedBackAreWarnedOfWithWhatDiffers() throws Exception {
        Path data = oneFile();
        Path repoDir = tmp.resolve("repo");
        Path replica = tmp.resolve("replica");
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
        }
        TestTrees.copyTree(repoDir, replica);
        SnapshotRef here;
        SnapshotRef there;
        try (Repository repo = TestTrees.open(repoDir)) {
            here = repo.amend(List.of(snap), new Amendment("alice", "Internal", SOON.plusYears(1), null, null, "DPO ticket 1", "ops")).getFirst();
        }
        try (Repository repo = TestTrees.open(replica)) {
            there = repo.amend(List.of(snap), new Amendment("bob", "Confidential", SOON, null, null, "DPO ticket 2", "ops")).getFirst();
        }
        try (Repository repo = TestTrees.open(repoDir)) { // no warning of one amend
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("each replaced the record"));
        }
        try (var files = Files.walk(replica.resolve("snapshots"))) { // rsync -a replica/ repo/ (the rest is the same files)
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, repoDir.resolve("snapshots").resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).filteredOn(w -> w.contains("each replaced the record")).singleElement()
                    .asString().contains(here.shortId() + " (amended-from)", there.shortId() + " (amended-from)")
                    .contains("each replaced the record of snapshot " + snap.shortId() + ", and differ: ")
                    .contains("owner ", "alice", "bob", "classification ", "Internal", "Confidential", "retained until ", SOON.toString())
                    .endsWith(": two records of one backup, each amended apart in a copy of the repository and merged back? forget's"
                            + " policies count them as two; `vault forget ID` the one not meant");
        }
    }
}
