package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.Tree;
import tools.jackson.databind.JsonNode;

/**
 * `vault due --since`: IS.012 6.6.1 over a period (an auditor's "was there a week without a full backup, a day without
 * any, and which attempts failed?"), and 6.6.1.3, snapshots a tier should have moved to long-term storage. Histories are
 * written as a backup writes them, a snapshot and its journal entry, at chosen times before now.
 */
class DueSinceTest {

    @TempDir
    Path tmp;
    Path repo;
    Path pw;
    /** An hour before the test began: day {@code k} of a history is {@code k} days before it. */
    final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    record Run(int exit, String out, String err) {
        JsonNode json() {
            return VaultJson.MAPPER.readTree(out);
        }
    }

    Run vault(String... args) {
        List<String> all = new ArrayList<>(List.of("vault", args[0], "--repo", repo.toString(), "--password-file", pw.toString()));
        all.addAll(List.of(args).subList(1, args.length));
        CliRun run = CliRun.of(all.toArray(String[]::new));
        return new Run(run.exit(), run.out(), run.err());
    }

    @BeforeEach
    void anEmptyRepository() {
        pw = tmp.resolve("pw");
        repo = tmp.resolve("repo");
        assertThat(CliRun.of("vault", "init", "--repo", repo.toString(), "--password-file", write(pw, "operator one\n"), "--kdf-iterations",
                "100000").exit()).isZero();
    }

