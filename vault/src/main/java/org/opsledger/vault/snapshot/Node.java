package org.opsledger.vault.snapshot;

import java.util.List;
import org.opsledger.vault.crypto.ObjectId;

/**
 * One entry of a directory: a file (its content blobs), a directory (its subtree) or a symlink
 * (its target). Times are nanoseconds since the epoch; {@code mode} holds the POSIX permission bits.
 */
public record Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                   int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget) {

    /** A name is one path component: never empty, ".", "..", nor containing '/' or NUL. */
    public static boolean isSafeName(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    public Node withSubtree(ObjectId tree) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, tree, linkTarget);
    }

    public Node withName(String newName) {
        return new Node(newName, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget);
    }
}
