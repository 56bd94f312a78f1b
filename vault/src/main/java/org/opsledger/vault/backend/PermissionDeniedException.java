package org.opsledger.vault.backend;

/**
 * A file of the repository this user may not read (EACCES, EPERM): another user's, 0600, in a repository several users
 * write to. Never damage, never a file gone ({@link Backend#isDamage}): its bytes are there and whole, and a check that
 * called it damaged sent a repair that kept zeros of it and deleted it (a tester's).
 */
public final class PermissionDeniedException extends BackendException {

    public PermissionDeniedException(String what, Throwable cause) {
        super("cannot read " + what + ": permission denied: run as the owner of the repository or fix its ownership", cause);
    }

    /**
     * Throws {@code e} when it is one, or what is no file ({@link NotAFileException}: nothing is known of either): for a
     * caller that takes other failures for "no such header", "not a lock".
     */
    public static void passOn(Throwable e) {
        if (e instanceof PermissionDeniedException || e instanceof NotAFileException) {
            throw (BackendException) e;
        }
    }
}
