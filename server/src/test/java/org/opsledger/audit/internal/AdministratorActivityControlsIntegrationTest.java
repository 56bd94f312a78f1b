package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.PrivilegedAccounts;
import org.opsledger.audit.controls.AuditEvaluators;
import org.opsledger.compliance.ControlEvaluator;
import org.opsledger.compliance.ControlStatus;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * ECOMP 7.1 and 6.1.8 from real sign-ins and entries: an administrator who signed in must have
 * entries flagged privileged, and the trail's latest integrity check must have found nothing missing.
 * The evaluator is given this test's administrators only (the shared database holds many others).
 */
class AdministratorActivityControlsIntegrationTest extends IntegrationTest {

    @Autowired
    LedgerSelfCheck selfCheck;

    @Autowired
    PrivilegedAccounts privilegedAccounts;

    @Test
    void anAdministratorWhoSignedInNeedsPrivilegedEntriesInTheTrail() {
        String admin = Api.unique("sysadmin");
        String token = api.person(admin, "system-administrator");
        runSelfCheck();
        ControlEvaluator evaluator = AuditEvaluators.administratorActivity(jdbc, () -> List.of(admin));

        ControlEvaluator.Result silent = evaluator.evaluate("ECOMP-7.1", Instant.now());
        assertThat(silent.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(silent.reasons()).singleElement().asString().startsWith(admin + " holds a privileged role and signed in 1 time(s)")
                .endsWith("no entry of theirs in that time is flagged privileged: their actions are not in the trail.");

        assertThat(api.post("/api/v1/tokens", token, Map.of("name", "runbook")).status()).isEqualTo(201);
        ControlEvaluator.Result recorded = evaluator.evaluate("ECOMP-6.1.8", Instant.now());
        assertThat(recorded.status()).as(recorded.reasons().toString()).isEqualTo(ControlStatus.COMPLIANT);
        assertThat(recorded.reasons()).contains("1 account(s) hold a privileged role; 1 signed in during the last 30 days.",
                admin + ": 1 sign-in(s), 1 entries flagged privileged in the last 30 days.");
        assertThat(recorded.reasons().getLast()).contains("found every committed entry in the tree");

        ControlEvaluator.Result unchecked = evaluator.evaluate("ECOMP-7.1", Instant.now().plus(Duration.ofDays(2)));
        assertThat(unchecked.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(unchecked.reasons()).containsExactly(
                "The trail's completeness has not been checked in the last 24 h (the leader checks every 6 h).");
    }

    @Test
    void theAccountsModuleNamesWhoHoldsAPrivilegedRole() {
        String admin = Api.unique("platform-admin");
        String auditor = Api.unique("auditor");
        api.person(admin, "platform-administrator");
        api.person(auditor, "auditor");
        assertThat(privilegedAccounts.holders()).contains(admin).doesNotContain(auditor);
    }

    private void runSelfCheck() {
        long newest = jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?")
                .param(newest).query(Long.class).single() == 1);
        assertThat(selfCheck.run().ok()).isTrue();
    }
}
