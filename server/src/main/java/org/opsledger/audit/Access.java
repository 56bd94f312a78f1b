package org.opsledger.audit;

/** The kind of access an audit entry records (ECOMP 6.1.9). */
public enum Access {
    CREATE, READ, UPDATE, DELETE, EXECUTE, LOGIN, LOGOUT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
