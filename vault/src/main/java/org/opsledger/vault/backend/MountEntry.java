package org.opsledger.vault.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The filesystem a directory is on, as its line in /proc/self/mountinfo tells: where it is mounted, which of its
 * directories shows there ({@code root}), its type ("ext4", "fuse.rclone") and its source ("/dev/sda1", "remote:bk").
 */
public record MountEntry(Path mountPoint, String root, String type, String source) {

    /** The entry of device {@code majorMinor} ("MAJOR:MINOR") among {@code mountinfo}'s lines, or null where none is. */
    public static MountEntry of(String majorMinor, List<String> mountinfo) {
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (f.length < 5 || dash < 0 || dash + 2 >= f.length || !f[2].equals(majorMinor)) {
                continue;
            }
            return new MountEntry(Path.of(unescape(f[4])), unescape(f[3]), f[dash + 1], unescape(f[dash + 2]));
        }
        return null;
    }

    /** The entry of the filesystem that holds {@code dir}, or null where it cannot be told (no mount table, no device). */
    public static MountEntry holding(Path dir) {
        try {
            long dev = ((Number) Files.getAttribute(dir, "unix:dev")).longValue();
            return of(majorMinor(dev), Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A device number (st_dev) as /sys and /proc/self/mountinfo write it, "MAJOR:MINOR" (glibc's gnu_dev_major, gnu_dev_minor). */
    public static String majorMinor(long dev) {
        return (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL)) + ":" + ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
    }

    /** Whether it is a FUSE filesystem: each mount a device of its own, its files served by a process. */
    public boolean isFuse() {
        return type.equals("fuse") || type.startsWith("fuse."); // not fuseblk (exFAT, NTFS from a block device)
    }

    /** "/mnt/bk (fuse.rclone of remote:bk)". */
    @Override
    public String toString() {
        return mountPoint + " (" + type + " of " + source + ")";
    }

    /** A mountinfo field as written: a space, tab, newline or backslash as an octal escape (\040). */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
