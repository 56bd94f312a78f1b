package org.opsledger.audit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opsledger.OpsLedgerApplication;
import org.opsledger.ledger.note.VerifierKey;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Figures for docs/performance.md (## Audit ledger (server)), run by {@code bench/audit-bench.sh}:
 * the whole server on its embedded PostgreSQL in this JVM, {@code writers} threads each committing
 * audited business transactions (one business row and its audit entry, one transaction) for
 * {@code seconds}; then commit latency, commit → covered by a signed checkpoint, and the export and
 * offline verify of everything written.
 *
 * <p>Usage: {@code AuditLedgerBench [writers=32] [seconds=30]}.
 */
public final class AuditLedgerBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        int writers = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path data = Files.createTempDirectory("opsledger-audit-bench-");
        String adminPassword = "Bench-Operator-Pass-1";
        try (ConfigurableApplicationContext app = SpringApplication.run(OpsLedgerApplication.class, "--server.port=0",
                "--opsledger.data-dir=" + data, "--opsledger.bootstrap.admin-password=" + adminPassword,
                "--opsledger.node-name=bench", "--opsledger.database.pool-size=" + (writers + 8),
                "--logging.level.org.opsledger=WARN")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            AuditTrail trail = app.getBean(AuditTrail.class);
            TransactionTemplate tx = app.getBean(TransactionTemplate.class);
            jdbc.sql("CREATE TABLE bench_change (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL)").update();

            System.out.printf("writers: %d, duration: %d s (+5 s warm-up), pool: %d connections%n", writers, seconds, writers + 8);
            run(writers, 5, tx, jdbc, trail, "bench.warmup"); // JIT, pool, caches
            Result result = run(writers, seconds, tx, jdbc, trail, "bench.change");
            long[] latencies = result.commitMicros();
            Arrays.sort(latencies);
            System.out.printf("audited transactions committed: %,d in %d s = %,.0f/s%n", latencies.length, seconds,
                    latencies.length / (double) seconds);
            System.out.printf("commit latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(latencies, 50) / 1000.0,
                    pct(latencies, 99) / 1000.0, latencies[latencies.length - 1] / 1000.0);

            // commit -> covered by a signed checkpoint: wait until the tree holds everything, then
            // compare each entry's commit instant with the signing time of the first checkpoint over it.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (jdbc.sql("SELECT count(*) FROM audit_entry a WHERE NOT EXISTS (SELECT 1 FROM audit_leaf l"
                    + " WHERE l.entry_id = a.id)").query(Long.class).single() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500);
            Map<String, Instant> signedAt = new ConcurrentHashMap<>();
            jdbc.sql("""
                    SELECT a.object_id, (SELECT min(c.signed_at) FROM audit_checkpoint c WHERE c.tree_size > l.leaf_index) AS signed
                    FROM audit_entry a JOIN audit_leaf l ON l.entry_id = a.id WHERE a.action = 'bench.change'""")
                    .query((rs, n) -> signedAt.put(rs.getString(1), rs.getTimestamp(2).toInstant())).list();
            long[] toCheckpoint = result.committedAt().entrySet().stream()
                    .mapToLong(e -> Duration.between(e.getValue(), signedAt.get(e.getKey())).toNanos() / 1000).sorted().toArray();
            System.out.printf("commit -> signed checkpoint: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%,d entries)%n",
                    pct(toCheckpoint, 50) / 1000.0, pct(toCheckpoint, 99) / 1000.0,
                    toCheckpoint[toCheckpoint.length - 1] / 1000.0, toCheckpoint.length);
            System.out.printf("checkpoints signed during the run: %,d%n", jdbc.sql(
                    "SELECT count(*) FROM audit_checkpoint").query(Long.class).single());

            exportAndVerify(app, adminPassword, data);
        }
    }

    private record Result(long[] commitMicros, Map<String, Instant> committedAt) {
    }

    private static Result run(int writers, int seconds, TransactionTemplate tx, JdbcClient jdbc, AuditTrail trail,
            String action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicBoolean going = new AtomicBoolean(true);
        Map<String, Instant> committedAt = new ConcurrentHashMap<>();
        List<Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (going.get()) {
                    String key = UUID.randomUUID().toString();
                    long start = System.nanoTime();
                    tx.executeWithoutResult(status -> {
                        jdbc.sql("INSERT INTO bench_change (title) VALUES (?)").param("change " + key).update();
                        trail.record(new AuditEvent(action, Access.CREATE, "bench-change", key, Outcome.SUCCESS, null,
                                null, Map.of("title", "change " + key), "bench"));
                    });
                    long end = System.nanoTime();
                    committedAt.put(key, Instant.now());
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = (end - start) / 1000;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        Thread.sleep(seconds * 1000L);
        going.set(false);
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : futures) {
            parts.add(f.get());
        }
        pool.shutdown();
        return new Result(parts.stream().flatMapToLong(Arrays::stream).toArray(), committedAt);
    }

    private static void exportAndVerify(ConfigurableApplicationContext app, String adminPassword, Path data) throws Exception {
        String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
        HttpClient http = HttpClient.newHttpClient();
        String admin = token(http, base, "admin", adminPassword);
        String initial = "Initial-" + UUID.randomUUID();
        String chosen = "Chosen-" + UUID.randomUUID();
        post(http, base, "/api/v1/accounts", admin, Map.of("username", "bench-auditor", "displayName", "Bench auditor",
                "kind", "person", "roles", List.of("auditor"), "password", initial));
        post(http, base, "/api/v1/auth/password", null, Map.of("username", "bench-auditor", "currentPassword", initial,
                "newPassword", chosen));
        String auditor = token(http, base, "bench-auditor", chosen);
        // proofs are timed on a settled server: the integrator has covered the writers' backlog and the
        // JIT and GC have caught up with the write burst, as when an auditor asks later
        Thread.sleep(5_000);
        Path checkpointFile = get(http, base, "/api/v1/audit/checkpoint", auditor, data.resolve("checkpoint"));
        VerifierKey key = VerifierKey.parse(Files.readString(get(http, base, "/api/v1/audit/key", auditor,
                data.resolve("key"))).strip());
        proofs(http, base, auditor, Long.parseLong(Files.readString(checkpointFile).split("\n")[1]));
        long start = System.nanoTime();
        Path export = get(http, base, "/api/v1/audit/export", auditor, data.resolve("export.jsonl"));
        double exportSeconds = (System.nanoTime() - start) / 1e9;
        long lines;
        try (var stream = Files.lines(export)) {
            lines = stream.count();
        }
        System.out.printf("export over HTTP: %,d entries, %.1f MB in %.2f s = %,.0f entries/s%n", lines,
                Files.size(export) / 1e6, exportSeconds, lines / exportSeconds);
        double best = Double.MAX_VALUE;
        String verdict = "";
        for (int round = 0; round < 9; round++) { // the first round warms up
            long t = System.nanoTime();
            try (var in = new java.io.BufferedInputStream(Files.newInputStream(export), 1 << 16)) {
                verdict = new AuditExportVerifier(key).verify(in, List.of(Files.readString(checkpointFile))).describe();
            }
            if (round > 0) {
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
        }
        System.out.printf("offline verify of the export (parse + hash, best of 8): %,.0f entries/s — %s%n", lines / best,
                verdict);
    }

    /** Inclusion + consistency proofs served over HTTP at random places in the tree: latency and size. */
    private static void proofs(HttpClient http, String base, String auditor, long size) throws Exception {
        java.util.Random random = new java.util.Random(7);
        int n = 2_000;
        long[] micros = new long[n];
        long bytes = 0;
        for (int i = -200; i < n; i++) { // 200 warm-up requests
            long index = (long) (random.nextDouble() * size);
            long older = 1 + (long) (random.nextDouble() * (size - 1));
            String path = i % 2 == 0 ? "/api/v1/audit/proofs/inclusion?index=" + index + "&size=" + size
                    : "/api/v1/audit/proofs/consistency?from=" + older + "&to=" + size;
            long t = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString());
            long elapsed = (System.nanoTime() - t) / 1000;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + ": " + r.statusCode());
            }
            if (i >= 0) {
                micros[i] = elapsed;
                bytes += r.body().length();
            }
        }
        Arrays.sort(micros);
        System.out.printf("proofs over HTTP at size %,d (inclusion and consistency alternating, %,d requests, one client):"
                + " p50 %.2f ms, p99 %.2f ms, mean JSON body %d B%n", size, n, pct(micros, 50) / 1000.0,
                pct(micros, 99) / 1000.0, bytes / n);
    }

    private static long pct(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percentile / 100.0) - 1)];
    }

    private static String token(HttpClient http, String base, String user, String password) throws Exception {
        return (String) JSON.readValue(post(http, base, "/api/v1/auth/token", null,
                Map.of("username", user, "password", password)), Map.class).get("token");
    }

    private static String post(HttpClient http, String base, String path, String bearer, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static Path get(HttpClient http, String base, String path, String bearer, Path into) throws Exception {
        HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofFile(into));
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode());
        }
        return into;
    }
}
