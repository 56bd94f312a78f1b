package org.opsledger.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

class ControlsIntegrationTest extends IntegrationTest {

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyControlOfTheCatalogIsListedWithAStatus() {
        String someone = api.person(Api.unique("req"), "requester");
        Api.Response all = api.get("/api/v1/controls?size=500", someone);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json()).containsEntry("totalItems", 182);
        assertThat(all.items()).allSatisfy(c -> assertThat(c.get("status"))
                .isIn("compliant", "not-compliant", "not-assessed", "expired"));
        assertThat(api.get("/api/v1/controls?source=ECOMP&size=500", someone).json()).containsEntry("totalItems", 88);
        assertThat(api.get("/api/v1/controls/ECOMP-3", someone).get("title")).isNotNull();
        assertThat(api.get("/api/v1/controls/NOPE-1", someone).status()).isEqualTo(404);
    }

    @Test
    void aSecurityOfficerAttestsWithEvidenceThatAnAuditorCanVerify() {
        String officer = api.person(Api.unique("so"), "security-officer");
        byte[] evidence = "signed contract, page 12: right to audit\n".getBytes(StandardCharsets.UTF_8);
        Api.Response r = api.multipart("/api/v1/controls/IS.012-6.7.1.3/attestations", officer,
                Map.of("status", "compliant", "statement", "Contract 2026-044 has the security and audit clauses",
                        "expiresAt", Instant.now().plus(365, ChronoUnit.DAYS).toString()),
                "../../etc/contract.txt", evidence);
        assertThat(r.status()).isEqualTo(201);
        // the path the browser sent is dropped: only the file's own name is kept
        assertThat(r.json()).containsEntry("evidenceName", "contract.txt")
                .containsEntry("evidenceSha256", sha256(evidence)).containsEntry("evidenceSize", evidence.length);

        Api.Response control = api.get("/api/v1/controls/IS.012-6.7.1.3", officer);
        assertThat(control.get("status")).isEqualTo("compliant");

        String auditor = api.person(Api.unique("aud"), "auditor");
        HttpResponse<byte[]> file = api.download("/api/v1/attestations/" + r.get("id") + "/evidence", auditor);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(evidence);
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment").contains("contract.txt");
        assertThat(file.headers().firstValue("Digest").orElseThrow()).isEqualTo("sha-256=" + r.get("evidenceSha256"));
        assertThat(lastAuditEntry("control.attest")).containsEntry("objectId", "IS.012-6.7.1.3");
    }

    @Test
    void anAttestationPastItsExpiryMakesTheControlExpired() {
        jdbc.sql("""
                INSERT INTO attestation (id, control_id, status, statement, attested_by, attested_at, expires_at)
                VALUES (gen_random_uuid(), 'IS.012-6.7.1.4', 'compliant', 'SOC 2 report', 'someone',
                        now() - interval '400 days', now() - interval '35 days')""").update();
        String someone = api.person(Api.unique("req"), "requester");
        Api.Response control = api.get("/api/v1/controls/IS.012-6.7.1.4", someone);
        assertThat(control.get("status")).isEqualTo("expired");
    }

    @Test
    void badAttestationsAreRefusedAndOnlySecurityOfficersAttest() {
        String officer = api.person(Api.unique("so"), "security-officer");
        Api.Response past = api.multipart("/api/v1/controls/IS.012-6.2.1/attestations", officer,
                Map.of("status", "compliant", "statement", "x", "expiresAt", "2020-01-01T00:00:00Z"), null, null);
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.get("field")).isEqualTo("expiresAt");
        Api.Response status = api.multipart("/api/v1/controls/IS.012-6.2.1/attestations", officer,
                Map.of("status", "maybe", "statement", "x", "expiresAt", Instant.now().plusSeconds(3600).toString()), null, null);
        assertThat(status.get("field")).isEqualTo("status");

        String auditor = api.person(Api.unique("aud"), "auditor");
        Api.Response denied = api.multipart("/api/v1/controls/IS.012-6.2.1/attestations", auditor,
                Map.of("status", "compliant", "statement", "x", "expiresAt", Instant.now().plusSeconds(3600).toString()), null, null);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM attestation WHERE control_id = 'IS.012-6.2.1'").query(Long.class).single()).isZero();
    }

    @Test
    void identityControlsAreDecidedFromTheAccountsThemselves() {
        String auditor = api.person(Api.unique("aud"), "auditor");
        // the bootstrap account "admin" is a generic interactive account while it is enabled
        Api.Response generic = api.get("/api/v1/controls/IS.012-6.7.1.15", auditor);
        assertThat(generic.get("status")).isEqualTo("not-compliant");
        assertThat(generic.get("reasons").toString()).contains("admin");
        assertThat(api.get("/api/v1/controls/IS.012-6.5.5", auditor).get("status")).isEqualTo("compliant");
        assertThat(api.get("/api/v1/controls/ECOMP-3", auditor).get("status")).isEqualTo("compliant");
        Api.Response timeout = api.get("/api/v1/controls/ECOMP-1.8", auditor);
        assertThat(timeout.get("status")).isEqualTo("compliant");
        assertThat(timeout.get("reasons").toString()).contains("900 s of inactivity");
        // an account that breaks a rule behind the application's back (a direct SQL edit) shows up
        String dev = Api.unique("dev");
        api.post("/api/v1/accounts", api.admin(), Map.of("username", dev, "displayName", "D", "kind", "service",
                "roles", java.util.List.of("developer")));
        jdbc.sql("UPDATE account SET roles = '{developer,release-manager}' WHERE username = ?").param(dev).update();
        try {
            Api.Response split = api.get("/api/v1/controls/IS.012-6.5.5", auditor);
            assertThat(split.get("status")).isEqualTo("not-compliant");
            assertThat(split.get("reasons").toString()).contains(dev);
        } finally {
            jdbc.sql("UPDATE account SET roles = '{developer}' WHERE username = ?").param(dev).update();
        }
    }
}