    private static String write(Path file, String text) {
        try {
            return Files.writeString(file, text).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Instant day(double k) {
        return base.minusSeconds(Math.round(k * 86_400));
    }

    /** A backup of {@code host}'s {@code paths} at {@code at}, as one writes it: its snapshot, then its journal entry. */
    private static ObjectId backup(Repository r, ObjectId tree, String host, String path, Snapshot.Kind kind, Instant at, Snapshot.Summary summary) {
        ObjectId id = r.saveSnapshot(new Snapshot(at, tree, null, List.of(path), host, "root", Map.of(), kind, null, null, null, "x", host, summary));
        new Journal(r).record(new JournalEntry(JournalEntry.Operation.BACKUP, summary != null && summary.warnings() > 0
                ? JournalEntry.Outcome.INCOMPLETE : JournalEntry.Outcome.OK, at.minusSeconds(5), at.plusSeconds(60), host, "root",
                List.of(path), List.of(id), false, 0, JournalEntry.backupSaved(id.shortHex(), kind) + ": 1 files (0 unchanged), 1 dirs", null));
        return id;
    }

    private Repository open() throws Exception {
        return Repository.open(new LocalBackend(repo), "operator one".toCharArray());
    }

    /**
     * A 90-day history: web-1 missed two nights (a stretch of 3 days without a backup) and three weeks without a full one,
     * one attempt failed and one backup left a path out; eleven of its snapshots were forgotten since, one of them a full
     * one, and still count (else 10 days without a backup, and 14 without a full one); old-db was decommissioned 69½
     * days ago (counted up to then, no stretch "to now"); new-1 began 30 days ago (counted from then); gone-1 was
     * decommissioned before the period (not listed). Exit 3; each gap a line, in UTC.
     */
    @Test
    void dueSinceNamesEachDayWithoutABackupEachWeekWithoutAFullOneAndEachFailedAttempt() throws Exception {
        List<String> forget = new ArrayList<>(List.of("forget"));
        try (Repository r = open()) {
            ObjectId tree = r.saveTree(new Tree(List.of()));
            r.flush();
            for (int k = 100; k >= 0; k--) {
                if (k == 60 || k == 59) {
                    continue; // two nights missed
                }
                boolean full = k % 7 == 0 && k != 35 && k != 28; // fulls at 42 days ago, then at 21
                Snapshot.Summary summary = k == 3 ? new Snapshot.Summary(1, 1, 1, 1, 0, 1, 1, List.of("/srv/www/key.pem: permission denied"), null, 0L)
                        : k == 2 ? new Snapshot.Summary(1, 1, 1, 1, 0, 1, 1, List.of("/srv/www/log: changed while it was read"), null, 1L) : null;
                ObjectId id = backup(r, tree, "web-1", "/srv/www", full ? Snapshot.Kind.FULL : Snapshot.Kind.INCREMENTAL, day(k), summary);
                if (k <= 20 && k >= 10) {
                    forget.add(id.hex());
                }
            }
            new Journal(r).record(new JournalEntry(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.FAILED, day(50).plusSeconds(7200),
                    day(50).plusSeconds(7260), "web-1", "root", List.of("/srv/www"), List.of(), false, 1, "backup failed: disk full", null));
            for (int k = 100; k >= 70; k--) {
                backup(r, tree, "old-db", "payroll.sql", Snapshot.Kind.STDIN, day(k), null);
            }
            decommission(r, "old-db", "payroll.sql", day(69.5));
            for (int k = 30; k >= 0; k--) {
                backup(r, tree, "new-1", "/srv/new", Snapshot.Kind.FULL, day(k), null);
            }
            for (int k = 120; k >= 100; k--) {
                backup(r, tree, "gone-1", "/srv/gone", Snapshot.Kind.FULL, day(k), null);
            }
            decommission(r, "gone-1", "/srv/gone", day(99));
        }
        Run forgotten = vault(forget.toArray(String[]::new));
        assertThat(forgotten.exit()).as(forgotten.err()).isZero();

        Run json = vault("due", "--since", "90d", "--json");
        assertThat(json.exit()).as(json.err()).isEqualTo(BackupCommand.INCOMPLETE);
        JsonNode sources = json.json().get("sources");
        assertThat(sources).extracting(s -> s.get("host").asString()).containsExactly("new-1", "old-db", "web-1");

        JsonNode web = sources.get(2);
        assertThat(web.get("backups").asInt()).as("days 89 to 0 but two, the forgotten ones once each").isEqualTo(88);
        assertThat(web.get("fullBackups").asInt()).isEqualTo(11);
        assertThat(web.get("gaps")).hasSize(2);
        assertGap(web.get("gaps").get(0), "daily", day(61), day(58), "backup");
        assertGap(web.get("gaps").get(1), "weekly_full", day(42), day(21), "backup");
        assertThat(web.get("lapses")).hasSize(2);
        assertThat(web.get("lapses").get(0).get("outcome").asString()).isEqualTo("failed");
        assertThat(web.get("lapses").get(0).get("time").asString()).isEqualTo(day(50).plusSeconds(7200).toString());
        assertThat(web.get("lapses").get(0).get("detail").asString()).isEqualTo("backup failed: disk full");
        assertThat(web.get("lapses").get(1).get("outcome").asString()).isEqualTo("incomplete");
        assertThat(web.get("lapses").get(1).get("time").asString()).isEqualTo(day(3).toString());
        assertThat(web.get("lapses").get(1).get("detail").asString()).isEqualTo("1 path(s) left out (first: /srv/www/key.pem: permission denied)");

        JsonNode old = sources.get(1);
        assertThat(old.get("decommissioned").asString()).isEqualTo(day(69.5).toString());
        assertThat(old.get("backups").asInt()).isEqualTo(20);
        assertThat(old.get("gaps")).as("counted up to its decommissioning, not to now").isEmpty();
        JsonNode fresh = sources.get(0);
        assertThat(fresh.get("countedFrom").asString()).as("from its first backup").isEqualTo(day(30).toString());
        assertThat(fresh.get("gaps")).isEmpty();
        assertThat(fresh.get("lapses")).isEmpty();

        Run text = vault("due", "--since", "90d");
        assertThat(text.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(text.out()).contains("  no backup for 3 days, " + SnapshotsCommand.utc(day(61)) + " to " + SnapshotsCommand.utc(day(58))
                        + " (IS.012 6.6.1.2: daily)\n")
                .contains("  no full backup for 21 days, " + SnapshotsCommand.utc(day(42)) + " to " + SnapshotsCommand.utc(day(21))
                        + " (IS.012 6.6.1.1: weekly)\n")
                .contains("  failed attempt " + SnapshotsCommand.utc(day(50).plusSeconds(7200)) + ": backup failed: disk full (IS.012 6.6.5)\n")
                .contains("  incomplete backup " + SnapshotsCommand.utc(day(3)) + ", ")
                .contains("  20 backup(s), 20 full, counted from ").contains(" to its decommissioning " + SnapshotsCommand.utc(day(69.5)) + "; no gap\n")
                .contains("  31 backup(s), 31 full, counted from " + SnapshotsCommand.utc(day(30)) + "; no gap\n")
                .doesNotContain("gone-1")
                .endsWith("3 source(s), 1 with gaps: 1 without a backup within 26 hours, 1 without a full one within 8 days, 1 failed"
                        + " attempt(s), 1 incomplete backup(s)\n");
        assertThat(text.out().lines().filter(l -> l.startsWith("web-1 "))).hasSize(5);

        Run clean = vault("due", "--since", "20d", "--host", "new-1");
        assertThat(clean.exit()).as(clean.out()).isZero();
        Run bad = vault("due", "--since", "yesterday");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("opsledger: --since must be a day like 2026-01-31 or a duration like 30d, got: yesterday\n");
    }

    private static void assertGap(JsonNode gap, String rule, Instant from, Instant to, String until) {
        assertThat(gap.get("rule").asString()).isEqualTo(rule);
        assertThat(gap.get("from").asString()).isEqualTo(from.toString());
        assertThat(gap.get("to").asString()).isEqualTo(to.toString());
        assertThat(gap.get("until").asString()).isEqualTo(until);
    }

    private static void decommission(Repository r, String host, String path, Instant at) {
        new Journal(r).record(new JournalEntry(JournalEntry.Operation.DECOMMISSION, JournalEntry.Outcome.OK, at, at, "admin-1", "root",
                List.of(path), List.of(), false, 0, "for CHG-1 (by change board)", host));
    }

    /**
     * IS.012 6.6.1.3: a repository that tiers (its journal says so) and whose tier has stopped keeps snapshots near-line past
     * the period: `due` names those older than the tier's period and a day that no tier copied, exit 3. One held and
     * copied (kept near-line) is not named, nor one within the day's grace; a repository that never tiered says nothing.
     */
    @Test
    void dueNamesSnapshotsATierShouldHaveMovedToLongTermStorage() throws Exception {
        ObjectId held;
        ObjectId tree;
        try (Repository r = open()) {
            tree = r.saveTree(new Tree(List.of()));
            r.flush();
            backup(r, tree, "web-1", "/srv/www", Snapshot.Kind.FULL, day(50), null);
            held = backup(r, tree, "web-1", "/srv/www", Snapshot.Kind.FULL, day(40), null);
            backup(r, tree, "web-1", "/srv/www", Snapshot.Kind.FULL, day(0), null);
        }
        Run never = vault("due");
        assertThat(never.out()).as("never tiered").doesNotContain("tier");
        assertThat(never.exit()).isZero();
        assertThat(vault("hold", held.hex(), "--reason", "LIT-1").exit()).isZero();
        Path far = tmp.resolve("far");
        assertThat(CliRun.of("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit())
                .isZero();
        Run tier = vault("tier", "--to", far.toString());
        assertThat(tier.exit()).as(tier.err()).isZero();
        assertThat(vault("due").out()).as("the held one copied, kept near-line").doesNotContain("tier");

        ObjectId late;
        try (Repository r = open()) { // the tier job stopped: these grew older than 30 days since
            late = backup(r, tree, "web-1", "/srv/www", Snapshot.Kind.FULL, day(35), null);
            backup(r, tree, "web-1", "/srv/www", Snapshot.Kind.INCREMENTAL, day(33), null);
            backup(r, tree, "web-1", "/srv/www", Snapshot.Kind.INCREMENTAL, day(30.5), null); // within the grace day
        }
        Run due = vault("due");
        assertThat(due.exit()).as(due.out()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(due.out()).contains("1 source(s); 0 overdue").contains("\ntier overdue: 2 snapshot(s) older than 30 days not yet in"
                + " long-term storage (oldest " + SnapshotsCommand.utc(day(35)) + ", " + late.shortHex() + " of web-1 /srv/www; the last tier"
                + " ended ok ");
        assertThat(due.out().lines().toList().getLast()).endsWith("): run `vault tier --to " + far + "` (IS.012 6.6.1.3)");
        Run json = vault("due", "--json");
        assertThat(json.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(json.json().isArray()).isTrue();
        assertThat(json.err()).startsWith("tier overdue: 2 snapshot(s)");
        assertThat(vault("due", "--since", "90d", "--json").json().get("tierOverdue").get("snapshots")).hasSize(2);
    }
}
