package org.opsledger.audit;

import java.time.Instant;

/**
 * The trail's own health as its records show it, for the dashboard and the control evaluators:
 * the clock check (ECOMP 12) and SIEM forwarding (IS.012 6.7.2.5). Read-only.
 */
public interface AuditMonitoring {

    ClockStatus clock(Instant now);

    ForwardingStatus forwarding(Instant now);
}
