package org.opsledger.cli.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * One source (a host and its backup's paths) as `vault due` and `vault decommission` see it: by its snapshots, if any
 * backup of it succeeded ({@code snapshots}, null if none did or none is left); the journal's failed attempt, if its newest
 * attempt failed (IS.012 6.6.5); the entry that decommissioned it, if it was decommissioned since its newest backup
 * (6.4.3); and {@code left}, the journal's entry of its newest backup when that backup's snapshot, and every other of
 * the source, has left the repository (forgotten, or tiered to long-term storage): a host whose backups stopped a
 * month ago is still a source, though `tier` moved its last snapshot (a helper's `due` said nothing of it).
 */
record SourceStatus(String host, List<String> paths, BackupsDue.Source snapshots, JournalEntry failed, JournalEntry decommission,
                    JournalEntry left) {

    /**
     * The sources {@code filter} selects, judged at {@code now}: those of its snapshots first, by host then paths, then
     * those the journal knows only by failed attempts. Without a journal (a format before 4) only the first.
     */
    static List<SourceStatus> of(Repository r, Journal journal, SnapshotFilter filter, Instant now, Duration daily, Duration weeklyFull) {
        return of(r.snapshots(), journal.kept() ? journal.read(e -> false) : null, filter, now, daily, weeklyFull);
    }

    /**
     * {@link #of(Repository, Journal, SnapshotFilter, Instant, Duration, Duration)} from the repository's snapshots, as
     * listed, and a reading of the journal, null where none is kept.
     */
    static List<SourceStatus> of(List<SnapshotRef> snapshots, Journal.Listing listing, SnapshotFilter filter, Instant now, Duration daily,
                                 Duration weeklyFull) {
        Map<List<String>, JournalEntry> failing = new LinkedHashMap<>();
        Map<List<String>, JournalEntry> decommissions = new HashMap<>();
        Map<List<String>, JournalEntry> backedUp = new LinkedHashMap<>(); // newest backups that did not fail
        Map<List<String>, Instant> ended = Map.of();
        if (listing != null) {
            for (JournalEntry e : listing.failingBackups()) {
                if (filter.matchesSource(e.host(), e.paths())) {
                    failing.put(e.source(), e);
                }
            }
            for (JournalEntry e : listing.newestBackups()) {
                if (e.outcome() != JournalEntry.Outcome.FAILED && filter.matchesSource(e.host(), e.paths())) {
                    backedUp.put(e.source(), e);
                }
            }
            listing.decommissions().forEach(e -> decommissions.put(e.source(), e));
            ended = listing.decommissionTimes();
        }
        List<SourceStatus> out = new ArrayList<>();
        for (BackupsDue.Source s : BackupsDue.of(filter.select(snapshots), now, daily, weeklyFull, ended)) {
            List<String> key = BackupsDue.key(s.host(), s.paths());
            backedUp.remove(key);
            out.add(new SourceStatus(s.host(), s.paths(), s, failing.remove(key), s.decommissioned() == null ? null : decommissions.get(key),
                    null));
        }
        for (var never : failing.entrySet()) { // attempts, and no snapshot of that source at all
            List<String> key = never.getKey();
            out.add(new SourceStatus(key.getFirst(), key.subList(1, key.size()), null, never.getValue(), null, null));
        }
        for (var gone : backedUp.entrySet()) { // backed up once, and no snapshot of it left here
            List<String> key = gone.getKey();
            JournalEntry decommissioned = decommissions.get(key);
            boolean since = decommissioned != null && !decommissioned.started().isBefore(gone.getValue().started());
            out.add(new SourceStatus(key.getFirst(), key.subList(1, key.size()), null, null, since ? decommissioned : null, gone.getValue()));
        }
        java.util.Set<List<String>> shown = new java.util.HashSet<>();
        out.forEach(o -> shown.add(BackupsDue.key(o.host(), o.paths())));
        for (var d : decommissions.entrySet()) { // no backup of it ever succeeded, and its failures ended with it: still shown
            List<String> key = d.getKey();
            if (!shown.contains(key) && filter.matchesSource(key.getFirst(), key.subList(1, key.size()))) {
                out.add(new SourceStatus(key.getFirst(), key.subList(1, key.size()), null, null, d.getValue(), null));
            }
        }
        return out;
    }
}
