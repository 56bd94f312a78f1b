package org.opsledger.inventory.internal;

import java.io.InputStream;
import java.math.BigDecimal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hardening results per item (IS.012 6.3.4: "assess compliance with security hardening requirements
 * at least quarterly"): OpenSCAP XCCDF results imported with their score, rule counts and failed
 * rules. Servers, workstations, network devices and databases in use are in scope; one not assessed
 * within {@link #QUARTER} is overdue.
 */
@Service
class HardeningService {

    static final Duration QUARTER = Duration.ofDays(92);
    /** The kinds of item a hardening benchmark applies to. */
    static final String IN_SCOPE = "kind IN ('server', 'workstation', 'network-device', 'database') "
            + "AND lifecycle IN ('active', 'retiring')";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Assessment(UUID id, UUID itemId, String benchmark, String profile, String target, Instant assessedAt,
            BigDecimal score, BigDecimal scoreMaximum, int passed, int failed, int errors, int notApplicable, int other,
            List<XccdfResults.FailedRule> failedRules, String fileSha256, Instant importedAt, String importedBy,
            boolean alreadyImported) {
    }

    /** An item in scope whose latest assessment is older than a quarter, or that has none. */
    record Overdue(UUID itemId, String name, String kind, Instant lastAssessedAt) {
    }

    private final JdbcClient jdbc;
    private final ItemRepository items;
    private final AuditTrail audit;
    private final Clock clock;

    HardeningService(JdbcClient jdbc, ItemRepository items, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.items = items;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Assessment importResults(UUID itemId, InputStream in) {
        items.lock(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        XccdfResults.Assessment a = XccdfResults.read(new DigestInputStream(in, sha));
        String digest = HexFormat.of().formatHex(sha.digest());
        var existing = jdbc.sql(SELECT + " WHERE item_id = ? AND file_sha256 = ?").params(itemId, digest)
                .query((rs, n) -> map(rs, true)).optional();
        if (existing.isPresent()) {
            return existing.get(); // the same file again changes nothing
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        jdbc.sql("""
                INSERT INTO hardening_assessment (id, item_id, benchmark, profile, target, assessed_at, score, score_maximum,
                    passed, failed, errors, not_applicable, other, failed_rules, file_sha256, imported_at, imported_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")
                .params(id, itemId, a.benchmark(), a.profile(), a.target(), ItemRepository.ts(a.assessedAt()), a.score(),
                        a.scoreMaximum(), a.passed(), a.failed(), a.errors(), a.notApplicable(), a.other(),
                        JSON.writeValueAsString(a.failedRules()), digest, ItemRepository.ts(now), actor)
                .update();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("benchmark", a.benchmark());
        after.put("assessedAt", a.assessedAt().toString());
        after.put("score", a.score() == null ? "" : a.score().toPlainString());
        after.put("passed", a.passed());
        after.put("failed", a.failed());
        after.put("notApplicable", a.notApplicable());
        after.put("sha256", digest);
        audit.record(AuditEvent.of("item.hardening.import", Access.CREATE, "configuration-item", itemId.toString())
                .change(null, after));
        return new Assessment(id, itemId, a.benchmark(), a.profile(), a.target(), a.assessedAt(), a.score(), a.scoreMaximum(),
                a.passed(), a.failed(), a.errors(), a.notApplicable(), a.other(), a.failedRules(), digest, now, actor, false);
    }

    /** An item's assessments, newest first. */
    @Transactional(readOnly = true)
    PageResult<Assessment> of(UUID itemId, int page, int size) {
        items.find(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        List<Assessment> list = jdbc.sql(SELECT + " WHERE item_id = ? ORDER BY assessed_at DESC, id LIMIT ? OFFSET ?")
                .params(itemId, size, PageResult.offset(page, size)).query((rs, n) -> map(rs, false)).list();
        long total = jdbc.sql("SELECT count(*) FROM hardening_assessment WHERE item_id = ?").param(itemId)
                .query(Long.class).single();
        return new PageResult<>(list, page, size, total);
    }

    /** Items in scope not assessed within a quarter of {@code now} (IS.012 6.3.4). */
    @Transactional(readOnly = true)
    PageResult<Overdue> overdue(Instant now, int page, int size) {
        String from = " FROM configuration_item c LEFT JOIN LATERAL (SELECT max(assessed_at) AS last FROM hardening_assessment h "
                + "WHERE h.item_id = c.id) h ON true WHERE c." + IN_SCOPE.replace("lifecycle", "c.lifecycle")
                + " AND (h.last IS NULL OR h.last < ?)";
        java.sql.Timestamp cutoff = ItemRepository.ts(now.minus(QUARTER));
        long total = jdbc.sql("SELECT count(*)" + from).param(cutoff).query(Long.class).single();
        List<Overdue> list = jdbc.sql("SELECT c.id, c.name, c.kind, h.last" + from + " ORDER BY h.last NULLS FIRST, c.id LIMIT ? OFFSET ?")
                .params(cutoff, size, PageResult.offset(page, size))
                .query((rs, n) -> new Overdue(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("kind"),
                        ItemRepository.instant(rs, "last")))
                .list();
        return new PageResult<>(list, page, size, total);
    }

    private static final String SELECT = "SELECT id, item_id, benchmark, profile, target, assessed_at, score, score_maximum, "
            + "passed, failed, errors, not_applicable, other, failed_rules, file_sha256, imported_at, imported_by "
            + "FROM hardening_assessment";

    private static Assessment map(java.sql.ResultSet rs, boolean again) throws java.sql.SQLException {
        return new Assessment(rs.getObject("id", UUID.class), rs.getObject("item_id", UUID.class), rs.getString("benchmark"),
                rs.getString("profile"), rs.getString("target"), ItemRepository.instant(rs, "assessed_at"),
                rs.getBigDecimal("score"), rs.getBigDecimal("score_maximum"), rs.getInt("passed"), rs.getInt("failed"),
                rs.getInt("errors"), rs.getInt("not_applicable"), rs.getInt("other"),
                JSON.readValue(rs.getString("failed_rules"), new TypeReference<List<XccdfResults.FailedRule>>() {
                }), rs.getString("file_sha256"), ItemRepository.instant(rs, "imported_at"), rs.getString("imported_by"), again);
    }
}
