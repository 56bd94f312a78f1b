package org.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.OpsLedgerApplication;
import org.opsledger.ledger.note.VerifierKey;

/**
 * Issue 3: kill the server while entries are being written; after restart the tree and the table
 * agree and no committed entry is missing from the tree. The server runs in a child JVM against a
 * PostgreSQL of the test's own (so the database outlives the kill), is killed with SIGKILL while
 * four clients make it write audit entries, and is started again on the same database and key.
 */
class ServerKilledMidWriteIntegrationTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void afterAKillAndARestartEveryCommittedEntryIsInOneVerifiedTree(@TempDir Path database, @TempDir Path data)
            throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(database).setCleanDataDirectory(true)
                .start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
            int port = freePort();
            Process first = start(url, data, port, "first");
            String heldBeforeTheKill;
            AtomicInteger answered = new AtomicInteger();
            try {
                awaitHealthy(port, first);
                ExecutorService clients = Executors.newFixedThreadPool(4);
                AtomicBoolean going = new AtomicBoolean(true);
                for (int i = 0; i < 4; i++) {
                    clients.submit(() -> {
                        // every request refused for want of credentials is an audit entry, committed before the answer
                        while (going.get()) {
                            try {
                                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me?probe="
                                        + UUID.randomUUID())).build(), HttpResponse.BodyHandlers.discarding());
                                answered.incrementAndGet();
                            } catch (IOException e) {
                                return null; // the server is gone
                            }
                        }
                        return null;
                    });
                }
                // killed once 150 requests are answered, however long that takes on a loaded machine (3 s of requests
                // were 43 answers beside six builds, and the count below was a timing asserted)
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
                while (answered.get() < 150 && System.nanoTime() < deadline && first.isAlive()) {
                    Thread.sleep(50);
                }
                heldBeforeTheKill = latestCheckpoint(url);
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop, mid-transaction
                first.waitFor();
                going.set(false);
                clients.shutdown();
            } finally {
                first.destroyForcibly();
            }
            assertThat(answered.get()).as("requests answered before the kill").isGreaterThan(100);
            long entriesAfterTheKill = count(url, "SELECT count(*) FROM audit_entry");
            assertThat(entriesAfterTheKill).as("an entry committed for every answered request").isGreaterThanOrEqualTo(answered.get());

            Process second = start(url, data, port, "second");
            try {
                awaitHealthy(port, second);
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos(); // for a restart that never integrates, not a loaded one
                while (count(url, "SELECT count(*) FROM audit_entry a WHERE NOT EXISTS"
                        + " (SELECT 1 FROM audit_leaf l WHERE l.entry_id = a.id)") > 0
                        || count(url, "SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint")
                                < count(url, "SELECT count(*) FROM audit_leaf")) {
                    assertThat(System.nanoTime()).as("everything integrated within 3 minutes of the restart").isLessThan(deadline);
                    Thread.sleep(100);
                }
                String latest = latestCheckpoint(url);
                try (Connection connection = DriverManager.getConnection(url, "postgres", null)) {
                    VerifierKey key = VerifierKey.parse(query(connection, "SELECT verifier_key FROM audit_log"));
                    AuditExportVerifier.Verdict verdict = new AuditExportVerifier(key).verify(connection,
                            List.of(heldBeforeTheKill, latest));
                    assertThat(verdict.ok()).as(verdict.describe()).isTrue();
                    long leaves = count(url, "SELECT count(*) FROM audit_leaf");
                    assertThat(leaves).isEqualTo(count(url, "SELECT count(*) FROM audit_entry"))
                            .isGreaterThanOrEqualTo(entriesAfterTheKill);
                    assertThat(count(url, "SELECT count(DISTINCT entry_id) FROM audit_leaf")).isEqualTo(leaves);
                }
            } finally {
                second.destroy();
                second.waitFor();
            }
        }
    }

    private static Process start(String url, Path data, int port, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                OpsLedgerApplication.class.getName(), "--server.port=" + port, "--opsledger.data-dir=" + data,
                "--opsledger.database.url=" + url, "--opsledger.database.user=postgres", "--opsledger.node-name=crash-test",
                "--opsledger.bootstrap.admin-password=Crash-Operator-Pass-1"));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("server-" + name + ".log").toFile()).start();
    }

    private void awaitHealthy(int port, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server process").isTrue();
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server not healthy within 120 s");
    }

    private static String latestCheckpoint(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "postgres", null)) {
            return query(connection, "SELECT note FROM audit_checkpoint ORDER BY id DESC LIMIT 1");
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "postgres", null)) {
            return Long.parseLong(query(connection, sql));
        }
    }

    private static String query(Connection connection, String sql) throws Exception {
        try (var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
