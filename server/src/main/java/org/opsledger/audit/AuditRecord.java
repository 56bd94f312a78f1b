package org.opsledger.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One stored audit entry, as auditors read it. {@code id} is its position in the table; the other
 * fields are the canonical entry (docs/audit-format.md).
 */
public record AuditRecord(long id, Instant time, String system, String actor, String address, String userAgent,
        String protocol, String action, String access, String objectType, String objectId, String outcome,
        String reason, boolean privileged, Map<String, Object> before, Map<String, Object> after) {
}
