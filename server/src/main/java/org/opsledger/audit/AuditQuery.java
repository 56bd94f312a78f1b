package org.opsledger.audit;

import java.time.Instant;

/** Filters for searching the audit trail; null means "any". */
public record AuditQuery(String actor, String action, Outcome outcome, String objectType, String objectId,
        Instant from, Instant to) {

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, null, null);
    }
}
