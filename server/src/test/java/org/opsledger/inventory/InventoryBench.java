package org.opsledger.inventory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.opsledger.OpsLedgerApplication;
import org.opsledger.change.ChangeFixtures;
import org.opsledger.shared.ChangeCoverage;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Figures for docs/performance.md (## Inventory), run by {@code bench/inventory-bench.sh}: the whole
 * server on its embedded PostgreSQL in this JVM (run it with {@code -Xmx256m}: the heap bound is part
 * of what is measured), driven over HTTP.
 * <ol>
 * <li>a generated 10,000-host nmap XML file imported (half the hosts match items by MAC), and again;</li>
 * <li>100,000 items (seeded with batched SQL), then inventory searches over HTTP: p50, p95, max;</li>
 * <li>one snapshot differing from its baseline in 10,000 settings: drift found, reconciled (one
 *     approvedWindows call to a stand-in change module that knows no change yet: 10,000 alerts) and
 *     stored; then the changes "approved" and all 10,000 alerts reconciled again (1,000 per call);</li>
 * <li>a generated 100 MB nmap file imported, with the heap's peak use.</li>
 * </ol>
 * Usage: {@code InventoryBench [items=100000] [hosts=10000] [bigMegabytes=100]}.
 */
public final class InventoryBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String base;

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        long bigBytes = (args.length > 2 ? Long.parseLong(args[2]) : 100) * 1024 * 1024;
        Path data = Files.createTempDirectory("opsledger-inventory-bench-");
        String adminPassword = "Bench-Operator-Pass-1";
        SpringApplication application = new SpringApplication(OpsLedgerApplication.class);
        try (ConfigurableApplicationContext app = application.run("--server.port=0", "--opsledger.data-dir=" + data,
                "--opsledger.bootstrap.admin-password=" + adminPassword, "--opsledger.node-name=bench",
                "--logging.level.org.opsledger=WARN")) {
            base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            String admin = token("admin", adminPassword);
            String assets = person(admin, "bench-assets", "asset-manager");
            String officer = person(admin, "bench-officer", "security-officer");
            String requester = person(admin, "bench-requester", "requester");
            String manager = person(admin, "bench-manager", "change-manager");
            System.out.printf("max heap: %d MiB%n", Runtime.getRuntime().maxMemory() / (1024 * 1024));

            long t = System.nanoTime();
            seed(jdbc, items);
            System.out.printf("seeded %,d items with batched SQL in %.1f s%n", items, secs(t));

            // 1. a 10,000-host scan
            Path scan = data.resolve("scan-10k.xml");
            writeScan(scan, hosts, Long.MAX_VALUE, 2);
            System.out.printf("scan of %,d hosts: %.1f MB%n", hosts, Files.size(scan) / 1e6);
            importScan(scan, assets, "10,000-host import"); // includes JIT warm-up: the first figure is the cold one
            importScan(scan, assets, "10,000-host re-import (nothing changes)");

            // 2. search p95
            search(assets);

            // 3. drift of 10,000 settings, reconciled in one batch
            drift(assets, officer, requester, manager);

            // 4. a 100 MB scan, heap peak
            Path big = data.resolve("scan-big.xml");
            int bigHosts = writeScan(big, Integer.MAX_VALUE, bigBytes, 5);
            System.out.printf("big scan: %,d hosts, %.1f MB%n", bigHosts, Files.size(big) / 1e6);
            System.gc();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            AtomicLong sampled = new AtomicLong();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    Runtime r = Runtime.getRuntime();
                    sampled.accumulateAndGet(r.totalMemory() - r.freeMemory(), Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            importScan(big, assets, "100 MB import");
            sampler.interrupt();
            long poolPeaks = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.out.printf("heap during the 100 MB import: sampled peak used %d MiB; sum of heap pool peaks %d MiB "
                    + "(an upper bound); -Xmx %d MiB%n", sampled.get() / (1024 * 1024), poolPeaks / (1024 * 1024),
                    Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    private static void seed(JdbcTemplate jdbc, int items) {
        String[] kinds = {"server", "server", "workstation", "network-device", "database", "application"};
        Timestamp now = Timestamp.from(Instant.now());
        List<Object[]> rows = new ArrayList<>(1000);
        for (int i = 0; i < items; i++) {
            String name = String.format("srv-%06d", i);
            String host = String.format("host-%06d.bench.example", i);
            String ip = ip(i);
            String mac = mac(i);
            rows.add(new Object[] {UUID.randomUUID(), name, kinds[i % kinds.length], new String[] {"critical", "high", "medium",
                "low"}[i % 4], i % 3 == 0 ? "test" : "production", "Team " + (i % 50), "internal", "{" + host + "}", "{" + ip + "}",
                "{" + mac + "}", name + " " + host + " " + ip + " " + mac.toLowerCase(), now, now});
            if (rows.size() == 1000 || i == items - 1) {
                jdbc.batchUpdate("""
                        INSERT INTO configuration_item (id, name, kind, tier, environment, lifecycle, owner, classification,
                            hostnames, ip_addresses, mac_addresses, search_text, created_at, created_by, updated_at, updated_by)
                        VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?::text[], ?::text[], ?::text[], ?, ?, 'bench', ?, 'bench')""", rows);
                rows.clear();
            }
        }
        jdbc.execute("ANALYZE configuration_item");
        jdbc.execute("ANALYZE item_identifier");
    }

    static String ip(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    static String mac(int i) {
        return String.format("02:00:%02X:%02X:%02X:%02X", i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255);
    }

    /** Writes nmap-like XML: even hosts carry an item's MAC, odd ones are unknown; stops at {@code hosts} or {@code bytes}. */
    static int writeScan(Path file, int hosts, long bytes, int ports) throws IOException {
        int n = 0;
        long start = 1_790_000_000L + (file.getFileName().toString().hashCode() & 0xffff);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\" args=\"nmap -sS -sV -O "
                    + "10.0.0.0/8\" start=\"" + start + "\" version=\"7.93\" xmloutputversion=\"1.05\">\n");
            long written = 200;
            for (; n < hosts && written < bytes; n++) {
                boolean known = n % 2 == 0;
                int id = known ? n / 2 : 5_000_000 + n;
                StringBuilder h = new StringBuilder(1200);
                h.append("<host starttime=\"").append(start).append("\" endtime=\"").append(start + 1)
                        .append("\"><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n<address addr=\"")
                        .append(known ? ip(id) : "172." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255))
                        .append("\" addrtype=\"ipv4\"/>\n<address addr=\"").append(mac(id))
                        .append("\" addrtype=\"mac\" vendor=\"Bench\"/>\n<hostnames>\n<hostname name=\"")
                        .append(known ? String.format("host-%06d.bench.example", id) : "unknown-" + n + ".bench.example")
                        .append("\" type=\"PTR\"/>\n</hostnames>\n<ports><extraports state=\"closed\" count=\"995\"/>\n");
                for (int p = 0; p < ports; p++) {
                    h.append("<port protocol=\"tcp\" portid=\"").append(new int[] {22, 80, 443, 5432, 8080}[p % 5])
                            .append("\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/><service name=\"svc")
                            .append(p).append("\" product=\"Bench\" version=\"1.").append(p).append("\" method=\"probed\" conf=\"10\"/></port>\n");
                }
                h.append("</ports>\n<os><osmatch name=\"Linux 5.0 - 5.14\" accuracy=\"98\" line=\"67035\"/></os>\n")
                        .append("<times srtt=\"400\" rttvar=\"100\" to=\"100000\"/>\n</host>\n");
                w.write(h.toString());
                written += h.length();
            }
            w.write("<runstats><finished time=\"" + (start + 600) + "\"/><hosts up=\"" + n + "\" down=\"0\" total=\"" + n
                    + "\"/></runstats>\n</nmaprun>\n");
        }
        return n;
    }

    private static void importScan(Path scan, String token, String label) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/discovery/nmap"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofFile(scan)).build(), HttpResponse.BodyHandlers.ofString());
        double s = secs(t);
        Map<?, ?> body = JSON.readValue(r.body(), Map.class);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(label + ": " + r.statusCode() + " " + r.body());
        }
        System.out.printf("%s: %.2f s (hosts up %s, matched %s, items updated %s, queued new %s, queued again %s)%n", label, s,
                body.get("hostsUp"), body.get("matched"), body.get("itemsUpdated"), body.get("queuedNew"), body.get("queuedAgain"));
    }

    private static void search(String token) throws Exception {
        List<String> queries = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 400; i++) {
            int n = random.nextInt(100_000);
            queries.add(switch (i % 5) {
                case 0 -> "q=" + String.format("host-%06d", n);                       // one host by name
                case 1 -> "q=" + String.format("srv-%04d", n / 100);                  // a prefix: 100 items
                case 2 -> "q=" + ip(n);                                                // an address
                case 3 -> "kind=network-device&environment=production&q=" + String.format("srv-%03d", n / 1000);
                default -> "tier=high&page=" + random.nextInt(100);                    // a filtered page, no text
            });
        }
        for (int i = 0; i < 100; i++) {
            get("/api/v1/items?" + queries.get(i), token); // warm-up
        }
        long[] micros = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long t = System.nanoTime();
            get("/api/v1/items?" + queries.get(i), token);
            micros[i] = (System.nanoTime() - t) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("inventory search over 100,000 items, %d requests (5 shapes): p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
                micros.length, micros[micros.length / 2] / 1000.0, micros[(int) (micros.length * 0.95)] / 1000.0,
                micros[micros.length - 1] / 1000.0);
    }

    private static void drift(String assets, String officer, String requester, String manager) throws Exception {
        String item = (String) post("/api/v1/items", assets, Map.of("name", "drift-bench", "kind", "server", "tier", "low",
                "environment", "development", "owner", "Bench", "classification", "internal")).get("id");
        Map<String, String> v1 = new HashMap<>();
        Map<String, String> v2 = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            v1.put(String.format("setting.%05d", i), "value-1");
            v2.put(String.format("setting.%05d", i), "value-2");
        }
        Instant observed = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Map<?, ?> first = post("/api/v1/items/" + item + "/snapshots", assets, Map.of("source", "bench", "settings", v1,
                "observedAt", observed.minusSeconds(3600).toString()));
        String snapshot = (String) ((Map<?, ?>) first.get("snapshot")).get("id");
        post("/api/v1/items/" + item + "/snapshots/" + snapshot + "/approve", officer, Map.of());
        long t = System.nanoTime();
        Map<?, ?> second = post("/api/v1/items/" + item + "/snapshots", assets, Map.of("source", "bench", "settings", v2,
                "observedAt", observed.toString()));
        System.out.printf("snapshot with 10,000 differences: found, reconciled and stored in %.2f s (%s drift items: %s authorised, "
                + "%s alerts)%n", secs(t), second.get("newDrift"), second.get("authorised"), second.get("alerts"));
        // a change for the item is approved after the fact (the change module's real ChangeCoverage), its window
        // covering the observation: every open alert is checked again, 1,000 per question
        String number = approvedChange(requester, manager, item, observed.minusSeconds(1800), observed.plusSeconds(1800));
        t = System.nanoTime();
        Map<?, ?> again = post("/api/v1/drift/reconcile", officer, Map.of());
        System.out.printf("reconcile every open alert again after %s was approved: %.2f s (%s checked, %s authorised, %s batches)%n",
                number, secs(t), again.get("checked"), again.get("authorised"), again.get("batches"));
    }

    /** A low-risk normal change on one item, taken to approved through the API. */
    private static String approvedChange(String requester, String manager, String item, Instant start, Instant end)
            throws Exception {
        Map<String, Object> change = ChangeFixtures.with(ChangeFixtures.ready("Bench configuration change", ChangeFixtures.LOW, 0),
                "plannedStart", start.toString(), "plannedEnd", end.toString(), "items", List.of(item),
                "testEnvironment", "development");
        String number = (String) post("/api/v1/changes", requester, change).get("number");
        post("/api/v1/changes/" + number + "/submit", requester, Map.of());
        post("/api/v1/changes/" + number + "/assess", manager, Map.of());
        post("/api/v1/changes/" + number + "/approve", manager, Map.of());
        return number;
    }

    // --- HTTP helpers

    private static String token(String username, String password) throws Exception {
        return (String) post("/api/v1/auth/token", null, Map.of("username", username, "password", password)).get("token");
    }

    private static String person(String admin, String username, String role) throws Exception {
        String initial = "Initial-" + UUID.randomUUID();
        String chosen = "Chosen-" + UUID.randomUUID();
        post("/api/v1/accounts", admin, Map.of("username", username, "displayName", username, "kind", "person",
                "roles", List.of(role), "password", initial));
        post("/api/v1/auth/password", null, Map.of("username", username, "currentPassword", initial, "newPassword", chosen));
        return token(username, chosen);
    }

    private static Map<?, ?> post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? Map.of() : JSON.readValue(r.body(), Map.class);
    }

    private static void get(String path, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
