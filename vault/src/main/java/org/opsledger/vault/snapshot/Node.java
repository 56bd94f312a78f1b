package org.opsledger.vault.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.List;
import org.opsledger.vault.crypto.ObjectId;

/**
 * One entry of a directory: a file (its content blobs), a directory (its subtree) or a symlink
 * (its target). Times are nanoseconds since the epoch; {@code mode} holds the POSIX permission bits;
 * {@code links} is the file's hard-link count when it was read (0 when unknown, as in snapshots
 * written before the field existed): files with the same (device, inode) and {@code links > 1} are
 * restored as hard links of one another. {@code xattrs} holds the file's or directory's extended
 * attributes of the {@code user.} namespace (name without the prefix → base64 value), null when
 * there are none. {@code rdev} is a character or block device's number as Linux's stat(2) gives it
 * (major and minor), 0 for every other node (left out of format 1's JSON, so its trees keep their bytes).
 * {@code permissionXattrs} holds its POSIX ACLs and file capability ({@link PermissionAttributes}: full name → base64
 * value), null when it has none or they were not read (a repository of format 5 or older, a JVM without the foreign
 * function API); never mixed with {@code xattrs}, whose names are the {@code user.} namespace's.
 */
public record Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                   int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget, int links,
                   java.util.Map<String, String> xattrs,
                   @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) long rdev,
                   java.util.Map<String, String> permissionXattrs) {

    /** A node without ACLs or a file capability. */
    public Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget, int links,
                java.util.Map<String, String> xattrs, long rdev) {
        this(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links, xattrs, rdev, null);
    }

    /** A node that is not a device. */
    public Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget, int links,
                java.util.Map<String, String> xattrs) {
        this(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links, xattrs, 0, null);
    }

    /** A node without a hard-link count or extended attributes. */
    public Node(String name, NodeType type, int mode, long mtime, long ctime, long inode, long device,
                int uid, int gid, long size, List<ObjectId> content, ObjectId subtree, String linkTarget) {
        this(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, 0, null, 0, null);
    }

    /** True for a file that shares its inode with other names in the same snapshot. */
    public boolean hardLinked() {
        return type == NodeType.FILE && links > 1 && inode != 0;
    }

    /** A device node's major number: Linux's dev_t keeps it in bits 8–19 and 32–63 (glibc's major(3)). */
    public long deviceMajor() {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & 0xfffff000L);
    }

    /** A device node's minor number: bits 0–7 and 20–31 of dev_t (glibc's minor(3)). */
    public long deviceMinor() {
        return (rdev & 0xff) | ((rdev >>> 12) & 0xffffff00L);
    }

    /**
     * Why a file's blobs, holding {@code bytes} (their raw lengths added up), are not its content, or null when they add up
     * to its {@code size}: restore, dump and check refuse it alike (docs/vault-format.md §8).
     */
    public String sizeDisagreement(long bytes) {
        return bytes == size ? null : "the snapshot's blobs hold " + bytes + " bytes, its size says " + size + " (a damaged or forged tree)";
    }

    /** What check and ls say of a name {@link #isSafeName} refuses. */
    public static final String NOT_ONE_COMPONENT = "a name that is not one path component (a damaged or forged tree)";

    /** A name is one path component: never empty, ".", "..", nor containing '/' or NUL. */
    public static boolean isSafeName(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    /**
     * The ctime of a file read within two seconds of its last change, which no stat gives: the next incremental reads it
     * again (a write in the same tick of a coarse clock keeps the ctime). ctime serves only to tell a change.
     */
    public static final long READ_AGAIN = Long.MIN_VALUE;

    public Node withCtime(long newCtime) {
        return new Node(name, type, mode, mtime, newCtime, inode, device, uid, gid, size, content, subtree, linkTarget, links, xattrs, rdev, permissionXattrs);
    }

    /** The node with another hard-link count ({@code 1}: a file of its own, linked to no other name on restore). */
    public Node withLinks(int count) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, count, xattrs, rdev, permissionXattrs);
    }

    public Node withSubtree(ObjectId tree) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, tree, linkTarget, links, xattrs, rdev, permissionXattrs);
    }

    public Node withName(String newName) {
        return new Node(newName, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links, xattrs, rdev, permissionXattrs);
    }

    public Node withContent(List<ObjectId> blobs, long newSize) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, newSize, blobs, subtree, linkTarget, links, xattrs, rdev, permissionXattrs);
    }

    public Node withXattrs(java.util.Map<String, String> attributes) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links,
                attributes == null || attributes.isEmpty() ? null : attributes, rdev, permissionXattrs);
    }

    public Node withPermissionXattrs(java.util.Map<String, String> attributes) {
        return new Node(name, type, mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget, links, xattrs, rdev,
                attributes == null || attributes.isEmpty() ? null : attributes);
    }
}
