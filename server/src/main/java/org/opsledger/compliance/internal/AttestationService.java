package org.opsledger.compliance.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.compliance.Attestation;
import org.opsledger.compliance.ControlCatalog;
import org.opsledger.compliance.ControlStatus;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Records attestations and their evidence; reads them back. */
@Service
class AttestationService {

    static final int MAX_STATEMENT = 4000;

    /** What a security officer submits. {@code evidence} may be null. */
    record NewAttestation(String controlId, String status, String statement, Instant expiresAt, String evidenceName,
            byte[] evidence) {
    }

    /** An evidence file as stored. */
    record Evidence(String name, byte[] content, String sha256) {
    }

    private static final String COLUMNS = "id, control_id, status, statement, attested_by, attested_at, expires_at, "
            + "evidence_name, evidence_size, evidence_sha256";

    private final JdbcClient jdbc;
    private final ControlCatalog catalog;
    private final AuditTrail audit;
    private final Clock clock;

    AttestationService(JdbcClient jdbc, ControlCatalog catalog, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Attestation attest(NewAttestation request) {
        if (catalog.find(request.controlId()).isEmpty()) {
            throw ProblemException.notFound("Control " + request.controlId());
        }
        ControlStatus status = switch (request.status() == null ? "" : request.status()) {
            case "compliant" -> ControlStatus.COMPLIANT;
            case "not-compliant" -> ControlStatus.NOT_COMPLIANT;
            default -> throw ProblemException.invalid("status", "status is 'compliant' or 'not-compliant'");
        };
        String statement = request.statement() == null ? "" : request.statement().strip();
        if (statement.isEmpty() || statement.length() > MAX_STATEMENT) {
            throw ProblemException.invalid("statement", "A statement of 1 to " + MAX_STATEMENT + " characters is required");
        }
        Instant now = clock.instant();
        if (request.expiresAt() == null || !request.expiresAt().isAfter(now)) {
            throw ProblemException.invalid("expiresAt", "An attestation needs an expiry in the future");
        }
        if (request.expiresAt().isAfter(now.plus(java.time.Duration.ofDays(3 * 366)))) {
            throw ProblemException.invalid("expiresAt", "An attestation expires within three years");
        }
        String name = request.evidence() == null ? null : safeName(request.evidenceName());
        String sha = request.evidence() == null ? null : sha256(request.evidence());
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        Attestation a = new Attestation(UUID.randomUUID(), request.controlId(), status, statement, actor, now,
                request.expiresAt(), name, request.evidence() == null ? null : (long) request.evidence().length, sha);
        jdbc.sql("INSERT INTO attestation (" + COLUMNS + ", evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(a.id(), a.controlId(), status.wireName(), a.statement(), actor, Timestamp.from(now),
                        Timestamp.from(a.expiresAt()), name, a.evidenceSize(), sha, request.evidence())
                .update();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("control", a.controlId());
        after.put("status", status.wireName());
        after.put("expiresAt", a.expiresAt().toString());
        after.put("evidenceSha256", sha == null ? "none" : sha);
        audit.record(AuditEvent.of("control.attest", Access.CREATE, "control", a.controlId()).change(null, after));
        return a;
    }

    @Transactional(readOnly = true)
    Map<String, Attestation> latestByControl() {
        Map<String, Attestation> latest = new LinkedHashMap<>();
        jdbc.sql("SELECT DISTINCT ON (control_id) " + COLUMNS + " FROM attestation ORDER BY control_id, attested_at DESC")
                .query(AttestationService::map).list().forEach(a -> latest.put(a.controlId(), a));
        return latest;
    }

    /** The control's latest attestation, if any. */
    @Transactional(readOnly = true)
    Optional<Attestation> latest(String controlId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM attestation WHERE control_id = ? ORDER BY attested_at DESC LIMIT 1")
                .param(controlId).query(AttestationService::map).optional();
    }

    @Transactional(readOnly = true)
    List<Attestation> history(String controlId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM attestation WHERE control_id = ? ORDER BY attested_at DESC")
                .param(controlId).query(AttestationService::map).list();
    }

    @Transactional
    Optional<Evidence> evidence(UUID attestationId) {
        Optional<Evidence> found = jdbc.sql("SELECT evidence_name, evidence, evidence_sha256 FROM attestation WHERE id = ? AND evidence IS NOT NULL")
                .param(attestationId)
                .query((rs, n) -> new Evidence(rs.getString(1), rs.getBytes(2), rs.getString(3))).optional();
        found.ifPresent(e -> audit.record(AuditEvent.of("attestation.evidence", Access.READ, "attestation", attestationId.toString())));
        return found;
    }

    private static Attestation map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        long size = rs.getLong("evidence_size");
        return new Attestation(rs.getObject("id", UUID.class), rs.getString("control_id"),
                rs.getString("status").equals("compliant") ? ControlStatus.COMPLIANT : ControlStatus.NOT_COMPLIANT,
                rs.getString("statement"), rs.getString("attested_by"), rs.getTimestamp("attested_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(), rs.getString("evidence_name"), rs.wasNull() ? null : size,
                rs.getString("evidence_sha256"));
    }

    /** Keeps only the file's own name, in a safe alphabet: no path, no control characters. */
    static String safeName(String original) {
        String base = original == null ? "" : original.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ -]", "_").strip();
        if (base.isEmpty() || base.chars().allMatch(c -> c == '.')) {
            base = "evidence";
        }
        return base.length() > 255 ? base.substring(base.length() - 255) : base;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
