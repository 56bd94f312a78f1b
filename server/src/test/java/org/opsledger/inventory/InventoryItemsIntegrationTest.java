package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;

/** The inventory API (IS.012 6.3.1): create, read, search, change; authorised, audited, refusing bad input. */
class InventoryItemsIntegrationTest extends IntegrationTest {

    @Autowired
    ConfigurationItems directory;

    private String assets;
    private String reader;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        reader = api.person(Api.unique("hd"), "help-desk");
    }

    static Map<String, Object> server(String name) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("kind", "server");
        m.put("tier", "high");
        m.put("environment", "production");
        m.put("owner", "Payments team");
        m.put("classification", "confidential");
        return m;
    }

    @Test
    void anAssetManagerAddsAnItemThatEveryoneElseReadsAndOtherModulesFind() {
        Map<String, Object> body = server(Api.unique("db"));
        body.put("kind", "network-device");
        body.put("custodian", "Network operations");
        body.put("hostnames", List.of("Core-SW1.Example.org."));
        body.put("ipAddresses", List.of("10.0.0.1", "fe80:0:0:0:0:0:0:1"));
        body.put("macAddresses", List.of("00-1a-2b-3c-4d-" + String.format("%02x", (int) (Math.random() * 255))));
        body.put("serial", Api.unique("SN"));
        body.put("vendorSupportEnds", "2020-12-31");
        body.put("location", "DC1 rack 4");
        Api.Response created = api.post("/api/v1/items", assets, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = (String) created.get("id");
        assertThat(created.get("kind")).isEqualTo("network-device");
        assertThat(created.get("lifecycle")).isEqualTo("active");
        assertThat(created.get("hostnames")).isEqualTo(List.of("core-sw1.example.org"));
        assertThat((String) ((List<?>) created.get("macAddresses")).getFirst()).startsWith("00:1A:2B:3C:4D:");
        assertThat(created.get("pastVendorSupport")).isEqualTo(true);

        Map<String, Object> entry = lastAuditEntry("item.create");
        assertThat(entry.toString()).contains(id).contains("network-device");

        Api.Response read = api.get("/api/v1/items/" + id, reader);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.get("location")).isEqualTo("DC1 rack 4");

        List<ConfigurationItemSummary> found = directory.find(List.of(UUID.fromString(id), UUID.randomUUID()));
        assertThat(found).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(ItemKind.NETWORK_DEVICE);
            assertThat(s.networkDevice()).isTrue();
        });
    }

    @Test
    void searchFindsSubstringsOfNamesAndIdentifiersWithFiltersAndPaging() {
        String tag = Api.unique("srch").toLowerCase();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> body = server(tag + "-app" + i);
            body.put("environment", i == 0 ? "test" : "production");
            body.put("hostnames", List.of(tag + "-h" + i + ".example.org"));
            assertThat(api.post("/api/v1/items", assets, body).status()).isEqualTo(201);
        }
        Api.Response all = api.get("/api/v1/items?q=" + tag + "&size=2", reader);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.get("totalItems")).isEqualTo(3);
        assertThat(all.items()).hasSize(2);
        assertThat(all.items().getFirst().get("name")).isEqualTo(tag + "-app0");

        Api.Response byHost = api.get("/api/v1/items?q=" + tag + "-h2.example", reader);
        assertThat(byHost.items()).singleElement().satisfies(i -> assertThat(i.get("name")).isEqualTo(tag + "-app2"));

        Api.Response prod = api.get("/api/v1/items?q=" + tag + "&environment=production", reader);
        assertThat(prod.get("totalItems")).isEqualTo(2);

        Api.Response bad = api.get("/api/v1/items?tier=urgent", reader);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.get("field")).isEqualTo("tier");
    }

    @Test
    void changesKeepTheValuesBeforeAndAfterInTheTrail() {
        Api.Response created = api.post("/api/v1/items", assets, server(Api.unique("web")));
        String id = (String) created.get("id");

        Api.Response patched = api.send("PATCH", "/api/v1/items/" + id, assets, "application/json",
                Api.toJson(Map.of("lifecycle", "retiring", "location", "DC2")));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.get("lifecycle")).isEqualTo("retiring");
        assertThat(patched.get("tier")).isEqualTo("high");
        assertThat(patched.get("version")).isEqualTo(2);
        Map<String, Object> entry = lastAuditEntry("item.update");
        assertThat(entry.toString()).contains(id).contains("retiring").contains("active");

        Map<String, Object> full = server("renamed-" + id.substring(0, 8));
        full.put("tier", "low");
        Api.Response put = api.put("/api/v1/items/" + id, assets, full);
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.get("tier")).isEqualTo("low");
        assertThat(put.get("lifecycle")).isEqualTo("active");
        assertThat(auditCount("item.update", id)).isEqualTo(2);

        // the same values again change nothing and write nothing
        assertThat(api.put("/api/v1/items/" + id, assets, full).get("version")).isEqualTo(3);
        assertThat(auditCount("item.update", id)).isEqualTo(2);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsWritten() {
        String name = Api.unique("bad");
        for (var bad : List.of(Map.entry("kind", (Object) "mainframe"), Map.entry("tier", "urgent"),
                Map.entry("environment", "staging"), Map.entry("lifecycle", "dead"),
                Map.entry("classification", "secret"), Map.entry("hostnames", List.of("bad host")),
                Map.entry("ipAddresses", List.of("10.0.0.256")), Map.entry("macAddresses", List.of("00:11:22")),
                Map.entry("vendorSupportEnds", "next year"), Map.entry("owner", ""))) {
            Map<String, Object> body = server(name);
            body.put(bad.getKey(), bad.getValue());
            Api.Response r = api.post("/api/v1/items", assets, body);
            assertThat(r.status()).as(bad.getKey()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.get("field")).isEqualTo(bad.getKey());
        }
        Map<String, Object> unknown = server(name);
        unknown.put("colour", "blue");
        assertThat(api.post("/api/v1/items", assets, unknown).get("field")).isEqualTo("colour");
        assertThat(api.get("/api/v1/items?q=" + name, assets).get("totalItems")).isEqualTo(0);

        Api.Response id = api.post("/api/v1/items", assets, server(name));
        Api.Response patch = api.send("PATCH", "/api/v1/items/" + id.get("id"), assets, "application/json",
                Api.toJson(Map.of("flavour", "x")));
        assertThat(patch.status()).isEqualTo(400);
        assertThat(patch.get("field")).isEqualTo("flavour");
        assertThat(api.get("/api/v1/items/" + UUID.randomUUID(), assets).status()).isEqualTo(404);
    }

    @Test
    void aMacAddressOrSerialBelongsToOneItem() {
        String mac = "02:00:00:" + UUID.randomUUID().toString().substring(0, 6).replaceAll("(..)(?!$)", "$1:").toUpperCase();
        Map<String, Object> first = server(Api.unique("a"));
        first.put("macAddresses", List.of(mac));
        assertThat(api.post("/api/v1/items", assets, first).status()).isEqualTo(201);
        Map<String, Object> second = server(Api.unique("b"));
        second.put("macAddresses", List.of(mac.toLowerCase()));
        Api.Response clash = api.post("/api/v1/items", assets, second);
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.get("field")).isEqualTo("macAddresses");
    }

    @Test
    void onlyTheAssetManagerChangesTheInventoryAndTheRefusalIsRecorded() {
        Api.Response refused = api.post("/api/v1/items", reader, server(Api.unique("x")));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(lastAuditEntry("request.denied").toString()).contains("/api/v1/items");
    }
}
