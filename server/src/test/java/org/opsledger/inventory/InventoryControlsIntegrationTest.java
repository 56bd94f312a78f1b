package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/**
 * The inventory's control evaluators decide from its records (IS.012 6.3.1, 6.3.2, 6.3.3, 6.3.4, 6.3.5, 6.3.7,
 * 6.4.3; ECOMP 11.8, 11.9). Other tests share the database, so each check names records made here
 * (names starting "0-" sort first in the reasons).
 */
class InventoryControlsIntegrationTest extends IntegrationTest {

    private String assets;
    private String officer;
    private String otherOfficer;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        officer = api.person(Api.unique("so"), "security-officer");
        otherOfficer = api.person(Api.unique("so"), "security-officer");
    }

    private Map<String, Object> control(String id) {
        Api.Response r = api.get("/api/v1/controls/" + id, officer);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private String item(String name, String kind, String supportEnds) {
        Map<String, Object> body = new HashMap<>(InventoryItemsIntegrationTest.server(name));
        body.put("kind", kind);
        if (supportEnds != null) {
            body.put("vendorSupportEnds", supportEnds);
        }
        return (String) api.post("/api/v1/items", assets, body).get("id");
    }

    @Test
    void anItemPastVendorSupportIsNonCompliantUntilAnotherSecurityOfficerApprovesAnException() {
        String name = "0-" + Api.unique("eol");
        String id = item(name, "server", LocalDate.now().minusDays(1).toString());
        Map<String, Object> before = control("IS.012-6.4.3");
        assertThat(before.get("status")).isEqualTo("not-compliant");
        assertThat(before.get("reasons").toString()).contains(name);

        String exception = (String) api.post("/api/v1/items/" + id + "/eol-exceptions", officer, Map.of("justification",
                "Replacement ordered", "expiresOn", LocalDate.now().plusMonths(3).toString())).get("id");
        assertThat(control("IS.012-6.4.3").get("reasons").toString()).as("requested is not approved").contains(name);
        api.post("/api/v1/eol-exceptions/" + exception + "/approve", otherOfficer, Map.of());
        assertThat(control("IS.012-6.4.3").get("reasons").toString()).doesNotContain(name);
    }

    @Test
    void aNetworkDeviceWithoutConfigurationDocumentsAndAHostNeverHardenedAreNamed() {
        String device = "0-" + Api.unique("sw");
        item(device, "network-device", null);
        Map<String, Object> network = control("ECOMP-11.9");
        assertThat(network.get("status")).isEqualTo("not-compliant");
        assertThat(network.get("reasons").toString()).contains(device);

        String host = "0-" + Api.unique("host");
        item(host, "server", null);
        for (String id : List.of("IS.012-6.3.4", "ECOMP-11.8")) {
            Map<String, Object> hardening = control(id);
            assertThat(hardening.get("status")).isEqualTo("not-compliant");
            assertThat(hardening.get("reasons").toString()).contains("no hardening assessment").contains(host);
        }
    }

    @Test
    void aHostWhoseConfigurationWasNotComparedWithItsBaselineWithinAYearIsNamed() {
        // "!" sorts before the "0-" names of the other tests, so both hosts are among the names shown
        String never = "!-" + Api.unique("never");
        item(never, "server", null);
        String compared = "!-" + Api.unique("compared");
        String id = item(compared, "server", null);
        String tool = api.person(Api.unique("sa"), "system-administrator");
        Api.Response first = api.post("/api/v1/items/" + id + "/snapshots", tool, Map.of("source", "test", "settings", Map.of("a", "1")));
        api.post("/api/v1/items/" + id + "/snapshots/" + ((Map<?, ?>) first.get("snapshot")).get("id") + "/approve", officer, Map.of());
        assertThat(control("IS.012-6.3.3").get("reasons").toString()).as("a baseline alone is no assessment").contains(compared);

        api.post("/api/v1/items/" + id + "/snapshots", tool, Map.of("source", "test", "settings", Map.of("a", "1")));
        Map<String, Object> yearly = control("IS.012-6.3.3");
        assertThat(yearly.get("status")).isEqualTo("not-compliant");
        assertThat(yearly.get("reasons").toString()).contains(never).doesNotContain(compared);
    }

    @Test
    void theInventoryIsKeptAndDriftWithoutAChangeIsAnOpenAlert() {
        item(Api.unique("kept"), "application", null);
        Map<String, Object> kept = control("IS.012-6.3.1");
        assertThat(kept.get("status")).isEqualTo("compliant");
        assertThat(kept.get("module")).isEqualTo("inventory");

        String id = item("0-" + Api.unique("drift"), "server", null);
        String tool = api.person(Api.unique("sa"), "system-administrator");
        Api.Response first = api.post("/api/v1/items/" + id + "/snapshots", tool, Map.of("source", "test", "settings", Map.of("a", "1")));
        String snapshot = (String) ((Map<?, ?>) first.get("snapshot")).get("id");
        api.post("/api/v1/items/" + id + "/snapshots/" + snapshot + "/approve", officer, Map.of());
        api.post("/api/v1/items/" + id + "/snapshots", tool, Map.of("source", "test", "settings", Map.of("a", "2")));
        Map<String, Object> tickets = control("IS.012-6.3.7");
        assertThat(tickets.get("status")).isEqualTo("not-compliant");
        assertThat(tickets.get("reasons").toString()).contains("unauthorised and open");
        assertThat(control("IS.012-6.3.5").get("status")).isIn("compliant", "not-compliant");
    }
}
