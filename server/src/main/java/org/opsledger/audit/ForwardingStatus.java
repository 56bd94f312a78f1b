package org.opsledger.audit;

import java.time.Duration;
import java.time.Instant;

/**
 * Where SIEM forwarding stands (IS.012 6.7.2.5): the configured destination's cursor against the
 * ledger.
 *
 * @param destination        {@code tls://host:port}; null when forwarding is off
 * @param treeSize           leaves in the ledger
 * @param forwarded          leaves sent (the cursor)
 * @param oldestUnforwarded  when the first entry not yet sent was written; null when none waits
 * @param lastForwarded      when a batch last went out; null if never
 * @param failingSince       when the current outage began; null when forwarding works
 * @param lastFailure        what the last failed attempt said; may outlive the outage
 * @param lagThreshold       how old the oldest unsent entry may get
 * @param lag                how long the oldest unsent entry has waited; zero when none waits
 */
public record ForwardingStatus(State state, String destination, long treeSize, long forwarded, Instant oldestUnforwarded,
        Instant lastForwarded, Instant failingSince, String lastFailure, Duration lagThreshold, Duration lag) {

    public enum State {
        /** {@code opsledger.audit.siem.enabled} is false: nothing leaves the platform. */
        OFF,
        /** Enabled, but no node has started forwarding to this destination yet. */
        NOT_STARTED,
        /** Every leaf has been sent. */
        UP_TO_DATE,
        /** Entries wait, none longer than the threshold. */
        BEHIND,
        /** The oldest unsent entry waits longer than the threshold. */
        LAGGING,
        /** The destination cannot be reached (an outage the trail has recorded). */
        FAILING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Entries not yet sent. */
    public long backlog() {
        return Math.max(0, treeSize - forwarded);
    }

    /** Whether the oldest unsent entry is younger than the threshold (IS.012 6.7.2.5 evaluator). */
    public boolean withinThreshold() {
        return state != State.OFF && state != State.NOT_STARTED && lag.compareTo(lagThreshold) <= 0;
    }
}
