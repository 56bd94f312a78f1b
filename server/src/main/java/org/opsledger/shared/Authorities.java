package org.opsledger.shared;

/** Authority names that modules other than identity need to read. */
public final class Authorities {

    /** Granted alongside the roles that administer systems (ECOMP 6.1.8: use of privileged accounts). */
    public static final String PRIVILEGED = "PRIVILEGED";

    /** Granted to a person who must change the password before anything else. */
    public static final String PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED";

    private Authorities() {
    }
}
