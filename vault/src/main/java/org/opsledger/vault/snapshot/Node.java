package org.opsledger.vault.snapshot;

import java.util.List;
import org.opsledger.vault.crypto.ObjectId;

/**
 * One entry of a directory: a file (its content blobs), a directory (its subtree) or a symlink
 * (its target). Times are nanoseconds since the epoch; {@code mode} holds the POSIX permission bits;
 * {@code links} is the file's hard-link count when it was read (0 when unknown, as in snapshots
 * written before the field existed): files with the same (device, inode) and {@code links > 1} are
 * restored as hard links of one another. {@code xattrs} holds the file's or directory's extended
 * attributes of the {@code user.} namespace (name without the prefix → base64 value), null when
 * there are none.
 */
public record Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                   int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget, int links,
                   java.util.Map<String, String> xattrs) {

    /** A node without a hard-link count or extended attributes. */
    public Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget) {
        this(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, 0, null);
    }

    /** True for a file that shares its inode with other names in the same snapshot. */
    public boolean hardLinked() {
        return type == NodeType.FILE && links > 1 && inode != 0;
    }

    /** A name is one path component: never empty, ".", "..", nor containing '/' or NUL. */
    public static boolean isSafeName(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    public Node withSubtree(ObjectId tree) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, tree, linkTarget, links, xattrs);
    }

    public Node withName(String newName) {
        return new Node(newName, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links, xattrs);
    }

    public Node withContent(List<ObjectId> blobs, long newSize) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, newSize, blobs, subtree, linkTarget, links, xattrs);
    }

    public Node withXattrs(java.util.Map<String, String> attributes) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links,
                attributes == null || attributes.isEmpty() ? null : attributes);
    }
}
