package org.opsledger.vault.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.repository.Disposal;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A snapshot records a UTC instant, and the hosts that share a repository live in different zones: what a retention date
 * keeps, and which snapshot is a day's, must not depend on which of them runs forget, tier or dispose (a tester's: a
 * snapshot retained until today by a host at UTC−12 was removed by a forget at UTC+14; two hosts' `--keep-daily 2` each
 * removed the other's daily).
 */
class OneCalendarForgetTest {

    @TempDir
    Path tmp;

    private static final ZoneId EAST = ZoneId.of("Pacific/Kiritimati"); // UTC+14
    private static final ZoneId WEST = ZoneId.of("Etc/GMT+12");          // UTC−12

    /** A retention date has ended once it has ended everywhere, at 12:00 UTC the next day, whichever zone judges it. */
    @Test
    void aRetentionDateEndsAtOneInstantForForgetTierAndDispose() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("ledger.csv"), "payroll");
        LocalDate until = LocalDate.of(2030, 6, 15);
        Instant stillThe15thAtUtcMinus12 = Instant.parse("2030-06-16T11:59:59Z"); // the 17th at UTC+14
        Instant ended = Instant.parse("2030-06-16T12:00:00Z");
        RetentionPolicy within0d = new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            SnapshotRef s = new Archiver(repo, new BackupProgress())
                    .backup(TestTrees.options(data).withRecord("Finance", "Confidential", until, Map.of()));
            for (ZoneId zone : List.of(EAST, WEST, ZoneOffset.UTC)) {
                assertThat(new Forgetter(repo, zone).plan(within0d, stillThe15thAtUtcMinus12)).as(zone.getId()).singleElement()
                        .satisfies(d -> assertThat(d.reasons()).containsExactly("retain until 2030-06-15"));
                assertThat(new Forgetter(repo, zone).plan(within0d, ended)).as(zone.getId()).singleElement()
                        .satisfies(d -> assertThat(d.keep()).isFalse());
                assertThatThrownBy(() -> new Forgetter(repo, zone).plan(List.of(s), stillThe15thAtUtcMinus12))
                        .hasMessageStartingWith("snapshot " + s.shortId() + " cannot be forgotten: retain until 2030-06-15");
                Tiering tiering = new Tiering(repo, far, zone);
                assertThat(tiering.plan(RetentionPolicy.Within.parse("0d"), stillThe15thAtUtcMinus12).pastRetention()).as(zone.getId()).isEmpty();
                assertThat(tiering.plan(RetentionPolicy.Within.parse("0d"), ended).pastRetention()).as(zone.getId()).hasSize(1);
            }
            assertThatThrownBy(() -> Disposal.dispose(repo, repo.config().id(), null, "ops", stillThe15thAtUtcMinus12))
                    .hasMessageStartingWith("1 snapshot(s) are retained until today or later");
            assertThat(Snapshot.retentionEnded(until, stillThe15thAtUtcMinus12)).isFalse();
            assertThat(Snapshot.retentionEnded(until, ended)).isTrue();
        }
    }

    /**
     * Each snapshot is bucketed in the calendar of the host that made it, where it says so (restic's): a forget at UTC and
     * one at Pacific/Chatham (UTC+13:45) keep the same two of three snapshots a UTC host made on two days.
     */
    @Test
    void daysAreTheBackupHostsWhicheverZoneCountsThem() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "data");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot made = TestTrees.backup(repo, data).snapshot();
            assertThat(made.timeOffset()).as("a backup records its host's offset")
                    .isEqualTo(ZoneId.systemDefault().getRules().getOffset(made.time()));
            for (String t : List.of("2026-11-30T10:00:00Z", "2026-11-30T20:00:00Z", "2026-12-01T10:00:00Z")) {
                Snapshot s = made;
                repo.saveSnapshot(new Snapshot(Instant.parse(t), s.tree(), null, s.paths(), "web-1", s.username(), s.tags(), s.kind(),
                        s.dataOwner(), s.classification(), s.retainUntil(), s.storageLocation(), s.sourceHost(), s.summary(), ZoneOffset.UTC));
            }
            RetentionPolicy daily2 = new RetentionPolicy(null, 2, 0, 0, 0);
            List<Instant> keptAtUtc = kept(new Forgetter(repo, ZoneOffset.UTC).plan(daily2, Instant.parse("2026-12-02T00:00:00Z")));
            assertThat(keptAtUtc).containsExactly(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-11-30T20:00:00Z"));
            assertThat(kept(new Forgetter(repo, ZoneId.of("Pacific/Chatham")).plan(daily2, Instant.parse("2026-12-02T00:00:00Z"))))
                    .isEqualTo(keptAtUtc);
        }
    }

    /**
     * --keep-within and tier's near-line period count on each snapshot's calendar, its recorded offset, as the daily
     * buckets do: a forget or tier at UTC+14 and one at UTC−12 keep and move the same snapshots. Counted in the host's
     * zone, "1m" at 06:00 UTC on 31 March reached back to 28 February at one and to 1 March at the other, and "30d" across
     * Berlin's change to summer time was an hour shorter there than at UTC (an engineer's).
     */
    @Test
    void keepWithinAndTheNearLinePeriodCountOnTheSnapshotsCalendar() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "data");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            Snapshot s = TestTrees.backup(repo, data).snapshot();
            for (String t : List.of("2026-02-28T12:00:00Z", "2026-03-16T12:30:00Z")) {
                repo.saveSnapshot(new Snapshot(Instant.parse(t), s.tree(), null, s.paths(), "web-1", s.username(), s.tags(), s.kind(),
                        s.dataOwner(), s.classification(), s.retainUntil(), s.storageLocation(), s.sourceHost(), s.summary(), ZoneOffset.UTC));
            }
            Instant endOfMarch = Instant.parse("2026-03-31T06:00:00Z");
            Instant midApril = Instant.parse("2026-04-15T12:00:00Z");
            RetentionPolicy within1m = new RetentionPolicy(RetentionPolicy.Within.parse("1m"), 0, 0, 0, 0);
            RetentionPolicy within30d = new RetentionPolicy(RetentionPolicy.Within.parse("30d"), 0, 0, 0, 0);
            for (ZoneId zone : List.of(EAST, WEST, ZoneId.of("Europe/Berlin"))) {
                assertThat(kept(new Forgetter(repo, zone).plan(within1m, endOfMarch))).as(zone.getId())
                        .containsExactly(Instant.parse("2026-03-16T12:30:00Z"), Instant.parse("2026-02-28T12:00:00Z"));
            }
            // --keep-within counts back from the source's newest snapshot, as restic's (session 39): mid-April's backup
            repo.saveSnapshot(new Snapshot(midApril, s.tree(), null, s.paths(), "web-1", s.username(), s.tags(), s.kind(),
                    s.dataOwner(), s.classification(), s.retainUntil(), s.storageLocation(), s.sourceHost(), s.summary(), ZoneOffset.UTC));
            for (ZoneId zone : List.of(EAST, WEST, ZoneId.of("Europe/Berlin"))) {
                assertThat(kept(new Forgetter(repo, zone).plan(within30d, midApril))).as(zone.getId())
                        .containsExactly(midApril, Instant.parse("2026-03-16T12:30:00Z"));
                assertThat(new Tiering(repo, far, zone).due(RetentionPolicy.Within.parse("30d"), midApril)).as(zone.getId())
                        .extracting(r -> r.snapshot().time()).doesNotContain(Instant.parse("2026-03-16T12:30:00Z"))
                        .contains(Instant.parse("2026-02-28T12:00:00Z"));
            }
        }
    }

    private static List<Instant> kept(List<ForgetDecision> plan) {
        return plan.stream().filter(d -> d.snapshot().snapshot().hostname().equals("web-1") && d.keep())
                .map(d -> d.snapshot().snapshot().time()).toList();
    }
}
