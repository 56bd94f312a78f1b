package org.opsledger.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.change.ChangeFixtures.act;
import static org.opsledger.change.ChangeFixtures.create;
import static org.opsledger.change.ChangeFixtures.ok;
import static org.opsledger.change.ChangeFixtures.ready;
import static org.opsledger.change.ChangeFixtures.with;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** Change requests through their workflow over the API (IS.012 6.2.1–6.2.5, 6.2.7). */
class ChangeWorkflowIntegrationTest extends IntegrationTest {

    static final List<String> ACTIONS = List.of("submit", "assess", "approve", "reject", "schedule", "start", "complete", "fail",
            "review", "close", "cancel");

    private String requester;
    private String requesterName;
    private String manager;
    private String implementerName;
    private String implementer;

    @BeforeEach
    void people() {
        requesterName = Api.unique("req");
        requester = api.person(requesterName, "requester");
        manager = api.person(Api.unique("mgr"), "change-manager");
        implementerName = Api.unique("impl");
        implementer = api.person(implementerName, "implementer");
    }

    @Test
    void aChangeIsRecordedNumberedReadAndListedWithFilters() {
        String title = Api.unique("Patch web tier");
        Api.Response created = api.post("/api/v1/changes", requester, ready(title, ChangeFixtures.LOW, 3));
        assertThat(created.status()).isEqualTo(201);
        String number = (String) created.get("number");
        assertThat(number).matches("CHG-\\d{6}");
        assertThat(created.get("state")).isEqualTo("draft");
        assertThat(created.get("requester")).isEqualTo(requesterName);
        assertThat(created.get("allowedActions")).isEqualTo(List.of("submit", "cancel"));
        assertThat(lastAuditEntry("change.create").get("objectId")).isEqualTo(number);

        Api.Response read = api.get("/api/v1/changes/" + number, manager);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.get("title")).isEqualTo(title);
        assertThat(read.get("testEnvironment")).isEqualTo("test");
        assertThat(((Map<?, ?>) read.get("risk")).get("level")).isEqualTo("low");
        assertThat((List<?>) read.get("timeline")).hasSize(1);
        assertThat(api.get("/api/v1/changes/" + read.get("id"), manager).get("number")).isEqualTo(number);

        Api.Response byText = api.get("/api/v1/changes?q=" + title.substring(title.length() - 8) + "&state=draft,submitted", manager);
        assertThat(byText.items()).extracting(i -> i.get("number")).containsExactly(number);
        Api.Response byRequester = api.get("/api/v1/changes?requester=" + requesterName + "&size=1", manager);
        assertThat(byRequester.json().get("totalItems")).isEqualTo(1);
        assertThat(api.get("/api/v1/changes?q=" + number, manager).items()).hasSize(1);
        assertThat(api.get("/api/v1/changes?state=closed&requester=" + requesterName, manager).items()).isEmpty();

