package org.opsledger.cli.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.opsledger.audit.AuditExportVerifier;
import org.opsledger.audit.AuditExportVerifier.Verdict;
import org.opsledger.cli.CliException;
import org.opsledger.cli.SecretFile;
import org.opsledger.ledger.note.VerifierKey;
import org.opsledger.vault.IoReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code opsledger audit verify}: no server needed. Recomputes every leaf and the root at every
 * checkpoint the auditor holds, from an export file or straight from the database over a
 * read-only connection; exits 0 only if all holds, else prints the first problem.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify an audit export (offline), or the log's database over a read-only connection, against checkpoints you saved earlier.",
                "Exit 0 only if every entry hashes to its leaf and every checkpoint matches; otherwise the first bad entry is named."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--export", description = "The export (JSON lines from GET /api/v1/audit/export, from leaf 0).")
    Path export;

    @Option(names = "--db-url", description = "Instead of an export: the log's PostgreSQL (JDBC URL), read in one read-only snapshot.")
    String dbUrl;

    @Option(names = "--db-user", description = "User for --db-url; give it SELECT on audit_entry and audit_leaf only.",
            defaultValue = "${env:OPSLEDGER_DB_USER}")
    String dbUser;

    @Option(names = "--db-password-file", description = "File holding the password for --db-url.")
    Path dbPasswordFile;

    @Option(names = "--checkpoint", required = true, description = "A signed checkpoint you saved (repeat for several).")
    List<Path> checkpoints;

    @Option(names = "--key", required = true, description = "The log's verifier key (from `opsledger audit key`, kept by you).")
    Path key;

    @Override
    public Integer call() {
        if ((export == null) == (dbUrl == null)) {
            throw new CliException("give either --export FILE or --db-url URL", 2);
        }
        if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new CliException("--db-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: " + dbUrl, 2);
        }
        VerifierKey verifier;
        try {
            verifier = VerifierKey.read(key);
        } catch (IllegalArgumentException e) {
            throw new CliException(key + " does not hold a verifier key: " + e.getMessage(), 2);
        } catch (IOException e) {
            throw unreadable(key, e);
        }
        List<String> notes = new ArrayList<>();
        for (Path checkpoint : checkpoints) {
            try {
                notes.add(Files.readString(checkpoint, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw unreadable(checkpoint, e);
            }
        }
        Verdict verdict = export != null ? fromExport(new AuditExportVerifier(verifier), notes)
                : fromDatabase(new AuditExportVerifier(verifier), notes);
        if (!verdict.ok()) {
            throw new CliException(verdict.describe(), 1);
        }
        System.out.println(verdict.describe());
        return 0;
    }

    private Verdict fromExport(AuditExportVerifier verifier, List<String> notes) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(export), 1 << 16)) {
            return verifier.verify(in, notes);
        } catch (IOException e) {
            throw unreadable(export, e);
        }
    }

    private Verdict fromDatabase(AuditExportVerifier verifier, List<String> notes) {
        Properties properties = new Properties();
        if (dbUser != null) {
            properties.setProperty("user", dbUser);
        }
        if (dbPasswordFile != null) {
            properties.setProperty("password", SecretFile.password(dbPasswordFile).strip());
        }
        properties.setProperty("ApplicationName", "opsledger audit verify");
        properties.setProperty("readOnly", "true");
        try (Connection connection = new org.postgresql.Driver().connect(dbUrl, properties)) {
            return verifier.verify(connection, notes);
        } catch (SQLException e) {
            throw new CliException("reading the log from " + dbUrl + ": " + e.getMessage().lines().findFirst().orElse(""), 3);
        }
    }

    static CliException unreadable(Path file, IOException e) {
        return new CliException("cannot read " + file + ": " + IoReason.of(e), 2);
    }
}
