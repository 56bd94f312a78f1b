package org.opsledger.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.OpsLedgerApplication;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code opsledger server}: runs the OpsLedger server in this process. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the OpsLedger server (web UI and API). Without --db-url it runs a private PostgreSQL under --data-dir.")
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
    int port;

    @Option(names = "--data-dir", description = "Where the embedded database and key files live (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:OPSLEDGER_DATA_DIR:-data}")
    Path dataDir;

    @Option(names = "--db-url", description = "JDBC URL of an external PostgreSQL (env OPSLEDGER_DB_URL); production uses this.",
            defaultValue = "${env:OPSLEDGER_DB_URL}")
    String dbUrl;

    @Option(names = "--db-user", description = "User for --db-url (env OPSLEDGER_DB_USER).", defaultValue = "${env:OPSLEDGER_DB_USER}")
    String dbUser;

    @Option(names = "--db-password-file", description = "File holding the password for --db-url (or env OPSLEDGER_DB_PASSWORD).")
    Path dbPasswordFile;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        args.add("--opsledger.data-dir=" + dataDir.toAbsolutePath());
        if (dbUrl != null && !dbUrl.isBlank()) {
            if (!dbUrl.startsWith("jdbc:postgresql:")) {
                throw new CliException("--db-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: " + dbUrl, 2);
            }
            args.add("--opsledger.database.url=" + dbUrl);
            if (dbUser != null) {
                args.add("--opsledger.database.user=" + dbUser);
            }
            // The password goes in a system property, never on a command line that `ps` shows.
            String password = dbPasswordFile != null ? readPassword(dbPasswordFile) : SecretFile.fromEnvironment("OPSLEDGER_DB_PASSWORD");
            if (password != null) {
                System.setProperty("opsledger.database.password", password);
            }
        }
        SpringApplication.run(OpsLedgerApplication.class, args.toArray(String[]::new));
        Thread.currentThread().join(); // the web server keeps running until the JVM is stopped
        return 0;
    }

    private static String readPassword(Path file) {
        return SecretFile.password(file).strip();
    }
}
