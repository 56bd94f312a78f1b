package org.opsledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.OpsLedgerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Production mode: OpsLedger against a PostgreSQL it did not start. A separately started
 * PostgreSQL stands in for the external server; OpsLedger must migrate it, bootstrap the first
 * administrator there, and start no database of its own.
 */
class ExternalDatabaseIntegrationTest {

    @Test
    void runsAgainstAnExternalPostgresqlAndStartsNoDatabaseOfItsOwn(@TempDir Path external, @TempDir Path dataDir) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(external).setCleanDataDirectory(true).start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(OpsLedgerApplication.class).run(
                    "--server.port=0", "--opsledger.data-dir=" + dataDir, "--opsledger.database.url=" + url,
                    "--opsledger.database.user=postgres", "--opsledger.bootstrap.admin-password=External-Operator-Pass-1")) {
                int port = ((WebServerApplicationContext) app).getWebServer().getPort();
                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(Files.exists(dataDir.resolve("postgres"))).as("no embedded database").isFalse();
            }
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT username FROM account")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("admin");
            }
        }
    }
}
