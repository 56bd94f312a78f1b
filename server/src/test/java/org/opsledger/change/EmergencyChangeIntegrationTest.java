package org.opsledger.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.change.ChangeFixtures.act;
import static org.opsledger.change.ChangeFixtures.create;
import static org.opsledger.change.ChangeFixtures.ok;
import static org.opsledger.change.ChangeFixtures.ready;
import static org.opsledger.change.ChangeFixtures.with;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** Emergency changes (IS.012 6.2.8), their audit (6.2.10) and the process review (6.2.9). */
class EmergencyChangeIntegrationTest extends IntegrationTest {

    private String requesterName;
    private String requester;
    private String manager;
    private String cab;
    private String implementer;
    private String auditor;

    @BeforeEach
    void people() {
        requesterName = Api.unique("req");
        requester = api.person(requesterName, "requester");
        manager = api.person(Api.unique("mgr"), "change-manager");
        cab = api.person(Api.unique("cab"), "cab-member");
        implementer = api.person(Api.unique("impl"), "implementer");
        auditor = api.person(Api.unique("aud"), "auditor");
    }

    private Map<String, Object> emergency(String title) {
        return with(ready(title, ChangeFixtures.HIGH, 0), "type", "emergency", "plannedStart", null, "plannedEnd", null,
                "emergencyJustification", "Payment service down: certificate expired");
    }

    /** Raised, approved by one CAB member, implemented: the full review is still to come. */
    private String implementedEmergency(String title) {
        String number = create(api, requester, emergency(title));
        ok(api, requester, number, "submit", null);
        ok(api, cab, number, "approve", Map.of("comment", "go"));
        ok(api, implementer, number, "start", null);
        ok(api, implementer, number, "complete", Map.of("notes", "certificate replaced"));
        return number;
    }

    @Test
    void oneAuthorisedApproverStartsAnEmergencyChangeAndItsReviewFollowsWithinTheConfiguredDays() {
        assertThat(act(api, requester, create(api, requester, with(emergency("No reason"), "emergencyJustification", null)), "submit",
                null).get("field")).isEqualTo("emergencyJustification");
        String number = create(api, requester, emergency("Expired certificate"));
        ok(api, requester, number, "submit", null);
        Map<String, Object> approved = ok(api, cab, number, "approve", null);
        assertThat(approved.get("state")).isEqualTo("approved");
        assertThat(approved.get("allowedActions")).isEqualTo(List.of("schedule", "start", "cancel"));
        Instant approvedAt = Instant.parse((String) approved.get("approvedAt"));
        assertThat(Instant.parse((String) approved.get("reviewDue"))).isEqualTo(approvedAt.plus(Duration.ofDays(5)));
        // implemented before the full review
        assertThat(ok(api, implementer, number, "start", null).get("plannedStart")).isNotNull();
        Map<String, Object> done = ok(api, implementer, number, "complete", null);
        assertThat(done.get("outcome")).isEqualTo("implemented");
        assertThat(ok(api, cab, number, "review", Map.of("notes", "justified; renew certificates 30 days ahead")).get("state"))
                .isEqualTo("reviewed");
        Map<String, Object> report = api.get("/api/v1/changes/reports/emergency", auditor).json();
        Map<?, ?> row = ((List<?>) report.get("changes")).stream().map(Map.class::cast).filter(r -> number.equals(r.get("number")))
                .findFirst().orElseThrow();
        assertThat(row.get("review")).isEqualTo("on-time");
        assertThat(row.get("justification")).isEqualTo("Payment service down: certificate expired");
        assertThat(row.get("approvedBy")).isNotNull();
    }

