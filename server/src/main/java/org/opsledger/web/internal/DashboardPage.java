package org.opsledger.web.internal;

import org.opsledger.audit.AuditQuery;
import org.opsledger.audit.AuditTrail;
import org.opsledger.audit.Outcome;
import org.opsledger.change.ChangeOverview;
import org.opsledger.compliance.Compliance;
import org.opsledger.compliance.ControlStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard: compliance at a glance and, for those who may see it, the latest refusals. */
@Controller
class DashboardPage {

    private final Compliance compliance;
    private final AuditTrail audit;
    private final ChangeOverview changes;

    DashboardPage(Compliance compliance, AuditTrail audit, ChangeOverview changes) {
        this.compliance = compliance;
        this.audit = audit;
        this.changes = changes;
    }

    @GetMapping("/")
    String dashboard(Model model) {
        model.addAttribute("section", "dashboard");
        model.addAttribute("summary", compliance.summary());
        model.addAttribute("statuses", ControlStatus.values());
        NavigationAdvice.Nav nav = (NavigationAdvice.Nav) model.getAttribute("nav");
        if (nav != null && nav.changes()) {
            model.addAttribute("changes", changes.summary());
        }
        if (nav != null && nav.audit()) {
            model.addAttribute("denied", audit.search(AuditQuery.withOutcome(Outcome.DENIED), 0, 5));
            model.addAttribute("failed", audit.search(AuditQuery.withOutcome(Outcome.FAILURE), 0, 5));
        }
        return "web/dashboard";
    }
}
