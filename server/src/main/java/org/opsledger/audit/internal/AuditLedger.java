package org.opsledger.audit.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.opsledger.ledger.ConsistencyProof;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.InclusionProof;
import org.opsledger.ledger.ProofBuilder;
import org.opsledger.ledger.note.VerifierKey;
import org.opsledger.audit.AuditExportVerifier;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The read side of the ledger, served by any node from the database: the latest signed checkpoint,
 * proofs at any published size (one query each, docs/audit-ledger.md 2), and the export an auditor
 * verifies offline (docs/audit-format.md).
 */
@Service
class AuditLedger {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    AuditLedger(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    /** The newest signed checkpoint. */
    record Latest(long size, String note) {
    }

    Optional<Latest> latest() {
        return jdbc.sql("SELECT tree_size, note FROM audit_checkpoint ORDER BY id DESC LIMIT 1")
                .query((rs, n) -> new Latest(rs.getLong(1), rs.getString(2))).optional();
    }

    /** The size of the newest checkpoint: proofs and exports go no further. */
    long publishedSize() {
        return latest().map(Latest::size).orElse(0L);
    }

    /** RFC 9162 2.1.3.1, with the leaf hash the log stored for the leaf. */
    Map<String, Object> inclusionProof(long index, long size) {
        long published = publishedSize();
        if (size < 1 || size > published) {
            throw ProblemException.invalid("size", "size must be between 1 and the latest checkpoint's size " + published);
        }
        if (index < 0 || index >= size) {
            throw ProblemException.invalid("index", "index must be between 0 and size - 1 (" + (size - 1) + ")");
        }
        InclusionProof proof = new ProofBuilder(new PostgresHashStore(jdbc)).inclusionProof(index, size);
        Map<String, Object> leaf = jdbc.sql("SELECT entry_id, leaf_hash FROM audit_leaf WHERE leaf_index = ?").param(index)
                .query().singleRow();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("index", index);
        body.put("size", size);
        body.put("entryId", leaf.get("entry_id"));
        body.put("leafHash", Base64.getEncoder().encodeToString((byte[]) leaf.get("leaf_hash")));
        body.put("path", base64(proof.path()));
        return body;
    }

    /** RFC 9162 2.1.4.1. */
    Map<String, Object> consistencyProof(long from, long to) {
        long published = publishedSize();
        if (to < 0 || to > published) {
            throw ProblemException.invalid("to", "to must be between 0 and the latest checkpoint's size " + published);
        }
        if (from < 0 || from > to) {
            throw ProblemException.invalid("from", "from must be between 0 and to (" + to + ")");
        }
        ConsistencyProof proof = new ProofBuilder(new PostgresHashStore(jdbc)).consistencyProof(from, to);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        body.put("to", to);
        body.put("path", base64(proof.path()));
        return body;
    }

    /** Checks an export range before the response starts; returns the end to use. */
    long exportEnd(long from, Long to) {
        long published = publishedSize();
        long end = to == null ? published : to;
        if (end < 0 || end > published) {
            throw ProblemException.invalid("to", "to must be between 0 and the latest checkpoint's size " + published);
        }
        if (from < 0 || from > end) {
            throw ProblemException.invalid("from", "from must be between 0 and to (" + end + ")");
        }
        return end;
    }

    /**
     * Writes leaves {@code [from, to)} as JSON lines (docs/audit-format.md 3), streamed from a
     * cursor in one read-only snapshot. A leaf whose entry row is gone is left out: the gap in the
     * indexes, or the shortness of the export, is what the verifier reports.
     */
    void export(long from, long to, OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT l.leaf_index, l.entry_id, l.leaf_hash, a.body FROM audit_leaf l
                    JOIN audit_entry a ON a.id = l.entry_id
                    WHERE l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index""")) {
                statement.setFetchSize(2_000);
                statement.setLong(1, from);
                statement.setLong(2, to);
                try (ResultSet rs = statement.executeQuery()) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    while (rs.next()) {
                        line.put("index", rs.getLong(1));
                        line.put("id", rs.getLong(2));
                        line.put("leafHash", Hash.of(rs.getBytes(3)).base64());
                        line.put("entry", rs.getString(4));
                        writer.write(JSON.writeValueAsString(line));
                        writer.write('\n');
                    }
                }
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("export failed: " + e.getMessage(), e));
        }
        writer.flush();
    }

    /**
     * The server's own check of its table against checkpoints it stored: the same pass as
     * {@code opsledger audit verify}, fed from the database. A leaf whose row is gone is skipped,
     * so the pass reports it as missing (or the log as truncated).
     */
    AuditExportVerifier.Verdict verifyStored(VerifierKey key, List<String> checkpointNotes) {
        try (Connection connection = dataSource.getConnection()) {
            return new AuditExportVerifier(key).verify(connection, checkpointNotes);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the audit ledger: " + e.getMessage(), e);
        }
    }

    private static List<String> base64(List<Hash> path) {
        return path.stream().map(Hash::base64).toList();
    }
}
