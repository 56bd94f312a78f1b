package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** Snapshots, an approved baseline, drift recorded once per difference, alerts resolved and audited (IS.012 6.3.5, 6.3.7). */
class DriftIntegrationTest extends IntegrationTest {

    private static final String H1 = "a".repeat(64);
    private static final String H2 = "b".repeat(64);

    private String assets;
    private String tool;
    private String officer;
    private String reader;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        tool = api.person(Api.unique("sa"), "system-administrator");
        officer = api.person(Api.unique("so"), "security-officer");
        reader = api.person(Api.unique("rq"), "requester");
    }

    private Api.Response snapshot(String item, Instant at, Map<String, String> settings, Map<String, String> files) {
        return api.post("/api/v1/items/" + item + "/snapshots", tool,
                Map.of("observedAt", at.toString(), "source", "ansible-facts", "settings", settings, "files", files));
    }

    @Test
    void differencesFromTheApprovedBaselineBecomeDriftOnceAndAlertsAreResolvedOnTheRecord() {
        String item = (String) api.post("/api/v1/items", assets, InventoryItemsIntegrationTest.server(Api.unique("drift"))).get("id");
        Instant t0 = Instant.now().minus(2, ChronoUnit.DAYS);
        Api.Response first = snapshot(item, t0, Map.of("sshd.PermitRootLogin", "no", "ntp.server", "ntp1"), Map.of("/etc/passwd", H1));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.get("baselineId")).isNull();
        String baseline = (String) ((Map<?, ?>) first.get("snapshot")).get("id");

        assertThat(api.post("/api/v1/items/" + item + "/snapshots/" + baseline + "/approve", tool, Map.of()).status()).isEqualTo(403);
        Api.Response approved = api.post("/api/v1/items/" + item + "/snapshots/" + baseline + "/approve", officer, Map.of());
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.get("baseline")).isEqualTo(true);
        assertThat(lastAuditEntry("item.baseline.approve").toString()).contains(baseline);

        Map<String, String> drifted = Map.of("sshd.PermitRootLogin", "yes", "ntp.server", "ntp1", "new.flag", "on");
        Api.Response second = snapshot(item, t0.plus(1, ChronoUnit.HOURS), drifted, Map.of("/etc/passwd", H2));
        assertThat(second.get("baselineId")).isEqualTo(baseline);
        assertThat(second.get("differences")).isEqualTo(3);
        assertThat(second.get("alerts")).as("no approved change covers the item: every difference is an alert").isEqualTo(3);

        Api.Response again = snapshot(item, t0.plus(2, ChronoUnit.HOURS), drifted, Map.of("/etc/passwd", H2));
        assertThat(again.get("differences")).isEqualTo(3);
        assertThat(again.get("newDrift")).as("the same differences are not recorded twice").isEqualTo(0);

        Api.Response queue = api.get("/api/v1/drift?item=" + item, reader);
        assertThat(queue.items()).extracting(d -> d.get("kind") + " " + d.get("key") + " " + d.get("expected") + "→" + d.get("observed"))
                .containsExactlyInAnyOrder("setting sshd.PermitRootLogin no→yes", "setting new.flag null→on",
                        "file /etc/passwd " + H1 + "→" + H2);
        String alert = (String) queue.items().getFirst().get("id");

        Api.Response empty = api.post("/api/v1/drift/" + alert + "/resolve", officer, Map.of("resolution", " "));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.get("field")).isEqualTo("resolution");
        assertThat(api.post("/api/v1/drift/" + alert + "/resolve", tool, Map.of("resolution", "x")).status()).isEqualTo(403);
        Api.Response resolved = api.post("/api/v1/drift/" + alert + "/resolve", officer,
                Map.of("resolution", "Reverted by the on-call engineer; retroactive change CHG-000900 raised"));
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.get("status")).isEqualTo("resolved");
        assertThat(lastAuditEntry("drift.resolve").toString()).contains(alert).contains("Reverted");
        assertThat(api.post("/api/v1/drift/" + alert + "/resolve", officer, Map.of("resolution", "again")).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/drift?status=alert&item=" + item, reader).get("totalItems")).isEqualTo(2);

        Api.Response reconcile = api.post("/api/v1/drift/reconcile", officer, Map.of());
        assertThat(reconcile.status()).isEqualTo(200);
        assertThat((Integer) reconcile.get("checked")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void badSnapshotsAreRefusedNamingTheField() {
        String item = (String) api.post("/api/v1/items", assets, InventoryItemsIntegrationTest.server(Api.unique("bad"))).get("id");
        Api.Response hash = snapshot(item, Instant.now(), Map.of(), Map.of("/etc/x", "not-a-hash"));
        assertThat(hash.status()).isEqualTo(400);
        assertThat(hash.get("field")).isEqualTo("files");
        Api.Response future = snapshot(item, Instant.now().plus(1, ChronoUnit.DAYS), Map.of(), Map.of());
        assertThat(future.get("field")).isEqualTo("observedAt");
        Api.Response noSource = api.post("/api/v1/items/" + item + "/snapshots", tool, Map.of("settings", Map.of("a", "b")));
        assertThat(noSource.get("field")).isEqualTo("source");
        assertThat(api.get("/api/v1/items/" + item + "/snapshots", reader).get("totalItems")).isEqualTo(0);
        assertThat(api.get("/api/v1/drift?status=open", reader).get("field")).isEqualTo("status");
    }
}
