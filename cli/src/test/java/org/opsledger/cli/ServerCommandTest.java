package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad input to `opsledger server` fails before anything starts, with one line and a non-zero exit. */
class ServerCommandTest {

    @Test
    void aDatabaseUrlThatIsNotPostgresqlIsRefused() {
        CliRun run = CliRun.of("server", "--db-url", "jdbc:mysql://db/ops");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("opsledger: --db-url must be a PostgreSQL JDBC URL").doesNotContain("\n");
    }

    @Test
    void anUnreadablePasswordFileIsNamed() {
        CliRun run = CliRun.of("server", "--db-url", "jdbc:postgresql://db/ops", "--db-password-file", "/nonexistent/pw");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("opsledger: cannot read password file /nonexistent/pw: no such file\n");
    }

    @Test
    void aWrongPortIsAUsageError() {
        CliRun run = CliRun.of("server", "--port", "eighty");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("--port");
    }
}
