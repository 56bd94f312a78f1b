package org.opsledger.audit;

import java.io.InputStream;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.audit.AuditResult;
import org.opsledger.ledger.audit.LogAuditor;
import org.opsledger.ledger.note.VerifierKey;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an audit export (JSON lines, docs/audit-format.md 3), or the tables themselves over a
 * read-only connection, against checkpoints an auditor holds, trusting nothing but the log's
 * verifier key: what {@code opsledger audit verify} runs.
 * Entries stream through the ledger's {@link LogAuditor} in constant memory; on top of it this
 * names the audit entry (its table id) behind a leaf, and reports a leaf missing from the middle of
 * the export (a deleted row) by its index.
 */
public final class AuditExportVerifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LogAuditor auditor;

    public AuditExportVerifier(VerifierKey key) {
        this.auditor = LogAuditor.trusting(key);
    }

    /** The verdict; {@link #describe()} is the one line the CLI prints. */
    public sealed interface Verdict {

        default boolean ok() {
            return this instanceof Holds;
        }

        String describe();

        /** Every entry hashed to its leaf, every checkpoint opened and matched. */
        record Holds(AuditResult.Verified result) implements Verdict {
            @Override
            public String describe() {
                return result.describe();
            }
        }

        /** The ledger's verdict against the export, with the table id of the entry if it names one. */
        record Fails(AuditResult result, Long entryId) implements Verdict {
            @Override
            public String describe() {
                if (result instanceof AuditResult.EntryAltered altered) {
                    return "entry " + altered.index() + " (audit entry id " + entryId + ") was altered: its leaf hash is "
                            + altered.recomputedLeafHash().base64() + ", the log recorded " + altered.storedLeafHash().base64();
                }
                return result.describe();
            }
        }

        /** The export skips leaf {@code index}: the row behind it is gone from the table. */
        record MissingEntry(long index, long nextPresent) implements Verdict {
            @Override
            public String describe() {
                return "entry " + index + " is missing: the export goes from leaf " + (index - 1) + " to leaf " + nextPresent
                        + " (its audit row was deleted)";
            }
        }

        /** The export is not in the documented format. */
        record Malformed(long line, String detail) implements Verdict {
            @Override
            public String describe() {
                return "export line " + line + " is malformed: " + detail;
            }
        }
    }

    /** Verifies an export (UTF-8 JSON lines from leaf 0, docs/audit-format.md 3) against {@code checkpointNotes}. */
    public Verdict verify(InputStream export, List<String> checkpointNotes) {
        try (JsonParser parser = JSON.createParser(export)) {
            return verify(parser, checkpointNotes);
        }
    }

    /** The same, from characters already decoded. */
    public Verdict verify(Reader export, List<String> checkpointNotes) {
        try (JsonParser parser = JSON.createParser(export)) {
            return verify(parser, checkpointNotes);
        }
    }

    /**
     * Streams the lines with Jackson's token parser: no line is held as a string or bound to an
     * object, so parsing costs about as much as hashing (docs/performance.md).
     */
    private Verdict verify(JsonParser parser, List<String> checkpointNotes) {
        Pass pass = begin(checkpointNotes);
        while (true) {
            long lineNumber = 0;
            try {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return pass.finish();
                }
                lineNumber = parser.currentLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    return new Verdict.Malformed(lineNumber, "each line must be one JSON object");
                }
                long index = -1;
                long id = -1;
                String leafHash = null;
                String entry = null;
                String name;
                while ((name = parser.nextName()) != null) {
                    JsonToken value = parser.nextToken();
                    switch (name) {
                        case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                        case "id" -> id = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                        case "leafHash" -> leafHash = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                        case "entry" -> entry = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                        default -> parser.skipChildren();
                    }
                }
                if (index < 0 || id < 0 || leafHash == null || entry == null) {
                    return new Verdict.Malformed(lineNumber, "needs index, id, leafHash and entry");
                }
                Verdict problem = pass.accept(index, id, Hash.fromBase64(leafHash), entry.getBytes(StandardCharsets.UTF_8));
                if (problem != null) {
                    return problem instanceof Verdict.Malformed m ? new Verdict.Malformed(lineNumber, m.detail()) : problem;
                }
            } catch (JacksonException | IllegalArgumentException e) {
                String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                return new Verdict.Malformed(lineNumber, detail.lines().findFirst().orElse("not JSON"));
            }
        }
    }

    /**
     * Verifies the log straight from its tables over {@code connection} (read-only, one
     * REPEATABLE READ snapshot, streamed with a cursor): the leaves in order with the rows they
     * stand for. A leaf whose row is gone is reported as missing, or the log as truncated.
     */
    public Verdict verify(Connection connection, List<String> checkpointNotes) throws SQLException {
        Pass pass = begin(checkpointNotes);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement setup = connection.createStatement()) {
            setup.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT l.leaf_index, l.entry_id, l.leaf_hash, a.body FROM audit_leaf l
                LEFT JOIN audit_entry a ON a.id = l.entry_id ORDER BY l.leaf_index""")) {
            statement.setFetchSize(2_000);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String body = rs.getString(4);
                    if (body == null) {
                        continue; // the row is gone: the next leaf's index shows the gap
                    }
                    Verdict problem = pass.accept(rs.getLong(1), rs.getLong(2), Hash.of(rs.getBytes(3)),
                            body.getBytes(StandardCharsets.UTF_8));
                    if (problem != null) {
                        return problem;
                    }
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        return pass.finish();
    }

    /** Starts a push-style pass (the server's own check feeds rows from the database). */
    public Pass begin(List<String> checkpointNotes) {
        return new Pass(auditor.begin(checkpointNotes, List.of()));
    }

    /** One pass over a log in leaf order from 0. Not thread-safe. */
    public static final class Pass {

        private final LogAuditor.Audit audit;
        private long expected;

        private Pass(LogAuditor.Audit audit) {
            this.audit = audit;
        }

        /** The next leaf present; returns the problem that ends the pass, or null to go on. */
        public Verdict accept(long index, long entryId, Hash storedLeafHash, byte[] entry) {
            if (index != expected) {
                return index > expected
                        ? new Verdict.MissingEntry(expected, index)
                        : new Verdict.Malformed(0, "leaf " + index + " out of order, expected " + expected
                                + (expected == 0 ? " (an export to verify starts at leaf 0)" : ""));
            }
            if (!audit.accept(entry, storedLeafHash)) {
                return new Verdict.Fails(audit.finish(), entryId);
            }
            expected++;
            return null;
        }

        /** The verdict once every leaf was offered. */
        public Verdict finish() {
            AuditResult result = audit.finish();
            return result instanceof AuditResult.Verified verified ? new Verdict.Holds(verified) : new Verdict.Fails(result, null);
        }
    }
}
