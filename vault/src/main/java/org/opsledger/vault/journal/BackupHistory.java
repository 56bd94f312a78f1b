package org.opsledger.vault.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Locks;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.1 over a period, where {@link BackupsDue} judges the present: for each source (a host and its backup's
 * paths), each stretch in the period longer than the daily limit without a backup (6.6.1.2), each longer than the
 * weekly-full limit without a full one (6.6.1.1), and each attempt that failed or backup that left paths out (6.6.5:
 * exception tracking). A backup is known by its snapshot, or, once that has left the repository (forgotten, tiered to
 * long-term storage), by the journal's entry of it, whose detail names its kind ({@link JournalEntry#backupKind}). A
 * source is counted from its first backup to its decommission entry (6.4.3), and again from a backup after that.
 * Built from the snapshots, then from each journal entry {@link #take} is handed; memory is the period's backups and,
 * of those before it, a source's newest ones.
 */
public final class BackupHistory {

    /** Which rule a gap breaks. */
    public enum Rule implements org.opsledger.vault.LowerCaseJson {
        /** IS.012 6.6.1.2: a backup daily. */
        DAILY,
        /** IS.012 6.6.1.1: a full backup weekly. */
        WEEKLY_FULL
    }

    /** What ended a gap: a backup (a full one for {@link Rule#WEEKLY_FULL}), the source's decommissioning, or nothing yet. */
    public enum Until implements org.opsledger.vault.LowerCaseJson {
        BACKUP, DECOMMISSION, NOW
    }

    /** A stretch from {@code from} (the backup before it, or the source's first) to {@code to} longer than its rule allows. */
    public record Gap(Rule rule, Instant from, Instant to, Until until) {
        public Duration length() {
            return Duration.between(from, to);
        }
    }

    /**
     * An exception to the record (IS.012 6.6.5): an attempt that failed ({@link JournalEntry.Outcome#FAILED}, its entry's
     * detail), or a backup that left paths out ({@link JournalEntry.Outcome#INCOMPLETE}: by its snapshot's record, or the
     * journal's entry once the snapshot has left, which does not tell a backup that left paths out from one that only kept
     * files that changed as they were read). {@code snapshot}: the backup's, null for a failed attempt.
     */
    public record Lapse(Instant at, JournalEntry.Outcome outcome, ObjectId snapshot, String detail) {
    }

    /**
     * One source in the period: counted from {@code countedFrom} (the period's start, or its first backup in it), up to its
     * decommissioning there ({@code decommissioned}, null unless it was and not backed up since); its backups in the
     * period, how many of them full; its gaps and lapses, oldest first. A gap that began before the period shows its start.
     */
    public record Source(String host, List<String> paths, Instant countedFrom, Instant decommissioned, int backups, int fullBackups,
                         List<Gap> gaps, List<Lapse> lapses) {
        public boolean clean() {
            return gaps.isEmpty() && lapses.isEmpty();
        }
    }

    private final SnapshotFilter filter;
    private final Instant since;
    private final Instant latest;
    private final Set<ObjectId> snapshotIds = new HashSet<>();
    private final Map<List<String>, Timeline> bySource = new HashMap<>();

    /**
     * The history of the sources among {@code snapshots} (those {@code filter} selected) from {@code since} to {@code now}; a
     * snapshot dated in the future (more than the clock skew) is not counted, as {@link BackupsDue} counts none.
     */
    public BackupHistory(List<SnapshotRef> snapshots, SnapshotFilter filter, Instant since, Instant now) {
        this.filter = filter;
        this.since = since;
        this.latest = now.plus(Locks.CLOCK_SKEW);
        for (SnapshotRef s : snapshots) {
            snapshotIds.add(s.id());
            timeline(BackupsDue.key(s.snapshot().hostname(), s.snapshot().paths())).snapshotTimes.add(s.snapshot().time());
        }
        for (SnapshotRef s : snapshots) {
            Snapshot.Summary summary = s.snapshot().summary();
            // IS.012 6.6.5, as `due` judges the newest: incomplete when it left paths out, not when it only kept files that changed
            Lapse left = summary == null || summary.leftOut() <= 0 ? null : new Lapse(s.snapshot().time(), JournalEntry.Outcome.INCOMPLETE,
                    s.id(), summary.leftOut() + " path(s) left out" + (summary.exceptions() == null || summary.exceptions().isEmpty() ? ""
                    : " (first: " + summary.exceptions().getFirst() + ")"));
            backup(BackupsDue.key(s.snapshot().hostname(), s.snapshot().paths()), s.snapshot().time(),
                    s.snapshot().kind() != Snapshot.Kind.INCREMENTAL, left);
        }
    }

    /**
     * Takes one entry of the journal into the history (for {@link Journal#read(java.util.function.Predicate)}, which it
     * keeps none of: false): a backup whose snapshot has left the repository, a failed attempt, a decommission. An entry
     * handed twice (a read begun again) counts once.
     */
    public boolean take(JournalEntry e) {
        boolean backup = e.operation() == JournalEntry.Operation.BACKUP;
        if (!backup && e.operation() != JournalEntry.Operation.DECOMMISSION || e.started().isAfter(latest)) {
            return false;
        }
        List<String> key = e.source();
        if (!filter.matchesSource(key.getFirst(), key.subList(1, key.size()))) {
            return false;
        }
        if (!backup) {
            timeline(key).decommission(e.started(), since);
        } else if (e.outcome() == JournalEntry.Outcome.FAILED) {
            if (!e.started().isBefore(since)) {
                timeline(key).lapses.put(e.started(), new Lapse(e.started(), e.outcome(), null, e.detail()));
            }
        } else if (!stillHere(key, e)) {
            Snapshot.Kind kind = e.backupKind(); // one whose detail does not say is not counted full
            backup(key, e.started(), kind != null && kind != Snapshot.Kind.INCREMENTAL, e.outcome() != JournalEntry.Outcome.INCOMPLETE ? null
                    : new Lapse(e.started(), e.outcome(), e.snapshots().isEmpty() ? null : e.snapshots().getFirst(), e.detail()));
        }
        return false;
    }

    /**
     * Whether the snapshot a backup's entry wrote is still here, counted by its record: by its ID, or, given a new one
     * since (an amend, a rewrite, a key retirement), by a snapshot of the source taken while the backup ran.
     */
    private boolean stillHere(List<String> key, JournalEntry e) {
        if (e.snapshots().stream().anyMatch(snapshotIds::contains)) {
            return true;
        }
        Instant taken = timeline(key).snapshotTimes.ceiling(e.started());
        return taken != null && !taken.isAfter(e.finished() == null ? e.started() : e.finished());
    }

    private void backup(List<String> key, Instant at, boolean full, Lapse lapse) {
        if (at.isAfter(latest)) {
            return;
        }
        Timeline t = timeline(key);
        if (at.isBefore(since)) {
            t.before(at, full);
        } else {
            t.backups.merge(at, full, Boolean::logicalOr);
            if (lapse != null) {
                t.lapses.put(at, lapse);
            }
        }
    }

    /** Whether any snapshot or journal entry taken is of a source selected (one decommissioned before the period too). */
    public boolean any() {
        return !bySource.isEmpty();
    }

    private Timeline timeline(List<String> key) {
        return bySource.computeIfAbsent(key, k -> new Timeline());
    }

    /**
     * A source's backups and decommissions: before the period, its first and newest backup, its newest full one and
     * decommission, and its backups after the later of those two (one of them starts the period's stretch without a full
     * one when a decommission came after the newest full: the first backup after it); in the period, each.
     */
    private static final class Timeline {
        final TreeSet<Instant> snapshotTimes = new TreeSet<>();
        Instant first;
        Instant newest;
        Instant newestFull;
        Instant newestDecommission;
        final TreeSet<Instant> sinceFullOrDecommission = new TreeSet<>();
        final TreeMap<Instant, Boolean> backups = new TreeMap<>(); // in the period: full or not
        final TreeSet<Instant> decommissions = new TreeSet<>();
        final TreeMap<Instant, Lapse> lapses = new TreeMap<>();

        void before(Instant at, boolean full) {
            first = first == null || at.isBefore(first) ? at : first;
            newest = later(newest, at);
            if (full) {
                newestFull = later(newestFull, at);
            }
            sinceFullOrDecommission.add(at);
            forgetUpTo(newestFull);
            forgetUpTo(newestDecommission);
        }

        void decommission(Instant at, Instant since) {
            if (at.isBefore(since)) {
                newestDecommission = later(newestDecommission, at);
                forgetUpTo(newestDecommission);
            } else {
                decommissions.add(at);
            }
        }

        private void forgetUpTo(Instant t) {
            if (t != null) {
                sinceFullOrDecommission.headSet(t, true).clear();
            }
        }

        /** The first backup after {@code t}, before the period (its first at all when {@code t} is null). */
        Instant firstAfter(Instant t) {
            return t == null ? first : sinceFullOrDecommission.higher(t);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    /** Each source, by host then paths, judged against {@code daily} and {@code weeklyFull} up to {@code now}. */
    public List<Source> sources(Duration daily, Duration weeklyFull, Instant now) {
        List<Source> out = new ArrayList<>();
        for (var e : bySource.entrySet()) {
            Timeline t = e.getValue();
            Walk walk = new Walk(daily, weeklyFull);
            // at the period's start: counted from its newest backup, unless a decommission came after it
            if (t.newest != null && (t.newestDecommission == null || t.newest.isAfter(t.newestDecommission))) {
                boolean fullSince = t.newestFull != null && (t.newestDecommission == null || t.newestFull.isAfter(t.newestDecommission));
                walk.countedFrom = since;
                walk.lastBackup = t.newest;
                walk.lastFull = fullSince ? t.newestFull : t.firstAfter(t.newestDecommission); // from its first backup since
            }
            var decommissions = t.decommissions.iterator();
            Instant next = decommissions.hasNext() ? decommissions.next() : null;
            for (var b : t.backups.entrySet()) { // in time order; a backup and a decommission at one instant: the backup first
                for (; next != null && next.isBefore(b.getKey()); next = decommissions.hasNext() ? decommissions.next() : null) {
                    walk.decommissioned(next);
                }
                walk.backup(b.getKey(), b.getValue());
            }
            for (; next != null; next = decommissions.hasNext() ? decommissions.next() : null) {
                walk.decommissioned(next);
            }
            walk.end(now);
            if (walk.countedFrom == null && t.lapses.isEmpty()) {
                continue; // decommissioned before the period and not backed up since, or known only by a decommission
            }
            walk.gaps.removeIf(g -> !g.to().isAfter(since)); // over before the period
            walk.gaps.sort(Comparator.comparing(Gap::to).thenComparing(Gap::rule));
            List<String> key = e.getKey();
            out.add(new Source(key.getFirst(), List.copyOf(key.subList(1, key.size())), walk.countedFrom, walk.ended, t.backups.size(),
                    walk.fulls, List.copyOf(walk.gaps), List.copyOf(t.lapses.values())));
        }
        out.sort(Comparator.comparing(Source::host).thenComparing(s -> String.join("\n", s.paths())));
        return out;
    }

    /**
     * A source's backups and decommissions taken in time order: its newest backup and newest full one while it is counted
     * (null while it is not), and each stretch from one to the next longer than its rule allows.
     */
    private static final class Walk {
        final Duration daily;
        final Duration weeklyFull;
        final List<Gap> gaps = new ArrayList<>();
        Instant countedFrom;
        Instant ended;
        Instant lastBackup;
        Instant lastFull;
        int fulls;

        Walk(Duration daily, Duration weeklyFull) {
            this.daily = daily;
            this.weeklyFull = weeklyFull;
        }

        void backup(Instant at, boolean full) {
            fulls += full ? 1 : 0;
            if (lastBackup == null) { // IS.012 6.4.3: its first backup, or its first since it was decommissioned, starts it
                countedFrom = countedFrom == null ? at : countedFrom;
                ended = null;
                lastBackup = at;
                lastFull = at;
                return;
            }
            gap(Rule.DAILY, lastBackup, at, Until.BACKUP);
            lastBackup = at;
            if (full) {
                gap(Rule.WEEKLY_FULL, lastFull, at, Until.BACKUP);
                lastFull = at;
            }
        }

        /** IS.012 6.4.3: its backups ended on purpose; counted up to then. */
        void decommissioned(Instant at) {
            if (lastBackup != null) {
                end(at, Until.DECOMMISSION);
                ended = at;
            }
            lastBackup = null;
            lastFull = null;
        }

        void end(Instant now) {
            if (lastBackup != null) {
                end(now, Until.NOW);
            }
        }

        private void end(Instant at, Until until) {
            gap(Rule.DAILY, lastBackup, at, until);
            gap(Rule.WEEKLY_FULL, lastFull, at, until);
        }

        private void gap(Rule rule, Instant from, Instant to, Until until) {
            if (Duration.between(from, to).compareTo(rule == Rule.DAILY ? daily : weeklyFull) > 0) {
                gaps.add(new Gap(rule, from, to, until));
            }
        }
    }
}
