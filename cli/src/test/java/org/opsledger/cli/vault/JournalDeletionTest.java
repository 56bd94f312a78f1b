package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import tools.jackson.databind.JsonNode;

/**
 * A journal entry deleted from the store (docs/vault-format.md §13, "Deletion made evident"). Whoever can write to the
 * store, without a password (a storage administrator, a ransomware operator covering tracks), deleted `journal/<id>`, the
 * failed backup, the release of a hold, and no command ever noticed: each check names the entries it read, each later one
 * finds any of them gone, and an anchor written down outside the store covers what came after the newest check (IS.012
 * 6.6.5; the policy's 6.4: administrators must not erase logs of their own activity).
 */
class JournalDeletionTest {

    @TempDir
    Path tmp;

    private Path repo;
    private List<String> at;

    private CliRun vault(String... args) {
        return CliRun.vault(at, args);
    }

    /** A repository with a backup, a hold placed and released, and a failed backup, each in the journal. */
    private void repository() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        repo = tmp.resolve("repo");
        at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a"), "a");
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("hold", "latest", "--reason", "AUD-9").exit()).isZero();
        assertThat(vault("backup", tmp.resolve("gone").toString(), "--allow-same-device").exit()).isNotZero();
    }

    /** The one-entry files of the journal. */
    private Set<Path> singles() throws Exception {
        try (Stream<Path> files = Files.list(repo.resolve("journal"))) {
            return new HashSet<>(files.filter(Files::isRegularFile).toList());
        }
    }

    /** The file of the entry {@code args} writes. */
    private Path entryOf(String... args) throws Exception {
        Set<Path> before = singles();
        CliRun run = vault(args);
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        Set<Path> after = singles();
        after.removeAll(before);
        assertThat(after).hasSize(1);
        return after.iterator().next();
    }

    private CliRun checkOk() {
        CliRun check = vault("check");
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).doesNotContain("journal entry missing");
        return check;
    }

    @Test
    void anEntryDeletedOnceACheckReadItIsAnErrorOfEveryCheckAfter() throws Exception {
        repository();
        Path release = entryOf("release", "latest", "--reason", "AUD-9");
        checkOk();
        checkOk(); // what the first named is all there; it names the first check's entry
        Files.delete(release);

        CliRun check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).containsPattern("error: journal entry missing: the release on \\S+ started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"
                + " \\(entry [0-9a-f]{16}\\), which the check of .* read, is no longer in the journal: deleted from the store");
        assertThat(vault("check").out()).as("and at every check after").contains("journal entry missing: the release on");
        // an incident, not damage: the advice was a repair, which said "nothing to repair" and left the error (a tester's)
        assertThat(check.err()).contains("is an incident, not damage a repair mends", "--verify-anchor").doesNotContain("vault repair --read-data");
    }

    /**
     * What a check named stays named when a key retirement has sealed it again and a prune gathers it into a segment (no
     * alarm then); a segment deleted is named entry by entry.
     */
    @Test
    void entriesSealedAgainOrInASegmentAreNamedWhenDeleted() throws Exception {
        repository();
        assertThat(vault("key", "rotate").exit()).isZero();
        CliRun retire = vault("key", "retire", "1");
        assertThat(retire.exit()).as(retire.out() + retire.err()).isZero();
        Set<Path> resealed = segments();
        assertThat(resealed).as("the entries of epoch 1, sealed again").hasSize(1);
        checkOk(); // names them, and the key entries
        assertThat(vault("prune").exit()).isZero(); // gathers that check's entry
        assertThat(segments()).hasSize(2);
        checkOk();

        Files.delete(resealed.iterator().next());
        CliRun check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("journal entry missing: the init on ", "journal entry missing: the hold on ",
                "journal entry missing: the backup on ");
    }

    private Set<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(repo.resolve("journal/segments"))) {
            return new HashSet<>(files.toList());
        }
    }

    /**
     * An anchor an auditor writes down verifies while every entry it covers is there, and fails naming one deleted; and
     * the newest check's own entry deleted (no check after names it) fails it too.
     */
    @Test
    void anAnchorVerifiesUntilAnEntryItCoversIsDeleted() throws Exception {
        repository();
        Path release = entryOf("release", "latest", "--reason", "AUD-9");
        checkOk();
        Path newestCheck = entryOf("check");
        CliRun taken = vault("journal", "--anchor");
        assertThat(taken.exit()).as(taken.out() + taken.err()).isZero();
        String anchor = taken.out().lines().findFirst().orElseThrow();
        assertThat(anchor).matches("anchor [0-9a-f]{16}:\\d+:[0-9a-f]{64}");
        anchor = anchor.substring("anchor ".length());
        assertThat(vault("backup", tmp.resolve("data").toString(), "--allow-same-device").exit()).as("written since").isZero();

        CliRun verified = vault("journal", "--verify-anchor", anchor);
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("anchor " + anchor.substring(0, 16) + " verified");

        Files.delete(release);
        CliRun failed = vault("journal", "--verify-anchor", anchor);
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).containsPattern("error: the release on \\S+ started .* \\(entry [0-9a-f]{16}\\), which the anchor covers, is no"
                + " longer in the journal: deleted from the store");
        assertThat(failed.err()).contains("anchor " + anchor.substring(0, 16) + " does not verify");

        Files.delete(newestCheck);
        CliRun gone = vault("journal", "--verify-anchor", anchor);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.out()).contains("the check the anchor was taken at (entry " + anchor.substring(0, 16) + ") is not in the journal");
        assertThat(vault("journal", "--verify-anchor", "nonsense").exit()).isEqualTo(2);
    }
    /**
     * `vault journal` listed an entry check had found rewritten, or backdated, as any other: the operator and the auditor
     * read the forged text as fact. Each is marked, from check's own verification, in the text and in --json.
     */
    @Test
    void entriesCheckFindsAlteredOrBackdatedAreMarkedInTheJournal() throws Exception {
        repository();
        checkOk();
        checkOk();
        Instant restored = Instant.now().minusSeconds(3 * 3600);
        try (Repository r = Repository.open(new LocalBackend(repo), Files.readString(tmp.resolve("pw")).strip().toCharArray())) {
            Journal journal = new Journal(r);
            JournalEntry failed = journal.read().entries().stream().filter(e -> e.outcome() == JournalEntry.Outcome.FAILED).findFirst().orElseThrow();
            for (Path f : singles()) { // the failed backup's file, rewritten with another key slot, as a password holder can
                if (r.readSealed(Journal.DIR + "/" + f.getFileName(), Sealing.Kind.JOURNAL, JournalEntry.class).equals(failed)) {
                    Files.delete(f);
                }
            }
            r.writeSealed(Journal.DIR, Sealing.Kind.JOURNAL, failed.openedWith(new JournalEntry.SlotInUse("0badc0de", "mallory", true)));
            journal.record(new JournalEntry(JournalEntry.Operation.RESTORE, JournalEntry.Outcome.OK, restored, restored.plusSeconds(40),
                    "web-2", "root", List.of("/srv/restore-test"), List.of(), true, 0, "restored 1 files; verified", null));
        }
        assertThat(vault("check").exit()).isEqualTo(1);

        CliRun listed = vault("journal");
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out().lines().filter(l -> l.contains("  backup  ") && l.contains("  failed  "))).singleElement().asString()
                .contains("  [altered] ");
        assertThat(listed.out().lines().filter(l -> l.contains("  restore  "))).singleElement().asString().contains("  [backdated] restored 1 files");
        assertThat(listed.out()).contains("warning: 2 entr(ies) marked [altered], [backdated], [two lines], [fields dropped] or [dated in the"
                + " future]: `vault check` finds them not as a check read them, or dated before checks that did not read them or after"
                + " checks that read them; what they say is not evidence"
                + " (first: the restore on web-2 started " + Journal.utc(restored));
        assertThat(listed.out()).as("altered and backdated are incidents, not acknowledged").doesNotContain("--acknowledge");
        JsonNode entries = org.opsledger.vault.VaultJson.MAPPER.readTree(vault("journal", "--json").out()).get("entries");
        assertThat(entries).filteredOn(e -> e.has("checkFinds")).extracting(e -> e.get("operation").asText() + " "
                + e.get("checkFinds").get("kind").asText()).containsExactlyInAnyOrder("backup altered", "restore backdated");
        assertThat(entries).filteredOn(e -> e.get("operation").asText().equals("restore")).singleElement()
                .satisfies(e -> assertThat(e.get("checkFinds").get("found").asText()).startsWith("the restore on web-2 started "
                        + Journal.utc(restored)).contains(" is dated before the repository's init"));
    }
    /**
     * A check on a host whose clock ran 2 days ahead was an error at every check after: the nightly check exit 1 for good,
     * and no way to record "we looked". Acknowledged with why and by whom, check exits 0 and says it in one warning;
     * `vault journal` marks the entry, --json carries it. Refused with nothing written: an entry the journal does not
     * hold, one check finds nothing wrong with, an empty reason, and the same finding a second time.
     */
    @Test
    void aCheckDatedAheadIsAcknowledgedWithWhyAndByWhomAndCheckExitsZero() throws Exception {
        repository();
        Instant ahead = Instant.now().plus(java.time.Duration.ofDays(2));
        String init;
        try (Repository r = Repository.open(new LocalBackend(repo), Files.readString(tmp.resolve("pw")).strip().toCharArray())) {
            org.opsledger.vault.checker.Checker checker = new org.opsledger.vault.checker.Checker(r, 2);
            checker.check(0);
            Journal journal = new Journal(r);
            journal.record(new JournalEntry(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, ahead, ahead.plusSeconds(30), "vm-7", "root",
                    List.of(), List.of(), false, 0, "checked", null).covering(checker.journalCovers())); // on a bad NTP day
            init = org.opsledger.vault.journal.Coverage.digest(journal.read().entries().getFirst());
        }
        CliRun check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        var said = java.util.regex.Pattern.compile("error: journal entry dated in the future: the check on vm-7 started " + Journal.utc(ahead)
                + " \\(entry ([0-9a-f]{16})\\) .*`vault journal --acknowledge \\1 --reason WHY` records it").matcher(check.out());
        assertThat(said.find()).as(check.out()).isTrue();
        String entry = said.group(1);
        assertThat(check.err()).contains("an entry dated in the future: find the host whose clock ran ahead");
        // `vault journal` marks it as check finds it, and names its digest to acknowledge (it showed it unmarked, no digest)
        CliRun marked = vault("journal");
        assertThat(marked.out().lines().filter(l -> l.contains("  vm-7  "))).singleElement().asString()
                .contains("  [dated in the future] checked");
        assertThat(marked.out()).contains("warning: 1 entr(ies) marked [altered], [backdated], [two lines], [fields dropped] or [dated in"
                + " the future]: ").contains("entry " + entry + ", marked [dated in the future]: the check on vm-7 started " + Journal.utc(ahead)
                + " (entry " + entry + ") is dated after ").contains("; once you know why, `vault journal --acknowledge " + entry
                + " --reason WHY` records it");
        JsonNode findings = org.opsledger.vault.VaultJson.MAPPER.readTree(vault("journal", "--json").out()).get("entries");
        assertThat(findings).filteredOn(e -> e.has("checkFinds")).singleElement().satisfies(e -> {
            assertThat(e.get("host").asText()).isEqualTo("vm-7");
            assertThat(e.get("checkFinds").get("kind").asText()).isEqualTo("dated in the future");
            assertThat(e.get("checkFinds").get("entry").asText()).isEqualTo(entry);
        });

        Set<Path> before = singles();
        CliRun unknown = vault("journal", "--acknowledge", "0123456789abcdef", "--reason", "looked");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no journal entry is entry 0123456789abcdef");
        CliRun clean = vault("journal", "--acknowledge", init, "--reason", "looked");
        assertThat(clean.exit()).isEqualTo(1);
        assertThat(clean.err()).contains("the init on ").contains("has no finding to acknowledge");
        assertThat(vault("journal", "--acknowledge", entry, "--reason", " ").exit()).isEqualTo(2);
        assertThat(singles()).as("nothing written").isEqualTo(before);

        String why = "vm-7's clock ran 2 days ahead on 2026-11-03, INC-77";
        CliRun ack = vault("journal", "--acknowledge", entry.substring(0, 10), "--reason", why, "--by", "alice");
        assertThat(ack.exit()).as(ack.err()).isZero();
        assertThat(ack.out()).startsWith("acknowledged the check on vm-7 started " + Journal.utc(ahead) + " (entry " + entry + "), dated in"
                + " the future: " + why + " (by alice)");
        CliRun again = vault("journal", "--acknowledge", entry, "--reason", why);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("nothing to add");

        for (int i = 0; i < 2; i++) {
            check = vault("check");
            assertThat(check.exit()).as(check.out() + check.err()).isZero();
            assertThat(check.out()).doesNotContain("error:").contains("warning: journal entry dated in the future, acknowledged: the check on"
                    + " vm-7 started " + Journal.utc(ahead) + " (entry " + entry + ")").contains(" by alice (").contains("): " + why);
        }
        CliRun listed = vault("journal");
        assertThat(listed.out().lines().filter(l -> l.contains("[acknowledged] checked"))).hasSize(1);
        assertThat(listed.out()).doesNotContain("[dated in the future]").doesNotContain("--acknowledge " + entry);
        assertThat(listed.out()).contains("entry " + entry + ", marked [acknowledged], dated in the future: acknowledged on ");
        JsonNode entries = org.opsledger.vault.VaultJson.MAPPER.readTree(vault("journal", "--json").out()).get("entries");
        assertThat(entries).filteredOn(e -> e.has("acknowledged")).singleElement().satisfies(e -> {
            assertThat(e.get("host").asText()).isEqualTo("vm-7");
            assertThat(e.get("acknowledged").get("kind").asText()).isEqualTo("dated in the future");
            assertThat(e.get("acknowledged").get("reason").asText()).isEqualTo(why);
            assertThat(e.get("acknowledged").get("by").asText()).isEqualTo("alice");
        });
    }
}
