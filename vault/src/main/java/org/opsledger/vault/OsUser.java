package org.opsledger.vault;

/**
 * The operating-system user this process runs as: the name a snapshot, a journal entry and a recovered snapshot record
 * (IS.012 6.6.5), and whether it is root. The JDK names a user without a passwd entry (a container's arbitrary uid,
 * systemd's DynamicUser without nss-systemd) "?", which recorded every such operation as done by "?" (a helper's): such
 * a user is named by the number, "uid 61234". Root is uid 0 with its powers, whatever its name.
 */
public final class OsUser {

    private OsUser() {
    }

    /** The user's name, or "uid N" where the system has none for it. */
    public static String name() {
        String name = System.getProperty("user.name");
        return name == null || name.isBlank() || name.equals("?") ? "uid " + uid() : name;
    }

    /**
     * The name /etc/passwd gives user {@code uid}, or "uid N" where it gives none (another host's user, a container's):
     * a lock names the user of its process by number.
     */
    public static String nameOf(long uid) {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/etc/passwd"))) {
            return lines.map(l -> l.split(":", 4)).filter(f -> f.length > 2 && f[2].equals(Long.toString(uid))).map(f -> f[0])
                    .findFirst().orElse("uid " + uid);
        } catch (java.io.IOException | RuntimeException unreadable) {
            return "uid " + uid;
        }
    }

    public static long uid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /**
     * Root with root's powers: uid 0 and CAP_DAC_OVERRIDE in effect (it reads and writes a file whatever its mode). A
     * root whose capabilities were dropped (setpriv, systemd's CapabilityBoundingSet=, a container) is as any user:
     * a restore that took it for root by its uid failed to verify files of mode 000 it may not read.
     */
    public static boolean isRoot() {
        if (uid() != 0) {
            return false;
        }
        String capabilities = status("CapEff:");
        try {
            return capabilities == null || (Long.parseUnsignedLong(capabilities, 16) & (1L << CAP_DAC_OVERRIDE)) != 0;
        } catch (RuntimeException notLinux) {
            return true; // no capabilities to read: uid 0 is root
        }
    }

    /**
     * The groups this process is in, its effective group and its supplementary ones: those whose files a user other than
     * root may give its own (chown(2) to a group it is not in is refused). Empty where the system does not say.
     */
    public static java.util.Set<Integer> groups() {
        String effective = status("Gid:"); // real, effective, saved, filesystem
        String supplementary = status("Groups:");
        if (effective == null || supplementary == null) {
            return java.util.Set.of();
        }
        try {
            java.util.Set<Integer> out = new java.util.HashSet<>();
            out.add(Integer.parseUnsignedInt(effective.split("\\s+")[1]));
            for (String g : supplementary.split("\\s+")) {
                if (!g.isEmpty()) {
                    out.add(Integer.parseUnsignedInt(g));
                }
            }
            return java.util.Set.copyOf(out);
        } catch (RuntimeException unreadable) {
            return java.util.Set.of();
        }
    }

    /** The value of a line of Linux's /proc/self/status ("CapEff:", "Groups:"), stripped; null where there is none. */
    private static String status(String key) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return line.substring(key.length()).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException notLinux) {
            // nothing to read
        }
        return null;
    }

    private static final int CAP_DAC_OVERRIDE = 1;
}
