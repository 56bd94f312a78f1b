package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.journal.JournalEntry.Operation;
import org.opsledger.vault.journal.JournalEntry.Outcome;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;

/**
 * The journal (docs/vault-format.md §13): IS.012 6.6.5 asks backup records to track exceptions, the backups that failed
 * as well as those that succeeded; 6.6.4 and the policy's 2.11 ask for recovery to be tested, which a verified restore
 * in the journal proves and `check` asks for when it is more than six months old.
 */
class JournalTest {

    @TempDir
    Path tmp;

    /** The repository, its one-entry files' directory and its segments' (under {@link #tmp}). */
    private Path dir;
    private Path singles;
    private Path segments;

    /** When the entries of a test begin. */
    private static final Instant T = Instant.parse("2026-12-05T01:00:00Z");

    @BeforeEach
    void paths() {
        dir = tmp.resolve("repo");
        singles = dir.resolve(Journal.DIR);
        segments = dir.resolve(Journal.SEGMENTS);
    }

    private static JournalEntry entry(Operation op, Outcome outcome, Instant started, boolean verified, String detail) {
        return entry(op, "web-1", List.of("/srv"), outcome, started, verified, detail);
    }

    private static JournalEntry entry(Operation op, String host, List<String> paths, Outcome outcome, Instant started, boolean verified,
                                      String detail) {
        return new JournalEntry(op, outcome, started, started.plusSeconds(2), host, "operator", paths, List.of(), verified,
                outcome == Outcome.OK ? 0 : outcome == Outcome.INCOMPLETE ? 3 : 1, detail, null);
    }

    /**
     * Each entry names the key slot whose password opened the repository, its short ID and label: a departing operator's
     * slot labelled as a colleague's was tied to no one where everyone runs as root on one host (h3's repro-2). One an
     * older build wrote names none and reads as before.
     */
    @Test
    void anEntryNamesTheKeySlotThatOpenedTheRepositoryAndAnOlderOneNone() {
        String bob;
        try (Repository repo = TestTrees.newRepo(dir)) {
            bob = repo.addKeySlot("bob's".toCharArray(), TestTrees.FAST_KDF, "bob");
            repo.writeSealed(Journal.DIR, Sealing.Kind.JOURNAL, entry(Operation.BACKUP, Outcome.OK, T, false, "an older build's"));
        }
        try (Repository repo = Repository.open(new org.opsledger.vault.backend.LocalBackend(dir), "bob's".toCharArray())) {
            new Journal(repo).record(entry(Operation.KEY, Outcome.OK, T.plusSeconds(60), false, "key slot 1a2b3c4d added (alice-laptop)"));
            assertThat(new Journal(repo).read().entries()).extracting(JournalEntry::keySlot)
                    .containsExactly(null, new JournalEntry.SlotInUse(bob.substring(0, 8), "bob", true));
        }
    }

    /**
     * A key slot is a plaintext file: whoever could write to the store, without a password, relabelled bob's slot "alice",
     * and bob's next commands were journaled as alice's slot's, key list showing alice (h2's repro-4; IS.012 6.6.5). Its
     * label is authenticated under the master key: one rewritten, or of a slot an older build wrote, which has no such
     * code, opens as before and is shown as unverified; the slot's ID names it.
     */
    @Test
    void aKeySlotRelabelledInTheStoreIsShownAsUnverified() throws Exception {
        String bob;
        try (Repository repo = TestTrees.newRepo(dir)) {
            bob = repo.addKeySlot("bob's".toCharArray(), TestTrees.FAST_KDF, "bob");
            assertThat(repo.keySlots()).extracting(Repository.KeySlotInfo::labelVerified).containsExactly(true, true);
        }
        Path slot = dir.resolve("keys").resolve(bob);
        String written = Files.readString(slot);
        assertThat(written).contains("\"label\":\"bob\"");
        Files.delete(slot);
        Files.writeString(slot, written.replace("\"label\":\"bob\"", "\"label\":\"alice\""));
        try (Repository repo = Repository.open(new org.opsledger.vault.backend.LocalBackend(dir), "bob's".toCharArray())) {
            new Journal(repo).record(entry(Operation.BACKUP, Outcome.OK, T, false, "bob's backup"));
            JournalEntry.SlotInUse named = new Journal(repo).read().entries().getFirst().keySlot();
            assertThat(named).isEqualTo(new JournalEntry.SlotInUse(bob.substring(0, 8), "alice", false));
            assertThat(named.toString()).isEqualTo(bob.substring(0, 8) + " (alice?)");
            assertThat(repo.keySlots()).filteredOn(s -> s.id().equals(bob)).extracting(Repository.KeySlotInfo::labelVerified)
                    .containsExactly(false);
        }
        // a slot an older build wrote: no labelsMac
        Files.delete(slot);
        Files.writeString(slot, written.replaceAll(",?\"labelsMac\":\"[^\"]*\"", ""));
        assertThat(Files.readString(slot)).doesNotContain("labelsMac");
        try (Repository repo = Repository.open(new org.opsledger.vault.backend.LocalBackend(dir), "bob's".toCharArray())) {
            assertThat(repo.keySlotInUse()).isEqualTo(bob);
            assertThat(repo.keySlotInUseLabelVerified()).isFalse();
            assertThat(new Journal(repo).slotInUse().toString()).isEqualTo(bob.substring(0, 8) + " (bob?)");
        }
    }

