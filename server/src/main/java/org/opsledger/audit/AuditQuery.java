package org.opsledger.audit;

import java.time.Instant;

/** Filters for searching the audit trail; null means "any". */
public record AuditQuery(String actor, String action, Outcome outcome, String objectType, String objectId,
        Instant from, Instant to) {

    /** Every entry with this outcome: the dashboard's latest refusals and failures. */
    public static AuditQuery withOutcome(Outcome outcome) {
        return new AuditQuery(null, null, outcome, null, null, null, null);
    }
}
