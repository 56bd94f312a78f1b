package org.opsledger.compliance;

/** A control's status (DESIGN.md, shared vocabulary). */
public enum ControlStatus {
    COMPLIANT, NOT_COMPLIANT, NOT_ASSESSED, EXPIRED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
