package org.opsledger.cli;

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
import org.opsledger.OpsLedgerApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole server on its embedded PostgreSQL in this JVM, for the CLI tests that talk to one, with
 * the few API calls they need to set up people and tokens.
 */
public final class TestServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_PASSWORD = "First-Operator-Pass-1";

    private final ConfigurableApplicationContext context;
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(ConfigurableApplicationContext context) {
        this.context = context;
        this.base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    }

    public static TestServer start(String nodeName) throws Exception {
        Path data = Files.createTempDirectory("opsledger-cli-" + nodeName + "-");
        return new TestServer(SpringApplication.run(OpsLedgerApplication.class, "--server.port=0", "--opsledger.data-dir=" + data,
                "--opsledger.bootstrap.admin-password=" + ADMIN_PASSWORD, "--opsledger.node-name=" + nodeName,
                "--spring.main.banner-mode=off"));
    }

    /** {@code http://localhost:PORT}. */
    public String base() {
        return base;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /**
     * A new person with one role, past the forced password change, and a file holding their bearer
     * token (as {@code --token-file} reads it).
     */
    public Path tokenFileFor(String role) throws Exception {
        String admin = token("admin", ADMIN_PASSWORD);
        String username = role + "-" + UUID.randomUUID().toString().substring(0, 8);
        String initial = "Initial-" + UUID.randomUUID();
        String chosen = "Chosen-" + UUID.randomUUID();
        post("/api/v1/accounts", admin, Map.of("username", username, "displayName", role, "kind", "person",
                "roles", List.of(role), "password", initial), 201);
        post("/api/v1/auth/password", null, Map.of("username", username, "currentPassword", initial, "newPassword", chosen), 204);
        Path file = Files.createTempFile(role, ".token");
        Files.writeString(file, token(username, chosen) + "\n");
        return file;
    }

    public String token(String username, String password) throws Exception {
        return (String) JSON.readValue(post("/api/v1/auth/token", null,
                Map.of("username", username, "password", password), 200), Map.class).get("token");
    }

    /** POST a JSON body; fails unless the status is {@code expected}; returns the response body. */
    public String post(String path, String bearer, Object body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != expected) {
            throw new AssertionError(path + ": expected " + expected + ", got " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() {
        context.close();
    }
}
