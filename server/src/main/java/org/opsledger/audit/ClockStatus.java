package org.opsledger.audit;

import java.time.Instant;
import java.util.List;

/**
 * ECOMP 12 as the trail records it: the latest {@code clock.check} of every node and time server
 * seen in the last 24 hours.
 *
 * @param verdict  the worst of the readings
 * @param readings newest first
 * @param summary  one sentence for people
 */
public record ClockStatus(Verdict verdict, List<Reading> readings, String summary) {

    public ClockStatus {
        readings = List.copyOf(readings);
    }

    /** Best to worst. */
    public enum Verdict {
        /** Every node checked within its interval and was within the allowed offset. */
        IN_SYNC,
        /** A node's last check is older than its interval plus ten minutes. */
        OVERDUE,
        /** A node's last check found an offset over the limit, or no answer: the alarm. */
        OUT_OF_SYNC,
        /** No node has checked its clock in the last 24 hours (or no time server is configured). */
        NOT_CHECKED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One node's latest check against one server.
     *
     * @param offsetMs the measured offset; null without an answer
     * @param entryId  the audit entry that recorded it
     */
    public record Reading(String system, String server, Instant at, boolean inSync, Double offsetMs, String reason,
            long entryId) {
    }
}
