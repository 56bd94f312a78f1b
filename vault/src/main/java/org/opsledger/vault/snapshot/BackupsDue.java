package org.opsledger.vault.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether each source is backed up as often as IS.012 asks: 6.6.1.2 an (incremental) backup daily, 6.6.1.1 a full one
 * weekly. A source is a host and the paths its backups read (sorted), as the journal counts them; its snapshots say
 * when it was last backed up and last in full (a {@code --full} backup, a source's first, or a stream: each stream is
 * whole). A schedule that stopped, a host switched off, a job that fails every night: the newest snapshot grows old,
 * and nothing else in the repository says so.
 */
public final class BackupsDue {

    /** How old the newest backup may be: a day, and two hours for a job that starts late or runs long. */
    public static final Duration DAILY = Duration.ofHours(26);
    /** How old the newest full backup may be: a week, and a day to spare. */
    public static final Duration WEEKLY_FULL = Duration.ofDays(8);

    /**
     * One source: its newest snapshot, its newest full one (null if none), when it was decommissioned (null unless it was,
     * and not backed up since), and why it is overdue (empty when it is not, as for a decommissioned one): one line per
     * rule it breaks.
     */
    public record Source(String host, List<String> paths, SnapshotRef newest, SnapshotRef newestFull, Instant decommissioned,
                         List<String> overdue) {
    }

    private BackupsDue() {
    }

    /**
     * Each source among {@code snapshots}, by host then paths, judged at {@code now}: overdue when its newest snapshot
     * is older than {@code daily}, or its newest full one than {@code weeklyFull}; never when {@code decommissioned}
     * (by {@link #key}) says it was decommissioned after its newest snapshot (IS.012 6.4.3: its backups ended on purpose).
     */
    public static List<Source> of(List<SnapshotRef> snapshots, Instant now, Duration daily, Duration weeklyFull,
                                  Map<List<String>, Instant> decommissioned) {
        Map<List<String>, List<SnapshotRef>> bySource = new LinkedHashMap<>();
        for (SnapshotRef s : snapshots) {
            bySource.computeIfAbsent(key(s.snapshot().hostname(), s.snapshot().paths()), k -> new ArrayList<>()).add(s);
        }
        List<Source> out = new ArrayList<>();
        Instant latest = now.plus(org.opsledger.vault.repository.Locks.CLOCK_SKEW);
        for (var e : bySource.entrySet()) {
            Comparator<SnapshotRef> byTime = Comparator.comparing(s -> s.snapshot().time());
            // a snapshot dated in the future (a host's clock years ahead, a forged record) was the newest, "ok" until then,
            // while the source's real backups stopped (a helper's): not counted, and named
            List<SnapshotRef> future = e.getValue().stream().filter(s -> s.snapshot().time().isAfter(latest)).toList();
            List<SnapshotRef> counted = future.size() == e.getValue().size() ? e.getValue()
                    : e.getValue().stream().filter(s -> !s.snapshot().time().isAfter(latest)).toList();
            SnapshotRef newest = counted.stream().max(byTime).orElseThrow();
            SnapshotRef newestFull = counted.stream().filter(s -> s.snapshot().kind() != Snapshot.Kind.INCREMENTAL).max(byTime)
                    .orElse(null);
            Instant ended = decommissioned.get(e.getKey());
            if (ended != null && !ended.isAfter(newest.snapshot().time())) {
                ended = null; // backed up again since: a source once more
            }
            // IS.012 6.4.3: nothing is due of a source decommissioned
            List<String> overdue = ended != null ? List.of() : overdue(newest, newestFull, now, daily, weeklyFull);
            if (ended == null && !future.isEmpty()) {
                SnapshotRef last = future.stream().max(byTime).orElseThrow();
                overdue = new ArrayList<>(overdue);
                overdue.add(future.size() + " snapshot(s) dated in the future, not counted (the last " + last.shortId() + " at "
                        + last.snapshot().time() + "): a host's clock was wrong, or the record is forged");
            }
            List<String> key = e.getKey();
            out.add(new Source(key.getFirst(), key.subList(1, key.size()), newest, newestFull, ended, overdue));
        }
        out.sort(Comparator.comparing(Source::host).thenComparing(s -> String.join("\n", s.paths())));
        return out;
    }

    /** Why a source whose newest snapshot and newest full one are these is overdue at {@code now}: one line per rule it breaks. */
    private static List<String> overdue(SnapshotRef newest, SnapshotRef newestFull, Instant now, Duration daily, Duration weeklyFull) {
        List<String> overdue = new ArrayList<>();
        Duration age = Duration.between(newest.snapshot().time(), now);
        if (age.compareTo(daily) > 0) {
            overdue.add("the newest backup is " + days(age) + " old (IS.012 6.6.1.2: daily)");
        }
        if (newestFull == null) {
            overdue.add("no full backup in the repository (IS.012 6.6.1.1: weekly; `vault backup --full`)");
        } else {
            Duration fullAge = Duration.between(newestFull.snapshot().time(), now);
            if (fullAge.compareTo(weeklyFull) > 0) {
                overdue.add("the newest full backup is " + days(fullAge) + " old (IS.012 6.6.1.1: weekly; `vault backup --full`)");
            }
        }
        return overdue;
    }

    /** A source's key: its host, then its paths sorted (a snapshot lists them sorted; a failed backup as they were given). */
    public static List<String> key(String host, List<String> paths) {
        List<String> key = new ArrayList<>(paths == null ? List.of() : paths);
        key.sort(null);
        key.addFirst(host);
        return key;
    }

    /** "3 days", "1 day", "26 hours": how long ago, to the unit people count in. */
    public static String days(Duration d) {
        long days = d.toDays();
        if (days >= 2) {
            return days + " days";
        }
        long hours = d.toHours();
        return hours + " hour" + (hours == 1 ? "" : "s");
    }
}
