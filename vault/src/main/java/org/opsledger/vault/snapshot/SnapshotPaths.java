package org.opsledger.vault.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;

/** A path inside a snapshot as `vault ls` shows it ("/etc/nginx/nginx.conf"), found one name at a time. */
public final class SnapshotPaths {

    private SnapshotPaths() {
    }

    /**
     * The path without leading or trailing slashes ("/etc/nginx/" → "etc/nginx"); "" for the whole snapshot. A backslash
     * is part of a name, as Linux has it (systemd's {@code srv-data\x2dbackup.mount}), not a separator.
     */
    public static String relative(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    /**
     * The path the top-level node {@code name} of {@code s} was backed up from, as backup's --exclude matches it: the
     * snapshot's /app is "/srv/app" for a backup of /srv/app (the path the snapshot records, its last name's bytes as the
     * tree holds them). A stream has no such path: its name as the snapshot shows it ("/app.sql"), as has a name no
     * recorded path ends in.
     */
    public static String backedUpFrom(Snapshot s, String name) {
        if (s.kind() != Snapshot.Kind.STDIN && s.paths() != null) {
            for (String p : s.paths()) {
                int slash = p == null ? -1 : p.lastIndexOf('/');
                if (p != null && p.startsWith("/") && p.substring(slash + 1).equals(FileNames.display(name))) {
                    return p.substring(0, slash) + "/" + name;
                }
            }
        }
        return "/" + name;
    }

    /**
     * The nodes from the top of {@code snapshot} down to {@code rel} (as {@link #relative} gives it, not empty),
     * subtrees read through {@code load}; a name the snapshot does not hold is a one-line error.
     */
    public static List<Node> trail(SnapshotRef snapshot, String rel, Function<ObjectId, Tree> load) {
        List<Node> trail = trailOrNull(snapshot, rel, load);
        if (trail == null) {
            throw new VaultException("no path " + rel + " in snapshot " + snapshot.shortId()
                    + " (`vault ls " + snapshot.shortId() + "` lists its paths)");
        }
        return trail;
    }

    /**
     * Whether {@code snapshot} holds {@code rel} (not empty), as {@link #trail} finds it: `dump latest NAME` asks it of the
     * latest snapshot when NAME is a stream's name too.
     */
    public static boolean holds(SnapshotRef snapshot, String rel, Function<ObjectId, Tree> load) {
        return trailOrNull(snapshot, rel, load) != null;
    }

    /** {@link #trail}, null where a name is not held. */
    private static List<Node> trailOrNull(SnapshotRef snapshot, String rel, Function<ObjectId, Tree> load) {
        List<Node> trail = new ArrayList<>();
        Tree tree = load.apply(snapshot.snapshot().tree());
        for (String part : rel.split("/+")) {
            // the name exactly (a name that is not UTF-8 given as its bytes), else as `vault ls` shows it: two names of
            // other bytes both show as "x_\uFFFD", and dump printed the other one's bytes (a helper's); so shown by two,
            // it is refused as ambiguous (dump printed the first one's, exit 0: a helper's)
            Tree here = tree;
            Node found = here == null ? null : here.nodes().stream().filter(n -> part.equals(n.name())).findFirst().orElse(null);
            if (found == null && here != null) {
                List<Node> shown = here.nodes().stream().filter(n -> FileNames.display(n.name()).equals(part)).toList();
                if (shown.size() > 1) {
                    throw new VaultException("name " + part + " in snapshot " + snapshot.shortId() + " is shown for " + shown.size()
                            + " names whose bytes are not UTF-8: " + FileNames.GIVE_AS_BYTES);
                }
                found = shown.isEmpty() ? null : shown.getFirst();
            }
            if (found == null) {
                return null;
            }
            trail.add(found);
            tree = found.type() == NodeType.DIR && found.subtree() != null ? load.apply(found.subtree()) : null;
        }
        return trail;
    }
}
