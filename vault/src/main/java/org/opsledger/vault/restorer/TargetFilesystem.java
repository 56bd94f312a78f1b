package org.opsledger.vault.restorer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.snapshot.FileNames;

/**
 * What the restore target's filesystem keeps of what a snapshot holds, found by trying it once in a
 * scratch directory inside the target before anything is restored. A Linux filesystem (ext4, xfs,
 * btrfs, tmpfs) keeps everything. A USB stick's exFAT or FAT (and a CIFS share without Unix
 * extensions) has no symbolic or hard links, no Unix modes (exFAT's driver takes a chmod and keeps
 * nothing), times to 1 or 2 s, one name for "Case" and "case", and no ':' or '?' in names: the restore
 * then writes what the filesystem can hold and reports the rest, rather than failing at the first
 * symlink with half the tree written.
 *
 * @param modesRefused      why Unix modes are not kept (null: kept)
 * @param timePrecision     the coarsest step, in nanoseconds, by which the filesystem stored a modification time
 *                          differently from what was set (1: exactly)
 * @param ignoresCase       "A" and "a" name one file
 * @param symlinksRefused   why symbolic links cannot be made (null: they can)
 * @param hardLinksRefused  why hard links cannot be made (null: they can)
 * @param reservedRefused   names holding {@link #RESERVED} characters are refused (FAT's rule)
 * @param lostAtCreation    the permission bits a file created with 0777 lacks: the umask's, or a default ACL's
 * @param namesRefused      which names beyond those the filesystem refuses: null (none), "not UTF-8" (exFAT keeps names
 *                          as UTF-16), or "not ASCII" (a FAT driver without a character set)
 * @param earliestTime      the earliest modification time kept, in nanoseconds since the epoch (Long.MIN_VALUE: any)
 * @param latestTime        the latest kept (Long.MAX_VALUE: any): ext4 with 128-byte inodes and XFS without bigtime keep
 *                          nothing after 2038-01-19
 * @param longestName       the longest name the filesystem takes, in bytes of UTF-8 (NAME_MAX: 255 on Linux's own
 *                          filesystems) or, where {@code longestInUtf16}, in UTF-16 units (exFAT, NTFS: 255); Integer.MAX_VALUE: none
 *                          found up to 255
 * @param longestInUtf16    the filesystem counts a name's length in UTF-16 units, not bytes
 * @param devicesRefused    Windows's device names (CON, AUX, NUL.txt) are refused: NTFS mounted with windows_names
 * @param trailingRefused   a name ending in a dot or a space is refused: NTFS mounted with windows_names
 * @param caseListed        how a name created in mixed case is listed where the filesystem does not keep its case:
 *                          "lower case" (NTFS through lowntfs-3g -o ignore_case), "upper case", or null (kept)
 */
