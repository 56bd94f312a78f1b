package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
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
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configuration snapshots and baselines (IS.012 6.3.3, 6.3.5). A snapshot records an item's settings
 * and file hashes as a tool saw them; an approved snapshot becomes the item's baseline; every later
 * snapshot is compared with it, and each difference not recorded before becomes a drift item,
 * reconciled with approved changes as it is recorded.
 */
@Service
class SnapshotService {

    static final int MAX_ENTRIES = 20_000;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    /** What {@code POST /api/v1/items/{id}/snapshots} sends. */
    record NewSnapshot(Instant observedAt, String source, Map<String, String> settings, Map<String, String> files) {
    }

    record Snapshot(UUID id, UUID itemId, Instant observedAt, String source, Map<String, String> settings,
            Map<String, String> files, Instant receivedAt, String receivedBy, Instant approvedAt, String approvedBy,
            boolean baseline) {
    }

    /**
     * What recording a snapshot found.
     *
     * @param baselineId   the baseline it was compared with, or null when the item has none yet
     * @param differences  differences from the baseline, recorded now or before
     * @param newDrift     drift items recorded now
     * @param authorised   of those, covered by an approved change
     * @param alerts       of those, unauthorised-change alerts
     */
    record Recorded(Snapshot snapshot, UUID baselineId, int differences, int newDrift, int authorised, int alerts) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final ItemRepository items;
    private final DriftReconciliation reconciliation;
    private final AuditTrail audit;
    private final Clock clock;

