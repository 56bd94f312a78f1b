package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
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

/** Typed relationships between items (IS.012 6.3.1): runs on, depends on, connects to, backed up by. */
@Service
class RelationshipService {

    /** What {@code POST /api/v1/items/{id}/relationships} sends: "this item {kind} {target}". */
    record NewRelationship(String kind, UUID target) {
    }

    /**
     * One relationship as seen from an item.
     *
     * @param direction {@code outgoing} (this item runs on the other) or {@code incoming} (the other runs on this)
     */
    record Relationship(UUID id, UUID sourceId, String sourceName, String kind, UUID targetId, String targetName,
            String direction, Instant createdAt, String createdBy) {
    }

    private final JdbcClient jdbc;
    private final ItemRepository items;
    private final AuditTrail audit;
    private final Clock clock;

    RelationshipService(JdbcClient jdbc, ItemRepository items, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.items = items;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Relationship add(UUID sourceId, NewRelationship request) {
        ConfigurationItem source = items.find(sourceId).orElseThrow(() -> ProblemException.notFound("Configuration item " + sourceId));
        RelationshipKind kind = RelationshipKind.fromWireName(request.kind() == null ? "" : request.kind())
                .orElseThrow(() -> ProblemException.invalid("kind", "kind is one of " + String.join(", ",
                        Arrays.stream(RelationshipKind.values()).map(RelationshipKind::wireName).toList())));
        if (request.target() == null) {
            throw ProblemException.invalid("target", "target is the id of the related item");
        }
        if (request.target().equals(sourceId)) {
            throw ProblemException.invalid("target", "An item cannot relate to itself");
        }
        ConfigurationItem target = items.find(request.target())
                .orElseThrow(() -> ProblemException.invalid("target", "No configuration item " + request.target()));
        Instant now = clock.instant();
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        UUID id = UUID.randomUUID();
        int added = jdbc.sql("""
                INSERT INTO item_relationship (id, source_id, kind, target_id, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_id, kind, target_id) DO NOTHING""")
                .params(id, sourceId, kind.wireName(), target.id(), ItemRepository.ts(now), actor).update();
        if (added == 0) {
            throw ProblemException.conflict(source.name() + " already " + kind.phrase() + " " + target.name(), "target");
        }
        audit.record(AuditEvent.of("item.relationship.add", Access.CREATE, "configuration-item", sourceId.toString())
                .change(null, Map.of("relationship", id.toString(), "kind", kind.wireName(), "target", target.id().toString())));
        return new Relationship(id, sourceId, source.name(), kind.wireName(), target.id(), target.name(), "outgoing", now, actor);
    }

    @Transactional
    void remove(UUID itemId, UUID relationshipId) {
        Relationship r = jdbc.sql(SELECT + " WHERE r.id = ? AND (r.source_id = ? OR r.target_id = ?)")
                .params(itemId, relationshipId, itemId, itemId).query(RelationshipService::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Relationship " + relationshipId + " of item " + itemId));
        jdbc.sql("DELETE FROM item_relationship WHERE id = ?").param(relationshipId).update();
        audit.record(AuditEvent.of("item.relationship.remove", Access.DELETE, "configuration-item", r.sourceId().toString())
                .change(Map.of("relationship", r.id().toString(), "kind", r.kind(), "target", r.targetId().toString()), null));
    }

    private static final String SELECT = """
            SELECT r.id, r.source_id, s.name AS source_name, r.kind, r.target_id, t.name AS target_name,
                   CASE WHEN r.source_id = ? THEN 'outgoing' ELSE 'incoming' END AS direction, r.created_at, r.created_by
            FROM item_relationship r JOIN configuration_item s ON s.id = r.source_id
                 JOIN configuration_item t ON t.id = r.target_id""";

    private static Relationship map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Relationship(rs.getObject("id", UUID.class), rs.getObject("source_id", UUID.class),
                rs.getString("source_name"), rs.getString("kind"), rs.getObject("target_id", UUID.class),
                rs.getString("target_name"), rs.getString("direction"), ItemRepository.instant(rs, "created_at"),
                rs.getString("created_by"));
    }

    /** An item's relationships in both directions. */
    @Transactional(readOnly = true)
    PageResult<Relationship> of(UUID itemId, int page, int size) {
        List<Relationship> list = jdbc.sql(SELECT + " WHERE r.source_id = ? OR r.target_id = ? "
                        + "ORDER BY direction DESC, r.kind, lower(t.name), lower(s.name) LIMIT ? OFFSET ?")
                .params(itemId, itemId, itemId, size, PageResult.offset(page, size)).query(RelationshipService::map).list();
        long total = jdbc.sql("SELECT count(*) FROM item_relationship WHERE source_id = ? OR target_id = ?")
                .params(itemId, itemId).query(Long.class).single();
        return new PageResult<>(list, page, size, total);
    }
}
