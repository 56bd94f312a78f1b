package org.opsledger.shared;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * "Is there an approved change covering configuration item X at time T?" — the question other modules
 * ask the change module (drift reconciliation, IS.012 6.3.5, 6.3.7; release gates, 6.5). The change
 * module implements it; it lives here because the change module itself depends on the inventory, which
 * asks it, and modules must not depend on each other in a circle. When no implementation is present,
 * callers treat nothing as covered.
 */
public interface ChangeCoverage {

    /**
     * One approved change's window on one configuration item.
     *
     * @param changeNumber {@code CHG-000123}
     * @param itemId       the configuration item's id in the inventory
     * @param start        the window's start (inclusive)
     * @param end          the window's end (inclusive)
     */
    record ApprovedWindow(String changeNumber, UUID itemId, Instant start, Instant end) {

        public boolean covers(UUID item, Instant at) {
            return itemId.equals(item) && !at.isBefore(start) && !at.isAfter(end);
        }
    }

    /**
     * The windows of changes that were approved for any of {@code itemIds} (approved and every state
     * after it: scheduled, implementing, implemented, failed, under review, closed — never draft,
     * submitted, assessed, in CAB review, rejected or cancelled) that overlap
     * {@code [from, to]}. One call answers a whole batch, so reconciling thousands of drift items is one query.
     */
    List<ApprovedWindow> approvedWindows(Collection<UUID> itemIds, Instant from, Instant to);
}
