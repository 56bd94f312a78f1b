package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Disposal;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.6.4: a repository at the end of its medium's life is disposed of by destroying its keys, never while it
 * holds a backup under legal hold (IS.012 6.6.7) or one promised kept that no other repository keeps as long.
 */
class DisposalTest {

    @TempDir
    Path tmp;

    private static final LocalDate TODAY = LocalDate.now();
    private static final java.time.Instant NOW = java.time.Instant.now();

    /**
     * A backup begun beside a `vault dispose` said "saved", exit 0, of a snapshot written after the keys were destroyed
     * (a helper's): nothing is committed beside a live dispose, nor once the keyring is gone.
     */
    @Test
    void nothingIsCommittedBesideADisposeOrAfterIt() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository disposing = TestTrees.open(dir); Repository backingUp = TestTrees.open(dir)) {
            try (var lock = disposing.lock("dispose")) {
                assertThatThrownBy(() -> TestTrees.backup(backingUp, data)).hasMessageStartingWith("a dispose on ")
                        .hasMessageEndingWith(" runs alone in the repository: backup when it has finished");
            }
            java.nio.file.Files.delete(dir.resolve("keyring"));
            assertThatThrownBy(() -> TestTrees.backup(backingUp, data)).hasMessage("the repository's keyring is gone (disposed of, or"
                    + " deleted): a snapshot written now could never be read; nothing was committed");
        }
        assertThat(dir.resolve("snapshots")).as("no snapshot was written").doesNotExist();
    }

    @Test
    void theKeysAreOverwrittenInPlaceAndDeletedAndNothingOpensAgain() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path dir = tmp.resolve("usb/repo");
        String id;
        byte[] keyring;
        try (Repository repo = TestTrees.newRepo(dir)) {
            id = repo.config().id();
            new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data) // its retention ended the day before yesterday, everywhere
                    .withRecord("Payroll office", "Confidential", TODAY.minusDays(2), Map.of()));
            keyring = Files.readAllBytes(dir.resolve("keyring"));
            // a second name for the keyring's inode: an overwrite that wrote a new file and renamed it over the old
            // one would leave these bytes as they were
            Files.createLink(tmp.resolve("keyring-inode"), dir.resolve("keyring"));

            assertThatThrownBy(() -> Disposal.dispose(repo, "0".repeat(32), null, "ops", NOW))
                    .hasMessage("disposal destroys the keys of " + dir + " for good: confirm it with its repository ID (`vault stats`"
                            + " shows it); " + "0".repeat(32) + " is not it");
            assertThat(Files.readAllBytes(dir.resolve("keyring"))).isEqualTo(keyring);

            Disposal.Disposed d = Disposal.dispose(repo, id, null, "records officer", NOW);
            assertThat(d.repositoryId()).isEqualTo(id);
            assertThat(d.keyFiles()).isEqualTo(2); // one key slot and the keyring
            assertThat(d.snapshots()).isEqualTo(1);
            assertThat(d.packs()).isPositive();
        }
        assertThat(dir.resolve("keyring")).doesNotExist();
        try (var slots = Files.list(dir.resolve("keys"))) {
            assertThat(slots.toList()).isEmpty();
        }
        byte[] after = Files.readAllBytes(tmp.resolve("keyring-inode"));
        assertThat(after).hasSameSizeAs(keyring).isNotEqualTo(keyring);
        assertThat(dir.resolve("locks").toFile().list()).isEmpty();
        assertThatThrownBy(() -> TestTrees.open(dir)).hasMessage("repository " + dir + " has no key slot: it was disposed of, or its"
                + " keys/ were deleted; nothing in it can be decrypted");
    }

    @Test
    void aHeldOrRetainedBackupIsNotDisposedOfUnlessACopyKeepsItAsLong() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("usb/repo")); Repository archive = TestTrees.newRepo(tmp.resolve("archive"))) {
            String id = repo.config().id();
            SnapshotRef kept = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", TODAY.plusYears(7), Map.of()));
            SnapshotRef held = TestTrees.backup(repo, data);
            repo.hold(held, "litigation 2026-17", "counsel");

            assertThatThrownBy(() -> Disposal.dispose(repo, id, null, "ops", NOW))
                    .hasMessage("1 snapshot(s) are under legal hold (IS.012 6.6.7; first " + held.id().shortHex() + ", for litigation"
                            + " 2026-17): a held backup is not disposed of; keep the medium until every hold is released");
            repo.release(held);
            // the released one has no retention recorded: how long it must be kept is unknown, and it has no copy either
            assertThatThrownBy(() -> Disposal.dispose(repo, id, null, "ops", NOW))
                    .hasMessage("2 snapshot(s) are retained until today or later, or have no retention recorded, with no copy kept as"
                            + " long (first " + kept.shortId() + " (retained until " + TODAY.plusYears(7) + ")): `vault copy` them to the"
                            + " repository that keeps them, then dispose naming it");
            new Copier(repo, archive).copyOnce(held);

            SnapshotRef copy = new Copier(repo, archive).copyOnce(kept).snapshot();
            // the copy's record says less: shortened there it would not keep the backup as long
            archive.backend().delete("snapshots/" + copy.id().hex());
            SnapshotRef shorter = new SnapshotRef(archive.saveSnapshot(copy.snapshot().withRecord("Payroll office", "Confidential",
                    TODAY.plusYears(1), copy.snapshot().tags())), null);
            assertThatThrownBy(() -> Disposal.dispose(repo, id, archive, "ops", NOW))
                    .hasMessageContaining("with no copy in " + tmp.resolve("archive") + " kept as long (first " + kept.shortId()
                            + " (retained until " + TODAY.plusYears(7) + "; its copy " + shorter.shortId() + " until " + TODAY.plusYears(1) + "))");
            assertThat(repo.backend().exists("keyring")).as("every refusal changed nothing").isTrue();

            // amended since it was copied: the copy is still known, and copy brings its record up to date
            SnapshotRef amended = repo.amend(List.of(kept), new Amendment(null, null, TODAY.plusYears(8), null, null, "rule R-4", "ops"))
                    .getFirst();
            new Copier(repo, archive).copyOnce(amended);
            Disposal.Disposed d = Disposal.dispose(repo, id, archive, "ops", NOW);
            assertThat(d.copiesIn()).isEqualTo(tmp.resolve("archive").toString());
            assertThat(archive.snapshots()).anySatisfy(s -> assertThat(s.snapshot().retainUntil()).isEqualTo(TODAY.plusYears(8)));
        }
    }

    /**
     * IS.012 6.6.7: a hold record deleted in the store (anyone with write access to it, no password needed) let dispose
     * destroy the held snapshot, and with the keys the journal that recorded the hold (a tester's). The journal is read
     * first: a matter placed and never released is refused, named, until its hold is placed again and released.
     */
    @Test
    void aHoldWhoseRecordWasDeletedOutsideTheVaultIsNotDisposedOf() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("usb/repo"))) {
            String id = repo.config().id();
            SnapshotRef held = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", TODAY.minusDays(2), Map.of()));
            repo.hold(held, "MATTER-1 preserve payroll", "counsel"); // as `vault hold` records it
            Journal journal = new Journal(repo);
            journal.record(JournalEntry.of(JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, java.time.Instant.now(), List.of(),
                    List.of(held.id()), false, 0, HoldHistory.placed("counsel", "MATTER-1 preserve payroll")));
            Files.delete(tmp.resolve("usb/repo/holds/" + held.id().hex()));

            assertThatThrownBy(() -> Disposal.dispose(repo, id, null, "ops", NOW))
                    .hasMessageStartingWith("1 snapshot(s) are under legal hold by the journal, never released, with no hold record (first "
                            + held.id().shortHex() + ", held for \"MATTER-1 preserve payroll\", placed ")
                    .hasMessageEndingWith(" by counsel): a hold file was removed outside the vault (IS.012 6.6.7), and a held backup is"
                            + " not disposed of; place each hold again (`vault hold --reason`) and keep the medium until every hold is released");
            assertThat(repo.backend().exists("keyring")).as("the refusal changed nothing").isTrue();

            repo.hold(held, "MATTER-1 preserve payroll", "counsel");
            repo.release(held);
            journal.record(JournalEntry.of(JournalEntry.Operation.RELEASE, JournalEntry.Outcome.OK, java.time.Instant.now(), List.of(),
                    List.of(held.id()), false, 0, HoldHistory.released("MATTER-1 preserve payroll", null)));
            assertThat(Disposal.dispose(repo, id, null, "ops", NOW).snapshots()).as("released through the vault").isEqualTo(1);
        }
    }

    /**
     * IS.012 6.6.7: a hold record and the journal entry of its placement, both deleted in the store (no password needed),
     * let dispose destroy the held snapshot: nothing recorded the hold any more. A check had read the placement, and the
     * journal keeps what checks read (§13): dispose refuses while such a placement is gone, unless the operator says so.
     */
    @Test
    void aHoldPlacementDeletedFromTheJournalAfterACheckReadItStopsDispose() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("usb/repo"))) {
            String id = repo.config().id();
            SnapshotRef held = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", TODAY.minusDays(2), Map.of()));
            java.util.Set<String> before = new java.util.HashSet<>(repo.backend().list("journal"));
            repo.hold(held, "MATTER-2 preserve payroll", "counsel"); // as `vault hold` records it
            Journal journal = new Journal(repo);
            journal.record(JournalEntry.of(JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, java.time.Instant.now(), List.of(),
                    List.of(held.id()), false, 0, HoldHistory.placed("counsel", "MATTER-2 preserve payroll")));
            String placement = repo.backend().list("journal").stream().filter(n -> !before.contains(n)).findFirst().orElseThrow();
            org.opsledger.vault.checker.Checker checker = new org.opsledger.vault.checker.Checker(repo, 2);
            checker.check(0);
            journal.record(JournalEntry.of(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, java.time.Instant.now(), List.of(),
                    List.of(), false, 0, "checked").covering(checker.journalCovers())); // as `vault check` records it
            Files.delete(tmp.resolve("usb/repo/holds/" + held.id().hex()));
            Files.delete(tmp.resolve("usb/repo/" + placement)); // the listing names it journal/ID

            assertThatThrownBy(() -> Disposal.dispose(repo, id, null, "ops", NOW))
                    .hasMessageStartingWith("1 legal hold placement(s) a check read are gone from the journal (first the hold on ")
                    .hasMessageEndingWith("whether its matter was released is unknown, and a held backup is not disposed of (IS.012"
                            + " 6.6.7); `vault check` names each; dispose with --ignore-unreadable-journal once you know none holds a"
                            + " backup still kept");
            assertThat(repo.backend().exists("keyring")).as("the refusal changed nothing").isTrue();
            assertThat(Disposal.dispose(repo, id, null, "ops", NOW, true).snapshots()).as("the operator's word").isEqualTo(1);
        }
    }

    /**
     * IS.012 6.6.7: a held snapshot deleted in the store with its hold record stopped dispose for good: the journal records
     * its matter never released, and `vault release` of an ID no longer there found nothing to release (a tester's). The
     * refusal names the way out: the matter, once over, released by the journal, an explicit act that says who and why.
     */
    @Test
    void aHeldSnapshotGoneWithItsRecordIsDisposedOfOnceItsMatterIsReleasedByTheJournal() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("usb/repo"))) {
            String id = repo.config().id();
            SnapshotRef held = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", TODAY.minusDays(2), Map.of()));
            repo.hold(held, "MATTER-1", "counsel");
            Journal journal = new Journal(repo); // as `vault hold` records it
            journal.record(JournalEntry.of(JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, java.time.Instant.now(), List.of(),
                    List.of(held.id()), false, 0, HoldHistory.placed("counsel", "MATTER-1")));
            Files.delete(tmp.resolve("usb/repo/holds/" + held.id().hex()));
            Files.delete(tmp.resolve("usb/repo/snapshots/" + held.id().hex()));

            assertThatThrownBy(() -> Disposal.dispose(repo, id, null, "ops", NOW))
                    .hasMessageEndingWith("; " + held.id().shortHex() + " is gone from the repository: when its matter is over, `vault release "
                            + held.id().shortHex() + " --reason \"MATTER-1\" --snapshot-gone WHY` (by the journal, naming why)");
            HoldHistory.GoneRelease gone = HoldHistory.goneRelease(repo, repo.snapshots(), held.id().hex(), "MATTER-1").orElseThrow();
            assertThat(gone.others()).isEmpty();
            journal.record(JournalEntry.of(JournalEntry.Operation.RELEASE, JournalEntry.Outcome.OK, java.time.Instant.now(), List.of(),
                    List.of(held.id()), false, 0, HoldHistory.releasedGone(gone, "J. Counsel", "MATTER-1 closed, letter L-88")));
            assertThat(HoldHistory.goneRelease(repo, repo.snapshots(), held.id().hex(), null)).as("released").isEmpty();
            assertThat(Disposal.dispose(repo, id, null, "ops", NOW).snapshots()).isZero();
        }
    }

    /**
     * IS.012 6.6.7: dispose passed over a journal entry that did not read (a flipped byte), which may be the placement of a
     * hold whose record was deleted, and destroyed the keys (a tester's). Refused, naming the file, check and repair; the
     * operator who knows what it held says so explicitly.
     */
    @Test
    void aJournalFileThatDoesNotReadStopsDisposeUnlessTheOperatorSaysSo() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path dir = tmp.resolve("usb/repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            String id = repo.config().id();
            SnapshotRef held = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", TODAY.minusDays(2), Map.of()));
            repo.hold(held, "MATTER-1", "counsel");
            var placed = new Journal(repo).record(JournalEntry.of(JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, java.time.Instant.now(),
                    List.of(), List.of(held.id()), false, 0, HoldHistory.placed("counsel", "MATTER-1")));
            Files.delete(dir.resolve("holds/" + held.id().hex()));
            Path entry = dir.resolve("journal/" + placed.hex());
            byte[] bytes = Files.readAllBytes(entry);
            bytes[bytes.length / 2] ^= 1;
            Files.write(entry, bytes);

            assertThatThrownBy(() -> Disposal.dispose(repo, id, null, "ops", NOW))
                    .hasMessageStartingWith("1 journal file(s) cannot be read (first journal/" + placed.hex())
                    .hasMessageEndingWith("): one may record a legal hold never released, and a held backup is not disposed of (IS.012 6.6.7);"
                            + " `vault check` names each and `vault repair` moves it aside, or dispose with --ignore-unreadable-journal once"
                            + " you know none held a backup");
            assertThat(repo.backend().exists("keyring")).as("the refusal changed nothing").isTrue();
            assertThat(Disposal.dispose(repo, id, null, "ops", NOW, true).snapshots()).isEqualTo(1);
        }
    }

    /**
     * A copy made before a rewrite of the snapshot still holds what the rewrite took out, under a record that says nothing
     * of it: dispose took it for the copy that keeps the snapshot (found through the amended-from a rewrite keeps), and
     * destroyed the keys of the only repository whose record said the key was taken out. Refused, naming the fix; a tier
     * again copies it anew, and the dispose goes ahead.
     */
    @Test
    void aCopyMadeBeforeARewriteIsNotTheCopyThatKeepsTheSnapshot() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Files.writeString(data.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nleaked\n");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("usb/repo")); Repository archive = TestTrees.newRepo(tmp.resolve("archive"))) {
            String id = repo.config().id();
            SnapshotRef kept = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", TODAY.plusYears(7), Map.of()));
            SnapshotRef copy = new Copier(repo, archive).copyOnce(kept).snapshot();
            SnapshotRef amended = repo.amend(List.of(kept), new Amendment("Payroll and pensions office", null, null, null, null, "renamed",
                    "ops")).getFirst();
            SnapshotRef rewritten = new org.opsledger.vault.snapshot.Rewriter(repo).rewrite(List.of(amended), List.of("id_rsa"),
                    "INC-31: a private key", "security", false).getFirst().after();

            assertThatThrownBy(() -> Disposal.dispose(repo, id, archive, "ops", NOW))
                    .hasMessage("1 snapshot(s) are retained until today or later, or have no retention recorded, with no copy in "
                            + tmp.resolve("archive") + " kept as long (first " + rewritten.shortId() + " (retained until " + TODAY.plusYears(7)
                            + "; its copy " + copy.shortId() + " was made before it was rewritten, and holds what the rewrite took out)):"
                            + " `vault tier` (or `vault copy`) them again, which copies anew a snapshot rewritten since its copy, then"
                            + " dispose naming it");
            assertThat(repo.backend().exists("keyring")).isTrue();

            assertThat(new Copier(repo, archive).copyOnce(rewritten).copyBeforeRewrite()).isEqualTo(copy.id());
            assertThat(Disposal.dispose(repo, id, archive, "ops", NOW).copiesIn()).isEqualTo(tmp.resolve("archive").toString());
        }
    }

    /**
     * On a bucket that keeps old versions, `key retire` and `dispose` said so on their line and in the journal, and their
     * --json, the result printed as it is, said nothing of it: the note is each result's {@code oldVersions}, in its JSON
     * too; on a store that keeps none it is absent.
     */
    @Test
    void whatAStoresOldVersionsKeepIsInTheRetirementAndTheDisposalAndTheirJson() throws Exception {
        String kept = "the bucket ops has versioning Enabled";
        for (boolean versioned : List.of(true, false)) {
            Path dir = tmp.resolve("repo-" + versioned);
            TestTrees.newRepo(dir).close();
            try (Repository repo = Repository.open(ForwardingBackend.keepingOldVersions(dir, versioned ? kept : null), TestTrees.PASSWORD)) {
                new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
                var retired = new org.opsledger.vault.repository.KeyEpochs(repo).retire(1);
                Disposal.Disposed disposed = Disposal.dispose(repo, repo.config().id(), null, "ops", NOW);
                if (versioned) {
                    String keyring = kept + ": the noncurrent versions of the keyring hold the key until a lifecycle rule expires them"
                            + " (vault-format.md §3)";
                    String keys = kept + ": the noncurrent versions of its keys/ and keyring hold the key until a lifecycle rule"
                            + " expires them (vault-format.md §3)";
                    assertThat(retired.oldVersions()).isEqualTo(keyring);
                    assertThat(VaultJson.writeString(retired)).contains("\"oldVersions\":\"" + keyring + "\"");
                    assertThat(disposed.oldVersions()).isEqualTo(keys);
                    assertThat(VaultJson.writeString(disposed)).contains("\"oldVersions\":\"" + keys + "\"");
                    assertThat(Disposal.but(disposed.oldVersions())).isEqualTo("; but " + keys);
                } else {
                    assertThat(VaultJson.writeString(retired)).doesNotContain("oldVersions");
                    assertThat(VaultJson.writeString(disposed)).doesNotContain("oldVersions");
                    assertThat(Disposal.but(disposed.oldVersions())).isEmpty();
                }
            }
        }
    }
}
