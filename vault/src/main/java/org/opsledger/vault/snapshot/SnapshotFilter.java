package org.opsledger.vault.snapshot;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which snapshots a command looks at when a repository holds many hosts' backups: those of one of
 * {@code hosts}, carrying every one of {@code tags}, taken of every one of {@code paths} (all three
 * empty: every snapshot; a relative path is a stream's name, or one under the working directory). {@code latest} is then the newest such snapshot, so that a restore of
 * one host's data at 2 a.m. cannot pick another host's newer backup.
 */
public record SnapshotFilter(Set<String> hosts, Map<String, String> tags, Set<String> paths) {

    public static final SnapshotFilter ALL = new SnapshotFilter(Set.of(), Map.of(), Set.of());

    public SnapshotFilter {
        hosts = Set.copyOf(hosts);
        tags = Map.copyOf(tags);
        paths = Set.copyOf(paths);
    }

    public boolean matches(Snapshot s) {
        if (!hosts.isEmpty() && !hosts.contains(s.hostname())) {
            return false;
        }
        for (var t : tags.entrySet()) {
            if (s.tags() == null || !t.getValue().equals(s.tags().get(t.getKey()))) {
                return false;
            }
        }
        return takenOfAll(s.paths());
    }

    /**
     * Whether {@code taken} (a backup's paths) holds every one of {@code paths}: as given (an absolute path; a stream's
     * name, {@code db.sql}), or, for a relative one, resolved against the working directory ({@code www} in /srv).
     */
    private boolean takenOfAll(List<String> taken) {
        for (String p : paths) {
            if (taken == null || !taken.contains(p) && !taken.contains(absolute(p))) {
                return false;
            }
        }
        return true;
    }

    private static String absolute(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            return path; // a stream's name need not be a path here
        }
    }

    /**
     * Whether a backup of {@code host} reading {@code backupPaths} is one this filter selects, known only by those (a
     * failed backup in the journal: no snapshot, so no tags; a filter by tag selects none).
     */
    public boolean matchesSource(String host, List<String> backupPaths) {
        return (hosts.isEmpty() || hosts.contains(host)) && tags.isEmpty() && takenOfAll(backupPaths);
    }

    /** The snapshots of {@code all} this filter selects, in their order. */
    public List<SnapshotRef> select(List<SnapshotRef> all) {
        return isAll() ? all : all.stream().filter(s -> matches(s.snapshot())).toList();
    }

    public boolean isAll() {
        return hosts.isEmpty() && tags.isEmpty() && paths.isEmpty();
    }

    /** For messages: "host db-1, tag system=erp, path /srv/data". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        hosts.stream().sorted().forEach(h -> parts.add("host " + h));
        tags.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(t -> parts.add("tag " + t.getKey() + "=" + t.getValue()));
        paths.stream().sorted().forEach(p -> parts.add("path " + p));
        return String.join(", ", parts);
    }
}
