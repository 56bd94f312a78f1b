package org.opsledger.audit.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditSelfCheck;
import org.opsledger.audit.AuditExportVerifier.Verdict;
import org.opsledger.audit.AuditTrail;
import org.opsledger.ledger.audit.AuditResult;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The server checks its own trail (ECOMP 6.3, 7.2): every stored entry must still hash to its leaf
 * and the tree to the checkpoints it signed, and no committed entry may be missing from the tree.
 * Its key is outside the database, so whoever rewrites rows in the database cannot re-sign them.
 * The result is an audit entry ({@link AuditSelfCheck}), which the audit controls read.
 */
@Component
class LedgerSelfCheck {

    private final AuditLedger ledger;
    private final LogIdentity identity;
    private final AuditTrail trail;
    private final JdbcClient jdbc;
    private final Clock clock;

    LedgerSelfCheck(AuditLedger ledger, LogIdentity identity, AuditTrail trail, JdbcClient jdbc, Clock clock) {
        this.ledger = ledger;
        this.identity = identity;
        this.trail = trail;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Runs the check and records its outcome; returns the verdict on the tree (null before the first checkpoint). */
    Verdict run() {
        List<String> notes = new ArrayList<>();
        // the newest checkpoint, and the newest that is at least a day old (what an auditor would hold)
        jdbc.sql("SELECT note FROM audit_checkpoint ORDER BY id DESC LIMIT 1").query(String.class).optional()
                .ifPresent(notes::add);
        jdbc.sql("SELECT note FROM audit_checkpoint WHERE signed_at <= ? ORDER BY id DESC LIMIT 1")
                .param(Timestamp.from(clock.instant().minus(Duration.ofDays(1)))).query(String.class).optional()
                .ifPresent(notes::add);
        if (notes.isEmpty()) {
            return null;
        }
        Verdict verdict = ledger.verifyStored(identity.published(), notes);
        long notInTree = notInTheTree();
        AuditEvent event = AuditEvent.of(AuditSelfCheck.ACTION, Access.EXECUTE, "audit-trail", null).by(AuditSelfCheck.ACTOR)
                .change(null, Map.of("verdict", kind(verdict), "notInTree", notInTree));
        if (!verdict.ok()) {
            event = event.failed(verdict.describe());
        } else if (notInTree > 0) {
            event = event.failed(notInTree + " committed audit entries older than the integration horizon are not in the tree");
        }
        trail.recordIndependently(event);
        return verdict;
    }

    /** One word for the verdict, kept in the entry's {@code after} values for the evaluators. */
    static String kind(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Holds holds -> "holds";
            case Verdict.MissingEntry missing -> "missing";
            case Verdict.Malformed malformed -> "malformed";
            case Verdict.Fails fails -> switch (fails.result()) {
                case AuditResult.EntryAltered altered -> "altered";
                case AuditResult.Truncated truncated -> "truncated";
                case AuditResult.RootMismatch mismatch -> "root-mismatch";
                case AuditResult.CheckpointRejected rejected -> "checkpoint-rejected";
                case AuditResult.CheckpointsInconsistent inconsistent -> "checkpoints-inconsistent";
                case AuditResult.Verified verified -> "holds";
            };
        };
    }

    /** ECOMP 6.4: committed entries below the latest checkpoint's horizon that are not leaves (inserted behind the integrator's back). */
    long notInTheTree() {
        return jdbc.sql("""
                SELECT count(*) FROM audit_entry a
                WHERE a.txid < (SELECT integrated_below FROM audit_checkpoint ORDER BY id DESC LIMIT 1)
                  AND NOT EXISTS (SELECT 1 FROM audit_leaf l WHERE l.entry_id = a.id)""").query(Long.class).single();
    }
}
