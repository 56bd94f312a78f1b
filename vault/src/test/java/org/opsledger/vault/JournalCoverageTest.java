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

    private static final Instant T = Instant.parse("2026-12-05T01:00:00Z");

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
        assertThat(Coverage.describe(e)).isEqualTo(expected + " 2026-12-05T01:16:07.100Z backup web-1");

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
            assertThat(before.errors()).anyMatch(e -> e.startsWith("journal entry missing: the release on web-2 started 2026-12-05 01:01:00 UTC")
                    && e.contains("deleted from the store, or in a journal file that does not read (named above)"));

            Repairer repairer = new Repairer(repo, 2);
            repairer.repair(0, false);
            assertThat(repairer.lostJournalEntries()).singleElement().asString().endsWith(" 2026-12-05T01:01:00Z release web-2");
            journal.record(JournalEntry.of(Operation.REPAIR, Outcome.OK, Instant.now(), List.of(), List.of(), false, 0, "repaired")
                    .losing(repairer.lostJournalEntries()));
            CheckResult after = check(repo);
            assertThat(after.errors()).isEmpty();
            assertThat(after.warnings()).anyMatch(w -> w.startsWith("1 journal entr(ies) checks read were lost with the damaged journal file(s)"
                    + " `vault repair` moved under damaged/journal/ on ") && w.endsWith("first: the release on web-2 started 2026-12-05 01:01:00 UTC (entry "
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
