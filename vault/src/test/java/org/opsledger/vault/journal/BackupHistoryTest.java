package org.opsledger.vault.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;

/** IS.012 6.6.1 over a period ({@link BackupHistory}), from snapshots and journal entries at chosen times. */
class BackupHistoryTest {

    private static final Instant NOW = Instant.parse("2026-12-05T06:00:00Z");
    private static final Instant SINCE = NOW.minus(Duration.ofDays(60));
    private final List<SnapshotRef> snapshots = new ArrayList<>();

    private static Instant day(int k) {
        return NOW.minus(Duration.ofDays(k));
    }

    private void taken(Snapshot.Kind kind, int k) {
        byte[] id = new byte[ObjectId.SIZE];
        id[0] = (byte) snapshots.size();
        id[1] = 1;
        snapshots.add(new SnapshotRef(ObjectId.of(id), new Snapshot(day(k), ObjectId.of(new byte[ObjectId.SIZE]), null, List.of("/srv"),
                "web-1", "root", Map.of(), kind, null, null, null, "x", "web-1", null)));
    }

    /**
     * Decommissioned before the period and backed up again, incrementally, before it: its stretch without a full backup
     * runs from that first backup after the decommission, not from its last full one before it, nor from the period's start.
     */
    @Test
    void aStretchWithoutAFullBackupRunsFromTheFirstBackupAfterADecommission() {
        taken(Snapshot.Kind.FULL, 100);
        for (int k = 99; k >= 80; k--) {
            taken(Snapshot.Kind.INCREMENTAL, k);
        }
        for (int k = 70; k >= 0; k--) {
            taken(Snapshot.Kind.INCREMENTAL, k);
        }
        BackupHistory history = new BackupHistory(snapshots, SnapshotFilter.ALL, SINCE, NOW);
        history.take(new JournalEntry(JournalEntry.Operation.DECOMMISSION, JournalEntry.Outcome.OK, day(79), day(79), "admin", "root",
                List.of("/srv"), List.of(), false, 0, "for CHG-1", "web-1"));
        JournalEntry failed = new JournalEntry(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.FAILED, day(5), day(5), "web-1", "root",
                List.of("/srv"), List.of(), false, 1, "disk full", null);
        history.take(failed);
        history.take(failed); // a reading begun again hands it twice

        List<BackupHistory.Source> sources = history.sources(BackupsDue.DAILY, BackupsDue.WEEKLY_FULL, NOW);
        assertThat(sources).singleElement().satisfies(s -> {
            assertThat(s.countedFrom()).isEqualTo(SINCE);
            assertThat(s.gaps()).as("its 9 days decommissioned ended before the period").containsExactly(
                    new BackupHistory.Gap(BackupHistory.Rule.WEEKLY_FULL, day(70), NOW, BackupHistory.Until.NOW));
            assertThat(s.lapses()).hasSize(1);
        });
    }
}
