package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * The unauthorised-asset queue (IS.012 6.3.2: "establish an action plan to address unauthorized
 * information systems on the network"). Each host discovery found and the inventory does not know
 * waits here until someone dispositions it: adds it to the inventory with an owner, plans its
 * removal by a date, or declares it a false positive with a reason.
 */
@Service
class UnauthorizedAssets {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Entry(UUID id, List<String> macAddresses, List<String> ipAddresses, List<String> hostnames,
            List<Map<String, Object>> openPorts, String osGuess, Instant firstSeenAt, Instant lastSeenAt, String status,
            String note, LocalDate dueDate, UUID itemId, Instant disposedAt, String disposedBy) {

        /** What a person calls the host: its first name, else its first address. */
        public String label() {
            return !hostnames.isEmpty() ? hostnames.getFirst()
                    : !ipAddresses.isEmpty() ? ipAddresses.getFirst() : macAddresses.isEmpty() ? "?" : macAddresses.getFirst();
        }
    }

    /**
     * A disposition.
     *
     * @param disposition {@code add-to-inventory}, {@code remove} or {@code false-positive}
     * @param item        for {@code add-to-inventory}: the item's fields (owner required); the host's
     *                    identifiers are added to them, the name defaults to the host's name or address
     * @param note        the action plan ({@code remove}) or the reason ({@code false-positive})
     * @param dueDate     for {@code remove}: by when the host is gone
     */
    record Disposition(String disposition, ItemRequest item, String note, String dueDate) {
    }

    private final JdbcClient jdbc;
    private final ItemService items;
    private final AuditTrail audit;
    private final Clock clock;

    UnauthorizedAssets(JdbcClient jdbc, ItemService items, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.items = items;
        this.audit = audit;
        this.clock = clock;
    }

    private static final String COLUMNS = "id, mac_addresses, ip_addresses, hostnames, open_ports, os_guess, first_seen_at, "
            + "last_seen_at, status, note, due_date, item_id, disposed_at, disposed_by";

    /** The queue, oldest first; {@code status} {@code open} (the default), a disposition's status, or {@code all}. */
    @Transactional(readOnly = true)
    PageResult<Entry> list(String status, int page, int size) {
        String s = status == null || status.isBlank() ? "open" : status.strip();
        if (!List.of("open", "added", "removal-planned", "false-positive", "all").contains(s)) {
            throw ProblemException.invalid("status", "status is open, added, removal-planned, false-positive or all");
        }
        String where = s.equals("all") ? "" : " WHERE status = '" + s + "'";
        List<Entry> list = jdbc.sql("SELECT " + COLUMNS + " FROM unauthorized_asset" + where
                        + " ORDER BY first_seen_at, id LIMIT ? OFFSET ?").params(size, PageResult.offset(page, size))
                .query(UnauthorizedAssets::map).list();
        long total = jdbc.sql("SELECT count(*) FROM unauthorized_asset" + where).query(Long.class).single();
        return new PageResult<>(list, page, size, total);
    }

    @Transactional(readOnly = true)
    Entry get(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM unauthorized_asset WHERE id = ?").param(id)
                .query(UnauthorizedAssets::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Unauthorised-asset entry " + id));
    }

    @Transactional
    Entry dispose(UUID id, Disposition request) {
        Entry entry = jdbc.sql("SELECT " + COLUMNS + " FROM unauthorized_asset WHERE id = ? FOR UPDATE").param(id)
                .query(UnauthorizedAssets::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Unauthorised-asset entry " + id));
        if (!entry.status().equals("open")) {
            throw ProblemException.conflict("This host was already dispositioned (" + entry.status() + ") by "
                    + entry.disposedBy(), "disposition");
        }
        String kind = request.disposition() == null ? "" : request.disposition();
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        Instant now = clock.instant();
        String status;
        String note = null;
        LocalDate due = null;
        UUID itemId = null;
        switch (kind) {
            case "add-to-inventory" -> {
                if (request.item() == null) {
                    throw ProblemException.invalid("item", "item is required: at least its owner, kind, tier, environment "
                            + "and classification");
                }
                ConfigurationItem item = items.create(withHostIdentifiers(request.item(), entry));
                itemId = item.id();
                status = "added";
            }
            case "remove" -> {
                note = text("note", request.note(), "the action plan: who removes the host and how");
                due = date(request.dueDate());
                if (!due.isAfter(LocalDate.ofInstant(now, ZoneOffset.UTC))) {
                    throw ProblemException.invalid("dueDate", "The removal is due in the future");
                }
                status = "removal-planned";
            }
            case "false-positive" -> {
                note = text("note", request.note(), "why this is not an unauthorised asset");
                status = "false-positive";
            }
            default -> throw ProblemException.invalid("disposition",
                    "disposition is add-to-inventory, remove or false-positive");
        }
        jdbc.sql("UPDATE unauthorized_asset SET status = ?, note = ?, due_date = ?, item_id = ?, disposed_at = ?, "
                        + "disposed_by = ? WHERE id = ?")
                .params(status, note, ItemRepository.date(due), itemId, ItemRepository.ts(now), actor, id).update();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("status", status);
        after.put("host", entry.label());
        if (note != null) {
            after.put("note", note);
        }
        if (due != null) {
            after.put("dueDate", due.toString());
        }
        if (itemId != null) {
            after.put("item", itemId.toString());
        }
        audit.record(AuditEvent.of("discovery.disposition", Access.UPDATE, "unauthorized-asset", id.toString())
                .change(Map.of("status", "open"), after));
        return get(id);
    }

    private static ItemRequest withHostIdentifiers(ItemRequest r, Entry e) {
        String name = r.name() != null && !r.name().isBlank() ? r.name() : e.label();
        return new ItemRequest(name, r.kind(), r.tier(), r.environment(), r.lifecycle(), r.owner(), r.custodian(),
                r.classification(), union(r.hostnames(), e.hostnames()), union(r.ipAddresses(), e.ipAddresses()),
                union(r.macAddresses(), e.macAddresses()), r.serial(), r.vendorSupportEnds(), r.location());
    }

    private static List<String> union(List<String> given, List<String> seen) {
        List<String> out = new ArrayList<>(given == null ? List.of() : given);
        seen.stream().filter(s -> !out.contains(s)).forEach(out::add);
        return out;
    }

    private static String text(String field, String value, String what) {
        if (value == null || value.isBlank() || value.strip().length() > 4000) {
            throw ProblemException.invalid(field, field + " is required (1 to 4000 characters): " + what);
        }
        return value.strip();
    }

    private static LocalDate date(String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalid("dueDate", "dueDate is required: YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("dueDate", "dueDate is a date: YYYY-MM-DD");
        }
    }

    @SuppressWarnings("unchecked")
    private static Entry map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        java.sql.Date due = rs.getDate("due_date");
        return new Entry(rs.getObject("id", UUID.class), ItemRepository.strings(rs.getArray("mac_addresses")),
                ItemRepository.strings(rs.getArray("ip_addresses")), ItemRepository.strings(rs.getArray("hostnames")),
                JSON.readValue(rs.getString("open_ports"), List.class), rs.getString("os_guess"),
                ItemRepository.instant(rs, "first_seen_at"), ItemRepository.instant(rs, "last_seen_at"),
                rs.getString("status"), rs.getString("note"), due == null ? null : due.toLocalDate(),
                rs.getObject("item_id", UUID.class), ItemRepository.instant(rs, "disposed_at"), rs.getString("disposed_by"));
    }
}
