package org.opsledger.vault.restorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What the restore target's filesystem would not take: extended attributes on one without them
 * (ramfs, vfat, many NFS and FUSE mounts), owners on an NFS export that squashes root, modes or
 * times on one that keeps neither. The data is restored whatever; each kind of failure is reported
 * once with its count and its first paths, as a restore of 100,000 files onto such a filesystem
 * would otherwise print 100,000 lines. What each path lacks is kept with the path in the restore's
 * plan (a few bits), so that {@code --verify} does not report it again; this keeps only the groups.
 */
final class UnappliedMetadata {

    /** The attributes a restore sets after writing a path's data, in the order it sets them. */
    enum Kind {
        OWNER("owner"), MODE("mode"), EXTENDED_ATTRIBUTES("extended attributes"), MTIME("modification time");

        final String shown;

        Kind(String shown) {
            this.shown = shown;
        }
    }

    /** Paths kept per kind and reason, for the operator to look at; the count is of all. */
    static final int PATHS_KEPT = 10;

    /** Keyed by kind, then reason: the report lists owners before modes, each reason in order. */
    private final Map<String, Group> groups = new ConcurrentSkipListMap<>();

    private static final class Group {
        final Kind kind;
        final String reason;
        long count;
        final List<String> first = new ArrayList<>();

        Group(Kind kind, String reason) {
            this.kind = kind;
            this.reason = reason;
        }
    }

    void clear() {
        groups.clear();
    }

    /** Records that {@code kind} could not be set on the path the snapshot names {@code rel}. */
    void add(Kind kind, String rel, Exception cause) {
        String reason = reasonOf(cause);
        Group g = groups.computeIfAbsent(kind.ordinal() + "\u0000" + reason, k -> new Group(kind, reason));
        synchronized (g) {
            g.count++;
            if (g.first.size() < PATHS_KEPT) {
                g.first.add(rel);
            }
        }
    }

    List<RestoreResult.Unapplied> summary() {
        List<RestoreResult.Unapplied> out = new ArrayList<>();
        for (Group g : groups.values()) {
            synchronized (g) {
                out.add(new RestoreResult.Unapplied(g.kind.shown, g.reason, g.count, List.copyOf(g.first)));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The system's words, without the path the report gives separately and without what the JDK puts
     * before them ("Error writing extended attribute 'user.x': Operation not supported"), so that one
     * cause on many paths is one line.
     */
    private static String reasonOf(Exception e) {
        String m = e instanceof java.nio.file.FileSystemException f ? f.getReason() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        return m.substring(m.lastIndexOf(": ") + 1).strip();
    }
}
