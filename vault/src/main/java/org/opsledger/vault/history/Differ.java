package org.opsledger.vault.history;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/** Compares two snapshots' trees; a subtree whose ID both share is skipped whole, so a small change costs little. */
public final class Differ {

    /** How a path differs, with restic's letters. */
    public enum Kind {
        /** Only in the second snapshot. */
        ADDED("+"),
        /** Only in the first. */
        REMOVED("-"),
        /** A file's content, a symlink's target or a device node's number changed. */
        MODIFIED("M"),
        /** A file became a directory, a symlink a file… */
        TYPE("T"),
        /** Same content; mode, owner, extended attributes or (files and symlinks) mtime changed. */
        METADATA("U");

        public final String letter;

        Kind(String letter) {
            this.letter = letter;
        }
    }

    /** One path that differs, as `vault ls` shows paths. */
    public record Change(Kind kind, String path) {
    }

    private final Repository repo;

    public Differ(Repository repo) {
        this.repo = repo;
    }

    /**
     * Each path that differs from {@code from} to {@code to}, handed over as it is found, in path order (a directory
     * before what it holds): two snapshots of any size compared in the memory of one path's directories.
     */
    public void diff(SnapshotRef from, SnapshotRef to, Consumer<Change> out) {
        this.from = from;
        this.to = to;
        compare(from.snapshot().tree(), to.snapshot().tree(), "", 0, out);
    }

    /** The snapshots compared, for {@link Tree#tooDeep}. */
    private SnapshotRef from;
    private SnapshotRef to;

    /**
     * A forged tree of 100,000 levels printed ≈47 MB of ever longer paths before running out of heap, with advice to give
     * more (a tester's): a directory {@code depth} levels down is refused past {@link Tree#MAX_DEPTH}, naming its snapshot.
     */
    private void refuseDeeper(int depth, SnapshotRef in) {
        if (depth > Tree.MAX_DEPTH) {
            throw Tree.tooDeep(in.shortId());
        }
    }

    private void compare(ObjectId a, ObjectId b, String dir, int depth, Consumer<Change> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        refuseDeeper(depth, to);
        Map<String, Node> before = byName(a);
        Map<String, Node> after = byName(b);
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            Node x = before.get(name);
            Node y = after.get(name);
            String path = dir + "/" + name; // its bytes, as ls shows them (FileNames)
            if (y == null) {
                all(Kind.REMOVED, x, path, depth, out);
            } else if (x == null) {
                all(Kind.ADDED, y, path, depth, out);
            } else if (x.type() != y.type()) {
                out.accept(new Change(Kind.TYPE, path));
                if (x.type() == NodeType.DIR) {
                    below(Kind.REMOVED, x, path, depth + 1, out);
                }
                if (y.type() == NodeType.DIR) {
                    below(Kind.ADDED, y, path, depth + 1, out);
                }
            } else {
                boolean contentChanged = y.type() == NodeType.FILE ? !Objects.equals(x.content(), y.content())
                        : y.type() == NodeType.SYMLINK ? !Objects.equals(x.linkTarget(), y.linkTarget()) : x.rdev() != y.rdev();
                if (contentChanged) {
                    out.accept(new Change(Kind.MODIFIED, path));
                } else if (metadataChanged(x, y)) {
                    out.accept(new Change(Kind.METADATA, path));
                }
                if (y.type() == NodeType.DIR) {
                    compare(x.subtree(), y.subtree(), path, depth + 1, out);
                }
            }
        }
    }

    /**
     * Mode, owner and extended attributes; mtime for files and symlinks only: a directory's mtime
     * moves whenever a name in it is added or removed, which the listing already shows.
     */
    private static boolean metadataChanged(Node x, Node y) {
        return x.mode() != y.mode() || x.uid() != y.uid() || x.gid() != y.gid() || !Objects.equals(x.xattrs(), y.xattrs())
                || !Objects.equals(x.permissionXattrs(), y.permissionXattrs())
                || (x.type() != NodeType.DIR && x.mtime() != y.mtime());
    }

    /** A path only one side has, and everything under it. */
    private void all(Kind kind, Node n, String path, int depth, Consumer<Change> out) {
        out.accept(new Change(kind, path));
        if (n.type() == NodeType.DIR) {
            below(kind, n, path, depth + 1, out);
        }
    }

    private void below(Kind kind, Node dir, String path, int depth, Consumer<Change> out) {
        if (dir.subtree() == null) {
            return;
        }
        refuseDeeper(depth, kind == Kind.ADDED ? to : from);
        for (Node child : byName(dir.subtree()).values()) {
            all(kind, child, path + "/" + child.name(), depth, out);
        }
    }

    private Map<String, Node> byName(ObjectId tree) {
        Map<String, Node> m = new TreeMap<>();
        if (tree != null) {
            for (Node n : repo.loadTree(tree).nodes()) {
                m.put(n.name(), n);
            }
        }
        return m;
    }
}
