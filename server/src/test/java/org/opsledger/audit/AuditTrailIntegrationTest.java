package org.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

class AuditTrailIntegrationTest extends IntegrationTest {

    @Autowired
    AuditTrail trail;

    @Autowired
    TransactionTemplate tx;

    @Test
    void theTableIsAppendOnlyEvenForTheApplicationsOwnConnection() {
        api.admin(); // at least one entry
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_entry SET body = body").update()).rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_entry").update()).rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE audit_entry").update()).rootCause().hasMessageContaining("append-only");
    }

    @Test
    void aChangeAndItsEntryCommitOrRollBackTogether() {
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            trail.record(AuditEvent.of("test.change", Access.UPDATE, "thing", "1"));
            throw new IllegalStateException("the change failed");
        })).hasMessage("the change failed");
        assertThat(auditCount("test.change", "1")).isZero();

        // an independent entry (a refusal) stays even when the surrounding work rolls back
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            trail.recordIndependently(AuditEvent.of("test.refusal", Access.UPDATE, "thing", "1").denied("rule"));
            throw new IllegalStateException("refused");
        })).hasMessage("refused");
        assertThat(auditCount("test.refusal", "1")).isEqualTo(1);
    }

    @Test
    void theSearchColumnsAreDerivedFromTheHashedBodyByPostgresql() {
        trail.recordIndependently(AuditEvent.of("test.derived", Access.READ, "widget", "w-9").by("zoe"));
        Map<String, Object> row = jdbc.sql("""
                SELECT actor, action, outcome, object_type, object_id, occurred_at FROM audit_entry
                WHERE action = 'test.derived' ORDER BY id DESC LIMIT 1""").query().singleRow();
        assertThat(row).containsEntry("actor", "zoe").containsEntry("action", "test.derived")
                .containsEntry("outcome", "success").containsEntry("object_type", "widget").containsEntry("object_id", "w-9");
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO audit_entry (body, actor) VALUES ('{}', 'forged')").update())
                .hasMessageContaining("actor");
    }

    @Test
    void auditorsAndSecurityOfficersSearchByActorActionOutcomeObjectAndTime() {
        String officer = api.person(Api.unique("so"), "security-officer");
        String target = Api.unique("obj");
        Instant start = Instant.now().minusSeconds(1);
        api.post("/api/v1/accounts", api.admin(), Map.of("username", target, "displayName", "T", "kind", "service", "roles", List.of()));
        api.post("/api/v1/accounts", api.admin(), Map.of("username", target, "displayName", "T", "kind", "service", "roles", List.of()));

        Api.Response byObject = api.get("/api/v1/audit?objectType=account&objectId=" + target, officer);
        assertThat(byObject.status()).isEqualTo(200);
        assertThat(byObject.items()).extracting(e -> e.get("action")).containsExactly("account.create");

        Api.Response refused = api.get("/api/v1/audit?actor=admin&outcome=FAILURE&from=" + start, officer);
        assertThat(refused.items()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.get("actor")).isEqualTo("admin");
            assertThat(e.get("outcome")).isEqualTo("failure");
        });
        Api.Response future = api.get("/api/v1/audit?from=" + Instant.now().plusSeconds(3600), officer);
        assertThat(future.json()).containsEntry("totalItems", 0);

        Api.Response paged = api.get("/api/v1/audit?size=2&page=0", officer);
        assertThat(paged.items()).hasSize(2);
        assertThat(paged.json()).containsEntry("size", 2).containsEntry("page", 0);
        // reading the trail is itself recorded
        assertThat(lastAuditEntry("audit.search")).containsEntry("access", "read");
    }
}
