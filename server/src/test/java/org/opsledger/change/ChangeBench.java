package org.opsledger.change;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.opsledger.Api;
import org.opsledger.OpsLedgerApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Figures for docs/performance.md (## Change management), run by {@code bench/change-bench.sh}: the
 * whole server on its embedded PostgreSQL in this JVM, seeded with SQL to {@code changes} change
 * requests (a tenth of them scheduled, on 2,000 items; a twentieth emergencies), then timed over
 * real HTTP with a bearer token: list and search pages, the conflict check of a change against the
 * scheduled ones, and the emergency-change report over the whole year.
 *
 * <p>Usage: {@code ChangeBench [changes=100000] [requests=300]}.
 */
public final class ChangeBench {

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path data = Files.createTempDirectory("opsledger-change-bench-");
        String adminPassword = "Bench-Operator-Pass-1";
        try (ConfigurableApplicationContext app = SpringApplication.run(OpsLedgerApplication.class, "--server.port=0",
                "--opsledger.data-dir=" + data, "--opsledger.bootstrap.admin-password=" + adminPassword,
                "--opsledger.node-name=bench", "--logging.level.org.opsledger=WARN")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            Api api = new Api("http://localhost:" + port);
            long t0 = System.nanoTime();
            seed(jdbc, changes);
            System.out.printf("seeded %,d changes (%,d scheduled, %,d emergency) in %.1f s%n", changes,
                    jdbc.sql("SELECT count(*) FROM change_request WHERE state = 'scheduled'").query(Long.class).single(),
                    jdbc.sql("SELECT count(*) FROM change_request WHERE type = 'emergency'").query(Long.class).single(),
                    (System.nanoTime() - t0) / 1e9);

            String admin = api.login("admin", adminPassword);
            api.post("/api/v1/accounts", admin, Map.of("username", "bench-manager", "displayName", "Bench", "kind", "person",
                    "roles", List.of("change-manager"), "password", "Quiet-Harbour-Lantern-71"));
            api.post("/api/v1/auth/password", null, Map.of("username", "bench-manager", "currentPassword", "Quiet-Harbour-Lantern-71",
                    "newPassword", "Amber-Ridge-Falcon-Post-93"));
            String token = api.login("bench-manager", "Amber-Ridge-Falcon-Post-93");

            Random random = new Random(42);
            String[] states = {"closed", "scheduled", "draft,submitted", "cab-review", "implemented,failed"};
            measure("list, newest first (page of 50)", requests, () -> api.get("/api/v1/changes?page=" + random.nextInt(20), token));
            measure("list filtered by state", requests, () -> api.get("/api/v1/changes?state=" + states[random.nextInt(states.length)]
                    + "&page=" + random.nextInt(5), token));
            measure("list filtered by requester and type", requests, () -> api.get("/api/v1/changes?requester=user"
                    + random.nextInt(500) + "&type=normal", token));
            measure("search by title words", requests, () -> api.get("/api/v1/changes?q=patch%20" + random.nextInt(1000), token));
            measure("search by CHG number", requests, () -> api.get("/api/v1/changes?q=" + String.format("CHG-%06d",
                    1 + random.nextInt(changes)), token));

            // a new change on two busy items, its window moved about the next six weeks
            Instant start = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
            Map<String, Object> body = new java.util.HashMap<>(ChangeFixtures.ready("Bench conflict", ChangeFixtures.LOW, 1));
            body.put("items", List.of());
            String number = (String) api.post("/api/v1/changes", token, body).get("number");
            jdbc.sql("INSERT INTO change_item (change_id, item_id) SELECT id, md5('item' || (g * 10 - 5))::uuid FROM change_request, "
                    + "generate_series(1, 2) g WHERE number = ?").param(number).update();
            measure("conflict check against the scheduled changes", requests, () -> {
                Instant s = start.plus(random.nextInt(1000), ChronoUnit.HOURS);
                return api.get("/api/v1/changes/" + number + "/conflicts?start=" + s + "&end=" + s.plus(4, ChronoUnit.HOURS), token);
            });
            int conflicts = jdbc.sql("SELECT count(*) FROM change_item i JOIN change_request c ON c.id = i.change_id "
                    + "WHERE i.item_id IN (md5('item5')::uuid, md5('item15')::uuid) AND c.state = 'scheduled'").query(Integer.class).single();
            System.out.printf("  (the two items carry %d scheduled changes)%n", conflicts);

            Instant yearAgo = Instant.now().minus(366, ChronoUnit.DAYS);
            measure("emergency-change report, whole year", Math.max(10, requests / 10),
                    () -> api.get("/api/v1/changes/reports/emergency?from=" + yearAgo + "&max=10000", token));
            measure("process review report, whole year", Math.max(10, requests / 10),
                    () -> api.get("/api/v1/changes/reports/process?from=" + yearAgo, token));
        }
    }

    /** 100,000 changes over the past year, spread across types, states, 500 requesters and 2,000 items. */
    static void seed(JdbcClient jdbc, int n) {
        jdbc.sql("""
                INSERT INTO change_request (id, seq, number, title, type, state, description, implementation_plan, test_plan,
                    test_evidence, test_environment, fallback_plan, security_assessment, compliance_confirmed, emergency_justification,
                    planned_start, planned_end, risk_answers, risk_questionnaire, risk_items, risk, requester, implementer,
                    approved_by, created_at, submitted_at, approved_at, started_at, finished_at, review_due, reviewed_at, outcome,
                    closed_at, updated_at)
                SELECT gen_random_uuid(), s, 'CHG-' || lpad(s::text, 6, '0'),
                    'Patch ' || (g % 1000) || ' on host ' || (g % 2000), type, state, 'Seeded by the bench',
                    'plan', 'tests', 'evidence', 'test', 'fallback', 'checked', true,
                    CASE WHEN type = 'emergency' THEN 'outage' END,
                    CASE WHEN state = 'scheduled' THEN now() + ((g % 1000) * interval '1 hour') ELSE created + interval '1 day' END,
                    CASE WHEN state = 'scheduled' THEN now() + ((g % 1000) * interval '1 hour') + interval '3 hours'
                         ELSE created + interval '1 day 2 hours' END,
                    '{}', 'low', 'low', (ARRAY['low','medium','high'])[1 + g % 3], 'user' || (g % 500), 'impl' || (g % 50),
                    CASE WHEN state IN ('draft', 'submitted', 'cab-review') THEN NULL WHEN g % 3 = 0 THEN 'cab' ELSE 'mgr' END,
                    created, created + interval '1 hour', created + interval '5 hours', created + interval '1 day',
                    created + interval '1 day 2 hours',
                    CASE WHEN type = 'emergency' THEN created + interval '5 days 5 hours' END,
                    CASE WHEN type = 'emergency' AND g % 3 <> 0 THEN created + interval '3 days' END,
                    CASE WHEN state = 'closed' THEN (CASE WHEN g % 17 = 0 THEN 'failed' ELSE 'implemented' END) END,
                    CASE WHEN state = 'closed' THEN created + interval '4 days' END, created
                FROM (SELECT g, nextval('change_number_seq') AS s,
                        now() - ((:n - g) * (interval '365 days' / :n)) AS created,
                        CASE WHEN g % 20 = 0 THEN 'emergency' WHEN g % 7 = 0 THEN 'standard' ELSE 'normal' END AS type,
                        CASE WHEN g % 10 = 5 THEN 'scheduled' WHEN g % 10 = 1 THEN 'draft' WHEN g % 10 = 2 THEN 'submitted'
                             WHEN g % 10 = 3 THEN 'cab-review' ELSE 'closed' END AS state
                      FROM generate_series(1, :n) g) x
                """).param("n", n).update();
        jdbc.sql("INSERT INTO change_item (change_id, item_id) SELECT id, md5('item' || ((seq * k) % 2000))::uuid FROM change_request, "
                + "generate_series(1, 2) k WHERE state = 'scheduled'").update();
        jdbc.sql("INSERT INTO change_transition (change_id, action, from_state, to_state, actor, at) "
                + "SELECT id, 'create', NULL, 'draft', requester, created_at FROM change_request").update();
        jdbc.sql("ANALYZE").update();
    }

    private static void measure(String what, int n, Supplier<Api.Response> call) {
        for (int i = 0; i < Math.min(20, n); i++) {
            check(call.get()); // warm-up: JIT, pool, caches
        }
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            check(call.get());
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("%-50s n=%4d  p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms%n", what, n, pct(micros, 50) / 1000.0,
                pct(micros, 95) / 1000.0, micros[n - 1] / 1000.0);
    }

    private static void check(Api.Response r) {
        if (r.status() != 200) {
            throw new IllegalStateException(r.status() + " " + r.body());
        }
    }

    private static long pct(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }
}
