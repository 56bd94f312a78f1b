package org.opsledger.audit.controls;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opsledger.audit.AuditMonitoring;
import org.opsledger.audit.ClockStatus;
import org.opsledger.audit.ForwardingStatus;
import org.opsledger.compliance.ControlEvaluator;
import org.springframework.stereotype.Component;

/**
 * The controls the trail's monitoring decides from its own records: clocks in step with the agreed
 * time source (ECOMP 12) and the logs on their way to the enterprise SIEM (IS.012 6.7.2.5).
 */
@Component
class MonitoringControls implements ControlEvaluator {

    private static final int MAX_LISTED = 10;

    private final AuditMonitoring monitoring;

    MonitoringControls(AuditMonitoring monitoring) {
        this.monitoring = monitoring;
    }

    @Override
    public Set<String> controls() {
        return Set.of("ECOMP-12", "IS.012-6.7.2.5");
    }

    @Override
    public Result evaluate(String controlId, Instant now) {
        return switch (controlId) {
            // ECOMP 12: system clocks synchronised with an agreed time source
            case "ECOMP-12" -> clockInSync(now);
            // IS.012 6.7.2.5: logs are sent to the enterprise SIEM
            case "IS.012-6.7.2.5" -> forwardedToSiem(now);
            default -> throw new IllegalArgumentException(controlId);
        };
    }

    private Result clockInSync(Instant now) {
        ClockStatus clock = monitoring.clock(now);
        List<String> reasons = new ArrayList<>();
        reasons.add(clock.summary());
        clock.readings().stream().limit(MAX_LISTED).forEach(r -> reasons.add(String.format(Locale.ROOT,
                "%s against %s at %s: %s (audit entry %d).", r.system(), r.server(), r.at(),
                r.offsetMs() == null ? r.reason() : String.format(Locale.ROOT, "offset %.1f ms", r.offsetMs()), r.entryId())));
        if (clock.verdict() == ClockStatus.Verdict.IN_SYNC) {
            reasons.add("Each node's latest check is within its interval plus 10 min, every offset within 1 s.");
            return Result.compliant(reasons.toArray(String[]::new));
        }
        return Result.notCompliant(reasons);
    }

    private Result forwardedToSiem(Instant now) {
        ForwardingStatus f = monitoring.forwarding(now);
        return switch (f.state()) {
            case OFF -> Result.notCompliant(List.of("Audit entries are not sent to an enterprise SIEM: set "
                    + "opsledger.audit.siem.enabled and its destination (docs/operations.md)."));
            case NOT_STARTED -> Result.notCompliant(List.of("Forwarding to " + f.destination()
                    + " is configured but no node has sent anything yet."));
            default -> forwardingProgress(f);
        };
    }

    private static Result forwardingProgress(ForwardingStatus f) {
        List<String> reasons = new ArrayList<>();
        reasons.add(f.forwarded() + " of " + f.treeSize() + " ledger entries sent to " + f.destination()
                + (f.lastForwarded() == null ? "" : ", the last batch at " + f.lastForwarded()) + ".");
        if (f.backlog() > 0) {
            reasons.add(f.backlog() + " waiting; the oldest since " + f.oldestUnforwarded() + " (" + minutes(f.lag())
                    + ", allowed " + minutes(f.lagThreshold()) + ").");
        }
        if (f.failingSince() != null) {
            reasons.add("The destination fails since " + f.failingSince() + ": " + f.lastFailure()
                    + " (recorded in the trail as siem.forward).");
        }
        if (f.withinThreshold()) {
            reasons.add("Entries and signed checkpoints carry their sequence number, so the SIEM can tell a gap.");
            return Result.compliant(reasons.toArray(String[]::new));
        }
        return Result.notCompliant(reasons);
    }

    private static String minutes(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