        assertThat(api.get("/api/v1/changes/CHG-999999999", manager).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/changes?state=nonsense", manager).get("field")).isEqualTo("state");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsWritten() {
        long before = jdbc.sql("SELECT count(*) FROM change_request").query(Long.class).single();
        Map<String, Object> good = ready("Bad input", ChangeFixtures.LOW, 2);
        assertThat(api.post("/api/v1/changes", requester, with(good, "type", "urgent")).get("field")).isEqualTo("type");
        assertThat(api.post("/api/v1/changes", requester, with(good, "title", " ")).get("field")).isEqualTo("title");
        assertThat(api.post("/api/v1/changes", requester, with(good, "plannedStart", "tomorrow")).get("field")).isEqualTo("plannedStart");
        assertThat(api.post("/api/v1/changes", requester, with(good, "items", List.of("not-a-uuid"))).get("field")).isEqualTo("items");
        assertThat(api.post("/api/v1/changes", requester, with(good, "riskAnswers", Map.of("moonPhase", true))).get("field"))
                .isEqualTo("riskAnswers.moonPhase");
        assertThat(api.post("/api/v1/changes", requester, with(good, "riskOverride", Map.of("level", "high"))).get("field"))
                .isEqualTo("riskOverride.justification");
        assertThat(api.post("/api/v1/changes", requester, with(good, "stakeholders", List.of(Map.of("email", "nope")))).get("field"))
                .isEqualTo("stakeholders");
        assertThat(api.post("/api/v1/changes", requester, with(good, "plannedEnd", good.get("plannedStart"))).get("field"))
                .isEqualTo("plannedEnd");
        assertThat(jdbc.sql("SELECT count(*) FROM change_request").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void submissionNeedsThePlansTestEvidenceFromALowerEnvironmentTheFallbackAndTheChecks() {
        Map<String, Object> good = ready("Incomplete", ChangeFixtures.LOW, 2);
        for (String field : List.of("implementationPlan", "testPlan", "testEvidence", "fallbackPlan", "securityAssessment",
                "complianceConfirmed", "stakeholders")) {
            String number = create(api, requester, with(good, field, null));
            Api.Response r = act(api, requester, number, "submit", null);
            assertThat(r.status()).as(field).isEqualTo(400);
            assertThat(r.get("field")).as(field).isEqualTo(field);
            assertThat(api.get("/api/v1/changes/" + number, requester).get("state")).isEqualTo("draft");
        }
        String inProduction = create(api, requester, with(good, "testEnvironment", "production"));
        Api.Response r = act(api, requester, inProduction, "submit", null);
        assertThat(r.get("field")).isEqualTo("testEnvironment");
        assertThat((String) r.get("detail")).contains("below production");

        // the requester completes the draft and submits it; once submitted it is no longer edited
        String fixed = create(api, requester, with(good, "fallbackPlan", null));
        assertThat(act(api, requester, fixed, "submit", null).get("field")).isEqualTo("fallbackPlan");
        String someoneElse = api.person(Api.unique("req2"), "requester");
        assertThat(api.put("/api/v1/changes/" + fixed, someoneElse, good).status()).isEqualTo(403);
        Api.Response edited = api.put("/api/v1/changes/" + fixed, requester, with(good, "title", "Complete now"));
        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.get("title")).isEqualTo("Complete now");
        assertThat(edited.get("version")).isEqualTo(1);
        assertThat(String.valueOf(lastAuditEntry("change.edit").get("before"))).contains("title=Incomplete");
        assertThat(ok(api, requester, fixed, "submit", null).get("state")).isEqualTo("submitted");
        Api.Response late = api.put("/api/v1/changes/" + fixed, requester, good);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.get("allowed")).isEqualTo(List.of("assess", "reject", "cancel"));

        Map<String, Object> partial = new LinkedHashMap<>(ChangeFixtures.LOW);
        partial.remove("dataChange");
        assertThat(act(api, requester, create(api, requester, with(good, "riskAnswers", partial)), "submit", null).get("field"))
                .isEqualTo("riskAnswers.dataChange");
    }

    @Test
    void aLowRiskChangeGoesFromDraftToClosedWithEveryStepAuditedAndOnItsTimeline() {
        String number = create(api, requester, ready("Low risk", ChangeFixtures.LOW, 4));
        assertThat(ok(api, requester, number, "submit", null).get("state")).isEqualTo("submitted");
        Map<String, Object> assessed = ok(api, manager, number, "assess", null);
        assertThat(assessed.get("state")).isEqualTo("assessed");
        assertThat(assessed.get("allowedActions")).isEqualTo(List.of("approve", "reject", "cancel"));
        assertThat(ok(api, manager, number, "approve", Map.of("comment", "fine")).get("state")).isEqualTo("approved");
        Map<String, Object> scheduled = ok(api, manager, number, "schedule", Map.of("implementer", implementerName));
        assertThat(scheduled.get("state")).isEqualTo("scheduled");
        assertThat(scheduled.get("implementer")).isEqualTo(implementerName);
        String other = api.person(Api.unique("impl2"), "implementer");
        assertThat(act(api, other, number, "start", null).status()).isEqualTo(403);
        assertThat(ok(api, implementer, number, "start", null).get("state")).isEqualTo("implementing");
        assertThat(ok(api, implementer, number, "complete", Map.of("notes", "done, smoke tests green")).get("state"))
                .isEqualTo("implemented");
        assertThat(act(api, manager, number, "review", Map.of()).get("field")).isEqualTo("notes");
        assertThat(ok(api, manager, number, "review", Map.of("notes", "went as planned")).get("state")).isEqualTo("reviewed");
        Map<String, Object> closed = ok(api, manager, number, "close", null);
        assertThat(closed.get("state")).isEqualTo("closed");
        assertThat(closed.get("allowedActions")).isEqualTo(List.of());

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> timeline = (List<Map<String, Object>>) closed.get("timeline");
        assertThat(timeline).extracting(t -> t.get("action"))
                .containsExactly("create", "submit", "assess", "approve", "schedule", "start", "complete", "review", "close");
        for (String action : List.of("submit", "assess", "approve", "schedule", "start", "complete", "review", "close")) {
            assertThat(auditCount("change." + action, number)).as(action).isEqualTo(1);
        }
        Map<String, Object> entry = lastAuditEntry("change.close");
        assertThat(entry.get("objectId")).isEqualTo(number);
        assertThat(String.valueOf(entry.get("before"))).contains("state=reviewed");
        assertThat(String.valueOf(entry.get("after"))).contains("state=closed");
    }

