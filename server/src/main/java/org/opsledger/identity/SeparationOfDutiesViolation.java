package org.opsledger.identity;

/**
 * A refusal by a separation-of-duties rule (ECOMP 3). The web layer answers 403 with a
 * problem+json body naming the rule, and records the refusal in the audit trail.
 */
public class SeparationOfDutiesViolation extends RuntimeException {

    private final String rule;
    private final String source;
    private final String objectType;
    private final String objectId;

    public SeparationOfDutiesViolation(String rule, String source, String message, String objectType, String objectId) {
        super(message);
        this.rule = rule;
        this.source = source;
        this.objectType = objectType;
        this.objectId = objectId;
    }

    /** The rule's id, e.g. {@code requester-not-approver}. */
    public String rule() {
        return rule;
    }

    /** Where the rule comes from, e.g. {@code IS.012 6.5.4}. */
    public String source() {
        return source;
    }

    public String objectType() {
        return objectType;
    }

    public String objectId() {
        return objectId;
    }
}
