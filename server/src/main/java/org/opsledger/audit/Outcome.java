package org.opsledger.audit;

/** How the attempt ended (ECOMP 6.1.6: successful and unsuccessful accesses). */
public enum Outcome {
    /** Done. */
    SUCCESS,
    /** Attempted and failed: bad credentials, bad input, a conflict. */
    FAILURE,
    /** Refused by an access rule or a separation-of-duties rule. */
    DENIED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