    /**
     * A forget writes a stand-in entry before it deletes and takes it back once its own entry is written; another host's
     * prune that gathered the stand-in into a segment meanwhile left it there, saying "did not end" beside the entry of
     * how the forget ended (a helper's). The stand-in of a command whose own entry is there is not listed, nor counted.
     */
    @Test
    void aStandInBesideItsCommandsOwnEntryIsNotListed() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            JournalEntry standIn = new JournalEntry(Operation.FORGET, Outcome.FAILED, T, T, "web-1", "operator", List.of(), List.of(), false,
                    137, JournalEntry.UNFINISHED + "it was to remove 1 snapshot(s)", null);
            journal.record(standIn);
            journal.record(new JournalEntry(Operation.FORGET, Outcome.OK, T, T.plusSeconds(1), "web-1", "operator", List.of(), List.of(),
                    false, 0, "removed 1 snapshot(s)", null));
            JournalEntry killed = new JournalEntry(Operation.FORGET, Outcome.FAILED, T.plusSeconds(60), T.plusSeconds(60), "web-1",
                    "operator", List.of(), List.of(), false, 137, JournalEntry.UNFINISHED + "it was to remove 2 snapshot(s)", null);
            journal.record(killed); // a forget killed outright: its stand-in is all there is of it
            Journal.Listing listing = journal.read(e -> true);
            assertThat(listing.entries()).extracting(JournalEntry::detail).containsExactly("removed 1 snapshot(s)", killed.detail());
            assertThat(listing.total()).isEqualTo(2);
        }
    }

    @Test
    void entriesAreSealedNamedByTheirHashAndReadBackOldestFirst() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            assertThat(journal.kept()).isTrue();
            journal.record(entry(Operation.RESTORE, Outcome.OK, T, true, "restored 3 files; verified"));
            journal.record(entry(Operation.BACKUP, Outcome.FAILED, T.minusSeconds(60), false, "cannot read /srv:\npermission denied\u001b[2J"));
            journal.record(entry(Operation.CHECK, Outcome.OK, T.plusSeconds(60), false, "x".repeat(5000)));

            Journal.Listing listing = journal.read();
            assertThat(listing.unreadable()).isEmpty();
            assertThat(listing.entries()).extracting(JournalEntry::operation).containsExactly(Operation.BACKUP, Operation.RESTORE, Operation.CHECK);
            // as said, its controls escaped where it is shown: as spaces, "/x/a<LF>b" read as "/x/a b", another path (a helper's)
            assertThat(listing.entries().getFirst().detail()).as("as said").isEqualTo("cannot read /srv:\npermission denied\u001b[2J");
            assertThat(listing.entries().getLast().detail()).hasSize(JournalEntry.MAX_DETAIL);
            assertThat(listing.lastVerifiedRestore()).map(JournalEntry::started).contains(T);
        }
        try (var files = Files.list(dir.resolve(Journal.DIR))) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(Sealing.sha256(bytes).hex()).isEqualTo(f.getFileName().toString());
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("web-1").doesNotContain("operator");
            }
        }
    }

    /**
     * IS.012 6.6.8 (h2's repro-1): a key slot whose `key add` entry was deleted from the store before a check read it left
     * no trace. Check names every slot no init or key add entry records; an entry naming a fingerprint counts for the slot
     * of that fingerprint, one of an older build (none) for one slot of its ID's start.
     */
    @Test
    void checkNamesEveryKeySlotWhoseAdditionNoEntryRecords() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            String initial = repo.keySlotInUse();
            journal.record(entry(Operation.INIT, Outcome.OK, Instant.now(), false, "created repository " + repo.config().id()
                    + " (format " + repo.config().version() + "); key slot " + initial.substring(0, 8) + " (test), PBKDF2-HMAC-SHA256 1000 iterations"));
            String alice = repo.addKeySlot("alice's password".toCharArray(), TestTrees.FAST_KDF, "alice");
            journal.record(entry(Operation.KEY, Outcome.OK, Instant.now(), false, Repository.NamedSlot.addition(repo.keySlot(alice))));
            String old = repo.addKeySlot("an older build's".toCharArray(), TestTrees.FAST_KDF, "old");
            journal.record(entry(Operation.KEY, Outcome.OK, Instant.now(), false, "key slot " + old.substring(0, 8) + " added (old)"));
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();

            String mallory = repo.addKeySlot("backdoor".toCharArray(), TestTrees.FAST_KDF, "mallory"); // its entry deleted: none
            assertThat(new Checker(repo, 2).check(0).errors()).singleElement().asString()
                    .startsWith("key slot " + mallory.substring(0, 8) + " (mallory, created on ")
                    .contains(" " + Checker.SLOT_UNRECORDED + ": ").endsWith("`vault key remove " + mallory.substring(0, 8) + "`");
            // under the name of a recorded slot of an older build's entry: that entry counts for one slot only
            Files.move(dir.resolve("keys/" + mallory), dir.resolve("keys/" + old.substring(0, 8) + mallory.substring(8)));
            assertThat(new Checker(repo, 2).check(0).errors()).singleElement().asString().startsWith("key slot " + old.substring(0, 8) + " (");
        }
    }

    @Test
    void aRepositoryOfFormatThreeKeepsNoJournalUntilUpgradedAndItsIndexStaysAsItIs() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
        }
        TestTrees.setFormatVersion(dir, RepositoryConfig.VERSION, 3); // as a build of format 3 made it
        List<String> indexFiles;
        try (var files = Files.list(dir.resolve("index"))) {
            indexFiles = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        try (Repository repo = TestTrees.open(dir)) {
            Journal journal = new Journal(repo);
            assertThat(journal.kept()).isFalse();
            JournalEntry e = entry(Operation.BACKUP, Outcome.OK, Instant.now(), false, "saved");
            assertThatThrownBy(() -> journal.record(e)).hasMessage("this repository's format (3) keeps no journal of backups, restores and"
                    + " checks (IS.012 6.6.5): `vault upgrade` moves it to format 4 or later");
            assertThat(dir.resolve(Journal.DIR)).doesNotExist();
            assertThat(new Checker(repo, 2).check(0).warnings()).contains(journal.notKept());

            Repository.Upgrade u = repo.upgrade();
            assertThat(u.from()).isEqualTo(3);
            assertThat(u.to()).isEqualTo(RepositoryConfig.VERSION);
            assertThat(u.indexFiles()).as("formats 4 and 5 add nothing to the index").isZero();
            journal.record(e);
            assertThat(journal.read().entries()).containsExactly(e.openedWith(journal.slotInUse())); // the slot that opened it
        }
        // a helper's: the plaintext config set back to format 3 by someone able to write to the store, and every command
        // after it recorded nothing; check found only the warning a real format-3 repository gets
        TestTrees.setFormatVersion(dir, RepositoryConfig.VERSION, 3);
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Checker(repo, 2).check(0).errors()).singleElement().asString()
                    .startsWith("the config says format 3, which keeps no journal, but journal/ holds 1 file(s) that only format 4");
            // h2's repro-6: a dump or restore then ran and wrote no entry; whatever asks whether the journal is kept refuses
            assertThatThrownBy(() -> new Journal(repo).kept()).hasMessageEndingWith("the config was altered or put back from an"
                    + " older copy, and nothing is done unrecorded (IS.012 6.6.5): `vault upgrade` sets it right");
            repo.upgrade();
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Journal(repo).kept()).isTrue();
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();
        }
        try (var files = Files.list(dir.resolve("index"))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).isEqualTo(indexFiles);
        }
    }

    @Test
    void aDamagedEntryIsACheckErrorAndRepairTakesItOutOfTheJournal() throws Exception {
        ObjectId damaged;
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(entry(Operation.BACKUP, Outcome.OK, Instant.now(), false, "kept"));
            damaged = journal.record(entry(Operation.BACKUP, Outcome.FAILED, Instant.now(), false, "to be damaged"));
        }
        Path file = dir.resolve(Journal.DIR).resolve(damaged.hex());
        DamagedPackTest.flipOneByte(file, Files.size(file) / 2);
        try (Repository repo = TestTrees.open(dir)) {
            CheckResult c = new Checker(repo, 2).check(0);
            assertThat(c.errors()).containsExactly("journal entry journal/" + damaged.hex() + ": does not match its SHA-256 name (damaged or altered)");
            assertThat(new Journal(repo).read().entries()).extracting(JournalEntry::detail).as("the others are read").containsExactly("kept");

            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.files()).containsExactly(new RepairResult.DamagedFile("journal/" + damaged.hex(),
                    "does not match its SHA-256 name (damaged or altered)", "damaged/journal/" + damaged.hex(), "taken out of the journal"));
            assertThat(file).doesNotExist();
            assertThat(dir.resolve("damaged/journal/" + damaged.hex())).exists();
            CheckResult after = new Checker(repo, 2).check(0);
            assertThat(after.errors()).isEmpty();
            assertThat(after.warnings()).anyMatch(w -> w.startsWith("damaged files kept under damaged/ by `vault repair` (1 journal file(s))"));
        }
    }

    /**
     * An entry that opens but lacks its start, operation or outcome, or a segment without entries, crashed journal, due,
     * check and prune ("Cannot invoke … Instant.isBefore …", a bare NullPointerException: a helper's). Each is a file that
     * does not open, reported, and hides none of the others (§13).
     */
    @Test
    void anEntryOrSegmentThatLacksAFieldIsReportedAndHidesNoOther() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            JournalEntry kept = entry(Operation.BACKUP, Outcome.OK, Instant.now(), false, "kept");
            journal.record(kept);
            List<String> expected = new java.util.ArrayList<>();
            for (String field : List.of("started", "operation", "outcome")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> json = org.opsledger.vault.VaultJson.MAPPER.convertValue(kept, Map.class);
                json.remove(field);
                String name = Journal.DIR + "/" + repo.writeSealed(Journal.DIR, Sealing.Kind.JOURNAL, json).hex();
                expected.add(name + ": does not parse as the format says (no " + field + ")"); // named once
            }
            String segment = Journal.SEGMENTS + "/" + repo.writeSealed(Journal.SEGMENTS, Sealing.Kind.JOURNAL,
                    Map.of("compacted", List.of())).hex();
            expected.add(segment + ": does not parse as the format says (no entries)");

            Journal.Listing read = new Journal(repo).read();
            assertThat(read.entries()).extracting(JournalEntry::detail).containsExactly("kept");
            assertThat(read.unreadable()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(new Checker(repo, 2).check(0).errors()).hasSize(4).allMatch(e -> e.contains("does not parse as the format says"));
            // one may have been a hold's placement: prune refuses, naming them, as dispose does (IS.012 6.6.7), and no crash
            assertThatThrownBy(() -> new Pruner(repo).prune())
                    .hasMessageStartingWith("4 journal file(s) cannot be read (first ").hasMessageEndingWith("; nothing was pruned");
            new Pruner(repo).ignoringUnreadableJournal(true).prune();
            assertThat(new Journal(repo).read().entries()).extracting(JournalEntry::detail).contains("kept");
        }
    }

    @Test
    void checkAsksForAVerifiedRestoreWhenNoneIsSixMonthsOldOrLess() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(dir)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).as("nothing to restore yet").noneMatch(w -> w.contains("verified restore"));
            TestTrees.backup(repo, data);
            Journal journal = new Journal(repo);
            assertThat(new Checker(repo, 2).check(0).warnings()).contains("the journal records no verified restore: the policy (2.11) asks"
                    + " for recovery to be tested every six months, IS.012 6.6.4 at least yearly (`vault restore SNAPSHOT --target DIR --verify`)");

            Instant longAgo = Instant.now().minus(Duration.ofDays(200));
            journal.record(entry(Operation.RESTORE, Outcome.OK, longAgo, true, "restored; verified"));
            journal.record(entry(Operation.RESTORE, Outcome.OK, Instant.now(), false, "restored, not verified"));
            journal.record(entry(Operation.RESTORE, Outcome.FAILED, Instant.now(), false, "verify found 1 difference(s)"));
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.startsWith("the last verified restore in the journal ended "
                    + longAgo.plusSeconds(2).toString().substring(0, 10) + ", more than six months ago"));

            journal.record(entry(Operation.RESTORE, Outcome.OK, Instant.now(), true, "restored; verified"));
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("verified restore"));
        }
    }

    /**
     * A recovery test every six months on the same day (cron's `0 3 1 1,7 *`) is not warned of on the day the next one is due:
     * six months from July to January are 184 days, and a count of 183 called the July test "more than six months ago"
     * from 31 December, before the January one could run (f5's years of one repository). The warning comes once six
     * calendar months and a day have passed (IS.012 6.6.4; the policy's 2.11).
     */
    @Test
    void aRecoveryTestSixCalendarMonthsAgoIsWarnedOfOnlyOnceTheDayItWasDueHasPassed() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
            Journal journal = new Journal(repo);
            journal.record(entry(Operation.RESTORE, Outcome.OK, Instant.parse("2026-07-01T01:00:00Z"), true, "restored; verified"));
            for (String notYet : List.of("2026-12-31T01:30:00Z", "2027-01-01T00:30:00Z", "2027-01-01T23:59:00Z", "2027-01-02T00:59:00Z")) {
                assertThat(journal.read().recoveryWarning(Instant.parse(notYet))).as(notYet).isNull();
            }
            assertThat(journal.read().recoveryWarning(Instant.parse("2027-01-02T01:30:00Z")))
                    .startsWith("the last verified restore in the journal ended 2026-07-01, more than six months ago");

            journal.record(entry(Operation.RESTORE, Outcome.OK, Instant.parse("2026-08-31T01:00:00Z"), true, "restored; verified"));
            assertThat(journal.read().recoveryWarning(Instant.parse("2027-02-28T12:00:00Z"))).as("a month's last day").isNull();
            assertThat(journal.read().recoveryWarning(Instant.parse("2027-03-01T12:00:00Z"))).as("28 February and a day")
                    .startsWith("the last verified restore in the journal ended 2026-08-31");
        }
    }

    @Test
    void checkNamesEachSourceWhoseNewestBackupFailed() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(backup("web-1", List.of("/etc", "/srv"), Outcome.OK, T, "saved"));
            journal.record(backup("web-1", List.of("/srv", "/etc"), Outcome.FAILED, T.plusSeconds(60), "disk full")); // as given
            journal.record(backup("web-2", List.of("/srv"), Outcome.FAILED, T, "unreachable"));
            journal.record(backup("web-2", List.of("/srv"), Outcome.INCOMPLETE, T.plusSeconds(60), "saved, 1 path unread"));
            journal.record(backup("db-1", List.of("payroll.sql"), Outcome.FAILED, T.plusSeconds(30), "command pg_dump exited with status 1"));
            journal.record(entry(Operation.RESTORE, Outcome.FAILED, T.plusSeconds(90), false, "not a backup"));

            assertThat(journal.read(e -> false).failingBackups()).extracting(JournalEntry::host).containsExactly("db-1", "web-1");
            assertThat(new Checker(repo, 2).check(0).warnings()).contains(
                    "the newest backup of payroll.sql on db-1 failed (2026-12-05 01:00:30 UTC): command pg_dump exited with status 1"
                            + " (IS.012 6.6.5; `vault journal --failed`)",
                    "the newest backup of /srv /etc on web-1 failed (2026-12-05 01:01:00 UTC): disk full (IS.012 6.6.5; `vault journal --failed`)");

            journal.record(backup("web-1", List.of("/etc", "/srv"), Outcome.OK, T.plusSeconds(120), "saved again"));
            assertThat(journal.read(e -> false).failingBackups()).extracting(JournalEntry::host).containsExactly("db-1");

            // IS.012 6.4.3: a system decommissioned fails no more backups; its entry names it, whoever wrote it where
            journal.record(JournalEntry.decommission("db-1", List.of("payroll.sql"), List.of(), "decommissioned for CHG-7"));
            Journal.Listing after = journal.read(e -> e.operation() == Operation.DECOMMISSION);
            assertThat(after.failingBackups()).isEmpty();
            assertThat(after.decommissions()).isEqualTo(after.entries());
            JournalEntry ended = after.entries().getFirst();
            assertThat(ended.sourceHost()).isEqualTo("db-1");
            assertThat(ended.host()).isEqualTo(Repository.hostname());
            assertThat(ended.source()).containsExactly("db-1", "payroll.sql");
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("newest backup of"));
        }
    }

    private static JournalEntry backup(String host, List<String> paths, Outcome outcome, Instant started, String detail) {
        return entry(Operation.BACKUP, host, paths, outcome, started, false, detail);
    }

    @Test
    void pruneGathersOneEntryFilesIntoASegmentAndAStoppedGatheringDuplicatesNothing() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            for (int i = 0; i < 5; i++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(i), false, "backup " + i));
            }
            journal.record(entry(Operation.RESTORE, Outcome.OK, T.plusSeconds(5), true, "restored; verified"));
            List<JournalEntry> before = journal.read().entries();
            assertThat(files(singles)).hasSize(6);

            assertThat(new Pruner(repo).prune().journalEntriesCompacted()).isEqualTo(6);
            assertThat(files(singles)).as("no one-entry file left").isEmpty();
            assertThat(files(segments)).as("one segment").hasSize(1);
            assertThat(journal.read().entries()).isEqualTo(before);

            // a gathering stopped between writing its segment and deleting the files: they are read once, then deleted
            journal.record(entry(Operation.CHECK, Outcome.OK, T.plusSeconds(6), false, "check"));
            journal.record(entry(Operation.BACKUP, Outcome.FAILED, T.plusSeconds(7), false, "disk full"));
            Path aside = Files.createDirectories(tmp.resolve("aside"));
            for (Path f : files(singles)) {
                Files.copy(f, aside.resolve(f.getFileName()));
            }
            assertThat(journal.compact()).isEqualTo(new Journal.Compaction(2, 2, 2));
            for (Path f : files(aside)) {
                Files.copy(f, singles.resolve(f.getFileName())); // the two one-entry files, back beside their segment
            }
            Journal.Listing all = journal.read();
            assertThat(all.entries()).hasSize(8).doesNotHaveDuplicates();
            assertThat(all.total()).isEqualTo(8);
            assertThat(journal.compact()).as("deleted, not gathered again").isEqualTo(new Journal.Compaction(0, 0, 2));
            assertThat(files(singles)).isEmpty();
            assertThat(journal.read().entries()).isEqualTo(all.entries());

            Journal.Listing none = journal.read(e -> false);
            assertThat(none.entries()).isEmpty();
            assertThat(none.total()).isEqualTo(8);
            assertThat(none.lastVerifiedRestore()).map(JournalEntry::detail).contains("restored; verified");

            // a backlog is gathered into segments of a bounded size
            for (int i = 0; i < 5; i++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(10 + i), false, "later " + i));
            }
            assertThat(journal.compact(2)).isEqualTo(new Journal.Compaction(5, 5, 5));
            assertThat(files(segments)).hasSize(2 + 3);
            List<JournalEntry> thirteen = journal.read().entries();
            assertThat(thirteen).hasSize(13).isSortedAccordingTo(java.util.Comparator.comparing(JournalEntry::started));

            // a key retirement seals the segments again, where they were
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
            assertThat(files(segments)).hasSize(5);
            assertThat(journal.read().entries()).isEqualTo(thirteen);
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();
        }
    }

    /**
     * A key retirement of the first format-4 builds sealed each segment again as a one-entry file, which no build reads as
     * a segment: check failed for good, repair said "nothing to repair", and every later retirement was refused (a
     * helper's, running that build beside the newest). Repair moves such a file where segments are, and it reads again.
     */
    @Test
    void aSegmentAmongTheOneEntryFilesIsMovedWhereSegmentsAreByRepair() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            for (int i = 0; i < 3; i++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(i), false, "backup " + i));
            }
            List<JournalEntry> before = journal.read().entries();
            journal.compact();
            Path segment = files(segments).getFirst();
            Files.move(segment, singles.resolve(segment.getFileName())); // where that build's retirement wrote it
            assertThat(journal.read().unreadable()).hasSize(1);

            org.opsledger.vault.checker.RepairResult repaired = new org.opsledger.vault.checker.Repairer(repo, 2).repair(0, false);
            assertThat(repaired.files()).singleElement().satisfies(f -> {
                assertThat(f.name()).isEqualTo("journal/" + segment.getFileName());
                assertThat(f.keptAs()).isEqualTo("journal/segments/" + segment.getFileName());
            });
            assertThat(journal.read().unreadable()).isEmpty();
            assertThat(journal.read().entries()).containsAll(before);
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();
        }
    }

    /** A segment is read whole: kilobyte entries (a backup of a hundred listed paths) close it at 8 MiB, not 10,000 entries. */
    @Test
    void aSegmentOfLargeEntriesClosesAtItsBytesNotItsCount() throws Exception {
        List<String> hundredPaths = new java.util.ArrayList<>();
        for (int i = 0; i < JournalEntry.MAX_PATHS; i++) {
            hundredPaths.add("/srv/exports/" + "department-share-".repeat(5) + i);
        }
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            for (int i = 0; i < 1_000; i++) {
                journal.record(entry(Operation.BACKUP, "files-1", hundredPaths, Outcome.OK, T.plusSeconds(i * 3_600L), false,
                        "x".repeat(JournalEntry.MAX_DETAIL)));
            }
            assertThat(journal.compact().entries()).isEqualTo(1_000);
            assertThat(files(segments)).hasSize(2).allSatisfy(f -> assertThat(Files.size(f)).isLessThanOrEqualTo(Journal.SEGMENT_BYTES));
            assertThat(journal.read().total()).isEqualTo(1_000);
        }
    }

    @Test
    void pruneMergesSmallSegmentsAndAStoppedMergeOrKeyRetirementDuplicatesNothing() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            // a prune a day, two runs a day: a small segment each
            for (int day = 0; day < Journal.SMALL_SEGMENTS; day++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(day * 86_400L), false, "backup " + day));
                journal.record(entry(Operation.CHECK, Outcome.OK, T.plusSeconds(day * 86_400L + 60), false, "check " + day));
                assertThat(journal.compact(10)).isEqualTo(new Journal.Compaction(2, 2, 2));
            }
            assertThat(files(segments)).as("no more small segments than kept").hasSize(Journal.SMALL_SEGMENTS);
            journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(9 * 86_400L), false, "backup 9"));
            journal.record(entry(Operation.RESTORE, Outcome.OK, T.plusSeconds(9 * 86_400L + 60), true, "restored; verified"));
            Path aside = Files.createDirectories(tmp.resolve("aside"));
            for (Path f : files(segments)) {
                Files.copy(f, aside.resolve(f.getFileName()));
            }
            List<JournalEntry> before = journal.read().entries();

            // one more makes nine: merged, first fit, into segments of at most ten entries (10 + 8)
            assertThat(journal.compact(10)).isEqualTo(new Journal.Compaction(2, 2 + 9, 2 + 9));
            assertThat(files(segments)).hasSize(2);
            assertThat(journal.read().entries()).isEqualTo(before);

            // a merge stopped between its writes and its deletes: the merged segments are read once, then deleted
            for (Path f : files(aside)) {
                Files.copy(f, segments.resolve(f.getFileName()));
            }
            assertThat(files(segments)).hasSize(2 + Journal.SMALL_SEGMENTS);
            Journal.Listing stopped = journal.read();
            assertThat(stopped.entries()).isEqualTo(before);
            assertThat(stopped.total()).isEqualTo(18);
            assertThat(journal.compact(10)).as("deleted, not merged again").isEqualTo(new Journal.Compaction(0, 0, Journal.SMALL_SEGMENTS));
            assertThat(files(segments)).hasSize(2);

            // a key retirement seals each segment again as a merge of one, and a one-entry file into a segment
            journal.record(entry(Operation.BACKUP, Outcome.FAILED, T.plusSeconds(10 * 86_400L), false, "disk full"));
            List<JournalEntry> nineteen = journal.read().entries();
            List<Path> epochOne = files(segments);
            for (Path f : epochOne) {
                Files.copy(f, aside.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            new KeyEpochs(repo).rotate();
            assertThat(new KeyEpochs(repo).retire(1).otherFilesRewritten()).isEqualTo(3);
            assertThat(files(singles)).isEmpty();
            assertThat(files(segments)).hasSize(3).doesNotContainAnyElementsOf(epochOne);
            assertThat(journal.read().entries()).isEqualTo(nineteen);
            // one stopped before deleting the old ones: they no longer open, and the read does not try them twice
            for (Path f : epochOne) {
                Files.copy(aside.resolve(f.getFileName()), f);
            }
            Journal.Listing afterRetire = journal.read();
            assertThat(afterRetire.entries()).isEqualTo(nineteen);
            assertThat(afterRetire.unreadable()).isEmpty();
            assertThat(journal.compact(10).filesDeleted()).isEqualTo(2);
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();
        }
    }

    @Test
    void ofTwoPrunesAtOnceOnlyOneGathersTheJournal() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            for (int i = 0; i < 3; i++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, Instant.now(), false, "backup " + i));
            }
            try (org.opsledger.vault.repository.SharedLock other = repo.lock("prune")) { // another host's prune, still running
                assertThat(new Pruner(repo).prune().journalEntriesCompacted()).as("left to the other").isZero();
                assertThat(files(dir.resolve(Journal.DIR))).hasSize(3);
            }
            assertThat(new Pruner(repo).prune().journalEntriesCompacted()).isEqualTo(3);
            assertThat(journal.read().entries()).hasSize(3);
        }
    }

    @Test
    void aReadBesideAPruneMissesNoEntryAndSaysWhenTheJournalKeptChanging() throws Exception {
        try (Repository pruning = TestTrees.newRepo(dir)) {
            Journal byPrune = new Journal(pruning);
            for (int i = 0; i < 6; i++) {
                byPrune.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(i), false, "backup " + i));
            }
            // the prune gathers the files just after the reader listed them: they are gone when it reads them
            int[] prunes = {1};
            ForwardingBackend beside = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
                @Override
                public List<String> list(String d) {
                    if (!d.equals(Journal.DIR) || prunes[0]-- <= 0) {
                        return super.list(d);
                    }
                    byPrune.record(entry(Operation.CHECK, Outcome.OK, T.plusSeconds(100), false, "check"));
                    byPrune.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(101), false, "backup")); // a prune gathers two or more
                    List<String> listed = super.list(d);
                    byPrune.compact(); // the one-entry files listed go into a segment the listing lacks
                    return listed;
                }
            };
            try (Repository reading = Repository.open(beside, TestTrees.PASSWORD)) {
                Journal.Listing read = new Journal(reading).read();
                assertThat(read.unreadable()).isEmpty();
                assertThat(read.entries()).hasSize(8);

                prunes[0] = Integer.MAX_VALUE; // a prune each time it lists: the reading says it may lack entries
                Journal.Listing churned = new Journal(reading).read();
                assertThat(churned.unreadable()).containsExactly("the journal changed while it was read, 3 times (a prune beside it?):"
                        + " entries may be missing from this reading; run it again");
            }
        }
    }

    /**
     * A check beside other hosts' prunes whose journal changed under each of its readings failed, exit 1, with an error
     * "journal entry the journal changed while it was read, 3 times …", which the check command's summary calls an
     * incident (all its errors began "journal entry "): a monitoring wrapper paged on a prune's compaction (h3's, finding
     * 2). It is a warning that says what it is and to check again, and no error.
     */
    @Test
    void aCheckWhoseJournalAPruneKeepsGatheringWarnsAndCallsNothingAnIncident() throws Exception {
        try (Repository pruning = TestTrees.newRepo(dir)) {
            Journal byPrune = new Journal(pruning);
            ForwardingBackend beside = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
                @Override
                public List<String> list(String d) {
                    if (!d.equals(Journal.DIR)) {
                        return super.list(d);
                    }
                    byPrune.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(1), false, "backup"));
                    byPrune.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(2), false, "backup"));
                    List<String> listed = super.list(d);
                    byPrune.compact(); // each listing: the one-entry files listed go into a segment it lacks
                    return listed;
                }
            };
            try (Repository checking = Repository.open(beside, TestTrees.PASSWORD)) {
                org.opsledger.vault.checker.CheckResult r = new org.opsledger.vault.checker.Checker(checking, 2).check(0);
                assertThat(r.errors()).isEmpty();
                assertThat(r.warnings()).anyMatch(w -> w.startsWith("the journal changed under each reading this check made of it:"
                        + " a prune beside it was gathering the journal's files (its compaction), not an entry deleted")
                        && w.endsWith("check again once the prune has ended"));
            }
        }
    }

    /**
     * A journal of 50,000 entries (900 sources daily for eight weeks) is five segments of ≈15 MB each as read; all of them
     * were read at once, ahead of the entries handed on, and `vault journal --failed` and `vault due` ran out of the
     * default heap (a tester's). A read holds two segments at a time, whatever the journal's length.
     */
    @Test
    void aLongJournalIsReadTwoSegmentsAtATime() throws Exception {
        try (Repository writing = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(writing);
            for (int i = 0; i < 12; i++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(i), false, "backup " + i));
            }
            journal.compact(2);
        }
        assertThat(files(segments)).hasSize(6);
        java.util.concurrent.atomic.AtomicInteger segmentsRead = new java.util.concurrent.atomic.AtomicInteger();
        ForwardingBackend counting = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith(Journal.SEGMENTS + "/")) {
                    segmentsRead.incrementAndGet();
                }
                return super.read(name);
            }
        };
        try (Repository reading = Repository.open(counting, TestTrees.PASSWORD)) {
            List<Integer> readWhenHanded = new java.util.ArrayList<>();
            Journal.Listing listing = new Journal(reading).read(e -> {
                if (readWhenHanded.isEmpty()) {
                    sleep(300); // time for readers running ahead to read every segment
                }
                readWhenHanded.add(segmentsRead.get());
                return true;
            });
            assertThat(listing.entries()).extracting(JournalEntry::detail).hasSize(12).startsWith("backup 0").endsWith("backup 11");
            assertThat(readWhenHanded.getFirst()).as("segments read as the first one's entries are handed on").isEqualTo(2);
        }
    }

    /**
     * A reader thread out of heap ends the read as the main thread would, with the OutOfMemoryError (the CLI's exit 4, and
     * the launcher's retry in a larger heap), not "reading the journal failed: java.lang.OutOfMemoryError", exit 1 (a
     * re-tester's, on a journal of long entries).
     */
    @Test
    void aReaderOutOfHeapEndsTheReadOutOfHeap() throws Exception {
        try (Repository writing = TestTrees.newRepo(dir)) {
            new Journal(writing).record(entry(Operation.BACKUP, Outcome.OK, T, false, "backup"));
        }
        ForwardingBackend full = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith(Journal.DIR + "/")) {
                    throw new OutOfMemoryError("Java heap space");
                }
                return super.read(name);
            }
        };
        try (Repository reading = Repository.open(full, TestTrees.PASSWORD)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Journal(reading).read(e -> true))
                    .isInstanceOf(OutOfMemoryError.class);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The regular files directly in {@code dir}. */
    private static List<Path> files(Path dir) throws java.io.IOException {
        try (var f = Files.list(dir)) {
            return f.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * Two copies of one repository written apart, each pruned once, merged back (`rsync -a`): each prune gathered the same
     * one-entry files into a segment of its own, and the merged journal listed every entry from before the split twice (two
     * inits, each backup twice; a tester's, h2). Each entry is taken once.
     */
    @Test
    void twoSegmentsGatheringTheSameEntriesInTwoCopiesMergedBackListEachOnce() throws Exception {
        Path replica = tmp.resolve("replica");
        List<JournalEntry> before;
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            for (int i = 0; i < 3; i++) {
                journal.record(entry(Operation.BACKUP, Outcome.OK, T.plusSeconds(i), false, "backup " + i));
            }
            before = journal.read().entries();
        }
        TestTrees.copyTree(dir, replica);
        for (Path copy : List.of(dir, replica)) {
            try (Repository repo = TestTrees.open(copy)) {
                new Journal(repo).compact();
            }
        }
        try (var files = Files.walk(replica.resolve(Journal.SEGMENTS))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, segments.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertThat(files(segments)).as("two segments of the same entries").hasSize(2);
        try (Repository repo = TestTrees.open(dir)) {
            Journal.Listing all = new Journal(repo).read();
            assertThat(all.entries()).isEqualTo(before);
            assertThat(all.total()).isEqualTo(before.size());
        }
    }
}
