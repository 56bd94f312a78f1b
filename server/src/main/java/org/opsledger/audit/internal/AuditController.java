package org.opsledger.audit.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditQuery;
import org.opsledger.audit.AuditRecord;
import org.opsledger.audit.AuditTrail;
import org.opsledger.audit.Outcome;
import org.opsledger.shared.PageResult;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/audit}: auditors and security officers search the trail (ECOMP 6.2, 7.2). */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditTrail trail;

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('AUDITOR','SECURITY_OFFICER')")
    @Operation(summary = "Search the audit trail, newest first")
    PageResult<AuditRecord> search(@RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) Outcome outcome,
            @RequestParam(required = false) String objectType,
            @RequestParam(required = false) String objectId,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        AuditQuery query = new AuditQuery(actor, action, outcome, objectType, objectId, from, to);
        PageResult<AuditRecord> result = trail.search(query, Math.max(0, page), PageResult.clampSize(size));
        // ECOMP 6.1.9: reading the audit trail is itself an access worth recording.
        trail.record(AuditEvent.of("audit.search", Access.READ, "audit-trail", null));
        return result;
    }
}
