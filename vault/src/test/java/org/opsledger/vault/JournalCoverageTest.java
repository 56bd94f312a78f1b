package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Coverage;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.journal.JournalEntry.Operation;
import org.opsledger.vault.journal.JournalEntry.Outcome;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;

/**
 * Checks name the journal's entries they read, and later checks find any of them deleted from the store
 * (docs/vault-format.md §13, "Deletion made evident"): without a false alarm where entries are written beside a check,
 * gathered into segments or sealed again, and with a repair's damaged journal files said lost, not deleted.
 */
class JournalCoverageTest {

    @TempDir
    Path tmp;

    /** The repository (under {@link #tmp}). */
    private Path dir;

    @BeforeEach
    void paths() {
        dir = tmp.resolve("repo");
    }

    /**
     * When the entries written here began: a few minutes before the checks that read them (one dated more than an hour
     * before a check that did not read it is backdated, §13).
     */
    private static final Instant T = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(600);

    private static JournalEntry entry(Operation op, String host, Instant started, Outcome outcome, String detail) {
        return new JournalEntry(op, outcome, started, started.plusSeconds(2), host, "operator", List.of("/srv"), List.of(), false,
                outcome == Outcome.OK ? 0 : 1, detail, null);
    }

    /** A check as `vault check` runs it: its entry names what it read that no check before it named. */
    private static CheckResult check(Repository repo) {
        Instant started = Instant.now();
        Checker checker = new Checker(repo, 2);
        CheckResult r = checker.check(0);
        new Journal(repo).record(JournalEntry.of(Operation.CHECK, r.ok() ? Outcome.OK : Outcome.FAILED, started, List.of(), List.of(),
                false, r.ok() ? 0 : 1, "checked").covering(checker.journalCovers()));
        return r;
    }

    private static List<String> missing(CheckResult r) {
        return r.errors().stream().filter(e -> e.contains("journal entr")).toList();
    }

