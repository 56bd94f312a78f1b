package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.SeparationOfDuties;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * End-of-life exceptions (IS.012 6.4.3: "information systems that must remain operational beyond their
 * end-of-life must be approved by the Commonwealth CISO or his or her designee"). Someone requests an
 * exception for an item with a vendor support end, with a justification and an expiry; a security
 * officer other than the requester approves or rejects it. An item past support is covered while an
 * approved exception has not expired.
 */
@Service
class EndOfLifeService {

    /** The longest an exception may run before it is asked for again. */
    static final int MAX_YEARS = 2;

    record NewException(String justification, String expiresOn) {
    }

    record Decision(String note) {
    }

    record EolException(UUID id, UUID itemId, String itemName, String justification, LocalDate expiresOn, String status,
            String requestedBy, Instant requestedAt, String decidedBy, Instant decidedAt, String decisionNote) {
    }

    private final JdbcClient jdbc;
    private final ItemRepository items;
    private final SeparationOfDuties duties;
    private final AuditTrail audit;
    private final Clock clock;

    EndOfLifeService(JdbcClient jdbc, ItemRepository items, SeparationOfDuties duties, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.items = items;
        this.duties = duties;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    EolException request(UUID itemId, NewException request) {
        ConfigurationItem item = items.lock(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        if (item.vendorSupportEnds() == null) {
            throw ProblemException.invalid("itemId", item.name() + " has no vendor support end: set vendorSupportEnds first");
        }
        String justification = request.justification() == null ? "" : request.justification().strip();
        if (justification.isEmpty() || justification.length() > 4000) {
            throw ProblemException.invalid("justification", "justification is required (1 to 4000 characters): why the "
                    + "system must stay in use, and what reduces the risk meanwhile");
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate expires;
        try {
            expires = LocalDate.parse(request.expiresOn() == null ? "" : request.expiresOn().strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("expiresOn", "expiresOn is required: YYYY-MM-DD");
        }
        if (!expires.isAfter(today) || expires.isAfter(today.plusYears(MAX_YEARS))) {
            throw ProblemException.invalid("expiresOn", "An exception expires after today and within " + MAX_YEARS + " years");
        }
        UUID id = UUID.randomUUID();
        String actor = actor();
        jdbc.sql("INSERT INTO eol_exception (id, item_id, justification, expires_on, status, requested_by, requested_at) "
                        + "VALUES (?, ?, ?, ?, 'requested', ?, ?)")
                .params(id, itemId, justification, ItemRepository.date(expires), actor, ItemRepository.ts(clock.instant()))
                .update();
        audit.record(AuditEvent.of("item.eol-exception.request", Access.CREATE, "eol-exception", id.toString())
                .change(null, Map.of("item", itemId.toString(), "expiresOn", expires.toString(),
                        "vendorSupportEnds", item.vendorSupportEnds().toString())));
        return get(id);
    }

    /** A security officer's decision; never the requester's (requester-not-approver). */
    @Transactional
    EolException decide(UUID id, boolean approve, Decision decision) {
        EolException e = jdbc.sql(SELECT + " WHERE e.id = ? FOR UPDATE OF e").param(id).query(EndOfLifeService::map)
                .optional().orElseThrow(() -> ProblemException.notFound("End-of-life exception " + id));
        if (!e.status().equals("requested")) {
            throw ProblemException.conflict("This exception was already " + e.status() + " by " + e.decidedBy(), "status");
        }
        // IS.012 6.4.3 with ECOMP 3: the person who asked for the exception may not grant it
        duties.checkActor("requester-not-approver", "eol-exception", id.toString(), e.requestedBy());
        String note = decision == null || decision.note() == null || decision.note().isBlank() ? null : decision.note().strip();
        if (!approve && note == null) {
            throw ProblemException.invalid("note", "A rejection says why (note)");
        }
        if (note != null && note.length() > 4000) {
            throw ProblemException.invalid("note", "note is at most 4000 characters");
        }
        String status = approve ? "approved" : "rejected";
        jdbc.sql("UPDATE eol_exception SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?")
                .params(status, actor(), ItemRepository.ts(clock.instant()), note, id).update();
        audit.record(AuditEvent.of("item.eol-exception." + (approve ? "approve" : "reject"), Access.UPDATE, "eol-exception",
                id.toString()).change(Map.of("status", "requested"), Map.of("status", status, "item", e.itemId().toString(),
                "expiresOn", e.expiresOn().toString())));
        return get(id);
    }

    @Transactional(readOnly = true)
    EolException get(UUID id) {
        return jdbc.sql(SELECT + " WHERE e.id = ?").param(id).query(EndOfLifeService::map).optional()
                .orElseThrow(() -> ProblemException.notFound("End-of-life exception " + id));
    }

    /** Exceptions, newest first: {@code status} requested, approved, rejected or all (the default); optionally one item's. */
    @Transactional(readOnly = true)
    PageResult<EolException> list(String status, UUID itemId, int page, int size) {
        String s = status == null || status.isBlank() ? "all" : status.strip();
        if (!List.of("requested", "approved", "rejected", "all").contains(s)) {
            throw ProblemException.invalid("status", "status is requested, approved, rejected or all");
        }
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (!s.equals("all")) {
            where.add("e.status = ?");
            params.add(s);
        }
        if (itemId != null) {
            where.add("e.item_id = ?");
            params.add(itemId);
        }
        String clause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        long total = jdbc.sql("SELECT count(*) FROM eol_exception e" + clause).params(params).query(Long.class).single();
        params.add(size);
        params.add(PageResult.offset(page, size));
        return new PageResult<>(jdbc.sql(SELECT + clause + " ORDER BY e.requested_at DESC, e.id LIMIT ? OFFSET ?")
                .params(params).query(EndOfLifeService::map).list(), page, size, total);
    }

    private static final String SELECT = "SELECT e.*, c.name AS item_name FROM eol_exception e "
            + "JOIN configuration_item c ON c.id = e.item_id";

    /** Items past vendor support, in use, with no approved exception running on {@code today}. */
    static final String UNCOVERED = "FROM configuration_item c WHERE c.vendor_support_ends < ? "
            + "AND c.lifecycle <> 'decommissioned' AND NOT EXISTS (SELECT 1 FROM eol_exception e WHERE e.item_id = c.id "
            + "AND e.status = 'approved' AND e.expires_on >= ?)";

    private static String actor() {
        return SecurityContextHolder.getContext().getAuthentication().getName();
    }

    private static EolException map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new EolException(rs.getObject("id", UUID.class), rs.getObject("item_id", UUID.class), rs.getString("item_name"),
                rs.getString("justification"), rs.getDate("expires_on").toLocalDate(), rs.getString("status"),
                rs.getString("requested_by"), ItemRepository.instant(rs, "requested_at"), rs.getString("decided_by"),
                ItemRepository.instant(rs, "decided_at"), rs.getString("decision_note"));
    }
}
