package org.opsledger.vault.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;

/** IS.012 6.6.1.1 (a full backup weekly) and 6.6.1.2 (a backup daily), judged from each source's snapshots. */
class BackupsDueTest {

    private static final Instant NOW = Instant.parse("2026-12-05T06:00:00Z");
    private final List<SnapshotRef> snapshots = new ArrayList<>();

    private void taken(String host, List<String> paths, Snapshot.Kind kind, Duration ago) {
        byte[] id = new byte[ObjectId.SIZE];
        id[0] = (byte) snapshots.size();
        snapshots.add(new SnapshotRef(ObjectId.of(id), new Snapshot(NOW.minus(ago), ObjectId.of(new byte[ObjectId.SIZE]), null, paths,
                host, "backup", null, kind, null, null, null, "/srv/backup", host, null)));
    }

    @Test
    void aSourceIsOverdueWhenItsNewestBackupOrNewestFullOneIsTooOld() {
        taken("web-1", List.of("/etc", "/srv/www"), Snapshot.Kind.FULL, Duration.ofDays(3));
        taken("web-1", List.of("/srv/www", "/etc"), Snapshot.Kind.INCREMENTAL, Duration.ofHours(5)); // the same source
        taken("db-1", List.of("payroll.sql"), Snapshot.Kind.STDIN, Duration.ofDays(2).plusHours(3)); // a stream is whole: a full
        taken("files-1", List.of("/srv/files"), Snapshot.Kind.INCREMENTAL, Duration.ofHours(25)); // its full forgotten since
        taken("old-1", List.of("/srv"), Snapshot.Kind.FULL, Duration.ofDays(10));
        taken("old-1", List.of("/srv"), Snapshot.Kind.INCREMENTAL, Duration.ofHours(1));

        List<BackupsDue.Source> due = BackupsDue.of(snapshots, NOW, BackupsDue.DAILY, BackupsDue.WEEKLY_FULL, Map.of());
        assertThat(due).extracting(BackupsDue.Source::host).containsExactly("db-1", "files-1", "old-1", "web-1");
        assertThat(due.get(0).overdue()).containsExactly("the newest backup is 2 days old (IS.012 6.6.1.2: daily)");
        assertThat(due.get(1).overdue()).containsExactly("no full backup in the repository (IS.012 6.6.1.1: weekly; `vault backup --full`)");
        assertThat(due.get(2).overdue()).containsExactly("the newest full backup is 10 days old (IS.012 6.6.1.1: weekly; `vault backup --full`)");
        assertThat(due.get(3).overdue()).isEmpty();
        assertThat(due.get(3).paths()).containsExactly("/etc", "/srv/www");
        assertThat(due.get(3).newest()).isEqualTo(snapshots.get(1));
        assertThat(due.get(3).newestFull()).isEqualTo(snapshots.get(0));

        assertThat(BackupsDue.of(snapshots, NOW, Duration.ofHours(4), Duration.ofDays(30), Map.of()).get(3).overdue())
                .containsExactly("the newest backup is 5 hours old (IS.012 6.6.1.2: daily)");
    }

    /**
     * A snapshot dated years ahead (a host's clock wrong once, a forged record) was the source's newest: `due` said "ok"
     * until then, while its real backups were 60 days old (a helper's). It is not counted, and named; a few minutes
     * ahead is the clock skew allowed.
     */
    @Test
    void aSnapshotDatedInTheFutureIsNotCountedAndNamed() {
        taken("web-1", List.of("/srv"), Snapshot.Kind.FULL, Duration.ofDays(60));
        taken("web-1", List.of("/srv"), Snapshot.Kind.FULL, Duration.ofDays(-1700)); // 2031
        taken("db-1", List.of("/srv"), Snapshot.Kind.FULL, Duration.ofMinutes(-3)); // its clock 3 minutes ahead

        List<BackupsDue.Source> due = BackupsDue.of(snapshots, NOW, BackupsDue.DAILY, BackupsDue.WEEKLY_FULL, Map.of());
        assertThat(due.get(1).host()).isEqualTo("web-1");
        assertThat(due.get(1).newest()).isEqualTo(snapshots.get(0));
        assertThat(due.get(1).overdue()).containsExactly("the newest backup is 60 days old (IS.012 6.6.1.2: daily)",
                "the newest full backup is 60 days old (IS.012 6.6.1.1: weekly; `vault backup --full`)",
                "1 snapshot(s) dated in the future, not counted (the last " + snapshots.get(1).shortId() + " at 2031-08-01T06:00:00Z):"
                        + " a host's clock was wrong, or the record is forged");
        assertThat(due.get(0).overdue()).isEmpty();
    }

    @Test
    void aSourceDecommissionedAfterItsNewestBackupIsNotOverdueUntilItIsBackedUpAgain() {
        taken("old-db", List.of("payroll.sql"), Snapshot.Kind.STDIN, Duration.ofDays(40));
        taken("web-1", List.of("/srv/www"), Snapshot.Kind.FULL, Duration.ofDays(9));
        Instant ended = NOW.minus(Duration.ofDays(39));
        Map<List<String>, Instant> decommissioned = Map.of(BackupsDue.key("old-db", List.of("payroll.sql")), ended,
                BackupsDue.key("web-1", List.of("/srv/www")), NOW.minus(Duration.ofDays(10))); // backed up since: a source again

        List<BackupsDue.Source> due = BackupsDue.of(snapshots, NOW, BackupsDue.DAILY, BackupsDue.WEEKLY_FULL, decommissioned);
        assertThat(due.get(0).host()).isEqualTo("old-db");
        assertThat(due.get(0).decommissioned()).isEqualTo(ended);
        assertThat(due.get(0).overdue()).isEmpty();
        assertThat(due.get(1).decommissioned()).isNull();
        assertThat(due.get(1).overdue()).containsExactly("the newest backup is 9 days old (IS.012 6.6.1.2: daily)",
                "the newest full backup is 9 days old (IS.012 6.6.1.1: weekly; `vault backup --full`)");
    }
}
