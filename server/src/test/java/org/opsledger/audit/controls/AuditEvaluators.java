package org.opsledger.audit.controls;

import java.time.Duration;
import org.opsledger.audit.AuditMonitoring;
import org.opsledger.audit.PrivilegedAccounts;
import org.opsledger.compliance.ControlEvaluator;
import org.springframework.jdbc.core.simple.JdbcClient;

/** This module's evaluators over inputs a test chooses (the records they read stay real). */
public final class AuditEvaluators {

    private AuditEvaluators() {
    }

    public static ControlEvaluator monitoring(AuditMonitoring monitoring) {
        return new MonitoringControls(monitoring);
    }

    public static ControlEvaluator administratorActivity(JdbcClient jdbc, PrivilegedAccounts accounts) {
        return new AdministratorActivityControls(jdbc, accounts, new SelfCheckRecords(jdbc), Duration.ofDays(30));
    }
}
