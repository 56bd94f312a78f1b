package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input to `opsledger server` fails before anything starts, with one line and a non-zero exit. */
class ServerCommandTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
    }

    @Test
    void aDatabaseUrlThatIsNotPostgresqlIsRefused() {
        int code = OpsLedgerCommand.run("server", "--db-url", "jdbc:mysql://db/ops");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("opsledger: --db-url must be a PostgreSQL JDBC URL").doesNotContain("\n");
    }

    @Test
    void anUnreadablePasswordFileIsNamed() {
        int code = OpsLedgerCommand.run("server", "--db-url", "jdbc:postgresql://db/ops", "--db-password-file", "/nonexistent/pw");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read --db-password-file /nonexistent/pw");
    }

    @Test
    void aWrongPortIsAUsageError() {
        assertThat(OpsLedgerCommand.run("server", "--port", "eighty")).isNotZero();
        assertThat(err.toString()).contains("--port");
    }
}
