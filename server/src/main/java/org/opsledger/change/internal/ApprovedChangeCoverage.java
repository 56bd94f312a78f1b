package org.opsledger.change.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.opsledger.shared.ChangeCoverage;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * "Is there an approved change covering item X at time T?" for drift reconciliation (IS.012 6.3.5,
 * 6.3.7) and release gates (6.5): one query for a whole batch of items.
 */
@Component
class ApprovedChangeCoverage implements ChangeCoverage {

    private final JdbcClient jdbc;

    ApprovedChangeCoverage(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An emergency change being implemented without a planned end is covered until it finishes. */
    private static Instant end(Instant plannedEnd) {
        return plannedEnd == null ? Instant.MAX : plannedEnd;
    }

    @Override
    @Transactional(readOnly = true)
    public List<ApprovedWindow> approvedWindows(Collection<UUID> itemIds, Instant from, Instant to) {
        if (itemIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT c.number, i.item_id, c.planned_start, c.planned_end FROM change_item i "
                + "JOIN change_request c ON c.id = i.change_id WHERE i.item_id = ANY (?) AND c.state IN ("
                + ChangeState.wireNames(ChangeState.APPROVED_OR_LATER) + ") AND c.planned_start <= ? AND COALESCE(c.planned_end, 'infinity') >= ? "
                + "ORDER BY i.item_id, c.planned_start")
                .params(itemIds.toArray(UUID[]::new), ChangeRepository.ts(to), ChangeRepository.ts(from))
                .query((rs, n) -> new ApprovedWindow(rs.getString(1), rs.getObject(2, UUID.class), ChangeRepository.instant(rs, "planned_start"),
                        end(ChangeRepository.instant(rs, "planned_end"))))
                .list();
    }
}
