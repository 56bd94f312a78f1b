package org.opsledger.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.cli.TestServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit commands against a real server (the whole application on its embedded PostgreSQL, in
 * this JVM): {@code key} and {@code prove} over HTTP, and the auditor's round trip — save a
 * checkpoint and the key, a database superuser rewrites one row, export, {@code verify} offline
 * names that entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditServerCommandsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private TestServer server;
    private String base;
    private Path tokenFile;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startServer() throws Exception {
        server = TestServer.start("cli-test");
        base = server.base();
        tokenFile = server.tokenFileFor("auditor");
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void keyPrintsTheLogsVerifierKey() {
        CliRun run = CliRun.of("audit", "key", "--server", base, "--token-file", tokenFile.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).matches("opsledger/cli-test\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}\\n");
    }

    @Test
    void proveChecksOneEntryAgainstTheLatestCheckpoint() throws Exception {
        awaitCheckpointSize(2);
        Path key = Files.writeString(tmp.resolve("log.key"),
                CliRun.of("audit", "key", "--server", base, "--token-file", tokenFile.toString()).out());
        CliRun run = CliRun.of("audit", "prove", "1", "--server", base, "--token-file", tokenFile.toString(),
                "--key", key.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("entry       1 (audit entry id ").contains("proof       ")
                .contains("ok: entry 1 is in the log signed by opsledger/cli-test+");

        CliRun beyond = CliRun.of("audit", "prove", "999999", "--server", base, "--token-file", tokenFile.toString());
        assertThat(beyond.exit()).isEqualTo(1);
        assertThat(beyond.err()).startsWith("opsledger: entry 999999 is not covered yet");

        Path wrongToken = Files.writeString(tmp.resolve("wrong.token"), "not-a-token");
        CliRun refused = CliRun.of("audit", "prove", "1", "--server", base, "--token-file", wrongToken.toString());
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err().lines()).hasSize(1);
    }

    @Test
    void aSuperusersRewriteOfOneRowIsNamedByVerify() throws Exception {
        awaitCheckpointSize(3);
        Path key = Files.writeString(tmp.resolve("pinned.key"),
                CliRun.of("audit", "key", "--server", base, "--token-file", tokenFile.toString()).out());
        CliRun saved = server("checkpoint", "--key", key.toString());
        assertThat(saved.exit()).as(saved.err()).isZero();
        Path checkpoint = Files.writeString(tmp.resolve("held.checkpoint"), saved.out());
        Path clean = tmp.resolve("clean.jsonl");
        CliRun exported = server("export", "--out", clean.toString());
        assertThat(exported.exit()).as(exported.err()).isZero();
        assertThat(exported.out()).startsWith("saved ").endsWith(" entries to " + clean + "\n");
        CliRun ok = verify(clean, checkpoint, key);
        assertThat(ok.exit()).as(ok.err()).isZero();
        CliRun okInDatabase = verifyDatabase(checkpoint, key);
        assertThat(okInDatabase.exit()).as(okInDatabase.err()).isZero();
        assertThat(okInDatabase.out()).startsWith("ok: ");

        // the victim: leaf 2, whatever entry the server integrated there
        Map<?, ?> line = JSON.readValue(get("/api/v1/audit/export?from=2&to=3").strip(), Map.class);
        long id = ((Number) line.get("id")).longValue();
        try (Connection superuser = server.bean(DataSource.class).getConnection()) {
            superuser.setAutoCommit(false);
            try (Statement off = superuser.createStatement()) {
                off.execute("SET LOCAL session_replication_role = replica"); // the append-only trigger stays silent
            }
            try (PreparedStatement update = superuser.prepareStatement(
                    "UPDATE audit_entry SET body = replace(body, '\"outcome\":\"', '\"outcome\":\"x') WHERE id = ?")) {
                update.setLong(1, id);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            superuser.commit();
        }
        Path tampered = tmp.resolve("tampered.jsonl");
        assertThat(server("export", "-o", tampered.toString()).exit()).isZero();
        CliRun run = verify(tampered, checkpoint, key);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("opsledger: entry 2 (audit entry id " + id + ") was altered: its leaf hash is "
                + run.err().substring(run.err().indexOf("is ") + 3));
        assertThat(run.err()).contains("the log recorded");
        // the same finding straight from the tables, over a read-only connection
        CliRun inDatabase = verifyDatabase(checkpoint, key);
        assertThat(inDatabase.exit()).isEqualTo(1);
        assertThat(inDatabase.err()).startsWith("opsledger: entry 2 (audit entry id " + id + ") was altered");
    }

    @Test
    void aCheckpointIsSavedOnlyIfTheKeyYouKeepSignedIt() throws Exception {
        awaitCheckpointSize(1); // a checkpoint to refuse: before the server's first, the command said there was none
        Path otherKey = Files.writeString(tmp.resolve("other.key"),
                org.opsledger.ledger.note.SignerKey.generate("opsledger/cli-test").verifierKey().encoded() + "\n");
        CliRun run = server("checkpoint", "--key", otherKey.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("opsledger: the server's checkpoint is not signed by the key in " + otherKey);
    }

    // --- helpers

    /** An audit command against the test server, as the auditor. */
    private CliRun server(String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("audit", command, "--server", base, "--token-file", tokenFile.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private CliRun verify(Path export, Path checkpoint, Path key) {
        return CliRun.of("audit", "verify", "--export", export.toString(), "--checkpoint", checkpoint.toString(),
                "--key", key.toString());
    }

    private CliRun verifyDatabase(Path checkpoint, Path key) {
        String url = ((com.zaxxer.hikari.HikariDataSource) server.bean(DataSource.class)).getJdbcUrl();
        return CliRun.of("audit", "verify", "--db-url", url, "--db-user", "postgres", "--checkpoint", checkpoint.toString(),
                "--key", key.toString());
    }

    /**
     * Waits for the server's integrator (a step every 200 ms, on a thread of the server's) to sign a checkpoint of {@code size}
     * entries at least: two minutes at most, a bound for a server that never signs, not for one slowed by the machine's load.
     * None signed yet (404: the server's first step not done as the test began) is waited for too.
     */
    private void awaitCheckpointSize(long size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send("/api/v1/audit/checkpoint");
            if (r.statusCode() != 404 || !r.body().contains("a signed checkpoint does not exist")) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                if (Long.parseLong(r.body().split("\n")[1]) >= size) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no checkpoint of size " + size + " within 2 minutes");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = send(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + Files.readString(tokenFile).strip()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
