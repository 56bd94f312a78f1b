package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/**
 * End of life (IS.012 6.4.3: a security officer who did not ask approves each exception, with an
 * expiry) and network documentation readable only by the roles allowed (ECOMP 8.2, 11.9).
 */
class EndOfLifeAndDocumentsIntegrationTest extends IntegrationTest {

    private String assets;
    private String officer;
    private String otherOfficer;
    private String helpDesk;
    private String auditor;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        officer = api.person(Api.unique("so"), "security-officer");
        otherOfficer = api.person(Api.unique("so"), "security-officer");
        helpDesk = api.person(Api.unique("hd"), "help-desk");
        auditor = api.person(Api.unique("au"), "auditor");
    }

    private String pastSupport() {
        Map<String, Object> body = new HashMap<>(InventoryItemsIntegrationTest.server(Api.unique("eol")));
        body.put("vendorSupportEnds", "2024-06-30");
        return (String) api.post("/api/v1/items", assets, body).get("id");
    }

    @Test
    void anExceptionIsApprovedByASecurityOfficerWhoDidNotRequestIt() {
        String item = pastSupport();
        String expires = LocalDate.now().plusMonths(6).toString();
        Api.Response noReason = api.post("/api/v1/items/" + item + "/eol-exceptions", officer, Map.of("expiresOn", expires));
        assertThat(noReason.get("field")).isEqualTo("justification");
        Api.Response tooLong = api.post("/api/v1/items/" + item + "/eol-exceptions", officer,
                Map.of("justification", "x", "expiresOn", LocalDate.now().plusYears(5).toString()));
        assertThat(tooLong.get("field")).isEqualTo("expiresOn");

        Api.Response requested = api.post("/api/v1/items/" + item + "/eol-exceptions", officer,
                Map.of("justification", "The payroll appliance runs until the new system is live; isolated VLAN", "expiresOn", expires));
        assertThat(requested.status()).as(requested.body()).isEqualTo(201);
        String id = (String) requested.get("id");
        assertThat(requested.get("status")).isEqualTo("requested");

        Api.Response self = api.post("/api/v1/eol-exceptions/" + id + "/approve", officer, Map.of());
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.get("rule")).isEqualTo("requester-not-approver");
        assertThat(api.post("/api/v1/eol-exceptions/" + id + "/approve", assets, Map.of()).status()).isEqualTo(403);

        Api.Response approved = api.post("/api/v1/eol-exceptions/" + id + "/approve", otherOfficer, Map.of("note", "Until Q2"));
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.get("status")).isEqualTo("approved");
        assertThat(approved.get("expiresOn")).isEqualTo(expires);
        assertThat(lastAuditEntry("item.eol-exception.approve").toString()).contains(id);
        assertThat(api.post("/api/v1/eol-exceptions/" + id + "/reject", otherOfficer, Map.of("note", "no")).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/eol-exceptions?item=" + item, helpDesk).items()).singleElement()
                .satisfies(e -> assertThat(e.get("decidedBy")).isNotNull());

        String second = (String) api.post("/api/v1/items/" + item + "/eol-exceptions", assets,
                Map.of("justification", "Extension", "expiresOn", expires)).get("id");
        Api.Response bare = api.post("/api/v1/eol-exceptions/" + second + "/reject", officer, Map.of());
        assertThat(bare.get("field")).isEqualTo("note");
        assertThat(api.post("/api/v1/eol-exceptions/" + second + "/reject", officer, Map.of("note", "Replace it")).get("status"))
                .isEqualTo("rejected");
    }

    private Api.Response upload(String item, String token, String kind, String fileName, byte[] content) {
        String boundary = "----inventory" + System.nanoTime();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" + kind + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nCore network diagram\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                            + "/api/v1/items/" + item + "/documents")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            return new Api.Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void networkDocumentsAreStoredWithTheirHashAndReadOnlyByTheRolesAllowed() {
        String item = pastSupport();
        byte[] diagram = "<svg>core</svg>".getBytes(StandardCharsets.UTF_8);
        Api.Response attached = upload(item, assets, "network-architecture", "../../etc/core net<1>.svg", diagram);
        assertThat(attached.status()).as(attached.body()).isEqualTo(201);
        assertThat(attached.get("fileName")).isEqualTo("core net_1_.svg");
        assertThat(attached.get("sha256")).isEqualTo(java.util.HexFormat.of().formatHex(sha256(diagram)));
        String id = (String) attached.get("id");

        assertThat(upload(item, assets, "gossip", "a.txt", diagram).get("field")).isEqualTo("kind");
        assertThat(upload(item, helpDesk, "configuration", "a.txt", diagram).status()).isEqualTo(403);

        assertThat(api.get("/api/v1/items/" + item + "/documents", helpDesk).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/documents/" + id, helpDesk).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/items/" + item + "/documents", auditor).items()).singleElement()
                .satisfies(d -> assertThat(d.get("kind")).isEqualTo("network-architecture"));
        HttpResponse<byte[]> download = api.download("/api/v1/documents/" + id, auditor);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(diagram);
        assertThat(download.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment;");
        assertThat(download.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/octet-stream");
        assertThat(auditCount("item.document.read", id)).isEqualTo(1);
    }
}
