package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Instant;
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

/** Software installed on each asset (IS.012 6.3.1: the inventory of authorised software). */
@Service
class SoftwareService {

    /** What {@code POST /api/v1/items/{id}/software} sends. */
    record NewSoftware(String name, String version, String purl, String supplier) {
    }

    record Software(UUID id, UUID itemId, String name, String version, String purl, String supplier, String source,
            Instant recordedAt, String recordedBy) {
    }

    /** What an SBOM import did: how many components the item had from SBOMs before and has now. */
    record SbomImport(UUID itemId, String serialNumber, int before, int after) {
    }

    private static final String INSERT = "INSERT INTO installed_software "
            + "(id, item_id, name, version, purl, supplier, source, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final ItemRepository items;
    private final AuditTrail audit;
    private final Clock clock;

    SoftwareService(JdbcClient jdbc, JdbcTemplate batch, ItemRepository items, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.items = items;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    PageResult<Software> of(UUID itemId, int page, int size) {
        existing(itemId);
        List<Software> list = jdbc.sql("SELECT * FROM installed_software WHERE item_id = ? ORDER BY lower(name), version, id "
                        + "LIMIT ? OFFSET ?").params(itemId, size, PageResult.offset(page, size))
                .query(SoftwareService::map).list();
        long total = jdbc.sql("SELECT count(*) FROM installed_software WHERE item_id = ?").param(itemId)
                .query(Long.class).single();
        return new PageResult<>(list, page, size, total);
    }

    @Transactional
    Software add(UUID itemId, NewSoftware request) {
        items.lock(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 300) {
            throw ProblemException.invalid("name", "A name of 1 to 300 characters is required");
        }
        String version = limited("version", request.version(), 200);
        String purl = limited("purl", request.purl(), 1000);
        if (purl != null && !purl.startsWith("pkg:")) {
            throw ProblemException.invalid("purl", "A package URL starts with 'pkg:'");
        }
        Software s = new Software(UUID.randomUUID(), itemId, name, version, purl, limited("supplier", request.supplier(), 300),
                "manual", clock.instant(), actor());
        insert(s);
        audit.record(AuditEvent.of("item.software.add", Access.CREATE, "configuration-item", itemId.toString())
                .change(null, Map.of("software", name + (version == null ? "" : " " + version))));
        return s;
    }

    @Transactional
    void remove(UUID itemId, UUID softwareId) {
        Software s = jdbc.sql("SELECT * FROM installed_software WHERE id = ? AND item_id = ?").params(softwareId, itemId)
                .query(SoftwareService::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Software " + softwareId + " on item " + itemId));
        jdbc.sql("DELETE FROM installed_software WHERE id = ?").param(softwareId).update();
        audit.record(AuditEvent.of("item.software.remove", Access.DELETE, "configuration-item", itemId.toString())
                .change(Map.of("software", s.name() + (s.version() == null ? "" : " " + s.version())), null));
    }

    /**
     * Replaces the software an item's SBOM lists with this SBOM's components; what was entered by hand
     * stays. Importing the same SBOM twice leaves the same list.
     */
    @Transactional
    SbomImport importSbom(UUID itemId, String json) {
        items.lock(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        CycloneDx.Bom bom = CycloneDx.read(json);
        int before = jdbc.sql("DELETE FROM installed_software WHERE item_id = ? AND source = 'sbom'").param(itemId).update();
        Instant now = clock.instant();
        String actor = actor();
        batch.batchUpdate(INSERT, bom.components(), 1000, (ps, c) -> {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, itemId);
            ps.setString(3, c.name());
            ps.setString(4, c.version());
            ps.setString(5, c.purl());
            ps.setString(6, c.supplier());
            ps.setString(7, "sbom");
            ps.setTimestamp(8, ItemRepository.ts(now));
            ps.setString(9, actor);
        });
        audit.record(AuditEvent.of("item.sbom.import", Access.UPDATE, "configuration-item", itemId.toString())
                .change(Map.of("sbomComponents", before), Map.of("sbomComponents", bom.components().size(),
                        "serialNumber", bom.serialNumber() == null ? "" : bom.serialNumber())));
        return new SbomImport(itemId, bom.serialNumber(), before, bom.components().size());
    }

    private void existing(UUID itemId) {
        items.find(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
    }

    private void insert(Software s) {
        jdbc.sql(INSERT)
                .params(s.id(), s.itemId(), s.name(), s.version(), s.purl(), s.supplier(), s.source(),
                        ItemRepository.ts(s.recordedAt()), s.recordedBy())
                .update();
    }

    private static String limited(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.strip().length() > max) {
            throw ProblemException.invalid(field, field + " is at most " + max + " characters");
        }
        return value.strip();
    }

    private static String actor() {
        return SecurityContextHolder.getContext().getAuthentication().getName();
    }

    private static Software map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Software(rs.getObject("id", UUID.class), rs.getObject("item_id", UUID.class), rs.getString("name"),
                rs.getString("version"), rs.getString("purl"), rs.getString("supplier"), rs.getString("source"),
                ItemRepository.instant(rs, "recorded_at"), rs.getString("recorded_by"));
    }
}
