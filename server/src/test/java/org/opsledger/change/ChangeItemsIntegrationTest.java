package org.opsledger.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.change.ChangeFixtures.act;
import static org.opsledger.change.ChangeFixtures.create;
import static org.opsledger.change.ChangeFixtures.ok;
import static org.opsledger.change.ChangeFixtures.ready;
import static org.opsledger.change.ChangeFixtures.with;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.opsledger.shared.ChangeCoverage;
import org.springframework.beans.factory.annotation.Autowired;

/** Changes and the configuration items they touch: risk, network devices, conflicts, coverage. */
class ChangeItemsIntegrationTest extends IntegrationTest {

    @Autowired
    ChangeCoverage coverage;

    private String requester;
    private String manager;
    private String assets;
    private String implementerName;

    @BeforeEach
    void people() {
        requester = api.person(Api.unique("req"), "requester");
        manager = api.person(Api.unique("mgr"), "change-manager");
        assets = api.person(Api.unique("assets"), "asset-manager");
        implementerName = Api.unique("impl");
        api.person(implementerName, "implementer");
    }

    private String item(String kind, String tier, String environment) {
        Api.Response r = api.post("/api/v1/items", assets, Map.of("name", Api.unique("ci"), "kind", kind, "tier", tier,
                "environment", environment, "owner", "Ops", "classification", "internal"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return (String) r.get("id");
    }

    @Test
    void theRiskOfTheItemsAndOfTheQuestionnaireTheHigherWins() {
        String critical = item("server", "critical", "production");
        Api.Response r = api.post("/api/v1/changes", requester, with(ready("Kernel update", ChangeFixtures.LOW, 3), "items", List.of(critical)));
        Map<?, ?> risk = (Map<?, ?>) r.get("risk");
        assertThat(risk.get("fromQuestionnaire")).isEqualTo("low");
        assertThat(risk.get("fromItems")).isEqualTo("high");
        assertThat(risk.get("level")).isEqualTo("high");

        String lab = item("server", "low", "development");
        risk = (Map<?, ?>) api.post("/api/v1/changes", requester, with(ready("Lab box", ChangeFixtures.MEDIUM, 3), "items",
                List.of(lab), "testEnvironment", "development")).get("risk");
        assertThat(risk.get("fromItems")).isEqualTo("low");
        assertThat(risk.get("level")).isEqualTo("medium");

        // the item becomes critical production before submission: the risk follows it
        String growing = item("server", "low", "test");
        String number = create(api, requester, with(ready("Growing item", ChangeFixtures.LOW, 3), "items", List.of(growing),
                "testEnvironment", "development"));
        assertThat(((Map<?, ?>) api.get("/api/v1/changes/" + number, requester).get("risk")).get("level")).isEqualTo("low");
        assertThat(api.send("PATCH", "/api/v1/items/" + growing, assets, "application/json",
                Api.toJson(Map.of("tier", "critical", "environment", "production"))).status()).isEqualTo(200);
        Map<?, ?> submitted = (Map<?, ?>) ok(api, requester, number, "submit", null).get("risk");
        assertThat(submitted.get("fromItems")).isEqualTo("high");
        assertThat(submitted.get("level")).isEqualTo("high");

        assertThat(api.post("/api/v1/changes", requester, with(ready("Ghost", ChangeFixtures.LOW, 3), "items",
                List.of(UUID.randomUUID().toString()))).get("field")).isEqualTo("items");
    }

    @Test
    void testEvidenceMustComeFromAnEnvironmentBelowTheItems() {
        String testBox = item("server", "medium", "test");
        String number = create(api, requester, with(ready("Test box", ChangeFixtures.LOW, 3), "items", List.of(testBox)));
        assertThat(act(api, requester, number, "submit", null).get("field")).isEqualTo("testEnvironment");
        String fine = create(api, requester, with(ready("Test box", ChangeFixtures.LOW, 3), "items", List.of(testBox),
                "testEnvironment", "development"));
        assertThat(ok(api, requester, fine, "submit", null).get("state")).isEqualTo("submitted");
    }

    @Test
    void aChangeToANetworkDeviceNeedsTheSecurityOfficersApprovalToo() throws Exception {
        String router = item("network-device", "low", "development");
        Map<String, Object> body = with(ready("Router ACL", ChangeFixtures.LOW, 3), "items", List.of(router), "testEnvironment",
                "development");
        assertThat(api.post("/api/v1/changes", requester, with(body, "type", "standard", "templateId", UUID.randomUUID().toString()))
                .status()).isEqualTo(400);
        String number = create(api, requester, body);
        assertThat(api.get("/api/v1/changes/" + number, manager).get("networkDevice")).isEqualTo(true);
        ok(api, requester, number, "submit", null);
        ok(api, manager, number, "assess", null);
        Api.Response early = act(api, manager, number, "approve", null);
        assertThat(early.status()).isEqualTo(409);
        assertThat((String) early.get("detail")).contains("IS.012 6.3.6");

        String cab = api.person(Api.unique("cab"), "cab-member");
        assertThat(api.post("/api/v1/changes/" + number + "/cab-votes", cab, Map.of("decision", "approve", "capacity", "security"))
                .status()).isEqualTo(403);
        String officerName = Api.unique("ciso");
        String officer = api.person(officerName, "security-officer");
        Api.Response security = api.post("/api/v1/changes/" + number + "/cab-votes", officer, Map.of("decision", "approve",
                "comment", "ACL reviewed"));
        assertThat(security.status()).isEqualTo(201);
        assertThat(security.get("securityApprovedBy")).isEqualTo(officerName);
        assertThat(ok(api, manager, number, "approve", null).get("state")).isEqualTo("approved");
        String auditor = api.person(Api.unique("aud"), "auditor");
        assertThat(String.valueOf(api.get("/api/v1/controls/IS.012-6.3.6", auditor).get("reasons"))).doesNotContain(number);
        // a superuser erases the approval behind the application's back: the control names the change
        asSuperuserWithoutTriggers("UPDATE change_request SET security_approved_by = NULL WHERE number = ?", number);
        Map<?, ?> control = api.get("/api/v1/controls/IS.012-6.3.6", auditor).json();
        assertThat(control.get("status")).isEqualTo("not-compliant");
        assertThat(String.valueOf(control.get("reasons"))).contains(number, "without the security officer's approval");

        // a Medium-risk one waits in CAB review for the security officer even after the board's quorum approves
        String medium = create(api, requester, with(body, "riskAnswers", ChangeFixtures.MEDIUM));
        ok(api, requester, medium, "submit", null);
        ok(api, manager, medium, "assess", null);
        for (int i = 0; i < 2; i++) {
            api.post("/api/v1/changes/" + medium + "/cab-votes", api.person(Api.unique("cab"), "cab-member"), Map.of("decision", "approve"));
        }
        assertThat(api.get("/api/v1/changes/" + medium, manager).get("state")).isEqualTo("cab-review");
        assertThat(api.post("/api/v1/changes/" + medium + "/cab-votes", officer, Map.of("decision", "approve")).get("state"))
                .isEqualTo("approved");
    }

    @Test
    void aChangeInsideABlackoutWindowIsShownTheConflictAndCannotBeScheduledThere() {
        String web = item("server", "low", "development");
        Map<String, Object> body = with(ready("Deploy during freeze", ChangeFixtures.LOW, 20), "items", List.of(web),
                "testEnvironment", "development");
        Instant start = Instant.parse((String) body.get("plannedStart"));
        Api.Response blackout = api.post("/api/v1/changes/windows", manager, Map.of("kind", "blackout", "name", "Year-end freeze",
                "itemId", web, "start", start.minus(1, ChronoUnit.DAYS).toString(), "end", start.plus(1, ChronoUnit.DAYS).toString()));
        assertThat(blackout.status()).isEqualTo(201);
        assertThat(api.post("/api/v1/changes/windows", manager, Map.of("kind", "maintenance", "name", "x", "start", start.toString(),
                "end", start.plus(1, ChronoUnit.HOURS).toString())).get("field")).isEqualTo("itemId");

        String number = create(api, requester, body);
        ok(api, requester, number, "submit", null);
        ok(api, manager, number, "assess", null);
        // shown before approval
        Map<String, Object> before = api.get("/api/v1/changes/" + number, manager).json();
        assertThat((List<?>) before.get("conflicts")).hasSize(1);
        assertThat(((Map<?, ?>) ((List<?>) before.get("conflicts")).getFirst()).get("kind")).isEqualTo("blackout");
        ok(api, manager, number, "approve", null);
        Api.Response refused = act(api, manager, number, "schedule", Map.of("implementer", implementerName));
        assertThat(refused.status()).isEqualTo(409);
        assertThat((String) refused.get("detail")).contains("Year-end freeze");
        assertThat(api.get("/api/v1/changes/" + number, manager).get("state")).isEqualTo("approved");

        Instant later = start.plus(3, ChronoUnit.DAYS);
        assertThat(api.get("/api/v1/changes/" + number + "/conflicts?start=" + later + "&end=" + later.plus(1, ChronoUnit.HOURS),
                manager).body()).isEqualTo("[]");
        Map<String, Object> scheduled = ok(api, manager, number, "schedule", Map.of("implementer", implementerName, "plannedStart",
                later.toString(), "plannedEnd", later.plus(1, ChronoUnit.HOURS).toString()));
        assertThat(scheduled.get("state")).isEqualTo("scheduled");

        // a second change on the same item at the same time sees the first
        String second = create(api, requester, with(body, "plannedStart", later.plus(30, ChronoUnit.MINUTES).toString(), "plannedEnd",
                later.plus(90, ChronoUnit.MINUTES).toString()));
        List<?> conflicts = (List<?>) api.get("/api/v1/changes/" + second, manager).get("conflicts");
        assertThat(conflicts).hasSize(1);
        assertThat(((Map<?, ?>) conflicts.getFirst()).get("subject")).isEqualTo(number);

        // coverage: the scheduled change covers the item in its window, the draft does not
        List<ChangeCoverage.ApprovedWindow> windows = coverage.approvedWindows(List.of(UUID.fromString(web)),
                later.minus(1, ChronoUnit.HOURS), later.plus(5, ChronoUnit.HOURS));
        assertThat(windows).extracting(ChangeCoverage.ApprovedWindow::changeNumber).containsExactly(number);
        assertThat(windows.getFirst().covers(UUID.fromString(web), later.plus(10, ChronoUnit.MINUTES))).isTrue();
        assertThat(coverage.approvedWindows(List.of(UUID.fromString(web)), start.minus(5, ChronoUnit.DAYS),
                start.minus(4, ChronoUnit.DAYS))).isEmpty();
    }
}
