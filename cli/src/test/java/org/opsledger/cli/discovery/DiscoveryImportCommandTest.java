package org.opsledger.cli.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.OpsLedgerApplication;
import org.opsledger.cli.CliRun;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code opsledger discovery import FILE} against a real server (the whole application on its embedded
 * PostgreSQL, in this JVM), with a scan the real {@code nmap} wrote of this machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryImportCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_PASSWORD = "First-Operator-Pass-1";

    @TempDir
    Path tmp;

    private ConfigurableApplicationContext server;
    private String base;
    private Path tokenFile;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startServer() throws Exception {
        Path data = Files.createTempDirectory("opsledger-cli-discovery-");
        server = SpringApplication.run(OpsLedgerApplication.class, "--server.port=0", "--opsledger.data-dir=" + data,
                "--opsledger.bootstrap.admin-password=" + ADMIN_PASSWORD, "--opsledger.node-name=cli-discovery",
                "--spring.main.banner-mode=off");
        base = "http://localhost:" + server.getEnvironment().getProperty("local.server.port");
        String admin = token("admin", ADMIN_PASSWORD);
        String manager = "assets-" + UUID.randomUUID().toString().substring(0, 8);
        String initial = "Initial-" + UUID.randomUUID();
        String chosen = "Chosen-" + UUID.randomUUID();
        post("/api/v1/accounts", admin, Map.of("username", manager, "displayName", "Assets", "kind", "person",
                "roles", List.of("asset-manager"), "password", initial), 201);
        post("/api/v1/auth/password", null, Map.of("username", manager, "currentPassword", initial, "newPassword", chosen), 204);
        tokenFile = Files.createTempFile("assets", ".token");
        Files.writeString(tokenFile, token(manager, chosen) + "\n");
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CliRun importScan(Path scan, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("discovery", "import", scan.toString(), "--server", base,
                "--token-file", tokenFile.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aRealScanIsPreviewedThenImportedThenImportedAgainWithoutChange() throws Exception {
        Path scan = tmp.resolve("scan.xml");
        Process nmap = new ProcessBuilder("nmap", "-sT", "-Pn", "-p", base.substring(base.lastIndexOf(':') + 1), "-oX",
                scan.toString(), "127.0.0.1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(nmap.waitFor(120, TimeUnit.SECONDS)).isTrue();

        CliRun preview = importScan(scan, "--dry-run");
        assertThat(preview.exit()).as(preview.err()).isZero();
        assertThat(preview.out()).startsWith("dry run, nothing written: 1 hosts up, 0 matched (0 items updated), 1 new unauthorised");

        CliRun first = importScan(scan);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("imported: 1 hosts up, 0 matched (0 items updated), 1 new unauthorised, 0 already queued");

        CliRun again = importScan(scan);
        assertThat(again.out()).startsWith("imported: 1 hosts up, 0 matched (0 items updated), 0 new unauthorised, 1 already queued")
                .contains("this file had been imported before");
    }

    @Test
    void refusalsAreOneLineAndNonZero() throws Exception {
        Path hostile = Files.writeString(tmp.resolve("xxe.xml"),
                "<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><nmaprun>&x;</nmaprun>");
        CliRun refused = importScan(hostile);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("opsledger: the server refused the scan (400): the document type declaration is refused")
                .hasLineCount(1);

        CliRun missing = importScan(tmp.resolve("nope.xml"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("opsledger: cannot read " + tmp.resolve("nope.xml") + "\n");

        Path bad = Files.writeString(tmp.resolve("bad.token"), "not-a-token\n");
        CliRun unauthenticated = CliRun.of("discovery", "import", hostile.toString(), "--server", base, "--token-file", bad.toString());
        assertThat(unauthenticated.exit()).isEqualTo(3);
        assertThat(unauthenticated.err()).contains("401");
    }

    private String token(String username, String password) throws Exception {
        return (String) post("/api/v1/auth/token", null, Map.of("username", username, "password", password), 200).get("token");
    }

    private Map<?, ?> post(String path, String bearer, Map<String, ?> body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(expected);
        return r.body().isEmpty() ? Map.of() : JSON.readValue(r.body(), Map.class);
    }
}
