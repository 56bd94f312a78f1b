package org.opsledger.audit.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditQuery;
import org.opsledger.audit.AuditTrail;
import org.opsledger.audit.Outcome;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit browser: auditors and security officers filter the trail (ECOMP 6.2, 7.2). */
@Controller
class AuditPages {

    private final AuditTrail trail;

    AuditPages(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping("/audit")
    @PreAuthorize("hasAnyRole('AUDITOR','SECURITY_OFFICER')")
    String browse(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) Outcome outcome, @RequestParam(required = false) String objectType,
            @RequestParam(required = false) String objectId, @RequestParam(required = false) LocalDate from,
            @RequestParam(required = false) LocalDate to, @RequestParam(defaultValue = "0") int page, Model model) {
        Instant fromTime = from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant toTime = to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        AuditQuery query = new AuditQuery(actor, action, outcome, objectType, objectId, fromTime, toTime);
        model.addAttribute("section", "audit");
        model.addAttribute("page", trail.search(query, Math.max(0, page), 50));
        model.addAttribute("q", query);
        model.addAttribute("fromDate", from);
        model.addAttribute("toDate", to);
        model.addAttribute("outcomes", Outcome.values());
        trail.record(AuditEvent.of("audit.search", Access.READ, "audit-trail", null));
        return "audit/browse";
    }
}
