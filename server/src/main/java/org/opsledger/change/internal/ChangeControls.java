package org.opsledger.change.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opsledger.compliance.ControlEvaluator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The IS.012 6.2 controls, decided from the change records. Each result names the changes behind it,
 * so an auditor can open them; the checks look for what must never be there, so a rule the service
 * enforces is also proven from the data.
 */
@Component
class ChangeControls implements ControlEvaluator {

    private static final int SHOWN = 20;
    private static final String IMPLEMENTED = ChangeState.wireNames(ChangeState.IMPLEMENTED_OR_LATER);
    private static final String APPROVED = ChangeState.wireNames(ChangeState.APPROVED_OR_LATER);

    private final JdbcClient jdbc;
    private final ChangeReports reports;
    private final ChangeProperties properties;

    ChangeControls(JdbcClient jdbc, ChangeReports reports, ChangeProperties properties) {
        this.jdbc = jdbc;
        this.reports = reports;
        this.properties = properties;
    }

    @Override
    public Set<String> controls() {
        return Set.of("IS.012-6.2.1", "IS.012-6.2.2", "IS.012-6.2.3", "IS.012-6.2.4", "IS.012-6.2.5", "IS.012-6.2.6",
                "IS.012-6.2.7", "IS.012-6.2.8", "IS.012-6.2.9", "IS.012-6.2.10", "IS.012-6.3.6");
    }

    @Override
    public Result evaluate(String controlId, Instant now) {
        long total = jdbc.sql("SELECT count(*) FROM change_request").query(Long.class).single();
        if (total == 0 && !controlId.equals("IS.012-6.2.9")) {
            return Result.notAssessed("No change request is recorded yet.");
        }
        return switch (controlId) {
            case "IS.012-6.2.1" -> riskCategories(total);
            case "IS.012-6.2.2" -> cabApproval();
            case "IS.012-6.2.3" -> systemOfRecord(total);
            case "IS.012-6.2.4" -> none("SELECT number FROM change_request WHERE state IN (" + IMPLEMENTED + ") AND type <> 'standard' "
                    + "AND (implementation_plan IS NULL OR test_plan IS NULL OR test_evidence IS NULL)",
                    "implemented without an implementation plan, test plan and test evidence",
                    "Every implemented change had an implementation plan, a test plan and test evidence from a lower environment "
                            + "before submission (standard changes: their template's plans).");
            case "IS.012-6.2.5" -> none("SELECT number FROM change_request WHERE state IN (" + IMPLEMENTED + ") AND type <> 'standard' "
                    + "AND (security_assessment IS NULL OR NOT compliance_confirmed)",
                    "implemented without the security and compliance checks",
                    "Every implemented change recorded its security assessment and compliance confirmation.");
            case "IS.012-6.2.6" -> stakeholders();
            case "IS.012-6.2.7" -> none("SELECT number FROM change_request WHERE (state IN (" + IMPLEMENTED + ") AND fallback_plan IS NULL) "
                    + "OR (outcome = 'failed' AND outcome_notes IS NULL)",
                    "implemented without a fallback plan, or failed without a record of the fallback carried out",
                    "Every implemented change carried a fallback plan; every failed change records how the fallback was carried out.");
            case "IS.012-6.2.8" -> emergencyReviews(now);
            case "IS.012-6.2.9" -> processReview(now);
            case "IS.012-6.2.10" -> emergencyAudit(now);
            // IS.012 6.3.6: changes to network devices need the security officer's approval before they are implemented
            case "IS.012-6.3.6" -> none("SELECT number FROM change_request WHERE network_device AND state IN (" + APPROVED
                    + ") AND security_approved_by IS NULL",
                    "approved for a network device without the security officer's approval",
                    "Every change to a network device that was approved had the security officer's approval first.");
            default -> throw new IllegalArgumentException(controlId);
        };
    }

    private List<String> numbers(String sql, Object... params) {
        return jdbc.sql(sql + " ORDER BY 1 LIMIT " + (SHOWN + 1)).params(List.of(params)).query(String.class).list();
    }

