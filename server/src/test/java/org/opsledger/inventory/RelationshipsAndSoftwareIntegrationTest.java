package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** Typed relationships between items and the software on each, by hand or from a CycloneDX SBOM (IS.012 6.3.1). */
class RelationshipsAndSoftwareIntegrationTest extends IntegrationTest {

    private String assets;
    private String reader;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        reader = api.person(Api.unique("au"), "auditor");
    }

    private String item(String kind) {
        Map<String, Object> body = new java.util.HashMap<>(InventoryItemsIntegrationTest.server(Api.unique(kind)));
        body.put("kind", kind);
        Api.Response r = api.post("/api/v1/items", assets, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return (String) r.get("id");
    }

    @Test
    void relationshipsAreTypedSeenFromBothEndsAndNotDuplicated() {
        String app = item("application");
        String host = item("server");
        Api.Response runsOn = api.post("/api/v1/items/" + app + "/relationships", assets, Map.of("kind", "runs-on", "target", host));
        assertThat(runsOn.status()).as(runsOn.body()).isEqualTo(201);
        assertThat(lastAuditEntry("item.relationship.add").toString()).contains(app).contains("runs-on");

        Api.Response again = api.post("/api/v1/items/" + app + "/relationships", assets, Map.of("kind", "runs-on", "target", host));
        assertThat(again.status()).isEqualTo(409);
        Api.Response badKind = api.post("/api/v1/items/" + app + "/relationships", assets, Map.of("kind", "owns", "target", host));
        assertThat(badKind.get("field")).isEqualTo("kind");
        Api.Response self = api.post("/api/v1/items/" + app + "/relationships", assets, Map.of("kind", "depends-on", "target", app));
        assertThat(self.get("field")).isEqualTo("target");

        Api.Response fromHost = api.get("/api/v1/items/" + host + "/relationships", reader);
        assertThat(fromHost.items()).singleElement().satisfies(r -> {
            assertThat(r.get("direction")).isEqualTo("incoming");
            assertThat(r.get("sourceId")).isEqualTo(app);
        });
        String id = (String) runsOn.get("id");
        assertThat(api.delete("/api/v1/items/" + host + "/relationships/" + id, assets).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/items/" + app + "/relationships", reader).get("totalItems")).isEqualTo(0);
        assertThat(auditCount("item.relationship.remove", app)).isEqualTo(1);
    }

    static String sbom(String... components) {
        StringBuilder sb = new StringBuilder("""
                {"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
                 "version":1,"metadata":{"timestamp":"2026-11-01T00:00:00Z"},"components":[""");
        for (int i = 0; i < components.length; i++) {
            String[] nv = components[i].split("@");
            sb.append(i == 0 ? "" : ",").append("{\"type\":\"library\",\"name\":\"").append(nv[0]).append("\",\"version\":\"")
                    .append(nv[1]).append("\",\"purl\":\"pkg:generic/").append(nv[0]).append('@').append(nv[1]).append("\"}");
        }
        return sb.append("]}").toString();
    }

    @Test
    void anSbomImportReplacesTheSbomSoftwareAndKeepsWhatWasEnteredByHand() {
        String host = item("server");
        assertThat(api.post("/api/v1/items/" + host + "/software", assets, Map.of("name", "in-house-agent", "version", "3")).status())
                .isEqualTo(201);
        String nested = """
                {"bomFormat":"CycloneDX","specVersion":"1.6","components":[
                  {"type":"framework","group":"org.apache.logging.log4j","name":"log4j-core","version":"2.17.1",
                   "supplier":{"name":"Apache"},"components":[{"type":"library","name":"log4j-api","version":"2.17.1"}]},
                  {"type":"library","name":"openssl","version":"3.0.15"}]}""";
        Api.Response first = api.send("POST", "/api/v1/items/" + host + "/sbom", assets, "application/vnd.cyclonedx+json", nested);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.get("after")).isEqualTo(3);
        Api.Response list = api.get("/api/v1/items/" + host + "/software", reader);
        assertThat(list.items()).extracting(s -> s.get("name"))
                .containsExactly("in-house-agent", "log4j-api", "openssl", "org.apache.logging.log4j/log4j-core");

        Api.Response second = api.post("/api/v1/items/" + host + "/sbom", assets, sbom("openssl@3.0.16"));
        assertThat(second.get("before")).isEqualTo(3);
        assertThat(second.get("after")).isEqualTo(1);
        assertThat(api.get("/api/v1/items/" + host + "/software", reader).items()).extracting(s -> s.get("name") + " " + s.get("version"))
                .containsExactly("in-house-agent 3", "openssl 3.0.16");
        assertThat(lastAuditEntry("item.sbom.import").toString()).contains(host);

        Api.Response notBom = api.post("/api/v1/items/" + host + "/sbom", assets, Map.of("spdxVersion", "SPDX-2.3"));
        assertThat(notBom.status()).isEqualTo(400);
        assertThat(notBom.get("field")).isEqualTo("bomFormat");
        assertThat(api.get("/api/v1/items/" + host + "/software", reader).get("totalItems")).isEqualTo(2);
        assertThat(api.post("/api/v1/items/" + host + "/software", reader, Map.of("name", "x")).status()).isEqualTo(403);
        assertThat(List.of(api.post("/api/v1/items/" + host + "/software", assets, Map.of("name", "")).get("field")))
                .containsExactly("name");
    }
}
