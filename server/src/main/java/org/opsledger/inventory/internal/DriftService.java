package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The drift queue (IS.012 6.3.5, 6.3.7): drift items, their verdicts, and the resolution of
 * unauthorised-change alerts — each resolution audited with who resolved it and how.
 */
@Service
class DriftService {

    /** How many open alerts one reconciliation batch re-checks: one question to the change module each. */
    static final int BATCH = 1000;

    record DriftItem(UUID id, UUID itemId, String itemName, UUID baselineId, UUID snapshotId, String kind, String key,
            String expected, String observed, Instant observedAt, String status, String changeNumber, String resolution,
            String resolvedBy, Instant resolvedAt) {
    }

    /** What {@code POST /api/v1/drift/{id}/resolve} sends: what was done about the unauthorised change. */
    record Resolution(String resolution) {
    }

    /** What a reconciliation run did. */
    record Reconciled(int checked, int authorised, int stillAlerts, int batches) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final DriftReconciliation reconciliation;
    private final AuditTrail audit;
    private final Clock clock;

    DriftService(JdbcClient jdbc, JdbcTemplate batch, DriftReconciliation reconciliation, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.reconciliation = reconciliation;
        this.audit = audit;
        this.clock = clock;
    }

    private static final String SELECT = "SELECT d.id, d.item_id, c.name AS item_name, d.baseline_id, d.snapshot_id, d.kind, "
            + "d.key, d.expected, d.observed, d.observed_at, d.status, d.change_number, d.resolution, d.resolved_by, "
            + "d.resolved_at FROM drift_item d JOIN configuration_item c ON c.id = d.item_id";

    /** The drift queue: {@code status} alert (the default), authorized, resolved or all; optionally one item's. */
    @Transactional(readOnly = true)
    PageResult<DriftItem> list(String status, UUID itemId, int page, int size) {
        String s = status == null || status.isBlank() ? "alert" : status.strip();
        if (!List.of("alert", "authorized", "resolved", "all").contains(s)) {
            throw ProblemException.invalid("status", "status is alert, authorized, resolved or all");
        }
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (!s.equals("all")) {
            where.add("d.status = ?");
            params.add(s);
        }
        if (itemId != null) {
            where.add("d.item_id = ?");
            params.add(itemId);
        }
        String clause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        long total = jdbc.sql("SELECT count(*) FROM drift_item d" + clause).params(params).query(Long.class).single();
        params.add(size);
        params.add(PageResult.offset(page, size));
        List<DriftItem> list = jdbc.sql(SELECT + clause + " ORDER BY d.observed_at DESC, d.id LIMIT ? OFFSET ?")
                .params(params).query(DriftService::map).list();
        return new PageResult<>(list, page, size, total);
    }

    @Transactional
    DriftItem resolve(UUID id, Resolution request) {
        DriftItem d = jdbc.sql(SELECT + " WHERE d.id = ? FOR UPDATE OF d").param(id).query(DriftService::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Drift item " + id));
        if (!d.status().equals("alert")) {
            throw ProblemException.conflict("Only an unauthorised-change alert is resolved; this drift item is " + d.status(),
                    "status");
        }
        String resolution = request == null || request.resolution() == null ? "" : request.resolution().strip();
        if (resolution.isEmpty() || resolution.length() > 4000) {
            throw ProblemException.invalid("resolution", "resolution is required (1 to 4000 characters): what was done "
                    + "about the change (reverted, retroactive change request, risk exception…)");
        }
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        jdbc.sql("UPDATE drift_item SET status = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?")
                .params(resolution, actor, ItemRepository.ts(clock.instant()), id).update();
        audit.record(AuditEvent.of("drift.resolve", Access.UPDATE, "drift-item", id.toString())
                .change(Map.of("status", "alert", "drift", d.kind() + " " + d.key()),
                        Map.of("status", "resolved", "resolution", resolution)));
        return jdbc.sql(SELECT + " WHERE d.id = ?").param(id).query(DriftService::map).single();
    }

    /**
     * Checks every open alert again (a change recorded after the drift was seen may cover it), in
     * batches of {@value #BATCH}: one question to the change module per batch.
     */
    @Transactional
    Reconciled reconcileOpenAlerts() {
        int checked = 0;
        int authorised = 0;
        int batches = 0;
        UUID after = new UUID(Long.MIN_VALUE, Long.MIN_VALUE);
        boolean first = true;
        while (true) {
            List<Object[]> rows = jdbc.sql("SELECT id, item_id, kind, key, expected, observed, observed_at FROM drift_item "
                            + "WHERE status = 'alert'" + (first ? "" : " AND id > ?") + " ORDER BY id LIMIT " + BATCH)
                    .params(first ? List.of() : List.of(after))
                    .query((rs, n) -> new Object[] {rs.getObject("id", UUID.class), new Drift(rs.getObject("item_id", UUID.class),
                            rs.getString("kind"), rs.getString("key"), rs.getString("expected"), rs.getString("observed"),
                            ItemRepository.instant(rs, "observed_at"))})
                    .list();
            if (rows.isEmpty()) {
                break;
            }
            first = false;
            batches++;
            List<DriftReconciliation.Verdict> verdicts = reconciliation.reconcile(rows.stream().map(r -> (Drift) r[1]).toList());
            List<Object[]> updates = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                DriftReconciliation.Verdict v = verdicts.get(i);
                if (v.authorised()) {
                    updates.add(new Object[] {v.changeNumber().orElseThrow(), rows.get(i)[0]});
                }
            }
            batch.batchUpdate("UPDATE drift_item SET status = 'authorized', change_number = ? WHERE id = ? AND status = 'alert'",
                    updates);
            checked += rows.size();
            authorised += updates.size();
            after = (UUID) rows.getLast()[0];
            if (rows.size() < BATCH) {
                break;
            }
        }
        audit.record(AuditEvent.of("drift.reconcile", Access.EXECUTE, "drift-item", null)
                .change(null, Map.of("checked", checked, "authorised", authorised)));
        return new Reconciled(checked, authorised, checked - authorised, batches);
    }

    private static DriftItem map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new DriftItem(rs.getObject("id", UUID.class), rs.getObject("item_id", UUID.class), rs.getString("item_name"),
                rs.getObject("baseline_id", UUID.class), rs.getObject("snapshot_id", UUID.class), rs.getString("kind"),
                rs.getString("key"), rs.getString("expected"), rs.getString("observed"),
                ItemRepository.instant(rs, "observed_at"), rs.getString("status"), rs.getString("change_number"),
                rs.getString("resolution"), rs.getString("resolved_by"), ItemRepository.instant(rs, "resolved_at"));
    }
}
