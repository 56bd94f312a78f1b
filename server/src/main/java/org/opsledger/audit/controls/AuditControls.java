package org.opsledger.audit.controls;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opsledger.audit.AuditSelfCheck;
import org.opsledger.compliance.ControlEvaluator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The controls the audit trail and its ledger prove from their own records (ECOMP 6.3, 6.4, 7.2). */
@Component
class AuditControls implements ControlEvaluator {

    /** Triggers that keep the record and its ledger append-only (V1, V4). */
    private static final Map<String, List<String>> APPEND_ONLY = Map.of(
            "audit_entry", List.of("audit_entry_no_update_or_delete", "audit_entry_no_truncate"),
            "audit_leaf", List.of("audit_leaf_no_update_or_delete", "audit_leaf_no_truncate"),
            "audit_subtree", List.of("audit_subtree_no_update_or_delete", "audit_subtree_no_truncate"),
            "audit_checkpoint", List.of("audit_checkpoint_no_update_or_delete", "audit_checkpoint_no_truncate"));

    /** Reading the trail, through the API or the audit pages; only auditors and security officers may. */
    private static final List<String> REVIEW_ACTIONS = List.of("audit.search", "audit.export");

    private final JdbcClient jdbc;
    private final SelfCheckRecords checks;
    private final Duration heartbeat;
    private final Duration reviewEvery;

    AuditControls(JdbcClient jdbc, SelfCheckRecords checks, @Value("${opsledger.audit.heartbeat:60s}") Duration heartbeat,
            @Value("${opsledger.audit.review-every:30d}") Duration reviewEvery) {
        this.jdbc = jdbc;
        this.checks = checks;
        this.heartbeat = heartbeat;
        this.reviewEvery = reviewEvery;
    }

    @Override
    public Set<String> controls() {
        return Set.of("ECOMP-6.3", "ECOMP-6.4", "ECOMP-7.2");
    }

    @Override
    public Result evaluate(String controlId, Instant now) {
        return switch (controlId) {
            // ECOMP 6.3: audit logs kept intact and available
            case "ECOMP-6.3" -> integrityVerified(now);
            // ECOMP 6.4: administrators cannot change, delete or switch off the record of their own actions
            case "ECOMP-6.4" -> appendOnlyAndComplete();
            // ECOMP 7.2: the logs are examined regularly
            case "ECOMP-7.2" -> reviewedRegularly(now);
            default -> throw new IllegalArgumentException(controlId);
        };
    }

    private Result integrityVerified(Instant now) {
        List<String> problems = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        Optional<SelfCheckRecords.Check> check = checks.last();
        if (check.isEmpty()) {
            return Result.notAssessed("The trail's integrity has not been checked yet (the leader checks a minute after start).");
        }
        SelfCheckRecords.Check last = check.get();
        if (!last.passed()) {
            problems.add("The integrity check of " + last.time() + " (audit entry " + last.id() + ") failed: " + last.reason());
        } else if (!last.recentAt(now)) {
            problems.add("The last integrity check passed at " + last.time() + ", more than 24 h ago (audit entry "
                    + last.id() + ").");
        } else {
            facts.add("Every entry hashed to its leaf and the tree to its signed checkpoints at " + last.time()
                    + " (audit entry " + last.id() + ").");
        }
        Optional<Instant> signed = jdbc.sql("SELECT max(signed_at) FROM audit_checkpoint").query((rs, n) -> {
            var t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        }).optional();
        Duration stale = heartbeat.multipliedBy(2).plusSeconds(30);
        if (signed.isEmpty() || Duration.between(signed.get(), now).compareTo(stale) > 0) {
            problems.add("No checkpoint was signed since " + signed.map(Instant::toString).orElse("ever")
                    + ": no node is integrating the trail.");
        } else {
            facts.add("The latest checkpoint was signed at " + signed.get() + ".");
        }
        return problems.isEmpty() ? Result.compliant(facts.toArray(String[]::new)) : Result.notCompliant(problems);
    }

    private record Review(long id, Instant time, String actor, String action) {
    }

    private Result reviewedRegularly(Instant now) {
        List<String> problems = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        Optional<Review> review = jdbc.sql("""
                SELECT id, occurred_at, actor, action FROM audit_entry
                WHERE action = ANY (?) AND outcome = 'success' AND actor <> ? AND occurred_at > ? AND occurred_at <= ?
                ORDER BY occurred_at DESC LIMIT 1""")
                .param(REVIEW_ACTIONS.toArray(String[]::new)).param(AuditSelfCheck.ACTOR)
                .param(java.sql.Timestamp.from(now.minus(reviewEvery))).param(java.sql.Timestamp.from(now))
                .query((rs, n) -> new Review(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)))
                .optional();
        if (review.isEmpty()) {
            problems.add("Nobody has searched or exported the audit trail in the last " + reviewEvery.toDays()
                    + " days: an auditor or security officer should review it.");
        } else {
            Review r = review.get();
            facts.add(r.actor() + " reviewed the trail (" + r.action() + ") at " + r.time() + " (audit entry " + r.id() + ").");
        }
        Optional<SelfCheckRecords.Check> check = checks.last();
        if (check.isPresent() && check.get().passed() && check.get().recentAt(now)) {
            facts.add("The server checked the trail's integrity at " + check.get().time() + " (audit entry "
                    + check.get().id() + ").");
        } else {
            problems.add("The trail's integrity was not verified successfully in the last 24 h (see ECOMP-6.3).");
        }
        return problems.isEmpty() ? Result.compliant(facts.toArray(String[]::new)) : Result.notCompliant(problems);
    }

    private Result appendOnlyAndComplete() {
        List<String> problems = new ArrayList<>();
        List<String> enabled = jdbc.sql("""
                SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE c.relname = ANY (?) AND NOT t.tgisinternal AND t.tgenabled IN ('O', 'A')""")
                .param(APPEND_ONLY.keySet().toArray(String[]::new)).query(String.class).list();
        APPEND_ONLY.forEach((table, triggers) -> triggers.stream().filter(t -> !enabled.contains(t))
                .forEach(t -> problems.add("Trigger " + t + " on " + table + " is missing or disabled: the table is not append-only.")));
        Optional<SelfCheckRecords.Check> last = checks.last();
        if (last.isEmpty()) {
            problems.add("The tree has not been compared with the table yet (the leader checks a minute after start).");
        } else if (last.get().foundGaps()) {
            problems.add("The check of " + last.get().time() + " (audit entry " + last.get().id() + ") found the table and"
                    + " the tree apart: " + last.get().reason());
        }
        if (!problems.isEmpty()) {
            return Result.notCompliant(problems);
        }
        return Result.compliant(
                "audit_entry and its ledger tables refuse UPDATE, DELETE and TRUNCATE (triggers enabled).",
                "At the check of " + last.get().time() + " every committed entry was in the tree and every leaf had its row;"
                        + " a database superuser's changes are caught by the signed checkpoints (docs/audit-format.md).");
    }
}