record TargetFilesystem(String modesRefused, long timePrecision, boolean ignoresCase, String symlinksRefused,
                        String hardLinksRefused, boolean reservedRefused, int lostAtCreation, String namesRefused,
                        long earliestTime, long latestTime, int longestName, boolean longestInUtf16, boolean devicesRefused,
                        boolean trailingRefused, String caseListed) {

    /** The longest name Linux's own filesystems take, in bytes (NAME_MAX). */
    static final int NAME_MAX = 255;

    /** A Linux filesystem, which keeps everything a snapshot holds but a name over NAME_MAX; no mode is taken as given at creation. */
    static final TargetFilesystem FULL = new TargetFilesystem(null, 1, false, null, null, false, 0777, null, Long.MIN_VALUE, Long.MAX_VALUE,
            NAME_MAX, false, false, false, null);

    /** Characters FAT and exFAT refuse in a name, besides the control characters below 0x20. */
    static final String RESERVED = "\"*:<>?\\|";

    /**
     * The steps a filesystem may keep times to: NTFS's 100 ns (ntfs-3g read 01:46:41.123456789 back as .123456700, which was
     * taken for a step of 1 µs: f3's, session 38), micro- and milliseconds, exFAT's 10 ms, seconds, FAT's 2 s.
     */
    private static final long[] PRECISIONS = {100, 1_000, 1_000_000, 10_000_000, 1_000_000_000, 2_000_000_000};
    /** A time with every digit set: 2001-09-09T01:46:41.123456789Z, an odd second. */
    private static final long PROBE_TIME = 1_000_000_001_123_456_789L;

    /** Filesystems that hold symbolic links, as /proc/mounts names them: asked about without writing in them. */
    private static final Set<String> WITH_LINKS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs", "jfs",
            "reiserfs", "tmpfs", "ramfs", "overlay", "nfs", "nfs4", "ceph");

    /**
     * Filesystems that keep no holes: FAT and exFAT allocate every cluster up to a file's length, so a sparse file takes
     * its whole size there. A 2 GiB sparse image restored onto a USB stick was counted as free, filled the stick and
     * failed (a helper's). Debian's FUSE FAT driver mounts as fuse.fusefat (it refuses to lengthen a file by ftruncate,
     * which a restore leaving a trailing block of zeros a hole did: a re-tester's); exFAT's FUSE driver mounts as
     * fuseblk, which NTFS's driver, which keeps holes, shares: it is not known by its type.
     */
    private static final Set<String> NO_HOLES = Set.of("vfat", "msdos", "exfat", "fuse.fusefat");
    /** FAT's largest file, its directory entry's 32-bit length: 4 GiB less one byte (exFAT's is 16 EiB). */
    static final long FAT_MAX_FILE = 0xFFFF_FFFFL;

    /** The largest file a filesystem of {@code type} holds, as far as a restore needs to know. */
    static long largestFile(String type) {
        return type.equals("vfat") || type.equals("msdos") ? FAT_MAX_FILE : Long.MAX_VALUE;
    }

    /** Whether a filesystem of {@code type} keeps a sparse file's holes unallocated. */
    static boolean keepsHoles(String type) {
        return !NO_HOLES.contains(type);
    }

    /**
     * Whether the filesystem {@code dir} is on holds no symbolic links. Asked of a directory the restore will not
     * write in unless the answer is yes (PrivateDirectories): a filesystem known to hold links is known by its type;
     * any other (a FUSE mount, CIFS) is asked by making one link, at a name no one can guess, and removing it.
     */
    static boolean holdsNoLinks(Path dir) {
        try {
            if (WITH_LINKS.contains(Files.getFileStore(dir).type())) {
                return false;
            }
        } catch (IOException e) {
            // its type unknown: ask the filesystem itself
        }
        return symlinkRefusal(dir) != null;
    }

    /**
     * The name of what a probe makes in a directory: the prefix, the ID of the process that probes, a random UUID. A
     * restore stopped while it probed (kill -9, a power cut) left its probe there, which no later restore removed: it
     * made the target a live tree, and stayed in it (a lead's); {@link #removeStaleProbes} removes one whose process is gone.
     */
    private static final String PROBE_PREFIX = ".opsledger-restore-probe-";
    private static final java.util.regex.Pattern PROBE_NAME = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(PROBE_PREFIX) + "(\\d{1,19})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static Path probePath(Path dir) {
        return dir.resolve(PROBE_PREFIX + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
    }

    /**
     * Removes from {@code dir} each probe ({@link #PROBE_NAME}) this user's restore left there whose process no longer runs,
     * with what it holds (never following a link): a restore stopped while it probed. One of another user, or of a
     * process still running (a restore probing now), stays.
     */
    static void removeStaleProbes(Path dir, long uid) {
        try (Stream<Path> listed = Files.list(dir)) {
            for (Path p : listed.toList()) {
                java.util.regex.Matcher m = PROBE_NAME.matcher(p.getFileName().toString());
                if (m.matches() && ownedBy(p, uid) && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    removeQuietly(p);
                }
            }
        } catch (IOException | java.io.UncheckedIOException | NumberFormatException e) {
            // not listed: the restore goes on, and its probe makes the same case as before
        }
    }

    private static boolean ownedBy(Path p, long uid) {
        try {
            return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() == uid;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Null if a symbolic link can be made in {@code dir} (it is removed again), else why not. */
    private static String symlinkRefusal(Path dir) {
        Path link = probePath(dir);
        String refused = refusal(() -> Files.createSymbolicLink(link, Path.of("probe")));
        if (refused == null) {
            try {
                Files.delete(link);
            } catch (IOException e) {
                // named in its own name; nothing in the restore depends on it
            }
        }
        return refused;
    }

    /**
     * Tries each thing once in a scratch directory inside {@code base} (which exists, and no other user can change:
     * PrivateDirectories), then removes it.
     */
    static TargetFilesystem probe(Path base) {
        Path dir = probePath(base);
        try {
            Files.createDirectory(dir, PrivateDirectories.OWNER_ONLY);
        } catch (IOException e) {
            throw new VaultException("cannot write in restore target " + base + ": " + IoReason.of(e), e);
        }
        try {
            Path file = Files.createFile(dir.resolve("probe"));
            String modes = modesRefused(file);
            int lost = 0777 & ~(Integer) Files.getAttribute(Files.createFile(dir.resolve("created-0777"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx"))), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            long precision = timePrecision(file);
            boolean ignoresCase = Files.exists(dir.resolve("PROBE"), LinkOption.NOFOLLOW_LINKS);
            String caseListed = ignoresCase ? caseListed(dir) : null;
            String symlinks = symlinkRefusal(dir);
            String hardLinks = refusal(() -> Files.createLink(dir.resolve("hardlink"), file));
            boolean reserved = refusal(() -> Files.createFile(dir.resolve("a:b"))) != null;
            // NTFS mounted with windows_names (udisks2's default) refuses these too (EINVAL): one such name ended the whole
            // restore, nothing written, exit 1 (a tester's)
            boolean devices = refusal(() -> Files.createFile(dir.resolve("aux.c"))) != null;
            boolean trailing = refusal(() -> Files.createFile(dir.resolve("trailing."))) != null;
            // a name the filesystem cannot spell ended the whole restore at the first such file, 0 B written (a helper's:
            // exFAT refuses bytes that are not UTF-8, a FAT driver without a character set anything but ASCII)
            String names = refusal(() -> Files.createFile(dir.resolve("\u00b5"))) != null ? "not ASCII"
                    : refusal(() -> Files.createFile(FileNames.resolve(dir, "b\uDCE9"))) != null ? "not UTF-8" : null;
            int longest = longestName(dir);
            // a name over NAME_MAX bytes that exFAT or NTFS holds (255 UTF-16 units: 120 Japanese characters are 360 bytes)
            // ended a restore onto ext4 at it, "File name too long", exit 1 (a tester's)
            boolean inUtf16 = longest != Integer.MAX_VALUE
                    && refusal(() -> Files.createFile(dir.resolve("\u00e9".repeat(longest / 2 + 1)))) == null;
            return new TargetFilesystem(modes, precision, ignoresCase, symlinks, hardLinks, reserved, modes == null ? lost : 0777, names,
                    kept(file, EARLY_PROBE, Long.MIN_VALUE), kept(file, LATE_PROBE, Long.MAX_VALUE), longest, inUtf16, devices, trailing,
                    caseListed);
        } catch (IOException e) {
            throw new VaultException("cannot write in restore target " + base + ": " + IoReason.of(e), e);
        } finally {
            removeQuietly(dir);
        }
    }

    /**
     * The longest name made of 'n's that a file in {@code dir} takes, up to {@link #NAME_MAX} (Integer.MAX_VALUE when one
     * longer is taken): 255 on Linux's own filesystems, exFAT and NTFS; fewer on some (eCryptfs takes 143).
     */
    private static int longestName(Path dir) {
        if (refusal(() -> Files.createFile(dir.resolve("n".repeat(NAME_MAX + 1)))) == null) {
            return Integer.MAX_VALUE;
        }
        int taken = 0;
        int refused = NAME_MAX + 1;
        while (refused - taken > 1) {
            int tried = refused == NAME_MAX + 1 && taken == 0 ? NAME_MAX : (taken + refused) / 2;
            if (refusal(() -> Files.createFile(dir.resolve("m".repeat(tried)))) == null) {
                taken = tried;
            } else {
                refused = tried;
            }
        }
        return taken == 0 ? Integer.MAX_VALUE : taken; // no name taken: something else refused them, which each path reports
    }

    /**
     * Whether the filesystem of {@code base} takes {@code b} for {@code a}, which {@link #folded} folds alike: asked by making
     * {@code a} in a scratch directory there and looking {@code b} up. Yes where it cannot be asked, as folded says.
     */
    static boolean sameName(Path base, String a, String b) {
        Path dir = probePath(base);
        try {
            Files.createDirectory(dir, PrivateDirectories.OWNER_ONLY);
            Files.createFile(FileNames.resolve(dir, a));
            Files.readAttributes(FileNames.resolve(dir, b), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            removeQuietly(dir);
        }
    }

    /** How a name made in mixed case is listed in {@code dir}, a directory of a filesystem that ignores case: null as given. */
    private static String caseListed(Path dir) throws IOException {
        Files.createFile(dir.resolve("Mixed"));
        try (Stream<Path> listed = Files.list(dir)) {
            Set<String> names = listed.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
            return names.contains("Mixed") ? null : names.contains("mixed") ? "lower case" : names.contains("MIXED") ? "upper case" : null;
        }
    }

    /** The name as this filesystem lists it: as given where it keeps the case. */
    String listedAs(String name) {
        return caseListed == null ? name
                : caseListed.equals("lower case") ? name.toLowerCase(java.util.Locale.ROOT) : name.toUpperCase(java.util.Locale.ROOT);
    }

    /** Whether {@code mtime} is stored exactly, or rounded to this filesystem's step, or kept at all. */
    boolean keepsTime(long mtime) {
        return timeNotKept(mtime) == null;
    }

    /**
     * Why {@code mtime} is not stored exactly, or null when it is: rounded to the filesystem's step, or outside the dates it
     * keeps (a 2040 time restored onto ext4 with 128-byte inodes became 2038, silently: a helper's).
     */
    String timeNotKept(long mtime) {
        if (mtime < earliestTime) {
            return "before the earliest date the target's filesystem keeps, " + Instant.ofEpochSecond(Math.floorDiv(earliestTime, 1_000_000_000L));
        }
        if (mtime > latestTime) {
            return "after the latest date the target's filesystem keeps, " + Instant.ofEpochSecond(Math.floorDiv(latestTime, 1_000_000_000L));
        }
        return timePrecision == 1 || mtime % timePrecision == 0 ? null : timeRounded();
    }

    /**
     * Whether {@code mtime} is within the dates this filesystem keeps and only stored to its step ({@link #timeRounded}):
     * what it reads back can then be compared with the snapshot's at that step ({@link #sameTime}).
     */
    boolean roundsTime(long mtime) {
        return timePrecision != 1 && timePrecision != Long.MAX_VALUE && mtime >= earliestTime && mtime <= latestTime
                && mtime % timePrecision != 0;
    }

    /**
     * Whether {@code kept}, read back from a path, is {@code recorded} as this filesystem stores it: exactly, or less than its
     * step apart (NTFS cuts to 100 ns, FAT rounds to 2 s). One that keeps nanoseconds compares them all.
     */
    boolean sameTime(long kept, long recorded) {
        return kept == recorded || timePrecision != Long.MAX_VALUE && Math.abs(kept - recorded) < timePrecision;
    }

    /** 1960-01-01 and 2040-01-01, in nanoseconds: times a filesystem that keeps a narrow range of dates sets otherwise. */
    static final long EARLY_PROBE = -315_619_200_000_000_000L;
    static final long LATE_PROBE = 2_208_988_800_000_000_000L;

    /** The time the filesystem keeps when {@code probe} is set on {@code file}: {@link #bound}. */
    private static long kept(Path file, long probe, long unlimited) {
        return bound(probe, keptOf(file, probe), unlimited);
    }

    /**
     * The bound a filesystem that read {@code kept} back once {@code probe} was set keeps times to: {@code unlimited} where it
     * kept the probe itself (or no time can be set: each path reports that), else what it put in its place, if that lies
     * between the probe and {@link #PROBE_TIME}, a time every filesystem keeps. Anything else is no bound: fusefat read
     * 1960 back as 2088, taken for the earliest date kept, and every time it had set exactly was reported not set (a tester's).
     */
    static long bound(long probe, Long kept, long unlimited) {
        if (kept == null || kept == probe) {
            return unlimited;
        }
        boolean between = probe < PROBE_TIME ? kept > probe && kept < PROBE_TIME : kept < probe && kept > PROBE_TIME;
        return between ? kept : unlimited;
    }

    /** The modification time the filesystem reads back once {@code probe} (ns) is set on {@code file}; null if none can be set. */
    private static Long keptOf(Path file, long probe) {
        try {
            Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(probe, TimeUnit.NANOSECONDS), null, null);
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The name as a filesystem that ignores case compares names: upper case, code point by code point. Two names alike so
     * are asked of the filesystem ({@link #sameName}): its table and Java's differ.
     */
    static String folded(String name) {
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().forEach(c -> b.appendCodePoint(Character.toUpperCase(c)));
        return b.toString();
    }

    /** Windows's device names, which NTFS mounted with windows_names refuses with or without an extension (aux.c). */
    private static final java.util.regex.Pattern DEVICE = java.util.regex.Pattern.compile(
            "(?i)(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\\..*)?", java.util.regex.Pattern.DOTALL);

    /** Why this filesystem refuses the name, for its length or the characters in it, or null. */
    String refusesName(String name) {
        // each UTF-16 unit is at most 3 bytes of UTF-8, and a byte that is not UTF-8, as its escape, 1
        if (longestInUtf16 ? name.length() > longestName
                : name.length() * 3 > longestName && FileNames.encode(name).length > longestName) {
            return "it is longer than the " + longestName + (longestInUtf16 ? " UTF-16 units" : " bytes") + " a name may have on the target's filesystem";
        }
        if (devicesRefused && DEVICE.matcher(name).matches()) {
            return "it is a Windows device name, which the target's filesystem refuses";
        }
        if (trailingRefused && (name.endsWith(".") || name.endsWith(" "))) {
            return "it ends in a dot or a space, which the target's filesystem refuses";
        }
        if ("not ASCII".equals(namesRefused) && name.chars().anyMatch(c -> c > 0x7F)) {
            return "it is not ASCII, the only names the target's filesystem takes";
        }
        if (namesRefused != null && FileNames.hasEscapes(name)) {
            return "it is not UTF-8, and the target's filesystem keeps names as Unicode";
        }
        if (!reservedRefused) {
            return null;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || RESERVED.indexOf(c) >= 0) {
                return "it holds one of " + RESERVED + " or a control character";
            }
        }
        return null;
    }

    /** Why a time this filesystem does not keep exactly is reported: "kept to 2 s by the target's filesystem". */
    String timeRounded() {
        if (timePrecision == Long.MAX_VALUE) {
            return "not kept by the target's filesystem";
        }
        String step = timePrecision >= 1_000_000_000 ? timePrecision / 1_000_000_000 + " s"
                : timePrecision >= 1_000_000 ? timePrecision / 1_000_000 + " ms"
                : timePrecision >= 1_000 ? timePrecision / 1_000 + " µs" : timePrecision + " ns";
        return "kept to " + step + " by the target's filesystem";
    }

    /** Sets two modes in turn and reads each back: exFAT's driver accepts a chmod and reports 0777 whatever. */
    private static String modesRefused(Path file) {
        try {
            for (int mode : new int[] {0640, 0604}) {
                Files.setAttribute(file, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
                int kept = ((Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
                if (kept != mode) {
                    return "not kept by the target's filesystem";
                }
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return IoReason.of(e);
        }
    }

    private static long timePrecision(Path file) {
        Long kept = keptOf(file, PROBE_TIME);
        if (kept == null) {
            return 1; // times cannot be set at all: each path reports that itself
        }
        long off = Math.abs(PROBE_TIME - kept);
        if (off == 0) {
            return 1;
        }
        for (long p : PRECISIONS) {
            if (off < p) {
                return p;
            }
        }
        return Long.MAX_VALUE; // kept nothing like what was set: no time stored is exact
    }

    @FunctionalInterface
    private interface Attempt {
        void run() throws IOException;
    }

    /** Null if the attempt worked, else the system's reason. */
    private static String refusal(Attempt a) {
        try {
            a.run();
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return IoReason.of(e);
        }
    }

    private static void removeQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a scratch directory left behind is named in its own name; nothing in the restore depends on it
        }
    }
}
