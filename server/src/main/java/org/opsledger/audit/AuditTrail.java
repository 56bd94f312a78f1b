package org.opsledger.audit;

import org.opsledger.shared.PageResult;

/** The one way to write and read the audit record. */
public interface AuditTrail {

    /**
     * Records the event in the caller's transaction (or a new one if there is none), so the change
     * and its entry commit or roll back together: no change without its record.
     */
    void record(AuditEvent event);

    /**
     * Records the event in a transaction of its own, for attempts that fail or are refused: their
     * entry must stay even though the work they tried rolls back.
     */
    void recordIndependently(AuditEvent event);

    /** Newest first. */
    PageResult<AuditRecord> search(AuditQuery query, int page, int size);
}