    private static String listed(List<String> numbers) {
        return numbers.size() > SHOWN ? String.join(", ", numbers.subList(0, SHOWN)) + " and more"
                : String.join(", ", numbers);
    }

    private long count(String sql, Object... params) {
        return jdbc.sql("SELECT count(*) FROM (" + sql + ") x").params(List.of(params)).query(Long.class).single();
    }

    /** Not compliant when the query finds any change; its numbers are the evidence. */
    private Result none(String sql, String what, String compliant) {
        List<String> found = numbers(sql);
        if (!found.isEmpty()) {
            long n = count(sql);
            return Result.notCompliant(List.of(n + " change(s) " + what + ": " + listed(found)));
        }
        return Result.compliant(compliant);
    }

    private Result riskCategories(long total) {
        record Counts(long high, long medium, long low, long overrides) {
        }
        Counts c = jdbc.sql("SELECT count(*) FILTER (WHERE risk = 'high'), count(*) FILTER (WHERE risk = 'medium'), "
                + "count(*) FILTER (WHERE risk = 'low'), count(*) FILTER (WHERE risk_override_level IS NOT NULL) FROM change_request")
                .query((rs, n) -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).single();
        List<String> unjustified = numbers("SELECT number FROM change_request WHERE risk_override_level IS NOT NULL "
                + "AND (risk_override_justification IS NULL OR risk_override_by IS NULL)");
        if (!unjustified.isEmpty()) {
            return Result.notCompliant(List.of("Risk overrides without justification or author: " + listed(unjustified)));
        }
        return Result.compliant(total + " change request(s) categorised: " + c.high() + " High, " + c.medium() + " Medium, " + c.low()
                + " Low (from the questionnaire and the items' tier and environment, the higher winning); " + c.overrides()
                + " manual override(s), each justified and attributed.");
    }

    private Result cabApproval() {
        // IS.012 6.2.2: High and Medium risk must be approved by the CAB
        String sql = "SELECT number FROM change_request WHERE type = 'normal' AND risk IN ('high', 'medium') AND state IN (" + APPROVED
                + ") AND approved_by IS DISTINCT FROM 'cab'";
        List<String> found = numbers(sql);
        if (!found.isEmpty()) {
            return Result.notCompliant(List.of(count(sql) + " High- or Medium-risk change(s) approved without the CAB: " + listed(found)));
        }
        List<String> noQuorum = numbers("SELECT c.number FROM change_request c WHERE c.approved_by = 'cab' AND "
                + "(SELECT count(*) FROM change_vote v WHERE v.change_id = c.id AND v.capacity = 'cab' AND v.decision = 'approve') = 0");
        if (!noQuorum.isEmpty()) {
            return Result.notCompliant(List.of("Changes marked CAB-approved without an approving CAB vote: " + listed(noQuorum)));
        }
        long byCab = count("SELECT 1 FROM change_request WHERE approved_by = 'cab'");
        return Result.compliant("Every approved High- or Medium-risk normal change was approved by a quorate CAB majority (" + byCab
                + " change(s); quorum " + properties.cabQuorumMedium() + " for Medium, " + properties.cabQuorumHigh() + " for High); "
                + "requesters and implementers cannot vote on their own changes.");
    }

    private Result systemOfRecord(long total) {
        List<String> untracked = numbers("SELECT c.number FROM change_request c WHERE NOT EXISTS "
                + "(SELECT 1 FROM change_transition t WHERE t.change_id = c.id AND t.action = 'create')");
        if (!untracked.isEmpty()) {
            return Result.notCompliant(List.of("Change requests without their recorded creation: " + listed(untracked)));
        }
        return Result.compliant(total + " change request(s) recorded and numbered in OpsLedger, each transition on its timeline "
                + "and in the tamper-evident audit trail.");
    }