    SnapshotService(JdbcClient jdbc, JdbcTemplate batch, ItemRepository items, DriftReconciliation reconciliation,
            AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.items = items;
        this.reconciliation = reconciliation;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Recorded record(UUID itemId, NewSnapshot request) {
        items.lock(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        Instant now = clock.instant();
        Instant observedAt = request.observedAt() == null ? now : request.observedAt();
        if (observedAt.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw ProblemException.invalid("observedAt", "observedAt is in the future");
        }
        String source = request.source() == null || request.source().isBlank() ? null : request.source().strip();
        if (source == null || source.length() > 200) {
            throw ProblemException.invalid("source", "source names the tool that took the snapshot (1 to 200 characters)");
        }
        Map<String, String> settings = entries("settings", request.settings(), false);
        Map<String, String> files = entries("files", request.files(), true);
        if (settings.size() + files.size() > MAX_ENTRIES) {
            throw ProblemException.invalid("settings", "At most " + MAX_ENTRIES + " settings and files per snapshot");
        }
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO config_snapshot (id, item_id, observed_at, source, settings, files, received_at, received_by) "
                        + "VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)")
                .params(id, itemId, ItemRepository.ts(observedAt), source, JSON.writeValueAsString(settings),
                        JSON.writeValueAsString(files), ItemRepository.ts(now), actor)
                .update();
        Snapshot snapshot = new Snapshot(id, itemId, observedAt, source, settings, files, now, actor, null, null, false);
        Snapshot baseline = baseline(itemId);
        int differences = 0;
        int authorised = 0;
        int alerts = 0;
        if (baseline != null) {
            List<Drift> all = Drift.between(itemId, baseline.settings(), baseline.files(), settings, files, observedAt);
            differences = all.size();
            Set<String> known = new HashSet<>(jdbc.sql("SELECT kind || '|' || key || '|' || coalesce(observed, '∅') "
                    + "FROM drift_item WHERE item_id = ? AND baseline_id = ?").params(itemId, baseline.id())
                    .query(String.class).list());
            List<Drift> fresh = all.stream()
                    .filter(d -> !known.contains(d.kind() + "|" + d.key() + "|" + (d.observed() == null ? "∅" : d.observed())))
                    .toList();
            List<DriftReconciliation.Verdict> verdicts = reconciliation.reconcile(fresh);
            List<Object[]> rows = new java.util.ArrayList<>(verdicts.size());
            for (DriftReconciliation.Verdict v : verdicts) {
                Drift d = v.drift();
                if (v.authorised()) {
                    authorised++;
                } else {
                    alerts++;
                }
                rows.add(new Object[] {UUID.randomUUID(), itemId, baseline.id(), id, d.kind(), d.key(), d.expected(),
                        d.observed(), ItemRepository.ts(d.observedAt()), v.authorised() ? "authorized" : "alert",
                        v.changeNumber().orElse(null)});
            }
            batch.batchUpdate("INSERT INTO drift_item (id, item_id, baseline_id, snapshot_id, kind, key, expected, observed, "
                    + "observed_at, status, change_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("snapshot", id.toString());
        after.put("source", source);
        after.put("settings", settings.size());
        after.put("files", files.size());
        after.put("baseline", baseline == null ? "" : baseline.id().toString());
        after.put("newDriftAuthorised", authorised);
        after.put("newDriftAlerts", alerts);
        audit.record(AuditEvent.of("item.snapshot", Access.CREATE, "configuration-item", itemId.toString()).change(null, after));
        return new Recorded(snapshot, baseline == null ? null : baseline.id(), differences, authorised + alerts, authorised, alerts);
    }

    /** Makes a snapshot the item's baseline (IS.012 6.3.3: the approved secure configuration). */
    @Transactional
    Snapshot approve(UUID itemId, UUID snapshotId) {
        items.lock(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        Snapshot s = get(itemId, snapshotId);
        Snapshot previous = baseline(itemId);
        if (previous != null && previous.id().equals(snapshotId)) {
            throw ProblemException.conflict("This snapshot is already the item's baseline", "snapshotId");
        }
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        Instant now = clock.instant();
        jdbc.sql("UPDATE config_snapshot SET approved_at = ?, approved_by = ? WHERE id = ? AND approved_at IS NULL")
                .params(ItemRepository.ts(now), actor, snapshotId).update();
        jdbc.sql("INSERT INTO item_baseline (item_id, snapshot_id) VALUES (?, ?) "
                + "ON CONFLICT (item_id) DO UPDATE SET snapshot_id = EXCLUDED.snapshot_id").params(itemId, snapshotId).update();
        audit.record(AuditEvent.of("item.baseline.approve", Access.UPDATE, "configuration-item", itemId.toString())
                .change(Map.of("baseline", previous == null ? "" : previous.id().toString()),
                        Map.of("baseline", snapshotId.toString(), "observedAt", s.observedAt().toString())));
        return get(itemId, snapshotId);
    }

    @Transactional(readOnly = true)
    Snapshot get(UUID itemId, UUID snapshotId) {
        return jdbc.sql(SELECT + " WHERE s.id = ? AND s.item_id = ?").params(snapshotId, itemId).query(SnapshotService::map)
                .optional().orElseThrow(() -> ProblemException.notFound("Snapshot " + snapshotId + " of item " + itemId));
    }

    /** An item's snapshots, newest first, without their contents. */
    @Transactional(readOnly = true)
    PageResult<Snapshot> list(UUID itemId, int page, int size) {
        items.find(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        List<Snapshot> list = jdbc.sql(SELECT.replace("s.settings, s.files", "'{}' AS settings, '{}' AS files")
                        + " WHERE s.item_id = ? ORDER BY s.observed_at DESC, s.id LIMIT ? OFFSET ?")
                .params(itemId, size, PageResult.offset(page, size)).query(SnapshotService::map).list();
        long total = jdbc.sql("SELECT count(*) FROM config_snapshot WHERE item_id = ?").param(itemId).query(Long.class).single();
        return new PageResult<>(list, page, size, total);
    }

    Snapshot baseline(UUID itemId) {
        return jdbc.sql(SELECT + " JOIN item_baseline b ON b.snapshot_id = s.id WHERE b.item_id = ?").param(itemId)
                .query(SnapshotService::map).optional().orElse(null);
    }

    private static final String SELECT = "SELECT s.id, s.item_id, s.observed_at, s.source, s.settings, s.files, "
            + "s.received_at, s.received_by, s.approved_at, s.approved_by, "
            + "EXISTS (SELECT 1 FROM item_baseline ib WHERE ib.snapshot_id = s.id) AS baseline FROM config_snapshot s";

    private static Map<String, String> entries(String field, Map<String, String> given, boolean hashes) {
        Map<String, String> out = new TreeMap<>();
        if (given == null) {
            return out;
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            String key = e.getKey() == null ? "" : e.getKey().strip();
            if (key.isEmpty() || key.length() > 500) {
                throw ProblemException.invalid(field, "Each key of " + field + " is 1 to 500 characters");
            }
            String value = e.getValue();
            if (hashes) {
                value = value == null ? "" : value.strip().toLowerCase(java.util.Locale.ROOT);
                if (value.startsWith("sha256:")) {
                    value = value.substring(7);
                }
                if (!SHA256.matcher(value).matches()) {
                    throw ProblemException.invalid(field, "The hash of " + key + " is not a SHA-256 in hex");
                }
            } else if (value == null || value.length() > 4000) {
                throw ProblemException.invalid(field, "The value of " + key + " is missing or longer than 4000 characters");
            }
            out.put(key, value);
        }
        return out;
    }

    private static Snapshot map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Snapshot(rs.getObject("id", UUID.class), rs.getObject("item_id", UUID.class),
                ItemRepository.instant(rs, "observed_at"), rs.getString("source"), JSON.readValue(rs.getString("settings"), MAP),
                JSON.readValue(rs.getString("files"), MAP), ItemRepository.instant(rs, "received_at"),
                rs.getString("received_by"), ItemRepository.instant(rs, "approved_at"), rs.getString("approved_by"),
                rs.getBoolean("baseline"));
    }
}
