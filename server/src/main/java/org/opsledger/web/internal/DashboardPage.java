package org.opsledger.web.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.opsledger.audit.AuditMonitoring;
import org.opsledger.audit.AuditQuery;
import org.opsledger.audit.AuditTrail;
import org.opsledger.audit.ClockStatus;
import org.opsledger.audit.ForwardingStatus;
import org.opsledger.audit.Outcome;
import org.opsledger.change.ChangeOverview;
import org.opsledger.compliance.Compliance;
import org.opsledger.compliance.ControlStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The dashboard: compliance at a glance; for those who may see them, the latest refusals and the
 * trail's health (clock check, SIEM forwarding).
 */
@Controller
class DashboardPage {

    private final Compliance compliance;
    private final AuditTrail audit;
    private final AuditMonitoring monitoring;
    private final ChangeOverview changes;
    private final Clock clock;

    DashboardPage(Compliance compliance, AuditTrail audit, AuditMonitoring monitoring, ChangeOverview changes, Clock clock) {
        this.compliance = compliance;
        this.audit = audit;
        this.monitoring = monitoring;
        this.changes = changes;
        this.clock = clock;
    }

    /** One health tile: what it is about, its state in a word, how that looks, and a sentence. */
    record HealthTile(String id, String title, String state, String tone, String detail) {
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
        if (nav != null && nav.trailHealth()) {
            Instant now = clock.instant();
            model.addAttribute("health", List.of(clockTile(monitoring.clock(now)), forwardingTile(monitoring.forwarding(now))));
        }
        return "web/dashboard";
    }

    // ECOMP 12: the clock check's latest rounds
    static HealthTile clockTile(ClockStatus c) {
        String tone = switch (c.verdict()) {
            case IN_SYNC -> "compliant";
            case OVERDUE -> "expired";
            case OUT_OF_SYNC -> "not-compliant";
            case NOT_CHECKED -> "not-assessed";
        };
        return new HealthTile("clock-tile", "Clock (ECOMP 12)", c.verdict().wireName(), tone, c.summary());
    }

    // IS.012 6.7.2.5: the SIEM cursor against the ledger
    static HealthTile forwardingTile(ForwardingStatus f) {
        String tone = switch (f.state()) {
            case UP_TO_DATE, BEHIND -> "compliant";
            case LAGGING, FAILING -> "not-compliant";
            case OFF, NOT_STARTED -> "not-assessed";
        };
        String detail = switch (f.state()) {
            case OFF -> "Forwarding is off (opsledger.audit.siem.enabled).";
            case NOT_STARTED -> "Nothing sent to " + f.destination() + " yet.";
            default -> f.forwarded() + " of " + f.treeSize() + " entries sent to " + f.destination()
                    + (f.backlog() == 0 ? "." : "; " + f.backlog() + " waiting, the oldest for " + f.lag().toSeconds() + " s.")
                    + (f.failingSince() == null ? "" : " Failing since " + f.failingSince() + ".");
        };
        return new HealthTile("siem-tile", "SIEM forwarding (IS.012 6.7.2.5)", f.state().wireName(), tone, detail);
    }
}
