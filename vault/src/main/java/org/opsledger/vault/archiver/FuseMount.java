package org.opsledger.vault.archiver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opsledger.vault.backend.MountEntry;

/**
 * Where the files of a FUSE mount lie, as its entry in /proc/self/mountinfo tells (IS.012 6.6.6): FUSE gives every mount a
 * device number of its own, and a repository on sshfs to localhost, or on an rclone mount of a local directory, passed
 * the same-device rule while it lay on the backed-up disk (a tester's). sshfs names its source {@code [user@]host:path},
 * rclone a local path, an on-the-fly remote {@code :sftp,host=…:path} or a configured remote {@code name:path}.
 */
sealed interface FuseMount {

    /** The mount shows {@code path} of this machine's own filesystems. */
    record Local(Path path, String mount) implements FuseMount {
    }

    /** The mount shows another host's files. */
    record Elsewhere() implements FuseMount {
    }

    /** Where its files lie cannot be told from its entry: a FUSE filesystem of another kind, a configured rclone remote. */
    record Unknown(String mount) implements FuseMount {
    }

    /**
     * The FUSE mount that holds {@code dir} on device {@code majorMinor} ("MAJOR:MINOR"), or null when none does: the
     * mount's entry read from {@code mountinfo} (the lines of /proc/self/mountinfo).
     */
    static FuseMount holding(Path dir, String majorMinor, List<String> mountinfo) {
        MountEntry m = MountEntry.of(majorMinor, mountinfo);
        if (m == null || !m.isFuse()) {
            return null; // fuseblk (exFAT, NTFS from a block device) and every kernel filesystem: their device is the disk's
        }
        Path below = dir.startsWith(m.mountPoint()) ? m.mountPoint().relativize(dir) : Path.of("");
        Path shown = localPathOf(m.type(), m.source());
        if (shown == null) {
            String host = remoteHost(m.type(), m.source());
            return host != null && !isThisHost(host) ? new Elsewhere() : new Unknown(m.toString());
        }
        return new Local(shown.resolve(m.root().substring(1)).resolve(below), m.toString());
    }

    /** The path on this machine that the mount shows, or null where it shows another host's or cannot be told. */
    private static Path localPathOf(String type, String source) {
        if (type.equals("fuse.rclone") && source.startsWith("/")) {
            return Path.of(source); // rclone mount /srv/backupdisk /mnt/x
        }
        String host = remoteHost(type, source);
        if (host == null || !isThisHost(host)) {
            return null;
        }
        String path = type.equals("fuse.sshfs") ? source.substring(sshfsPathStart(source)) : source.substring(source.indexOf(':', 1) + 1);
        if (path.startsWith("/")) {
            return Path.of(path);
        }
        String user = source.contains("@") ? source.substring(0, source.indexOf('@')) : null;
        // relative to the remote user's home: this user's, when it is this user; another's home is not looked up
        return user == null || user.equals(System.getProperty("user.name")) ? Path.of(System.getProperty("user.home")).resolve(path) : null;
    }

    /** The host a remote mount reaches, or null where its source names none: sshfs's {@code host:}, rclone's {@code host=}. */
    private static String remoteHost(String type, String source) {
        if (type.equals("fuse.sshfs") && sshfsPathStart(source) > 0) {
            String hostPart = source.substring(source.indexOf('@') + 1, sshfsPathStart(source) - 1);
            return hostPart.startsWith("[") && hostPart.endsWith("]") ? hostPart.substring(1, hostPart.length() - 1) : hostPart;
        }
        if (type.equals("fuse.rclone") && source.startsWith(":") && source.indexOf(':', 1) > 0) {
            for (String param : source.substring(1, source.indexOf(':', 1)).split(",")) {
                if (param.startsWith("host=")) {
                    return param.substring("host=".length()).replace("\"", "").replace("'", "");
                }
            }
        }
        return null;
    }

    /** Where the path begins in sshfs's {@code [user@]host:path}, a bracketed IPv6 address's colons passed over. */
    private static int sshfsPathStart(String source) {
        int close = source.indexOf(']');
        return source.indexOf(':', Math.max(close, source.indexOf('@'))) + 1;
    }

    /** localhost, a loopback address, this host's name, or an address of one of its interfaces: never looked up in DNS. */
    private static boolean isThisHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (LOCAL_NAMES.contains(h) || h.equals(kernelHostname())) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(h); // an address literal: parsed, not resolved
            return address.isLoopbackAddress() || address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    Set<String> LOCAL_NAMES = Set.of("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");

    private static String kernelHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
