package org.opsledger.vault.prune;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A nightly `forget --keep-within 30d --keep-last 1 --prune` on a host whose clock jumped a year ahead removed and pruned
 * a snapshot minutes old, retained for two more months (IS.012 6.6.5.1), exit 0 (a tester's, h2 F0): --keep-within now
 * counts back from the newest snapshot, as restic does, and a clock far past everything the repository records is refused
 * where a retention date would end by it alone.
 */
class ClockAheadForgetTest {

    @TempDir
    Path tmp;

    @Test
    void keepWithinCountsFromTheNewestSnapshotNotAClockAYearAhead() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "one");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            LocalDate until = LocalDate.now(ZoneOffset.UTC).plusDays(60);
            SnapshotRef first = retained(repo, data, until);
            Files.writeString(data.resolve("a.txt"), "two");
            SnapshotRef second = retained(repo, data, until);
            Instant yearAhead = Instant.now().plus(Duration.ofDays(365));
            List<ForgetDecision> plan = new Forgetter(repo, ZoneOffset.UTC)
                    .plan(new RetentionPolicy(1, RetentionPolicy.Within.parse("30d"), 0, 0, 0, 0), yearAhead);
            assertThat(plan).allMatch(ForgetDecision::keep);
            assertThat(plan).filteredOn(d -> d.snapshot().id().equals(first.id())).singleElement()
                    .extracting(ForgetDecision::reasons).isEqualTo(List.of("within 30 days"));

            // the retention is judged by the clock: refused where only a clock far past the record ends it
            List<SnapshotRef> all = repo.snapshots();
            Instant newest = second.snapshot().time();
            assertThatThrownBy(() -> Forgetter.refuseOnAClockAhead(all, newest, yearAhead, false))
                    .isInstanceOf(VaultException.class)
                    .hasMessageContaining("day(s) past the newest time the repository records")
                    .hasMessageContaining("(until " + until + ") ended: check the host's clock (timedatectl)")
                    .hasMessageContaining("--trust-clock; nothing was removed");
            Forgetter.refuseOnAClockAhead(all, newest, yearAhead, true); // the operator checked it
            // a clock within a week of the newest record is taken at its word
            Forgetter.refuseOnAClockAhead(all, newest, newest.plus(Duration.ofDays(6)), false);
            // backups that stopped months ago, the journal's nightly entries recent: the retention ended long before them
            Instant monthsLater = until.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofDays(120));
            Forgetter.refuseOnAClockAhead(all, monthsLater.minus(Duration.ofDays(1)), monthsLater, false);
            assertThat(new Forgetter(repo, ZoneOffset.UTC).plan(new RetentionPolicy(1, null, 0, 0, 0, 0), monthsLater))
                    .filteredOn(d -> !d.keep()).extracting(d -> d.snapshot().id()).containsExactly(first.id());
        }
    }

    @Test
    void aSnapshotDatedInTheFutureIsNotWhereKeepWithinCountsFrom() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Instant now = Instant.now();
            SnapshotRef ahead = new SnapshotRef(s.id(), TestTrees.forged(s.snapshot(), now.plus(Duration.ofDays(400)),
                    s.snapshot().tree(), s.snapshot().hostname()));
            SnapshotRef old = new SnapshotRef(s.id(), TestTrees.forged(s.snapshot(), now.minus(Duration.ofDays(40)),
                    s.snapshot().tree(), s.snapshot().hostname()));
            assertThat(Forgetter.withinFrom(List.of(ahead, old), now)).isEqualTo(old.snapshot().time());
            assertThat(Forgetter.withinFrom(List.of(ahead), now)).isEqualTo(now);
        }
    }

    private static SnapshotRef retained(Repository repo, Path data, LocalDate until) {
        return new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                .withRecord("ops", "Internal", until, Map.of()));
    }
}