    private Result stakeholders() {
        List<String> reasons = new ArrayList<>();
        String without = "SELECT c.number FROM change_request c WHERE c.type <> 'standard' AND c.submitted_at IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM change_stakeholder s WHERE s.change_id = c.id)";
        List<String> found = numbers(without);
        if (!found.isEmpty()) {
            reasons.add(count(without) + " submitted change(s) without stakeholders: " + listed(found));
        }
        String failed = "SELECT DISTINCT c.number FROM change_notification n JOIN change_request c ON c.id = n.change_id WHERE n.status = 'failed'";
        List<String> undelivered = numbers(failed);
        if (!undelivered.isEmpty()) {
            reasons.add("Notifications that could not be delivered after " + StakeholderNotifications.MAX_ATTEMPTS + " attempts, for "
                    + listed(undelivered));
        }
        if (!reasons.isEmpty()) {
            return Result.notCompliant(reasons);
        }
        long sent = count("SELECT 1 FROM change_notification WHERE status = 'sent'");
        long pending = count("SELECT 1 FROM change_notification WHERE status = 'pending'");
        return Result.compliant("Every submitted change names its stakeholders; " + sent + " notification(s) sent by e-mail, "
                + pending + " waiting to be sent.");
    }

    private Result emergencyReviews(Instant now) {
        List<ChangeReports.EmergencyChange> overdue = reports.overdueReviews(now, SHOWN + 1);
        if (!overdue.isEmpty()) {
            return Result.notCompliant(List.of(overdue.size() + (overdue.size() > SHOWN ? "+" : "") + " emergency change(s) without "
                    + "their review after " + properties.emergencyReviewDays() + " days: "
                    + listed(overdue.stream().map(ChangeReports.EmergencyChange::number).toList())));
        }
        String unapproved = "SELECT number FROM change_request WHERE type = 'emergency' AND state IN (" + IMPLEMENTED + ") AND approved_by IS NULL";
        List<String> found = numbers(unapproved);
        if (!found.isEmpty()) {
            return Result.notCompliant(List.of("Emergency changes implemented without an approver: " + listed(found)));
        }
        long emergencies = count("SELECT 1 FROM change_request WHERE type = 'emergency'");
        return Result.compliant(emergencies + " emergency change(s): each approved by an authorised approver before implementation, "
                + "each reviewed (or not yet due) within " + properties.emergencyReviewDays() + " days.");
    }

    private Result processReview(Instant now) {
        ChangeReports.ProcessReview last = reports.lastReview();
        if (last == null) {
            return Result.notCompliant(List.of("The change process has never been reviewed; a review is expected every "
                    + properties.processReviewEvery().toDays() + " days (POST /api/v1/changes/process-reviews)."));
        }
        Instant due = last.reviewedAt().plus(properties.processReviewEvery());
        if (now.isAfter(due)) {
            return Result.notCompliant(List.of("The last review of the change process was on " + last.reviewedAt() + " by "
                    + last.reviewer() + "; the next was due on " + due + "."));
        }
        return Result.compliant("The change process was last reviewed on " + last.reviewedAt() + " by " + last.reviewer()
                + " (period " + last.periodFrom() + " to " + last.periodTo() + "); the next review is due by " + due + ".");
    }

    private Result emergencyAudit(Instant now) {
        long emergencies = count("SELECT 1 FROM change_request WHERE type = 'emergency'");
        if (emergencies == 0) {
            return Result.compliant("No emergency change has been raised.");
        }
        List<String> reasons = new ArrayList<>();
        List<ChangeReports.EmergencyChange> overdue = reports.overdueReviews(now, SHOWN + 1);
        if (!overdue.isEmpty()) {
            reasons.add(overdue.size() + " emergency change(s) without their review after " + properties.emergencyReviewDays()
                    + " days: " + listed(overdue.stream().map(ChangeReports.EmergencyChange::number).toList()));
        }
        ChangeReports.ProcessReview last = reports.lastReview();
        if (last == null || now.isAfter(last.reviewedAt().plus(properties.processReviewEvery()))) {
            reasons.add("The emergency-change audit report has not been reviewed in a process review within the last "
                    + properties.processReviewEvery().toDays() + " days.");
        }
        if (!reasons.isEmpty()) {
            return Result.notCompliant(reasons);
        }
        return Result.compliant(emergencies + " emergency change(s), all reviewed or not yet due; audited in the process review of "
                + last.reviewedAt() + ".");
    }
}
