package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditExportVerifier.Verdict;
import org.opsledger.audit.AuditTrail;
import org.opsledger.compliance.ControlEvaluator;
import org.opsledger.compliance.ControlStatus;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * ECOMP 6.3 and 6.4 decided from the ledger's own records: the server's integrity check, its
 * entry in the trail, and the append-only triggers. Each test puts back what it broke.
 */
class AuditControlsIntegrationTest extends IntegrationTest {

    @Autowired
    LedgerSelfCheck selfCheck;

    @Autowired
    AuditTrail trail;


    @Autowired
    List<ControlEvaluator> evaluators;

    private String auditor;

    @BeforeEach
    void auditor() {
        auditor = api.person(Api.unique("auditor"), "auditor");
    }

    @Test
    void aPassingSelfCheckMakesBothControlsCompliantAndIsItselfInTheTrail() {
        awaitCovered(record());
        Verdict verdict = selfCheck.run();
        assertThat(verdict.ok()).as(verdict.describe()).isTrue();
        Map<String, Object> entry = lastAuditEntry(org.opsledger.audit.AuditSelfCheck.ACTION);
        assertThat(entry).containsEntry("actor", "system").containsEntry("outcome", "success");
        assertThat(entry.get("after")).isEqualTo(Map.of("verdict", "holds", "notInTree", 0));

        Api.Response integrity = api.get("/api/v1/controls/ECOMP-6.3", auditor);
        assertThat(integrity.get("status")).as(integrity.body()).isEqualTo("compliant");
        assertThat(integrity.get("reasons").toString()).contains("hashed to its leaf");
        Api.Response appendOnly = api.get("/api/v1/controls/ECOMP-6.4", auditor);
        assertThat(appendOnly.get("status")).as(appendOnly.body()).isEqualTo("compliant");
    }

    @Test
    void aRewrittenRowFailsTheIntegrityControlNamingTheEntry() throws Exception {
        long id = record();
        awaitCovered(id);
        String original = jdbc.sql("SELECT body FROM audit_entry WHERE id = ?").param(id).query(String.class).single();
        asSuperuserWithoutTriggers("UPDATE audit_entry SET body = replace(body, '\"success\"', '\"failure\"') WHERE id = ?", id);
        try {
            assertThat(selfCheck.run().ok()).isFalse();
            Api.Response integrity = api.get("/api/v1/controls/ECOMP-6.3", auditor);
            assertThat(integrity.get("status")).isEqualTo("not-compliant");
            assertThat(integrity.get("reasons").toString()).contains("(audit entry id " + id + ") was altered");
        } finally {
            asSuperuserWithoutTriggers("UPDATE audit_entry SET body = ? WHERE id = ?", original, id);
        }
        assertThat(selfCheck.run().ok()).isTrue();
        assertThat(api.get("/api/v1/controls/ECOMP-6.3", auditor).get("status")).isEqualTo("compliant");
    }

    @Test
    void aDeletedRowOrADisabledTriggerFailsTheAppendOnlyControl() throws Exception {
        long id = record();
        awaitCovered(id);
        awaitCovered(record()); // so the victim is not the newest leaf
        Map<String, Object> row = jdbc.sql("SELECT body, txid::text AS txid FROM audit_entry WHERE id = ?").param(id).query()
                .singleRow();
        asSuperuserWithoutTriggers("DELETE FROM audit_entry WHERE id = ?", id);
        try {
            Verdict verdict = selfCheck.run();
            assertThat(verdict).isInstanceOf(Verdict.MissingEntry.class);
            Api.Response appendOnly = api.get("/api/v1/controls/ECOMP-6.4", auditor);
            assertThat(appendOnly.get("status")).isEqualTo("not-compliant");
            assertThat(appendOnly.get("reasons").toString()).contains("found the table and the tree apart").contains("is missing");
        } finally {
            asSuperuserWithoutTriggers("INSERT INTO audit_entry (id, body, txid) OVERRIDING SYSTEM VALUE VALUES (?, ?, ?::xid8)",
                    id, row.get("body"), row.get("txid"));
        }
        assertThat(selfCheck.run().ok()).isTrue();
        assertThat(api.get("/api/v1/controls/ECOMP-6.4", auditor).get("status")).isEqualTo("compliant");

        jdbc.sql("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_truncate").update();
        try {
            Api.Response appendOnly = api.get("/api/v1/controls/ECOMP-6.4", auditor);
            assertThat(appendOnly.get("status")).isEqualTo("not-compliant");
            assertThat(appendOnly.get("reasons").toString()).contains("audit_entry_no_truncate on audit_entry is missing or disabled");
        } finally {
            jdbc.sql("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_truncate").update();
        }
        assertThat(api.get("/api/v1/controls/ECOMP-6.4", auditor).get("status")).isEqualTo("compliant");
    }

    @Test
    void theTrailCountsAsReviewedWhenAPersonReadItAndTheServerCheckedIt() {
        ControlEvaluator review = evaluators.stream().filter(e -> e.controls().contains("ECOMP-7.2")).findFirst().orElseThrow();
        // forty days from now, nobody will have read it in the thirty days before
        ControlEvaluator.Result later = review.evaluate("ECOMP-7.2", Instant.now().plus(Duration.ofDays(40)));
        assertThat(later.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(later.reasons()).anySatisfy(r -> assertThat(r).startsWith("Nobody has searched or exported the audit trail"));

        awaitCovered(record());
        assertThat(selfCheck.run().ok()).isTrue();
        String reviewer = Api.unique("reviewer");
        String token = api.person(reviewer, "security-officer");
        assertThat(api.get("/api/v1/audit?size=5", token).status()).isEqualTo(200);
        Api.Response status = api.get("/api/v1/controls/ECOMP-7.2", auditor);
        assertThat(status.get("status")).as(status.body()).isEqualTo("compliant");
        assertThat(status.get("reasons").toString()).contains(reviewer + " reviewed the trail (audit.search)");
    }

    private long record() {
        String objectId = UUID.randomUUID().toString();
        trail.recordIndependently(AuditEvent.of("ledger.control", Access.UPDATE, "ledger-test", objectId));
        return jdbc.sql("SELECT id FROM audit_entry WHERE object_id = ?").param(objectId).query(Long.class).single();
    }

    private void awaitCovered(long entryId) {
        // two minutes: a bound for an integrator that never signs, not for one slowed by the machine's load
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> jdbc.sql("""
                SELECT count(*) FROM audit_leaf l
                WHERE l.entry_id = ? AND l.leaf_index < (SELECT max(tree_size) FROM audit_checkpoint)""")
                .param(entryId).query(Long.class).single() == 1);
    }
}