    @Test
    void everyIllegalTransitionIsRefusedWith409ListingTheAllowedOnes() {
        // a change manager may call every transition endpoint, so only the workflow can refuse
        String number = create(api, requester, ready("Illegal moves", ChangeFixtures.LOW, 5));
        Map<String, Object> full = Map.of("reason", "r", "notes", "n", "implementer", implementerName);
        List<String> path = List.of("submit", "assess", "approve", "schedule", "start", "complete", "review", "close");
        List<String> checked = new ArrayList<>();
        for (int step = 0; step <= path.size(); step++) {
            Map<String, Object> now = api.get("/api/v1/changes/" + number, manager).json();
            @SuppressWarnings("unchecked")
            Set<String> allowed = new TreeSet<>((List<String>) now.get("allowedActions"));
            for (String action : ACTIONS) {
                if (allowed.contains(action)) {
                    continue;
                }
                Api.Response r = act(api, manager, number, action, full);
                assertThat(r.status()).as(action + " in " + now.get("state")).isEqualTo(409);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(new TreeSet<>((List<?>) r.get("allowed"))).as(action + " in " + now.get("state")).isEqualTo(allowed);
                assertThat(r.get("state")).isEqualTo(now.get("state"));
                checked.add(now.get("state") + ":" + action);
            }
            if (step < path.size()) {
                String token = path.get(step).equals("submit") ? requester
                        : List.of("start", "complete").contains(path.get(step)) ? implementer : manager;
                ok(api, token, number, path.get(step), full);
            }
        }
        assertThat(checked).contains("draft:approve", "submitted:approve", "assessed:schedule", "approved:start",
                "scheduled:complete", "implementing:close", "implementing:cancel", "implemented:close", "reviewed:cancel",
                "closed:cancel", "closed:submit");
        assertThat(outcomes("change.approve", number)).containsOnly("failure", "success").filteredOn("success"::equals).hasSize(1);
        assertThat(outcomes("change.cancel", number)).contains("failure").doesNotContain("success");

        // a cancelled change allows nothing; a change in CAB review is not approved by one person
        String cancelled = create(api, requester, ready("Cancelled", ChangeFixtures.LOW, 5));
        ok(api, requester, cancelled, "cancel", Map.of("reason", "not needed"));
        assertThat(act(api, manager, cancelled, "submit", null).get("allowed")).isEqualTo(List.of());
        String medium = create(api, requester, ready("Medium", ChangeFixtures.MEDIUM, 5));
        ok(api, requester, medium, "submit", null);
        assertThat(ok(api, manager, medium, "assess", null).get("state")).isEqualTo("cab-review");
        Api.Response single = act(api, manager, medium, "approve", null);
        assertThat(single.status()).isEqualTo(409);
        assertThat(single.get("allowed")).isEqualTo(List.of("reject", "cancel"));
    }

    /** The outcomes of the audit entries with this action on this change, oldest first. */
    private List<String> outcomes(String action, String number) {
        return jdbc.sql("SELECT outcome FROM audit_entry WHERE action = ? AND object_id = ? ORDER BY id").params(action, number)
                .query(String.class).list();
    }

