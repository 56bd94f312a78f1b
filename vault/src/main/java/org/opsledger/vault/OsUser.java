package org.opsledger.vault;

/**
 * The operating-system user this process runs as: the name a snapshot, a journal entry and a recovered snapshot record
 * (IS.012 6.6.5), and whether it is root. The JDK names a user without a passwd entry (a container's arbitrary uid,
 * systemd's DynamicUser without nss-systemd) "?", which recorded every such operation as done by "?" (a helper's): such
 * a user is named by the number, "uid 61234". Root is uid 0 with its powers, whatever its name. An operator working
 * through sudo or su runs as root: {@link #login} names who logged in, recorded beside the name (IS.012 6.6.5; the
 * policy's 6.1.3, audit logs name the user ID of each event, and 7.1, operator activity logged).
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
        return java.util.Objects.requireNonNullElse(passwdName(uid), "uid " + uid);
    }

    /**
     * Who logged in, where that is not the user this process runs as, or null: the name of the kernel's login uid
     * ({@code /proc/self/loginuid}, set by the login, sshd or cron and not changed by sudo or su), or else, as root, the
     * user sudo names ({@code SUDO_USER}; a host without pam_loginuid). Every operator's restore through sudo was journaled
     * as "root" (h4's).
     */
    public static String login() {
        return login(read("/proc/self/loginuid"), System.getenv("SUDO_USER"), System.getenv("SUDO_UID"), uid(), name(), OsUser::passwdName);
    }

    /**
     * {@link #login} from what it reads: the content of {@code loginuid} (null where there is none; {@value #NO_LOGIN}
     * is unset: a service, a container), sudo's environment, this process's uid and name, and a uid's name in the system
     * ({@code names}, null for none). A login uid sudo also names ({@code SUDO_UID}) takes sudo's name (a directory's user,
     * not in /etc/passwd); one the system has no name for is "uid N".
     */
    static String login(String loginuid, String sudoUser, String sudoUid, long uid, String user, java.util.function.LongFunction<String> names) {
        long login;
        try {
            login = loginuid == null ? NO_LOGIN : Long.parseLong(loginuid.strip());
        } catch (NumberFormatException notANumber) {
            login = NO_LOGIN;
        }
        String sudo = sudoUser == null || sudoUser.isBlank() || sudoUser.chars().anyMatch(Character::isISOControl) ? null : sudoUser;
        String name;
        if (login != NO_LOGIN) {
            name = login == uid ? null : sudo != null && String.valueOf(login).equals(sudoUid) ? sudo
                    : java.util.Objects.requireNonNullElse(names.apply(login), "uid " + login);
        } else {
            name = uid == 0 ? sudo : null; // IS.012 7.1: sudo says who asked for root's powers
        }
        return name == null || name.equals(user) ? null : name;
    }

    /** The kernel's login uid of a process no login started ((uid_t) -1). */
    static final long NO_LOGIN = 4294967295L;

    /** This process's user as records name it: its name, and who logged in where that is another ({@link #login}). */
    public static String withLogin() {
        return withLogin(name(), login());
    }

    /** "root (login op1)", or "root" where {@code login} is null. */
    public static String withLogin(String user, String login) {
        return login == null ? user : user + " (login " + login + ")";
    }

    /** The name /etc/passwd gives {@code uid}, or null. */
    private static String passwdName(long uid) {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/etc/passwd"))) {
            return lines.map(l -> l.split(":", 4)).filter(f -> f.length > 2 && f[2].equals(String.valueOf(uid))).map(f -> f[0])
                    .findFirst().orElse(null);
        } catch (java.io.IOException | RuntimeException none) {
            return null;
        }
    }

    /** The content of a small file, or null where there is none (not Linux). */
    private static String read(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file));
        } catch (java.io.IOException | RuntimeException none) {
            return null;
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
