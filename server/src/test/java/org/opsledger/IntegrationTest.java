package org.opsledger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application on a real embedded PostgreSQL (a private one per test JVM, under a temp
 * folder), driven over real HTTP. Subclasses share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IntegrationTest {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "First-Operator-Pass-1";
    private static final Path DATA_DIR = tempDir();
    /** Where the application sends mail; a test that reads it starts GreenMail there (change notifications). */
    public static final int SMTP_PORT = freePort();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected DataSource dataSource;

    protected Api api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("opsledger.data-dir", DATA_DIR::toString);
        registry.add("opsledger.bootstrap.admin-password", () -> ADMIN_PASSWORD);
        registry.add("opsledger.node-name", () -> "test-node");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP_PORT);
        registry.add("opsledger.change.groups.network-team", () -> "netops@example.org,noc@example.org");
    }

    @BeforeEach
    void connect() {
        api = new Api("http://localhost:" + port);
    }

    /** The latest audit entry's canonical body, with its generated columns. */
    protected Map<String, Object> lastAuditEntry(String action) {
        return jdbc.sql("SELECT id, body::jsonb AS b FROM audit_entry WHERE action = ? ORDER BY id DESC LIMIT 1")
                .param(action)
                .query((rs, n) -> Api.json(rs.getString("b")))
                .optional().orElseThrow(() -> new AssertionError("no audit entry for " + action));
    }

    /** Entries with this action about this object (counting the whole table would race background entries). */
    protected long auditCount(String action, String objectId) {
        return jdbc.sql("SELECT count(*) FROM audit_entry WHERE action = ? AND object_id = ?").params(action, objectId)
                .query(Long.class).single();
    }

    /**
     * What a database superuser can do behind the application's back: switch the append-only
     * triggers off for their own session and change the record (the ledger must catch it).
     */
    protected void asSuperuserWithoutTriggers(String sql, Object... params) throws SQLException {
        try (Connection superuser = dataSource.getConnection()) {
            superuser.setAutoCommit(false);
            try (Statement set = superuser.createStatement()) {
                set.execute("SET LOCAL session_replication_role = replica");
            }
            try (PreparedStatement statement = superuser.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    statement.setObject(i + 1, params[i]);
                }
                statement.executeUpdate();
            }
            superuser.commit();
            superuser.setAutoCommit(true);
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("opsledger-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