    @Test
    void anEmergencyChangeWhoseReviewIsOverdueIsReportedAndFailsTheControl() {
        String number = implementedEmergency("Overdue review");
        Map<?, ?> control = api.get("/api/v1/controls/IS.012-6.2.8", auditor).json();
        assertThat(String.valueOf(control.get("reasons"))).doesNotContain(number);

        // six days later, as far as the records are concerned: the review was due a day ago
        Instant approved = Instant.now().minus(Duration.ofDays(6));
        jdbc.sql("UPDATE change_request SET created_at = ?, submitted_at = ?, approved_at = ?, review_due = ? WHERE number = ?")
                .params(java.sql.Timestamp.from(approved), java.sql.Timestamp.from(approved), java.sql.Timestamp.from(approved),
                        java.sql.Timestamp.from(approved.plus(Duration.ofDays(5))), number).update();

        Map<String, Object> report = api.get("/api/v1/changes/reports/emergency", auditor).json();
        Map<?, ?> row = ((List<?>) report.get("changes")).stream().map(Map.class::cast).filter(r -> number.equals(r.get("number")))
                .findFirst().orElseThrow();
        assertThat(row.get("review")).isEqualTo("overdue");
        assertThat(((Number) report.get("overdue")).longValue()).isGreaterThanOrEqualTo(1);
        Map<?, ?> share = ((List<?>) report.get("requesters")).stream().map(Map.class::cast)
                .filter(r -> requesterName.equals(r.get("requester"))).findFirst().orElseThrow();
        assertThat(share.get("emergencies")).isEqualTo(1);
        assertThat(share.get("emergencyShare")).isEqualTo(1.0);

        control = api.get("/api/v1/controls/IS.012-6.2.8", auditor).json();
        assertThat(control.get("status")).isEqualTo("not-compliant");
        assertThat(String.valueOf(control.get("reasons"))).contains("without their review after 5 days").contains(number);
        assertThat(String.valueOf(api.get("/api/v1/controls/IS.012-6.2.10", auditor).get("reasons"))).contains(number);

        // the late review is recorded as late, and the control recovers
        ok(api, cab, number, "review", Map.of("notes", "reviewed late"));
        assertThat(String.valueOf(lastAuditEntry("change.review").get("after"))).contains("late");
        Map<?, ?> late = ((List<?>) api.get("/api/v1/changes/reports/emergency", auditor).json().get("changes")).stream()
                .map(Map.class::cast).filter(r -> number.equals(r.get("number"))).findFirst().orElseThrow();
        assertThat(late.get("review")).isEqualTo("late");
        assertThat(String.valueOf(api.get("/api/v1/controls/IS.012-6.2.8", auditor).get("reasons"))).doesNotContain(number);
    }

    @Test
    void theProcessReviewReportCountsVolumesOutcomesAndLeadTimesAndItsCsvCannotInjectFormulas() {
        String ok = implementedEmergency("=HYPERLINK(\"http://evil\",\"click\")");
        String failed = create(api, requester, emergency("Failing emergency"));
        ok(api, requester, failed, "submit", null);
        ok(api, cab, failed, "approve", null);
        ok(api, implementer, failed, "start", null);
        assertThat(act(api, implementer, failed, "fail", Map.of()).get("field")).isEqualTo("notes");
        assertThat(ok(api, implementer, failed, "fail", Map.of("notes", "rolled back to the old certificate")).get("outcome"))
                .isEqualTo("failed");
        // make the first one late so that it shows in the CSV's list
        jdbc.sql("UPDATE change_request SET review_due = ? WHERE number = ?")
                .params(java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(1))), ok).update();

        Map<String, Object> report = api.get("/api/v1/changes/reports/process", manager).json();
        assertThat(((Number) report.get("emergency")).longValue()).isGreaterThanOrEqualTo(2);
        assertThat(((Number) report.get("implemented")).longValue()).isGreaterThanOrEqualTo(1);
        assertThat(((Number) report.get("failed")).longValue()).isGreaterThanOrEqualTo(1);
        assertThat(((Number) report.get("failureRate")).doubleValue()).isBetween(0.0, 1.0).isPositive();
        assertThat(report.get("leadTimeHours")).isNotNull();

        Api.Response csv = api.get("/api/v1/changes/reports/process.csv", auditor);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body()).startsWith("measure,value\r\n").contains("\r\nchanges,").contains(ok);
        assertThat(csv.body()).contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",").doesNotContain(",=HYPERLINK");
        assertThat(api.get("/api/v1/changes/reports/process.csv", requester).status()).isEqualTo(403);

        // IS.012 6.2.9: the review itself is recorded, and the control reads it
        assertThat(api.post("/api/v1/changes/process-reviews", manager, Map.of()).get("field")).isEqualTo("notes");
        Api.Response review = api.post("/api/v1/changes/process-reviews", manager, Map.of("notes", "Emergency share too high; "
                + "certificate monitoring added"));
        assertThat(review.status()).isEqualTo(201);
        Map<?, ?> control = api.get("/api/v1/controls/IS.012-6.2.9", auditor).json();
        assertThat(control.get("status")).isEqualTo("compliant");
        assertThat(String.valueOf(control.get("reasons"))).contains("last reviewed");
    }

    @Test
    void theRequesterCannotApproveTheirOwnEmergencyNorCanAnImplementerSkipTheApproval() {
        String cabRequester = api.person(Api.unique("cab-req"), "cab-member", "requester");
        String number = create(api, cabRequester, emergency("My own emergency"));
        ok(api, cabRequester, number, "submit", null);
        assertThat(act(api, cabRequester, number, "approve", null).get("rule")).isEqualTo("requester-not-approver");
        Api.Response early = act(api, implementer, number, "start", null);
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.get("allowed")).isEqualTo(List.of("approve", "reject", "cancel"));
        assertThat(act(api, manager, number, "assess", null).status()).isEqualTo(409);
    }
}
