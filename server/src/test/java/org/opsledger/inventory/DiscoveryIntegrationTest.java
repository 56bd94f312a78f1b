package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/**
 * Discovery (IS.012 6.3.2): real nmap output imported, hosts matched MAC → hostname → IP, the rest
 * queued once for a disposition; re-imports change nothing; hostile XML is refused before anything is read.
 */
class DiscoveryIntegrationTest extends IntegrationTest {

    private String assets;
    private String reader;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        reader = api.person(Api.unique("so"), "security-officer");
    }

    private Api.Response importXml(String xml, boolean dryRun) {
        return api.send("POST", "/api/v1/discovery/nmap" + (dryRun ? "?dryRun=true" : ""), assets, "application/xml", xml);
    }

    /** Everything an import can change, as text: compared before and after to prove nothing moved. */
    private String discoveryState() {
        return jdbc.sql("SELECT string_agg(id::text || status || last_seen_at::text || open_ports::text, ',' ORDER BY id) "
                + "FROM unauthorized_asset").query(String.class).optional().orElse("")
                + jdbc.sql("SELECT string_agg(item_id::text || observed_at::text || open_ports::text, ',' ORDER BY item_id) "
                + "FROM item_observation").query(String.class).optional().orElse("")
                + jdbc.sql("SELECT string_agg(id::text || coalesce(last_seen_at::text, '-'), ',' ORDER BY id) FROM configuration_item")
                .query(String.class).optional().orElse("")
                + jdbc.sql("SELECT count(*) FROM discovery_scan").query(Long.class).single();
    }

    @Test
    void aRealNmapScanOfThisMachineIsQueuedThenAddedThenMatchedAndReimportsChangeNothing() throws Exception {
        String xml = NmapScan.localhost(port);
        assertThat(xml).startsWith("<?xml").contains("<!DOCTYPE nmaprun>");

        String before = discoveryState();
        Api.Response preview = importXml(xml, true);
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.get("hostsUp")).isEqualTo(1);
        assertThat(preview.get("dryRun")).isEqualTo(true);
        assertThat(discoveryState()).as("a dry run writes nothing").isEqualTo(before);

        Api.Response first = importXml(xml, false);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.get("hostsUp")).isEqualTo(1);
        Map<?, ?> host = (Map<?, ?>) ((List<?>) first.get("hosts")).getFirst();
        assertThat(host.get("host")).isEqualTo("127.0.0.1");
        assertThat(lastAuditEntry("discovery.import").toString()).contains((String) first.get("sha256"));

        String afterFirst = discoveryState();
        Api.Response again = importXml(xml, false);
        assertThat(again.get("alreadyImported")).isEqualTo(true);
        assertThat(again.get("queuedNew")).isEqualTo(0);
        assertThat(again.get("itemsUpdated")).isEqualTo(0);
        assertThat(again.get("queueUpdated")).isEqualTo(0);
        assertThat(discoveryState()).as("re-importing the same scan changes nothing").isEqualTo(afterFirst);

        if (host.get("outcome").equals("matched")) {
            return; // this machine's item was added by an earlier run in this JVM; the rest was proven then
        }
        String queueId = (String) host.get("queueId");
        Api.Response entry = api.get("/api/v1/discovery/unauthorized/" + queueId, reader);
        assertThat(entry.get("status")).isEqualTo("open");
        assertThat(entry.get("ipAddresses")).isEqualTo(List.of("127.0.0.1"));
        assertThat(entry.get("openPorts").toString()).contains("port=" + port);
        Api.Response queue = api.get("/api/v1/discovery/unauthorized?size=500", reader);
        assertThat(queue.items()).filteredOn(e -> ((List<?>) e.get("ipAddresses")).contains("127.0.0.1")).hasSize(1);

        Map<String, Object> item = new HashMap<>(Map.of("owner", "Platform team", "kind", "server", "tier", "medium",
                "environment", "test", "classification", "internal"));
        Api.Response added = api.post("/api/v1/discovery/unauthorized/" + queueId + "/disposition", assets,
                Map.of("disposition", "add-to-inventory", "item", item));
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.get("status")).isEqualTo("added");
        String itemId = (String) added.get("itemId");
        Api.Response created = api.get("/api/v1/items/" + itemId, reader);
        assertThat(created.get("ipAddresses")).isEqualTo(List.of("127.0.0.1"));
        assertThat(lastAuditEntry("discovery.disposition").toString()).contains(queueId).contains("added");

        Api.Response matched = importXml(xml, false);
        Map<?, ?> now = (Map<?, ?>) ((List<?>) matched.get("hosts")).getFirst();
        assertThat(now.get("outcome")).isEqualTo("matched");
        assertThat(now.get("itemId")).isEqualTo(itemId);
        assertThat(matched.get("itemsUpdated")).isEqualTo(1);
        assertThat(api.get("/api/v1/items/" + itemId, reader).get("lastSeenAt")).isNotNull();
        String afterMatch = discoveryState();
        assertThat(importXml(xml, false).get("itemsUpdated")).isEqualTo(0);
        assertThat(discoveryState()).isEqualTo(afterMatch);
    }

    static String host(String ip, String mac, String hostname, long epoch, int... openPorts) {
        StringBuilder sb = new StringBuilder("<host starttime=\"" + epoch + "\" endtime=\"" + epoch + "\">"
                + "<status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n<address addr=\"" + ip + "\" addrtype=\"ipv4\"/>\n");
        if (mac != null) {
            sb.append("<address addr=\"").append(mac).append("\" addrtype=\"mac\" vendor=\"Test\"/>\n");
        }
        sb.append("<hostnames>");
        if (hostname != null) {
            sb.append("<hostname name=\"").append(hostname).append("\" type=\"PTR\"/>");
        }
        sb.append("</hostnames><ports>");
        for (int p : openPorts) {
            sb.append("<port protocol=\"tcp\" portid=\"").append(p).append("\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>"
                    + "<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1\" method=\"probed\" conf=\"10\"/></port>");
        }
        sb.append("</ports><os><osmatch name=\"Linux 5.0 - 5.14\" accuracy=\"98\" line=\"1\"/></os></host>\n");
        return sb.toString();
    }

    static String scan(String... hosts) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\" args=\"nmap -sS -O 10.0.0.0/24\" "
                + "start=\"1790000000\" version=\"7.93\" xmloutputversion=\"1.05\">\n" + String.join("", hosts)
                + "<runstats><finished time=\"1790000100\"/><hosts up=\"" + hosts.length + "\" down=\"0\" total=\""
                + hosts.length + "\"/></runstats></nmaprun>\n";
    }

    private static String ip() {
        return "10." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250) + "." + (1 + (int) (Math.random() * 250));
    }

    private static String mac() {
        String hex = UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
        return "02:" + hex.replaceAll("(..)(?!$)", "$1:");
    }

    private String item(String name, String mac, String hostname, String ip) {
        Map<String, Object> body = new HashMap<>(InventoryItemsIntegrationTest.server(name));
        if (mac != null) {
            body.put("macAddresses", List.of(mac));
        }
        if (hostname != null) {
            body.put("hostnames", List.of(hostname));
        }
        if (ip != null) {
            body.put("ipAddresses", List.of(ip));
        }
        Api.Response r = api.post("/api/v1/items", assets, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return (String) r.get("id");
    }

    @Test
    void hostsMatchByMacThenHostnameThenAddressAndAmbiguityIsReportedNotGuessed() {
        String tag = Api.unique("m").toLowerCase();
        String byMacIp = ip();
        String macItem = item(tag + "-mac", mac(), null, byMacIp);
        String mac = (String) ((List<?>) api.get("/api/v1/items/" + macItem, assets).get("macAddresses")).getFirst();
        String nameIp = ip();
        String nameItem = item(tag + "-name", null, tag + "-web.example.org", null);
        String ipOnly = ip();
        String ipItem = item(tag + "-ip", null, null, ipOnly);
        String shared = ip();
        item(tag + "-twin1", null, null, shared);
        item(tag + "-twin2", null, null, shared);

        Api.Response r = importXml(scan(
                host(ipOnly, mac, null, 1790000010, 22), // the MAC wins over the address of another item
                host(nameIp, null, tag + "-web.example.org", 1790000010),
                host(ipOnly, null, null, 1790000011),
                host(shared, null, null, 1790000012)), false);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Map<String, Object>> hosts = (List<Map<String, Object>>) r.json().get("hosts");
        assertThat(hosts).extracting(h -> h.get("outcome") + ":" + h.get("rule") + ":" + h.get("itemId")).containsExactly(
                "matched:mac:" + macItem, "matched:hostname:" + nameItem, "matched:ip:" + ipItem, "ambiguous:null:null");
        assertThat(r.get("ambiguous")).isEqualTo(1);
        Map<String, Object> macView = api.get("/api/v1/items/" + macItem, reader).json();
        assertThat(macView.get("lastSeenAt")).isEqualTo("2026-09-21T14:13:30Z");
        String observed = jdbc.sql("SELECT open_ports::text || os_guess || scan_sha256 FROM item_observation WHERE item_id = ?::uuid")
                .param(macItem).query(String.class).single();
        assertThat(observed).contains("\"port\": 22").contains("OpenSSH").contains("Linux 5.0").contains((String) r.get("sha256"));
    }

    @Test
    void unknownHostsAreQueuedOnceAndEachNeedsADisposition() {
        String a = ip();
        String m = mac();
        String xml = scan(host(a, m, null, 1790000020, 443), host(a, m, null, 1790000021, 443), host(ip(), null, null, 1790000020));
        Api.Response r = importXml(xml, false);
        assertThat(r.get("queuedNew")).as(r.body()).isEqualTo(2);
        assertThat(r.get("queuedAgain")).isEqualTo(1);
        List<Map<String, Object>> hosts = (List<Map<String, Object>>) r.json().get("hosts");
        String first = (String) hosts.get(0).get("queueId");
        String second = (String) hosts.get(2).get("queueId");
        assertThat(hosts.get(1).get("queueId")).isEqualTo(first);

        // a later scan that sees the same MAC at another address updates the same entry
        Api.Response later = importXml(scan(host(ip(), m, null, 1790000500, 443, 8443)), false);
        assertThat(later.get("queuedNew")).isEqualTo(0);
        assertThat(later.get("queueUpdated")).isEqualTo(1);
        assertThat(api.get("/api/v1/discovery/unauthorized/" + first, reader).get("openPorts").toString()).contains("8443");

        String path = "/api/v1/discovery/unauthorized/" + first + "/disposition";
        Api.Response noPlan = api.post(path, assets, Map.of("disposition", "remove", "dueDate", LocalDate.now().plusDays(7).toString()));
        assertThat(noPlan.status()).isEqualTo(400);
        assertThat(noPlan.get("field")).isEqualTo("note");
        Api.Response past = api.post(path, assets, Map.of("disposition", "remove", "note", "Unplug it", "dueDate", "2020-01-01"));
        assertThat(past.get("field")).isEqualTo("dueDate");
        assertThat(api.post(path, reader, Map.of("disposition", "false-positive", "note", "x")).status()).isEqualTo(403);
        Api.Response planned = api.post(path, assets, Map.of("disposition", "remove", "note", "Network team unplugs it from port 12",
                "dueDate", LocalDate.now().plusDays(7).toString()));
        assertThat(planned.status()).as(planned.body()).isEqualTo(200);
        assertThat(planned.get("status")).isEqualTo("removal-planned");
        assertThat(api.post(path, assets, Map.of("disposition", "false-positive", "note", "x")).status()).isEqualTo(409);

        Api.Response noReason = api.post("/api/v1/discovery/unauthorized/" + second + "/disposition", assets,
                Map.of("disposition", "false-positive"));
        assertThat(noReason.get("field")).isEqualTo("note");
        Api.Response fp = api.post("/api/v1/discovery/unauthorized/" + second + "/disposition", assets,
                Map.of("disposition", "false-positive", "note", "The scanner's own address"));
        assertThat(fp.get("status")).isEqualTo("false-positive");
        assertThat(fp.get("disposedBy")).isNotNull();
        Api.Response open = api.get("/api/v1/discovery/unauthorized?status=open&size=500", reader);
        assertThat(open.items()).extracting(e -> e.get("id")).doesNotContain(first, second);
        assertThat(api.get("/api/v1/discovery/unauthorized?status=everything", reader).get("field")).isEqualTo("status");
    }

    @Test
    void itemsNotSeenForTheConfiguredDaysAreFlagged() {
        String tag = Api.unique("stale");
        String old = item(tag + "-old", null, null, ip());
        String fresh = item(tag + "-fresh", null, null, ip());
        jdbc.sql("UPDATE configuration_item SET last_seen_at = ? WHERE id = ?::uuid")
                .params(java.sql.Timestamp.from(Instant.now().minus(31, ChronoUnit.DAYS)), old).update();
        jdbc.sql("UPDATE configuration_item SET last_seen_at = ? WHERE id = ?::uuid")
                .params(java.sql.Timestamp.from(Instant.now().minus(1, ChronoUnit.DAYS)), fresh).update();
        Api.Response stale = api.get("/api/v1/items?stale=true&q=" + tag, reader);
        assertThat(stale.items()).extracting(i -> i.get("id")).containsExactly(old);
        assertThat(stale.items().getFirst().get("stale")).isEqualTo(true);
        assertThat(api.get("/api/v1/items/" + fresh, reader).get("stale")).isEqualTo(false);
    }

    @Test
    void xxeAndBillionLaughsAreRefusedBeforeAnythingIsRead() throws Exception {
        String before = discoveryState();
        try (ServerSocket trap = new ServerSocket(0)) {
            trap.setSoTimeout(300);
            String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"http://127.0.0.1:" + trap.getLocalPort()
                    + "/steal\">]>\n<nmaprun start=\"1790000000\">" + host(ip(), null, "&xxe;", 1790000000).replace("\"&xxe;\"", "\"x\"")
                    + "<!-- &xxe; -->&xxe;</nmaprun>";
            String externalDtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun SYSTEM \"http://127.0.0.1:" + trap.getLocalPort()
                    + "/nmap.dtd\">\n<nmaprun start=\"1790000000\">" + host(ip(), null, null, 1790000000) + "</nmaprun>";
            StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n<!ENTITY lol \"lol\">\n");
            for (int i = 1; i <= 9; i++) {
                lol.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
            }
            lol.append("]>\n<nmaprun start=\"1790000000\">").append(host(ip(), null, null, 1790000000)).append("&lol9;</nmaprun>");
            for (String payload : List.of(xxe, externalDtd, lol.toString())) {
                for (boolean dryRun : List.of(true, false)) {
                    Api.Response r = importXml(payload, dryRun);
                    assertThat(r.status()).as(r.body()).isEqualTo(400);
                    assertThat(r.contentType()).startsWith("application/problem+json");
                    assertThat(r.get("field")).isEqualTo("body");
                    assertThat((String) r.get("detail")).contains("document type declaration");
                }
            }
            assertThat(discoveryState()).isEqualTo(before);
            try {
                trap.accept().close();
                throw new AssertionError("the server fetched an external entity or DTD");
            } catch (SocketTimeoutException expected) {
                // nothing connected
            }
        }
        Api.Response notNmap = importXml("<?xml version=\"1.0\"?><report/>", false);
        assertThat(notNmap.status()).isEqualTo(400);
        Api.Response broken = importXml(scan(host(ip(), null, null, 1790000000)).replace("</nmaprun>", ""), false);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(discoveryState()).isEqualTo(before);
    }
}
