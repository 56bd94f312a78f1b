package org.opsledger.vault.restorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.opsledger.vault.IoReason;

/**
 * What the restore target's filesystem would not take: extended attributes on one without them
 * (ramfs, vfat, many NFS and FUSE mounts), owners on an NFS export that squashes root, modes or
 * times on one that keeps neither, links and some names on exFAT or FAT ({@link TargetFilesystem}).
 * Every byte that can be restored is; each kind of failure is reported once with its count and its
 * first paths, as a restore of 100,000 files onto such a filesystem would otherwise print 100,000
 * lines. What each path lacks is kept with the path in the restore's plan (a few bits), so that
 * {@code --verify} does not report it again; this keeps only the groups.
 */
final class UnappliedMetadata {

    /** What a restore could not do for a path, in the order the report lists them. */
    enum Kind {
        NAME("name", "refused: not restored"),
        SYMLINK("symbolic link", "not created"),
        SPECIAL("FIFO or device node", "not created"),
        HARD_LINK("hard link", "written as a separate copy"),
        OWNER("owner", "not set"),
        SET_ID("set-user-ID or set-group-ID bit", "cleared"),
        MODE("mode", "not set"),
        EXTENDED_ATTRIBUTES("extended attributes", "not set"),
        ACLS("POSIX ACLs", "not set"),
        CAPABILITY("file capability", "not set"),
        MTIME("modification time", "not set"),
        CASE("name", "case not kept");

        final String shown;
        final String outcome;

        Kind(String shown, String outcome) {
            this.shown = shown;
            this.outcome = outcome;
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
        add(kind, rel, reasonOf(cause));
    }

    /** Records that {@code kind} could not be done for the path the snapshot names {@code rel}, for {@code reason}. */
    void add(Kind kind, String rel, String reason) {
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
                out.add(new RestoreResult.Unapplied(g.kind.shown, g.kind.outcome, g.reason, g.count, List.copyOf(g.first)));
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
        String m = IoReason.of(e);
        return m.substring(m.lastIndexOf(": ") + 1).strip();
    }
}
