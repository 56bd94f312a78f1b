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
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << CAP_DAC_OVERRIDE)) != 0;
                }
            }
        } catch (java.io.IOException | RuntimeException notLinux) {
            // no capabilities to read: uid 0 is root
        }
        return true;
    }

    private static final int CAP_DAC_OVERRIDE = 1;
}
