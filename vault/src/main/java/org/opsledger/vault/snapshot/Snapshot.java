package org.opsledger.vault.snapshot;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.opsledger.vault.crypto.ObjectId;

/**
 * One backup. IS.012 6.6.5.1: data owner, classification, time of capture, retention and storage
 * location are part of the snapshot itself, so the repository describes itself without the server. {@code timeOffset}:
 * the backup host's UTC offset at {@code time}, the calendar its days, weeks, months and years are counted in whichever
 * host runs `forget` (restic's); null in snapshots written before 2026-12-07, counted in the forget host's zone.
 */
public record Snapshot(Instant time, ObjectId tree, ObjectId parent, List<String> paths, String hostname,
                       String username, Map<String, String> tags, Kind kind, String dataOwner, String classification,
                       LocalDate retainUntil, String storageLocation, String sourceHost, Summary summary, ZoneOffset timeOffset)
        implements org.opsledger.vault.VaultJson.WellFormed {

    /** A snapshot without {@code timeOffset}: one whose days are counted in the zone of the host that counts them. */
    public Snapshot(Instant time, ObjectId tree, ObjectId parent, List<String> paths, String hostname,
                    String username, Map<String, String> tags, Kind kind, String dataOwner, String classification,
                    LocalDate retainUntil, String storageLocation, String sourceHost, Summary summary) {
        this(time, tree, parent, paths, hostname, username, tags, kind, dataOwner, classification, retainUntil, storageLocation,
                sourceHost, summary, null);
    }

    /**
     * The time of capture on the calendar of the host that made the backup ({@code timeOffset}), or, in a snapshot that
     * does not record it, in {@code zone}: `forget` buckets days, weeks, months and years by it, so that hosts in different
     * zones running one policy keep the same snapshots, as restic does (a tester's: each removed the other's "daily").
     */
    public ZonedDateTime localTime(ZoneId zone) {
        return time.atZone(calendar(zone));
    }

    /** The calendar of {@link #localTime}: {@code timeOffset}, or {@code zone} in a snapshot that does not record it. */
    public ZoneId calendar(ZoneId zone) {
        return timeOffset != null ? timeOffset : zone;
    }

    /**
     * Whether retention date {@code until} has ended at {@code now} whichever host judges it: once the day has ended in
     * every zone, at 12:00 UTC the day after (the end of that day at UTC−12, the last zone to leave it). A date is
     * recorded without a zone, and a forget on a host 26 hours east removed a snapshot a host west of it retained until its
     * today (a tester's). IS.012 6.6.5.1: forget, tier, dispose and backup's check of a date given judge by this alone.
     */
    public static boolean retentionEnded(LocalDate until, Instant now) {
        return !now.isBefore(until.plusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC));
    }

    /** Whether a retention date keeps this snapshot at {@code now} ({@link #retentionEnded}). */
    public boolean retainedAt(Instant now) {
        return retainUntil != null && !retentionEnded(retainUntil, now);
    }

    /**
     * What a snapshot file lacks of what every command reads in it (docs/vault-format.md §8): its time, kind, paths and
     * root tree. One without them is an unreadable snapshot file, named as a damaged one is (it stopped snapshots, ls,
     * forget, stats, restore and check with "Cannot invoke …": a helper's).
     */
    @Override
    public String lacks() {
        List<String> no = new java.util.ArrayList<>(4);
        if (time == null) {
            no.add("time");
        }
        if (kind == null) {
            no.add("kind");
        }
        if (paths == null || paths.stream().anyMatch(java.util.Objects::isNull)) {
            no.add("paths");
        }
        if (tree == null) {
            no.add("tree");
        }
        return no.isEmpty() ? null : "no " + String.join(", no ", no);
    }

    /** The classifications a record may have (IS.012 6.6.5.1, policy section 2's scheme). */
    public static final List<String> CLASSIFICATIONS = List.of("Public", "Internal", "Confidential", "High sensitivity");

    /**
     * What of the IS.012 6.6.5.1 minimum this record lacks: "data owner", "classification" (or one of the four),
     * "retention" (the time of capture and the storage location the vault always writes). {@code vault amend} completes it.
     */
    public List<String> recordLacks() {
        List<String> lacks = new java.util.ArrayList<>(3);
        if (dataOwner == null || dataOwner.isBlank()) {
            lacks.add("data owner");
        }
        if (classification == null || classification.isBlank()) {
            lacks.add("classification");
        } else if (!CLASSIFICATIONS.contains(classification)) { // a record written by other means than `vault backup` (a helper's)
            lacks.add("a classification of " + String.join(", ", CLASSIFICATIONS) + " (it says " + classification + ")");
        }
        if (retainUntil == null) {
            lacks.add("retention");
        }
        return lacks;
    }

    /** The same backup (tree, time of capture, host, paths, kind, summary) with another record: owner, classification, retention, tags. */
    public Snapshot withRecord(String newOwner, String newClassification, LocalDate newRetainUntil, Map<String, String> newTags) {
        return new Snapshot(time, tree, parent, paths, hostname, username, newTags, kind, newOwner, newClassification,
                newRetainUntil, storageLocation, sourceHost, summary, timeOffset);
    }

    /** The same snapshot with one tag set (added, or given this value). */
    public Snapshot withTag(String name, String value) {
        Map<String, String> newTags = new java.util.LinkedHashMap<>(tags == null ? Map.of() : tags);
        newTags.put(name, value);
        return withRecord(dataOwner, classification, retainUntil, newTags);
    }

    /** The same backup and record over another tree: what a rewrite left of the one it had. */
    public Snapshot withTree(ObjectId newTree) {
        return new Snapshot(time, newTree, parent, paths, hostname, username, tags, kind, dataOwner, classification,
                retainUntil, storageLocation, sourceHost, summary, timeOffset);
    }

    public Snapshot withParent(ObjectId newParent) {
        return new Snapshot(time, tree, newParent, paths, hostname, username, tags, kind, dataOwner, classification,
                retainUntil, storageLocation, sourceHost, summary, timeOffset);
    }

    /** IS.012 6.6.1.1 weekly full, 6.6.1.2 daily incremental; stdin for database dumps. */
    public enum Kind implements org.opsledger.vault.LowerCaseJson {
        FULL, INCREMENTAL, STDIN
    }

    /**
     * {@code warnings}: paths left out because they vanished or could not be read, and files that changed while
     * they were read (an incomplete snapshot); {@code exceptions}, the first {@link #EXCEPTIONS_KEPT} of those
     * warnings in words, so that the record itself says which paths it lacks (IS.012 6.6.5: accurate and complete
     * records, exception tracking). Null in snapshots written before it was kept. {@code attributesListed}: true when every
     * file's and directory's extended attributes (POSIX ACLs, capability, {@code user.} names) are what a listing gave
     * after its recorded ctime, by this backup or by a parent that said so (a repository of format 6, a JVM that reaches
     * them); null otherwise, and in snapshots written before 2026-12-06. Such a snapshot without warnings vouches, to its
     * child, for the attributes of each node whose ctime has not moved ({@link #vouchesForAttributes}). {@code changedWhileRead}:
     * how many of the warnings are files kept though they changed while they were read (in the snapshot, perhaps mixing old
     * and new bytes), 0 when none; null in snapshots written before session 35 (and in a record `vault recover` writes).
     */
    public record Summary(long files, long dirs, long bytesRead, long bytesAdded, long filesUnchanged, long blobsAdded,
                          long warnings, List<String> exceptions, Boolean attributesListed, Long changedWhileRead) {

        public static final int EXCEPTIONS_KEPT = 100;

        /** A summary without warnings' words: a snapshot with none, or one written by an older version. */
        public Summary(long files, long dirs, long bytesRead, long bytesAdded, long filesUnchanged, long blobsAdded, long warnings) {
            this(files, dirs, bytesRead, bytesAdded, filesUnchanged, blobsAdded, warnings, null, null, null);
        }

        /**
         * The warnings of what the backup left out (a path that vanished, could not be read or was refused, attributes that
         * did not read): those but the files kept though they changed as they were read. Every warning in a snapshot
         * written before session 35, which did not tell them apart.
         */
        public long leftOut() {
            return warnings - (changedWhileRead == null ? 0 : changedWhileRead);
        }

        /**
         * Whether a node this backup recorded, whose ctime has not moved since, has the attributes recorded: every one was
         * listed after its ctime, and none was left out (an ACL that did not read, a {@code user.} attribute whose name is
         * not UTF-8: a warning each). An ACL or attribute change moves ctime.
         */
        public boolean vouchesForAttributes() {
            return Boolean.TRUE.equals(attributesListed) && warnings == 0;
        }
    }
}