    /** The digest is the one §13 defines, computed here from its words alone; a key retirement's sealing again keeps it. */
    @Test
    void anEntrysDigestIsTheDocumentedOneAndSurvivesSealingAgain() throws Exception {
        ObjectId snap = ObjectId.parse("ab".repeat(32));
        JournalEntry e = new JournalEntry(Operation.BACKUP, Outcome.FAILED, Instant.parse("2026-12-05T01:16:07.100Z"),
                Instant.parse("2026-12-05T01:16:09Z"), "web-1", "root", List.of("/srv/www"), List.of(snap), false, 1, "disk full", null);
        String text = "backup\nfailed\n1796433367.100000000\n1796433369.000000000\nweb-1\nroot\n1\n" + "ab".repeat(32) + "\n";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
        assertThat(Coverage.digest(e)).isEqualTo(expected);
        assertThat(Coverage.describe(e)).startsWith(expected + " 2026-12-05T01:16:07.100Z backup web-1 content=");
        // the content digests (since session 38): each field's line after those, a value as its UTF-8 length, ':' and itself
        JournalEntry who = new JournalEntry(e.operation(), e.outcome(), e.started(), e.finished(), e.host(), e.username(), e.paths(),
                e.snapshots(), e.verified(), e.exitCode(), "disk full\né", null, "op1", new JournalEntry.SlotInUse("03462a06", "alice", true));
        String what = text + "1\n8:/srv/www\n12:disk full\né\nfalse\n-\n";
        String slot = what + "3:op1\n8:03462a06\n5:alice\n";
        String whole = slot + "true\n0\n-\n0\n0\n0\n";
        assertThat(Coverage.content(who)).isEqualTo(new Coverage.Content(Long.parseUnsignedLong(sha16(whole), 16),
                Long.parseUnsignedLong(sha16(slot), 16), Long.parseUnsignedLong(sha16(what), 16)));
        assertThat(Coverage.describe(who)).isEqualTo(expected + " 2026-12-05T01:16:07.100Z backup web-1 content=" + sha16(whole) + ","
                + sha16(slot) + "," + sha16(what));

        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(e);
            assertThat(missing(check(repo))).isEmpty();
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
            assertThat(journal.read().entries()).anySatisfy(read -> assertThat(Coverage.digest(read)).isEqualTo(expected));
            assertThat(missing(check(repo))).as("sealed again, not deleted").isEmpty();
        }
    }

    private static String sha16(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    /**
     * Who did it and what it did are bound too (h2's repro-3): an entry a check read whose key slot, login, paths or detail
     * someone with the password rewrote (its file deleted, another written) is an error of every check after, saying what
     * changed, and the anchor taken after that check no longer verifies; so is a check's entry whose covers lost a line.
     */
    @Test
    void anEntryRewrittenWithThePasswordOnceACheckReadItIsAnErrorAndFailsTheAnchor() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            JournalEntry.SlotInUse mallory = new JournalEntry.SlotInUse("0badc0de", "mallory", true);
            JournalEntry dump = new JournalEntry(Operation.DUMP, Outcome.OK, T, T.plusSeconds(1), "web-1", "root", List.of("/tmp/exfil"),
                    List.of(), false, 0, "dumped /src/shadow", null, "op1", mallory);
            ObjectId dumpFile = journal.record(dump);
            ObjectId restoreFile = journal.record(entry(Operation.RESTORE, "web-2", T.plusSeconds(5), Outcome.OK, "restored"));
            assertThat(missing(check(repo))).isEmpty();
            check(repo); // names the first check's entry
            Coverage.Anchor anchor = journal.read().coverage().anchor();
            assertThat(journal.read().coverage().verify(anchor)).isEmpty();

            rewrite(repo, dumpFile, new JournalEntry(Operation.DUMP, Outcome.OK, T, T.plusSeconds(1), "web-1", "root", List.of("/dev/null"),
                    List.of(), false, 0, "test of the dump procedure, ticket 4411", null, "op2", new JournalEntry.SlotInUse("84edef7a", "initial", true)));
            CheckResult r = check(repo);
            assertThat(missing(r)).singleElement().asString().startsWith("journal entry altered: the dump on web-1 started " + Journal.utc(T)
                    + " (entry " + Coverage.digest(dump) + "), which the check of ").contains("is no longer as it read it: its paths, detail,"
                    + " verified or source changed, rewritten by someone with the repository's password");
            assertThat(journal.read().coverage().verify(anchor)).singleElement().asString().contains("which the anchor covers, is no"
                    + " longer as it was: its paths, detail, verified or source changed since");
            assertThat(missing(check(repo))).as("at every check after").hasSize(1);

            JournalEntry restore = journal.read().entries().stream().filter(x -> x.operation() == Operation.RESTORE).findFirst().orElseThrow();
            rewrite(repo, restoreFile, restore.openedWith(mallory));
            assertThat(missing(check(repo))).hasSize(2).anySatisfy(x -> assertThat(x).startsWith("journal entry altered: the restore on web-2")
                    .contains("its key slot or login changed"));

            JournalEntry firstCheck = journal.read().entries().stream().filter(x -> x.operation() == Operation.CHECK).findFirst().orElseThrow();
            ObjectId checkFile = fileOf(repo, firstCheck);
            rewrite(repo, checkFile, firstCheck.covering(firstCheck.covers().subList(1, firstCheck.covers().size())));
            assertThat(missing(check(repo))).anySatisfy(x -> assertThat(x).startsWith("journal entry altered: the check on ")
                    .contains("its covers, lost entries, replaced trees, last pack read, damaged packs or label's verification changed"));
        }
    }

    /**
     * A build before session 37 drops the fields it does not know when its prune gathers an entry, one before 83d680ed
     * the key slot and login too: an entry so left is one warning, not an error; and an entry a check of session 37 named
     * by its digest alone is still found deleted, its anchor still verifies.
     */
    @Test
    void anEntryAnOlderBuildSealedAgainIsAWarningAndSession37sNamesStillHold() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            JournalEntry backup = new JournalEntry(Operation.BACKUP, Outcome.OK, T, T.plusSeconds(1), "web-1", "root", List.of("/srv"),
                    List.of(), false, 0, "snapshot 1a2b3c4d saved (full)", null, "op1", null);
            ObjectId file = journal.record(backup);
            JournalEntry old = entry(Operation.RELEASE, "web-2", T.plusSeconds(2), Outcome.OK, "released");
            ObjectId oldFile = journal.record(old);
            // a check of session 37: its covers name each entry by its digest alone
            JournalEntry check37 = JournalEntry.of(Operation.CHECK, Outcome.OK, T.plusSeconds(3), List.of(), List.of(), false, 0, "checked")
                    .covering(List.of(Coverage.digest(old) + " " + old.started() + " release web-2"));
            journal.record(check37);
            String d37 = Coverage.digest(journal.read().entries().stream().filter(x -> x.operation() == Operation.CHECK).findFirst().orElseThrow());
            List<String> both = java.util.stream.Stream.of(d37, Coverage.digest(old)).sorted().map(d -> d + "\n").toList();
            Coverage.Anchor anchor37 = new Coverage.Anchor(d37, 2, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(String.join("", both).getBytes(StandardCharsets.US_ASCII))));
            assertThat(journal.read().coverage().verify(anchor37)).as("an anchor of session 37").isEmpty();
            CheckResult first = check(repo);
            assertThat(missing(first)).isEmpty();

            Files.delete(dir.resolve(Journal.DIR).resolve(file.hex()));
            repo.writeSealed(Journal.DIR, org.opsledger.vault.crypto.Sealing.Kind.JOURNAL, new JournalEntry(backup.operation(), backup.outcome(),
                    backup.started(), backup.finished(), backup.host(), backup.username(), backup.paths(), backup.snapshots(), false, 0,
                    backup.detail(), null)); // no login, no key slot
            CheckResult r = check(repo);
            assertThat(missing(r)).isEmpty();
            assertThat(r.warnings()).anySatisfy(w -> assertThat(w).startsWith("1 journal entr(ies) checks read lack fields they had then, as a"
                    + " build before session 37 (before commit 83d680ed, for the key slot and login) leaves").contains("its key slot or login"));
            // the old build's host found and upgraded, the warning acknowledged: one line naming who and why instead
            assertThat(journal.read().coverage().toAcknowledge(Coverage.digest(backup))).isEqualTo(Coverage.FIELDS_DROPPED);
            journal.record(acknowledgement(Coverage.digest(backup), Coverage.FIELDS_DROPPED, "web-3 ran s33start until CHG-31"));
            CheckResult acknowledged = check(repo);
            assertThat(missing(acknowledged)).isEmpty();
            assertThat(acknowledged.warnings()).noneMatch(w -> w.contains("lack fields they had then")).anySatisfy(w -> assertThat(w)
                    .startsWith("journal entry with fields dropped, acknowledged: the backup on web-1 started " + Journal.utc(T))
                    .endsWith("): web-3 ran s33start until CHG-31"));

            Files.delete(dir.resolve(Journal.DIR).resolve(oldFile.hex()));
            assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry missing: the release on web-2");
            assertThat(journal.read().coverage().verify(anchor37)).singleElement().asString().contains("the release on web-2");
        }
    }

    /** A check's entry as {@link #check} writes it, dated {@code started}. */
    private static void checkAt(Repository repo, Instant started) {
        Checker checker = new Checker(repo, 2);
        checker.check(0);
        new Journal(repo).record(new JournalEntry(Operation.CHECK, Outcome.OK, started, started.plusSeconds(30), "web-9", "root", List.of(),
                List.of(), false, 0, "checked", null).covering(checker.journalCovers()));
    }

    /** The repository's init three hours before {@code now} and a full backup a minute after it; its journal. */
    private static Journal initAndBackup(Repository repo, Instant now) {
        Journal journal = new Journal(repo);
        journal.record(init(repo, now.minusSeconds(3 * 3600)));
        journal.record(entry(Operation.BACKUP, "web-1", now.minusSeconds(3 * 3600 - 60), Outcome.OK, "snapshot 1a2b3c4d saved (full)"));
        return journal;
    }

    /** The repository's init entry, dated {@code started}, naming its key slot as init's does. */
    private static JournalEntry init(Repository repo, Instant started) {
        return entry(Operation.INIT, "web-1", started, Outcome.OK, "created repository " + repo.config().id() + " (format 6); key slot "
                + repo.keySlotInUse().substring(0, 8) + " (initial)");
    }

    private static JournalEntry verifiedRestore(Instant started) {
        return new JournalEntry(Operation.RESTORE, Outcome.OK, started, started.plusSeconds(40), "web-2", "root", List.of("/srv/restore-test"),
                List.of(), true, 0, "restored 1 files, 1 dirs, 0 symlinks, 6 B of snapshot 1a2b3c4d to /srv/restore-test in 0.4 s; verified", null);
    }

    /**
     * Every check reads every entry there is: a verified restore dated before two checks that did not read it (h2's
     * repro-4), or before the repository's init, was written later with an earlier date. Each check reports it, the ones
     * after that named it too, and it is not the recovery test; a restore run now is.
     */
    @Test
    void anEntryDatedBeforeAChecksStartThatDidNotReadItOrBeforeTheInitIsBackdated() throws Exception {
        Instant now = Instant.now();
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(entry(Operation.INIT, "web-1", now.minusSeconds(3 * 3600), Outcome.OK, "created repository "
                    + repo.config().id() + " (format 6); key slot " + repo.keySlotInUse().substring(0, 8) + " (initial)")); // as init's names its slot
            journal.record(entry(Operation.BACKUP, "web-1", now.minusSeconds(3 * 3600 - 60), Outcome.OK, "snapshot 1a2b3c4d saved (full)"));
            assertThat(missing(check(repo))).isEmpty();
            assertThat(missing(check(repo))).isEmpty();
            assertThat(journal.read().recoveryWarning(now)).startsWith("the journal records no verified restore");

            JournalEntry forged = verifiedRestore(now.minusSeconds(2 * 3600));
            journal.record(forged);
            String said = "journal entry backdated: the restore on web-2 started " + Journal.utc(forged.started()) + " (entry "
                    + Coverage.digest(forged) + ") ended " + Journal.utc(forged.finished()) + ", before the check of ";
            assertThat(missing(check(repo))).singleElement().asString().startsWith(said).contains("began, which read every entry there"
                    + " was and not this one: written later with an earlier date by someone with the repository's password");
            assertThat(journal.read().lastVerifiedRestore()).isEmpty();
            assertThat(journal.read().recoveryWarning(now)).as("not the recovery test").startsWith("the journal records no verified restore");
            assertThat(missing(check(repo))).as("once a check has named it too").singleElement().asString().startsWith(said);

            JournalEntry beforeInit = verifiedRestore(now.minusSeconds(5 * 3600));
            journal.record(beforeInit);
            assertThat(missing(check(repo))).hasSize(2).anySatisfy(e -> assertThat(e).startsWith("journal entry backdated: the restore on web-2"
                    + " started " + Journal.utc(beforeInit.started())).contains(" is dated before the repository's init ("
                    + Journal.utc(now.minusSeconds(3 * 3600)) + ")"));

            JournalEntry tested = verifiedRestore(Instant.now());
            journal.record(tested);
            assertThat(journal.read().lastVerifiedRestore()).contains(journal.read().entries().stream()
                    .filter(e -> e.started().equals(tested.started())).findFirst().orElseThrow());
            assertThat(journal.read().recoveryWarning(Instant.now())).isNull();
        }
    }

    /**
     * An init, a backup and two checks; then a verified restore dated two hours back, after the init and before the two
     * checks, which did not read it (written later by someone with the password, h2's repro-4): that restore.
     */
    private JournalEntry checkedTwiceThenBackdated(Repository repo, Instant now) {
        Journal journal = new Journal(repo);
        journal.record(entry(Operation.INIT, "web-1", now.minusSeconds(3 * 3600), Outcome.OK, "created repository "
                + repo.config().id() + " (format 6); key slot " + repo.keySlotInUse().substring(0, 8) + " (initial)"));
        journal.record(entry(Operation.BACKUP, "web-1", now.minusSeconds(3 * 3600 - 60), Outcome.OK, "snapshot 1a2b3c4d saved (full)"));
        assertThat(missing(check(repo))).isEmpty();
        assertThat(missing(check(repo))).isEmpty();
        JournalEntry forged = verifiedRestore(now.minusSeconds(2 * 3600));
        journal.record(forged);
        return journal.read().entries().stream().filter(x -> x.started().equals(forged.started())).findFirst().orElseThrow(); // as sealed
    }

    /**
     * A check's entry the forger wrote beside the backdated restore, naming it and none of the checks before it, made a
     * second line of checks, and the error became the warning of copies merged back. Two lines fork where their checks read
     * the same entries, and the restore must be dated after that fork: without one (it names the restore alone), or dated
     * before it (it names the first check too), it stays an error at every check. What remains: one that names the init
     * as well, as a copy made before the first check would, is the warning, which names it as the other line's check.
     */
    @Test
    void aCheckEntryForgedToNameABackdatedEntryDoesNotMakeItASecondLine() throws Exception {
        for (String alsoNamed : List.of("nothing", "the first check", "the init")) {
            Path repoDir = tmp.resolve(alsoNamed.replace(' ', '-'));
            try (Repository repo = TestTrees.newRepo(repoDir)) {
                JournalEntry forged = checkedTwiceThenBackdated(repo, Instant.now());
                Journal journal = new Journal(repo);
                List<JournalEntry> entries = journal.read().entries();
                List<String> covers = new ArrayList<>();
                if (!alsoNamed.equals("nothing")) {
                    covers.add(Coverage.describe(alsoNamed.equals("the init") ? entries.getFirst()
                            : entries.stream().filter(x -> x.operation() == Operation.CHECK).findFirst().orElseThrow()));
                }
                covers.add(Coverage.describe(forged));
                Instant at = Instant.now();
                journal.record(new JournalEntry(Operation.CHECK, Outcome.OK, at, at.plusSeconds(1), "web-9", "root", List.of(), List.of(),
                        false, 0, "checked", null).covering(covers));
                for (int i = 0; i < 2; i++) {
                    CheckResult r = check(repo);
                    if (alsoNamed.equals("the init")) {
                        assertThat(missing(r)).as(alsoNamed).isEmpty();
                        assertThat(r.warnings()).as(alsoNamed).anySatisfy(w -> assertThat(w).startsWith("1 journal entr(ies) ended before a"
                                + " check began that did not read them (first: the restore on web-2 started " + Journal.utc(forged.started()))
                                .contains("the other line's check is the check of " + Journal.utc(at) + " on web-9, which read none of the checks"
                                        + " that missed it"));
                    } else {
                        assertThat(missing(r)).as(alsoNamed).singleElement().asString().startsWith("journal entry backdated: the restore on"
                                + " web-2 started " + Journal.utc(forged.started()));
                        assertThat(r.warnings()).as(alsoNamed).noneMatch(w -> w.contains("two lines of checks"));
                    }
                }
            }
        }
    }

    /**
     * One check run on a host whose clock was 2 days ahead made every later right-clock entry "backdated ... written later
     * with an earlier date by someone with the repository's password", and the verified restore no recovery test (h2's
     * F1): the check dated ahead is named, dated in the future, and the entries after it are not called forged.
     */
    @Test
    void aCheckOnAClockAheadIsNamedAndTheRightClocksEntriesAfterItAreNotBackdated() throws Exception {
        Instant now = Instant.now();
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = initAndBackup(repo, now);
            Instant ahead = now.plus(java.time.Duration.ofDays(2));
            checkAt(repo, ahead); // the weekly check, on a bad NTP day
            journal.record(entry(Operation.BACKUP, "web-1", now.minusSeconds(60), Outcome.OK, "snapshot 2b3c4d5e saved"));
            journal.record(verifiedRestore(now.minusSeconds(30)));
            String said = "journal entry dated in the future: the check on web-9 started " + Journal.utc(ahead);
            assertThat(missing(check(repo))).singleElement().asString().startsWith(said).contains(" is dated after this check began:"
                    + " written on a host whose clock ran ahead (check it: timedatectl)");
            assertThat(journal.read().recoveryWarning(Instant.now())).as("the restore is the recovery test").isNull();
            // at every check after, named by the check that read it before its date, and still no entry called backdated
            assertThat(missing(check(repo))).singleElement().asString().startsWith(said).contains(" is dated after the check of ");
            assertThat(journal.read().lastVerifiedRestore()).isPresent();
        }
    }

    /**
     * Two checks one after the other, the second on a host whose clock is 20 seconds behind the first's: the second read
     * the first's entry, and through it what the first named, so it missed nothing. It was taken for a check that "read
     * every entry there was and not this one", and every entry the first named that was more than an hour old was called
     * backdated, an incident, at every check after (f5's years of one repository: a check and a `check
     * --read-data-subset` in one night, their clocks seconds apart).
     */
    @Test
    void aCheckThatReadTheCheckNamingAnEntryMissedNothingWhateverItsClock() throws Exception {
        Instant now = Instant.now();
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = initAndBackup(repo, now);
            Instant first = now.minusSeconds(120);
            checkAt(repo, first); // names the init and the backup
            checkAt(repo, first.minusSeconds(20)); // read the first one's entry: its clock 20 seconds behind
            assertThat(missing(check(repo))).isEmpty();
            assertThat(missing(check(repo))).as("at every check after").isEmpty();

            JournalEntry forged = verifiedRestore(now.minusSeconds(2 * 3600)); // written now, dated before both checks
            journal.record(forged);
            assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry backdated: the restore on web-2 started "
                    + Journal.utc(forged.started()));
        }
    }

    /**
     * `vault init` on a clock 30 days ahead made every entry of the next 30 days "dated before the repository's init", the
     * verified restore too (h2's F2): the init dated ahead is named, and entries dated before it are not backdated by it.
     */
    @Test
    void anInitOnAClockAheadIsNamedAndTheEntriesDatedBeforeItAreNotBackdated() throws Exception {
        Instant now = Instant.now();
        Instant ahead = now.plus(java.time.Duration.ofDays(30));
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(init(repo, ahead));
            journal.record(entry(Operation.BACKUP, "web-1", now.minusSeconds(60), Outcome.OK, "snapshot 1a2b3c4d saved (full)"));
            journal.record(verifiedRestore(now.minusSeconds(30)));
            String said = "journal entry dated in the future: the init on web-1 started " + Journal.utc(ahead);
            assertThat(missing(check(repo))).singleElement().asString().startsWith(said);
            assertThat(missing(check(repo))).as("and after, once a check read it").singleElement().asString().startsWith(said)
                    .contains("is dated after the check of ");
            assertThat(journal.read().recoveryWarning(Instant.now())).isNull();
        }
    }

    /**
     * A password holder who writes a check dated early, naming the init (or the checks after it), so that it reads as
     * dated ahead and bounds nothing: a verified restore dated before it is then not called backdated, but nothing is
     * laundered quietly: the entry so discounted is named, dated in the future, an error at every check after, as loud
     * as the backdated one it hid.
     */
    @Test
    void aCheckWrittenEarlyToDiscountTheInitOrAChecksLeavesAnError() throws Exception {
        Instant now = Instant.now();
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = initAndBackup(repo, now);
            journal.record(verifiedRestore(now.minusSeconds(5 * 3600)));
            checkAt(repo, now.minusSeconds(6 * 3600)); // names the init, the backup and the restore
            for (int i = 0; i < 2; i++) {
                assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry dated in the future: the init on"
                        + " web-1 started " + Journal.utc(now.minusSeconds(3 * 3600))).contains(" is dated after the check of "
                        + Journal.utc(now.minusSeconds(6 * 3600)) + " on web-9 ended, which read it");
            }
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("other"))) {
            Journal journal = new Journal(repo);
            journal.record(init(repo, now.minusSeconds(5 * 3600)));
            checkAt(repo, now.minusSeconds(2 * 3600));
            journal.record(verifiedRestore(now.minusSeconds(3 * 3600))); // written after that check, dated before it
            checkAt(repo, now.minusSeconds(3 * 3600 + 1800)); // names the real check and the restore, dated before both
            for (int i = 0; i < 2; i++) {
                assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry dated in the future: the check on"
                        + " web-9 started " + Journal.utc(now.minusSeconds(2 * 3600)));
            }
        }
    }

    /** The entry an operator writes with `vault journal --acknowledge` (§13, "Acknowledged findings"): a check's, its detail saying it. */
    private static JournalEntry acknowledgement(String digest, String kind, String why) {
        return JournalEntry.of(Operation.CHECK, Outcome.OK, Instant.now(), List.of(), List.of(), false, 0, Coverage.acknowledging(digest, kind,
                why, "alice"));
    }

    /**
     * One check on a host whose clock ran 2 days ahead was an error at every check for ever: the nightly check red for good,
     * a later error hidden in it, and no way to say "we looked". Acknowledged, with why and by whom, it is one warning naming
     * them at every check; the acknowledgement is bound as any entry: rewritten or deleted, the error is back and that is
     * named too. An entry check finds nothing wrong with, or one acknowledged already, is refused.
     */
    @Test
    void aCheckOnAClockAheadAcknowledgedIsOneWarningWhileTheAcknowledgementStands() throws Exception {
        Instant now = Instant.now();
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            JournalEntry init = init(repo, now.minusSeconds(3 * 3600));
            journal.record(init);
            Instant ahead = now.plus(java.time.Duration.ofDays(2));
            checkAt(repo, ahead); // the weekly check, on a bad NTP day
            journal.record(entry(Operation.BACKUP, "web-1", now.minusSeconds(60), Outcome.OK, "snapshot 2b3c4d5e saved"));
            assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry dated in the future: the check on web-9");
            Coverage coverage = journal.read().coverage();
            String checkAhead = coverage.datedAhead().getFirst().entry().digest();
            assertThat(missing(check(repo))).singleElement().asString().endsWith("once you know which, `vault journal --acknowledge "
                    + checkAhead + " --reason WHY` records it");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> coverage.toAcknowledge(Coverage.digest(init)))
                    .hasMessageStartingWith("the init on web-1 started ").hasMessageContaining("has no finding to acknowledge");
            assertThat(coverage.toAcknowledge(checkAhead)).isEqualTo(Coverage.DATED_AHEAD);

            String why = "vm's clock ran 2 days ahead on 2026-11-03, INC-77";
            ObjectId ack = journal.record(acknowledgement(checkAhead, Coverage.DATED_AHEAD, why));
            for (int i = 0; i < 2; i++) {
                CheckResult r = check(repo);
                assertThat(missing(r)).as("no error: the nightly check is green").isEmpty();
                assertThat(r.warnings()).filteredOn(w -> w.contains(Coverage.DATED_AHEAD)).singleElement().asString()
                        .startsWith("journal entry dated in the future, acknowledged: the check on web-9 started " + Journal.utc(ahead)
                                + " (entry " + checkAhead + ")").contains("; acknowledged on ", " by alice (", "): " + why);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> journal.read().coverage().toAcknowledge(checkAhead))
                    .hasMessageContaining(", dated in the future, was acknowledged on ").hasMessageEndingWith(": nothing to add");
            assertThat(journal.read().coverage().acknowledgedEntries()).hasSize(1);

            // rewritten by someone with the password (another reason): altered, and acknowledging nothing
            JournalEntry written = journal.read().entries().stream().filter(e -> e.detail().startsWith(Coverage.ACKNOWLEDGED)).findFirst().orElseThrow();
            JournalEntry other = new JournalEntry(written.operation(), written.outcome(), written.started(), written.finished(), written.host(),
                    written.username(), written.paths(), written.snapshots(), false, 0, Coverage.acknowledging(checkAhead, Coverage.DATED_AHEAD,
                    "nothing happened", "alice"), null, written.login(), written.keySlot());
            rewrite(repo, ack, other);
            assertThat(missing(check(repo))).hasSize(2).anySatisfy(e -> assertThat(e).startsWith("journal entry altered: the check on "))
                    .anySatisfy(e -> assertThat(e).startsWith("journal entry dated in the future: the check on web-9"));
            // deleted from the store: missing, and the error is back
            Files.delete(dir.resolve(Journal.DIR).resolve(fileOf(repo, other).hex()));
            assertThat(missing(check(repo))).hasSize(2).anySatisfy(e -> assertThat(e).startsWith("journal entry missing: the check on "))
                    .anySatisfy(e -> assertThat(e).startsWith("journal entry dated in the future: the check on web-9"));
        }
    }

    /**
     * What an acknowledgement must not do: launder a forgery. A check written early by a password holder, naming the init,
     * makes the init "dated in the future" and a verified restore dated before the init no longer backdated; the init
     * acknowledged, check names in the warning the restore it takes at its date, and that restore is not the recovery test.
     * A backdated entry itself is refused.
     */
    @Test
    void anAcknowledgementNamesWhatItTakesOnItsWordAndABackdatedEntryIsNotAcknowledged() throws Exception {
        Instant now = Instant.now();
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            JournalEntry init = init(repo, now.minusSeconds(3 * 3600));
            journal.record(init);
            JournalEntry restore = verifiedRestore(now.minusSeconds(5 * 3600));
            journal.record(restore);
            checkAt(repo, now.minusSeconds(6 * 3600)); // the forger's, naming the init and the restore
            String forger = journal.read().entries().stream().filter(e -> e.operation() == Operation.CHECK).map(Coverage::digest).findFirst().orElseThrow();
            assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry dated in the future: the init on web-1");
            assertThat(journal.read().lastVerifiedRestore()).as("as session 39 left it").isPresent();

            journal.record(acknowledgement(Coverage.digest(init), Coverage.DATED_AHEAD, "the clock ran ahead"));
            CheckResult r = check(repo);
            assertThat(missing(r)).isEmpty();
            assertThat(r.warnings()).filteredOn(w -> w.contains(Coverage.DATED_AHEAD)).singleElement().asString()
                    .startsWith("journal entry dated in the future, acknowledged: the init on web-1").endsWith("; on that word 2 entr(ies) it"
                            + " would make backdated are taken at their dates, none of them the recovery test (first: the check on web-9 started "
                            + Journal.utc(now.minusSeconds(6 * 3600)) + " (entry " + forger + "))"); // the forger's check, then the restore
            assertThat(journal.read().coverage().takenOnItsWord(journal.read().coverage().acknowledged().values().iterator().next()))
                    .extracting(b -> b.entry().digest()).containsExactly(forger, Coverage.digest(restore));
            assertThat(journal.read().lastVerifiedRestore()).as("not the recovery test on that word").isEmpty();
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("backdated"))) {
            JournalEntry forged = checkedTwiceThenBackdated(repo, Instant.now());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Journal(repo).read().coverage().toAcknowledge(Coverage.digest(forged)))
                    .hasMessageStartingWith("the restore on web-2 started ").hasMessageContaining(" is backdated (`vault check` says how): an"
                            + " entry backdated with the repository's password is an incident, not acknowledged");
        }
    }

    /**
     * A copy of a check's entry (the same digest: operation, start, end, host) whose covers leave out the checks before it
     * stood for what that check read, where the copy was read after the entry: the backdated restore it named became two
     * lines. A check read what every entry of its digest names.
     */
    @Test
    void aForgedCopyOfAChecksEntryDoesNotCutWhatThatCheckRead() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            JournalEntry forged = checkedTwiceThenBackdated(repo, Instant.now());
            Journal journal = new Journal(repo);
            assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry backdated: the restore on web-2");
            JournalEntry namer = journal.read().entries().stream().filter(x -> x.covers().stream().anyMatch(c -> c.startsWith(Coverage.digest(forged))))
                    .findFirst().orElseThrow();
            journal.compact(); // the check's entry into a segment, read before the copy
            journal.record(namer.covering(List.of(Coverage.describe(forged))));
            assertThat(missing(check(repo))).singleElement().asString().startsWith("journal entry backdated: the restore on web-2");
        }
    }

    /**
     * Two copies of a repository written apart and merged back: the entries of one are dated before the other's checks,
     * which did not read them. A warning saying so, not an error each: the check that named them did not read the check
     * that missed them.
     */
    @Test
    void copiesWrittenApartAndMergedBackAreOneWarningSayingSo() throws Exception {
        Instant t0 = Instant.now().minusSeconds(5 * 3600);
        Path copy = tmp.resolve("copy");
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(entry(Operation.BACKUP, "web-1", t0, Outcome.OK, "snapshot 1a2b3c4d saved (full)"));
            checkAt(repo, t0.plusSeconds(600));
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(dir.relativize(f).toString()));
            }
        }
        try (Repository a = TestTrees.open(dir); Repository b = TestTrees.open(copy)) {
            checkAt(a, t0.plusSeconds(3 * 3600));
            new Journal(b).record(entry(Operation.BACKUP, "web-2", t0.plusSeconds(3600), Outcome.FAILED, "disk full"));
            checkAt(b, t0.plusSeconds(4 * 3600));
        }
        try (var files = Files.list(copy.resolve(Journal.DIR))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path there = dir.resolve(Journal.DIR).resolve(f.getFileName());
                if (!Files.exists(there)) {
                    Files.copy(f, there);
                }
            }
        }
        try (Repository merged = TestTrees.open(dir)) {
            CheckResult r = check(merged);
            assertThat(missing(r)).isEmpty();
            assertThat(r.warnings()).anySatisfy(w -> assertThat(w).startsWith("1 journal entr(ies) ended before a check began that did not read"
                    + " them (first: the backup on web-2 started " + Journal.utc(t0.plusSeconds(3600))).contains("where two lines of checks each"
                    + " missed the other's entries: copies of the repository written apart and merged back"));
            assertThat(missing(check(merged))).as("and after").isEmpty();

            // the copies known, the warning acknowledged (§13, "Acknowledged findings"): one line naming who and why instead
            Coverage coverage = new Journal(merged).read().coverage();
            String web2 = coverage.backdated().getFirst().entry().digest();
            assertThat(coverage.toAcknowledge(web2)).isEqualTo(Coverage.TWO_LINES);
            new Journal(merged).record(acknowledgement(web2, Coverage.TWO_LINES, "the DR copy was written apart and merged back, CHG-12"));
            CheckResult acknowledged = check(merged);
            assertThat(missing(acknowledged)).isEmpty();
            assertThat(acknowledged.warnings()).noneMatch(w -> w.contains("ended before a check began that did not read them"))
                    .filteredOn(w -> w.contains(Coverage.TWO_LINES)).singleElement().asString().startsWith("journal entry on two lines of checks,"
                            + " acknowledged: the backup on web-2 started " + Journal.utc(t0.plusSeconds(3600))).contains("the other line's"
                            + " check is the check of ", "; acknowledged on ", " by alice (").endsWith("): the DR copy was written apart and merged"
                            + " back, CHG-12");
        }
    }

    /** Writes {@code entry} in place of the journal file {@code file}, as someone with the password can. */
    private void rewrite(Repository repo, ObjectId file, JournalEntry entry) throws Exception {
        Files.delete(dir.resolve(Journal.DIR).resolve(file.hex()));
        repo.writeSealed(Journal.DIR, org.opsledger.vault.crypto.Sealing.Kind.JOURNAL, entry);
    }

    /** The one-entry file that holds {@code entry}. */
    private ObjectId fileOf(Repository repo, JournalEntry entry) throws Exception {
        try (var files = Files.list(dir.resolve(Journal.DIR))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                ObjectId id = ObjectId.parse(f.getFileName().toString());
                if (repo.readSealed(Journal.DIR + "/" + id.hex(), org.opsledger.vault.crypto.Sealing.Kind.JOURNAL, JournalEntry.class).equals(entry)) {
                    return id;
                }
            }
        }
        throw new AssertionError("no file holds " + entry);
    }

    /**
     * Two hosts write entries while checks read the journal and a prune gathers it: what a check did not see the next one
     * names, and nothing is said missing; an anchor taken between verifies after.
     */
    @Test
    void twoHostsWritingBesideChecksAndAPruneRaiseNoAlarm() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> hosts = new ArrayList<>();
            for (String host : List.of("web-1", "web-2")) {
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < 40; i++) {
                            journal.record(entry(Operation.BACKUP, host, T.plusSeconds(i), i % 5 == 0 ? Outcome.FAILED : Outcome.OK, "run " + i));
                        }
                    } catch (Throwable x) {
                        failed.set(x);
                    }
                }, host);
                hosts.add(t);
                t.start();
            }
            List<String> alarms = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                alarms.addAll(missing(check(repo)));
                journal.compact(7);
            }
            for (Thread t : hosts) {
                t.join();
            }
            assertThat(failed.get()).isNull();
            alarms.addAll(missing(check(repo)));
            Coverage.Anchor anchor = journal.read().coverage().anchor();
            journal.record(entry(Operation.RESTORE, "web-2", T.plusSeconds(999), Outcome.OK, "after the anchor"));
            alarms.addAll(missing(check(repo)));
            journal.compact(7);
            assertThat(alarms).isEmpty();
            Journal.Listing listing = journal.read();
            assertThat(listing.coverage().missing()).isEmpty();
            assertThat(listing.coverage().verify(anchor)).isEmpty();
            assertThat(anchor.count()).as("80 backups, the checks before it and its own").isGreaterThanOrEqualTo(80 + 1);
        }
    }

    /**
     * A damaged journal file a repair moved aside held entries checks had named: its entry names them lost (it cannot
     * tell them from deleted ones), and the checks after warn of them instead of calling them deleted.
     */
    @Test
    void entriesARepairMovedAsideWithADamagedFileAreSaidLostNotDeleted() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(entry(Operation.BACKUP, "web-1", T, Outcome.OK, "kept"));
            ObjectId damaged = journal.record(entry(Operation.RELEASE, "web-2", T.plusSeconds(60), Outcome.OK, "to be damaged"));
            assertThat(missing(check(repo))).isEmpty();
            Path file = dir.resolve(Journal.DIR).resolve(damaged.hex());
            DamagedPackTest.flipOneByte(file, Files.size(file) / 2);

            CheckResult before = new Checker(repo, 2).check(0);
            assertThat(before.errors()).anyMatch(e -> e.startsWith("journal entry missing: the release on web-2 started " + Journal.utc(T.plusSeconds(60)))
                    && e.contains("deleted from the store, or in a journal file that does not read (named above)"));

            Repairer repairer = new Repairer(repo, 2);
            repairer.repair(0, false);
            assertThat(repairer.lostJournalEntries()).singleElement().asString().contains(" " + T.plusSeconds(60) + " release web-2 content=");
            journal.record(JournalEntry.of(Operation.REPAIR, Outcome.OK, Instant.now(), List.of(), List.of(), false, 0, "repaired")
                    .losing(repairer.lostJournalEntries()));
            CheckResult after = check(repo);
            assertThat(after.errors()).isEmpty();
            assertThat(after.warnings()).anyMatch(w -> w.startsWith("1 journal entr(ies) checks read were lost with the damaged journal file(s)"
                    + " `vault repair` moved under damaged/journal/ on ") && w.endsWith("first: the release on web-2 started " + Journal.utc(T.plusSeconds(60)) + " (entry "
                    + Coverage.digest(entry(Operation.RELEASE, "web-2", T.plusSeconds(60), Outcome.OK, "to be damaged")) + "))"));
        }
    }

    /** A stand-in its command takes back is never named, and a check's entry of an older build (no covers) names nothing. */
    @Test
    void aStandInTakenBackAndAnOlderChecksEntryRaiseNoAlarm() throws Exception {
        try (Repository repo = TestTrees.newRepo(dir)) {
            Journal journal = new Journal(repo);
            journal.record(entry(Operation.CHECK, "web-1", T, Outcome.OK, "an older build's check"));
            ObjectId standIn = journal.record(new JournalEntry(Operation.FORGET, Outcome.FAILED, T.plusSeconds(5), T.plusSeconds(5), "web-1",
                    "operator", List.of(), List.of(), false, 137, JournalEntry.UNFINISHED + "it was to remove 1 snapshot(s)", null));
            assertThat(missing(check(repo))).isEmpty();
            Files.delete(dir.resolve(Journal.DIR).resolve(standIn.hex()));
            journal.record(entry(Operation.FORGET, "web-1", T.plusSeconds(5), Outcome.OK, "removed 1 snapshot(s)"));
            assertThat(missing(check(repo))).isEmpty();
            assertThat(missing(check(repo))).isEmpty();
        }
    }
}
