package org.opsledger.vault.copier;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.1.3 (near-line for the first 30 days, then long-term), judged from a repository's journal: once it records a
 * tier that ended ok here, the snapshots a tier would move ({@link Tiering#plan}) that are older than that tier's near-line
 * period and a day ({@link #GRACE}: a nightly tier's run, and the days counted in another zone) and that no tier has
 * copied to long-term storage. A tier that stopped running (its job gone, its password file unreadable) otherwise leaves
 * snapshots near-line for ever, and nothing says so. {@code lastTier}: the newest tier that ended ok, whose period counts.
 */
public record TierOverdue(RetentionPolicy.Within nearLine, JournalEntry lastTier, List<SnapshotRef> snapshots) {

    /** What a snapshot may be older than the near-line period before it is overdue. */
    public static final Duration GRACE = Duration.ofDays(1);

    /** The journal's entries {@link #of} reads: a tier's here, and those that gave snapshots new IDs (amend, rewrite, key). */
    public static boolean reads(JournalEntry e) {
        return copiedBy(e) || e.namesReplacedThenWritten();
    }

    /** A tier's entry in the repository it tiers (not a stand-in, nor the long-term one's): what it names, it copied. */
    private static boolean copiedBy(JournalEntry e) {
        return e.operation() == JournalEntry.Operation.TIER && !e.standIn() && !e.received();
    }

    /**
     * Judged at {@code now} from {@code entries}, oldest first (at least those {@link #reads} selects), and {@code r}'s
     * {@code snapshots} as listed, the near-line days counted in {@code zone}; null when no tier ended ok here (a
     * repository that never tiers).
     */
    public static TierOverdue of(Repository r, List<SnapshotRef> snapshots, List<JournalEntry> entries, Instant now, ZoneId zone) {
        JournalEntry last = null;
        Set<ObjectId> copied = new HashSet<>();
        for (JournalEntry e : entries) {
            if (copiedBy(e)) {
                copied.addAll(e.snapshots());
                last = e.nearLinePeriod() != null ? e : last;
            } else if (e.namesReplacedThenWritten()) { // copied under the ID it had then: a held one stays near-line
                List<ObjectId> replaced = e.replaced();
                List<ObjectId> written = e.written();
                for (int i = 0; i < replaced.size(); i++) {
                    if (copied.contains(replaced.get(i))) {
                        copied.add(written.get(i));
                    }
                }
            }
        }
        if (last == null) {
            return null;
        }
        RetentionPolicy.Within period;
        try {
            period = RetentionPolicy.Within.parse(last.nearLinePeriod());
        } catch (IllegalArgumentException e) {
            period = Tiering.NEAR_LINE;
        }
        Instant before = period.since(now, zone).minus(GRACE);
        List<SnapshotRef> overdue = Tiering.plan(snapshots, r.holds().keySet(), zone, period, now).due().stream()
                .filter(s -> s.snapshot().time().isBefore(before) && !copied.contains(s.id()))
                .sorted(Comparator.comparing(s -> s.snapshot().time())).toList();
        return new TierOverdue(period, last, overdue);
    }
}
