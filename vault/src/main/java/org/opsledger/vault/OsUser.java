package org.opsledger.vault;

/**
 * The operating-system user this process runs as: the name a snapshot, a journal entry and a recovered snapshot record
 * (IS.012 6.6.5), and whether it is root. The JDK names a user without a passwd entry (a container's arbitrary uid,
 * systemd's DynamicUser without nss-systemd) "?", which recorded every such operation as done by "?" (a helper's): such
 * a user is named by the number, "uid 61234". Root is uid 0, whatever its name.
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

    public static boolean isRoot() {
        return uid() == 0;
    }
}