    @Test
    void nobodyApprovesOrVotesOnTheirOwnChange() {
        String managerName = Api.unique("mgr-self");
        String selfManager = api.person(managerName, "change-manager");
        String number = create(api, selfManager, ready("My own change", ChangeFixtures.LOW, 6));
        ok(api, selfManager, number, "submit", null);
        ok(api, selfManager, number, "assess", null);
        Api.Response self = act(api, selfManager, number, "approve", null);
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.get("rule")).isEqualTo("requester-not-approver");
        assertThat(api.get("/api/v1/changes/" + number, manager).get("state")).isEqualTo("assessed");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_entry WHERE action = 'request.denied' AND object_id = ? AND outcome = 'denied'")
                .param(number).query(Long.class).single()).isEqualTo(1);
        assertThat(ok(api, manager, number, "approve", null).get("approvedBy")).isNotEqualTo(managerName);

        // a CAB member who requested a change cannot vote on it, nor can its implementer
        String cabRequesterName = Api.unique("cab-req");
        String cabRequester = api.person(cabRequesterName, "cab-member", "requester");
        String medium = create(api, cabRequester, with(ready("CAB member's own", ChangeFixtures.MEDIUM, 6), "implementer",
                implementerName));
        ok(api, cabRequester, medium, "submit", null);
        ok(api, manager, medium, "assess", null);
        Api.Response vote = api.post("/api/v1/changes/" + medium + "/cab-votes", cabRequester, Map.of("decision", "approve"));
        assertThat(vote.status()).isEqualTo(403);
        assertThat(vote.get("rule")).isEqualTo("requester-not-approver");
        String cabImplementer = api.person(Api.unique("cab-impl"), "cab-member");
        jdbc.sql("UPDATE change_request SET implementer = (SELECT username FROM account WHERE id = (SELECT account_id FROM api_token "
                + "WHERE token_hash = sha256(convert_to(?, 'UTF8')))) WHERE number = ?").params(cabImplementer, medium).update();
        Api.Response byImplementer = api.post("/api/v1/changes/" + medium + "/cab-votes", cabImplementer, Map.of("decision", "approve"));
        assertThat(byImplementer.status()).isEqualTo(403);
        assertThat(byImplementer.get("rule")).isEqualTo("implementer-not-approver");
    }

    @Test
    void highAndMediumRiskNeedTheCabsQuorumAndItsMajority() {
        String number = create(api, requester, ready("Medium risk", ChangeFixtures.MEDIUM, 7));
        ok(api, requester, number, "submit", null);
        assertThat(ok(api, manager, number, "assess", null).get("state")).isEqualTo("cab-review");
        String cab1 = api.person(Api.unique("cab"), "cab-member");
        String cab2 = api.person(Api.unique("cab"), "cab-member");
        Api.Response first = api.post("/api/v1/changes/" + number + "/cab-votes", cab1, Map.of("decision", "approve", "comment", "ok"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.get("state")).isEqualTo("cab-review");
        assertThat(api.post("/api/v1/changes/" + number + "/cab-votes", cab1, Map.of("decision", "approve")).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/changes/" + number + "/cab-votes", cab2, Map.of("decision", "reject")).get("field"))
                .isEqualTo("comment");
        Map<String, Object> decided = api.post("/api/v1/changes/" + number + "/cab-votes", cab2, Map.of("decision", "approve")).json();
        assertThat(decided.get("state")).isEqualTo("approved");
        assertThat(decided.get("approvedBy")).isEqualTo("cab");
        assertThat((List<?>) decided.get("votes")).hasSize(2);

        // a High-risk change the board turns down
        String high = create(api, requester, ready("High risk", ChangeFixtures.HIGH, 7));
        ok(api, requester, high, "submit", null);
        assertThat(((Map<?, ?>) ok(api, manager, high, "assess", null).get("risk")).get("level")).isEqualTo("high");
        for (int i = 0; i < 3; i++) {
            String cab = api.person(Api.unique("cab"), "cab-member");
            api.post("/api/v1/changes/" + high + "/cab-votes", cab, i == 0 ? Map.of("decision", "approve")
                    : Map.of("decision", "reject", "comment", "too risky before the holidays"));
        }
        assertThat(api.get("/api/v1/changes/" + high, manager).get("state")).isEqualTo("rejected");
    }

    @Test
    void concurrentVotesAreAllCountedAndTheChangeIsApprovedOnce() throws Exception {
        String number = create(api, requester, ready("Concurrent votes", ChangeFixtures.HIGH, 8));
        ok(api, requester, number, "submit", null);
        ok(api, manager, number, "assess", null);
        List<String> board = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            board.add(api.person(Api.unique("cab-par"), "cab-member"));
        }
        List<Callable<Integer>> votes = board.stream().<Callable<Integer>>map(token -> () -> api.post("/api/v1/changes/" + number
                + "/cab-votes", token, Map.of("decision", "approve", "comment", "ok")).status()).toList();
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (Future<Integer> f : pool.invokeAll(votes)) {
                statuses.add(f.get());
            }
        }
        long recorded = jdbc.sql("SELECT count(*) FROM change_vote v JOIN change_request c ON c.id = v.change_id WHERE c.number = ?")
                .param(number).query(Long.class).single();
        // quorum 3 for High: the first three count and approve; the rest arrive after the decision and are refused
        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(recorded).isEqualTo(3);
        assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(3);
        assertThat(auditCount("change.vote", number)).isGreaterThanOrEqualTo(3);
        assertThat(outcomes("change.approve", number)).containsExactly("success");
        assertThat(api.get("/api/v1/changes/" + number, manager).get("state")).isEqualTo("approved");
    }

    @Test
    void aRiskOverrideIsJustifiedRecordedAndOnlyAChangeManagerLowersIt() {
        Map<String, Object> medium = ready("Override", ChangeFixtures.MEDIUM, 9);
        Api.Response lower = api.post("/api/v1/changes", requester, with(medium, "riskOverride",
                Map.of("level", "low", "justification", "I think it is fine")));
        assertThat(lower.status()).isEqualTo(403);
        Api.Response raised = api.post("/api/v1/changes", requester, with(medium, "riskOverride",
                Map.of("level", "high", "justification", "Payroll run the same night")));
        assertThat(raised.status()).isEqualTo(201);
        Map<?, ?> risk = (Map<?, ?>) raised.get("risk");
        assertThat(risk.get("level")).isEqualTo("high");
        assertThat(risk.get("fromQuestionnaire")).isEqualTo("medium");
        assertThat(((Map<?, ?>) risk.get("override")).get("justification")).isEqualTo("Payroll run the same night");
        assertThat(((Map<?, ?>) risk.get("override")).get("by")).isEqualTo(requesterName);

        String number = create(api, requester, medium);
        ok(api, requester, number, "submit", null);
        Map<String, Object> assessed = ok(api, manager, number, "assess", Map.of("riskOverride",
                Map.of("level", "low", "justification", "Outage is in the standing maintenance slot")));
        assertThat(assessed.get("state")).isEqualTo("assessed");
        assertThat(String.valueOf(lastAuditEntry("change.assess").get("after"))).contains("riskOverride=low");
    }

    @Test
    void aStandardChangeUsesAPreApprovedTemplateNeedsNoCabAndItsUseIsRecorded() {
        Api.Response template = api.post("/api/v1/changes/templates", manager, Map.of("name", Api.unique("Rotate TLS certificate"),
                "description", "Yearly certificate rotation", "implementationPlan", "certbot renew; reload", "testPlan",
                "curl -v against the test host", "fallbackPlan", "restore the previous certificate"));
        assertThat(template.status()).isEqualTo(201);
        Map<String, Object> body = ready("Rotate cert on www", ChangeFixtures.LOW, 3);
        body = with(body, "type", "standard", "templateId", template.get("id"), "implementationPlan", null, "fallbackPlan", null);
        String number = create(api, requester, body);
        Map<String, Object> submitted = ok(api, requester, number, "submit", null);
        assertThat(submitted.get("state")).isEqualTo("approved");
        assertThat((String) submitted.get("approvedBy")).startsWith("template:");
        assertThat(submitted.get("fallbackPlan")).isEqualTo("restore the previous certificate");
        assertThat(api.get("/api/v1/changes/templates?size=500", manager).items().stream()
                .filter(t -> t.get("id").equals(template.get("id"))).findFirst().orElseThrow().get("uses")).isEqualTo(1);
        Api.Response notLow = api.post("/api/v1/changes", requester, with(body, "riskOverride",
                Map.of("level", "medium", "justification", "customer-visible this time")));
        assertThat(notLow.status()).isEqualTo(400);
    }
}
