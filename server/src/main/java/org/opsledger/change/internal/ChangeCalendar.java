package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The change calendar: blackout windows (no change), maintenance windows per configuration item,
 * and the conflicts a planned window has with them and with other approved changes on the same items.
 */
@Service
class ChangeCalendar {

    /** A blackout (item null: everything) or a maintenance window of one item. */
    record Window(UUID id, String kind, String name, UUID itemId, Instant start, Instant end, String createdBy) {
    }

    /** What a window is asked for with. */
    record NewWindow(String kind, String name, String itemId, String start, String end) {
    }

    /**
     * One conflict of a planned window.
     *
     * @param kind    {@code blackout}, {@code change} (same item, overlapping window) or {@code outside-maintenance}
     * @param subject the blackout's name, the other change's number or the item's id
     */
    record Conflict(String kind, String subject, String detail, Instant start, Instant end) {

        boolean blocking() {
            return kind.equals("blackout");
        }
    }

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    ChangeCalendar(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Window create(NewWindow request) {
        String kind = request.kind() == null ? "" : request.kind().toLowerCase(Locale.ROOT);
        if (!kind.equals("blackout") && !kind.equals("maintenance")) {
            throw ProblemException.invalid("kind", "kind is 'blackout' or 'maintenance'");
        }
        String name = ChangeService.text(request.name(), "name", 200, true);
        UUID item = request.itemId() == null || request.itemId().isBlank() ? null : ChangeService.uuid(request.itemId(), "itemId");
        if (kind.equals("maintenance") && item == null) {
            throw ProblemException.invalid("itemId", "A maintenance window belongs to one configuration item");
        }
        Instant start = ChangeService.instant(request.start(), "start", true);
        Instant end = ChangeService.instant(request.end(), "end", true);
        if (!end.isAfter(start)) {
            throw ProblemException.invalid("end", "end must be after start");
        }
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        Window window = new Window(UUID.randomUUID(), kind, name, item, start, end, actor);
        jdbc.sql("INSERT INTO change_window (id, kind, name, item_id, starts_at, ends_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(window.id(), kind, name, item, ChangeRepository.ts(start), ChangeRepository.ts(end), actor,
                        ChangeRepository.ts(clock.instant()))
                .update();
        java.util.Map<String, Object> after = new java.util.LinkedHashMap<>();
        after.put("kind", kind);
        after.put("name", name);
        after.put("start", start.toString());
        after.put("end", end.toString());
        if (item != null) {
            after.put("itemId", item.toString());
        }
        audit.record(AuditEvent.of("change.window.create", Access.CREATE, "change-window", window.id().toString()).change(null, after));
        return window;
    }

    @Transactional(readOnly = true)
    PageResult<Window> list(Instant from, Instant to, int page, int size) {
        Instant f = from == null ? Instant.EPOCH : from;
        Instant t = to == null ? Instant.parse("9999-12-31T00:00:00Z") : to;
        List<Window> windows = jdbc.sql("SELECT id, kind, name, item_id, starts_at, ends_at, created_by FROM change_window "
                + "WHERE ends_at > ? AND starts_at < ? ORDER BY starts_at, id LIMIT ? OFFSET ?")
                .params(ChangeRepository.ts(f), ChangeRepository.ts(t), size, PageResult.offset(page, size)).query(ChangeCalendar::row).list();
        long total = jdbc.sql("SELECT count(*) FROM change_window WHERE ends_at > ? AND starts_at < ?")
                .params(ChangeRepository.ts(f), ChangeRepository.ts(t)).query(Long.class).single();
        return new PageResult<>(windows, page, size, total);
    }

    private static Window row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Window(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                ChangeRepository.instant(rs, "starts_at"), ChangeRepository.instant(rs, "ends_at"), rs.getString(7));
    }

    /**
     * The conflicts of a planned window on these items: blackouts it overlaps, approved changes on the
     * same items whose windows overlap it, and items with maintenance windows it falls outside of.
     */
    @Transactional(readOnly = true)
    List<Conflict> conflicts(UUID changeId, Collection<UUID> items, Instant start, Instant end) {
        List<Conflict> conflicts = new ArrayList<>();
        if (start == null || end == null) {
            return conflicts;
        }
        UUID[] ids = items.toArray(UUID[]::new);
        jdbc.sql("SELECT name, starts_at, ends_at, item_id FROM change_window WHERE kind = 'blackout' AND starts_at < ? AND ends_at > ? "
                + "AND (item_id IS NULL OR item_id = ANY (?)) ORDER BY starts_at")
                .params(ChangeRepository.ts(end), ChangeRepository.ts(start), ids)
                .query((rs, n) -> new Conflict("blackout", rs.getString(1), "inside blackout window '" + rs.getString(1) + "'"
                        + (rs.getObject(4) == null ? "" : " of item " + rs.getObject(4)),
                        ChangeRepository.instant(rs, "starts_at"), ChangeRepository.instant(rs, "ends_at")))
                .list().forEach(conflicts::add);
        if (ids.length == 0) {
            return conflicts;
        }
        // IS.012 6.2.4: two changes on one item at the same time are planned against each other
        jdbc.sql("SELECT DISTINCT c.number, c.title, c.planned_start, c.planned_end FROM change_item i "
                + "JOIN change_request c ON c.id = i.change_id WHERE i.item_id = ANY (?) AND c.id <> ? "
                + "AND c.state IN ('approved', 'scheduled', 'implementing') AND c.planned_start < ? AND c.planned_end > ? "
                + "ORDER BY c.planned_start, c.number LIMIT 100")
                .params(ids, changeId, ChangeRepository.ts(end), ChangeRepository.ts(start))
                .query((rs, n) -> new Conflict("change", rs.getString(1), "overlaps " + rs.getString(1) + " (" + rs.getString(2)
                        + ") on the same item", ChangeRepository.instant(rs, "planned_start"), ChangeRepository.instant(rs, "planned_end")))
                .list().forEach(conflicts::add);
        jdbc.sql("SELECT item_id FROM change_window WHERE kind = 'maintenance' AND item_id = ANY (?) GROUP BY item_id "
                + "HAVING NOT bool_or(starts_at <= ? AND ends_at >= ?) ORDER BY item_id")
                .params(ids, ChangeRepository.ts(start), ChangeRepository.ts(end))
                .query((rs, n) -> new Conflict("outside-maintenance", rs.getString(1), "outside every maintenance window of item "
                        + rs.getString(1), start, end))
                .list().forEach(conflicts::add);
        return conflicts;
    }
}
