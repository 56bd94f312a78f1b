package org.opsledger.vault.restorer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.OsUser;
import org.opsledger.vault.VaultException;

/**
 * A restore creates each path, writes it, then sets its owner, mode and time by its path. Were another user able
 * to change a directory on the way to it, they could put a symbolic link in the path's place in between, and a
 * restore run as root would give the link's target the owner and mode meant for the file (/etc/shadow made 0644),
 * or create files where the link points. Every step takes care not to follow a link, but one cannot: the JDK's
 * no-follow chmod ({@code Files.setAttribute(p, "unix:mode", m, NOFOLLOW_LINKS)}) follows it (Temurin 25.0.3 opens
 * the path with O_NOFOLLOW passed as the mode of open(2), not in its flags). So a restore writes only where no one
 * else can change the path: the directories it creates are 0700 until their own owner and mode are set, last,
 * deepest first; the target, each directory above it, and each directory the restore finds already there must be
 * owned by the restoring user or root and writable by no one else. A sticky directory such as /tmp above the target
 * may be writable by all: no one else can rename or remove what the restore made in it. The target itself, and a
 * directory of the snapshot already in it, may not, sticky or not: another user can make names there before the restore
 * does (a helper's, restoring as root into a 1777 share, made the directories of a snapshot's path her own and swapped
 * a restored setuid-root file for her program, which root then gave its owner and mode). As a user other than root the restore sets
 * no owner and can change only that user's own files, but a directory its group may write to is refused all the same:
 * a member of that group swapped a directory the restore had just made for a link to her own and read what it wrote
 * (a re-tester's), and a group named as the user may have other members (another's). A new target is created 0700. On an NFS export that squashes root, what
 * the restore creates belongs to the user root is mapped to (nobody): that owner is the restore's own there.
 */
final class PrivateDirectories {

    /** The mode of a directory the restore creates, until its own is set: 0700 whatever the umask. */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));

    private final boolean root;
    private final long uid;
    /** The owner of what the restore creates on the target's filesystem: its user's, or the one NFS maps root to. */
    private final long uidThere;

    /** @param made the target when this restore created it (its owner tells who the restore is there), else null */
    PrivateDirectories(boolean root, Path made) {
        this.root = root;
        this.uid = OsUser.uid();
        this.uidThere = made == null ? uid : ownerOf(made);
    }

    private static long ownerOf(Path dir) {
        try {
            return (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new VaultException("cannot read restore target " + dir + ": " + IoReason.of(e), e);
        }
    }

    /**
     * Refuses, before anything is written in the target ({@code base}, a real path when the restore began, which
     * must still be one), the target (which exists) and every directory above it,
     * as the kernel resolves the path, and each of {@code found}, directories of the snapshot already in the target,
     * that another user could change. On a filesystem that holds no links no link can take a path's place: a
     * directory on the target's filesystem is not refused there, one above it on another filesystem (above a USB
     * stick's mount point) still is. Whether the target's filesystem holds links is asked only when a directory on
     * it would be refused.
     */
    void check(Path base, Iterable<Path> found) {
        Path real;
        try {
            real = base.toRealPath();
        } catch (IOException e) {
            throw new VaultException("cannot read restore target " + base + ": " + IoReason.of(e), e);
        }
        if (!real.equals(base)) { // resolved when the restore began: a link made on the way since
            throw new VaultException("restore target " + base + " now leads to " + real + " through a symbolic link made since the"
                    + " restore began; restore into a new directory, or one only you" + (root ? "" : " or root") + " can change"
                    + " (nothing was restored)");
        }
        Object device = attributes(real, "restore target ").get("dev");
        VaultException onTargetFilesystem = null; // the first refusal there: none if that filesystem holds no links
        for (Path dir = real; dir != null; dir = dir.getParent()) {
            boolean above = !dir.equals(real);
            VaultException refused = check(dir, above ? "directory above the restore target " : "restore target ", device, above);
            onTargetFilesystem = onTargetFilesystem != null ? onTargetFilesystem : refused;
        }
        for (Path dir : found) {
            VaultException refused = check(dir, "directory already in the restore target ", device, false);
            onTargetFilesystem = onTargetFilesystem != null ? onTargetFilesystem : refused;
        }
        if (onTargetFilesystem != null && !TargetFilesystem.holdsNoLinks(real)) {
            throw onTargetFilesystem;
        }
    }

    /**
     * Throws if another user could change {@code dir} and it is on another filesystem than the target; returns the refusal
     * if it is on the target's. {@code above}: a directory above the target, which may be sticky and writable by all.
     */
    private VaultException check(Path dir, String what, Object targetDevice, boolean above) {
        Map<String, Object> a = attributes(dir, what);
        VaultException refused = refusal(dir, what, a, above);
        if (refused != null && !targetDevice.equals(a.get("dev"))) {
            throw refused;
        }
        return refused;
    }

    private static Map<String, Object> attributes(Path dir, String what) {
        try {
            return Files.readAttributes(dir, "unix:uid,mode,dev", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new VaultException("cannot read " + what + dir + ": " + IoReason.of(e), e);
        }
    }

    /** Why another user could change {@code dir}, or null if no one but the restoring user and root can. */
    private VaultException refusal(Path dir, String what, Map<String, Object> a, boolean above) {
        int owner = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode");
        String who;
        if (owner != 0 && owner != uid && owner != uidThere) {
            who = "is owned by uid " + owner;
        } else if (!(above && (mode & 01000) != 0) && (mode & 0022) != 0) {
            who = "is writable by " + ((mode & 0002) != 0 ? "all users" : "its group") + " (mode " + Integer.toOctalString(mode & 07777)
                    + ((mode & 01000) != 0 ? ", sticky: others can still make names in it" : "") + ")";
        } else {
            return null;
        }
        return new VaultException(what + dir + " " + who + ": another user could put a symbolic link in place of a restored"
                + " path before its owner and mode are set; restore into a new directory, or one only you" + (root ? "" : " or root")
                + " can change (nothing was restored)");
    }
}
