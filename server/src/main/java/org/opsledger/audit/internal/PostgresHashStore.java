package org.opsledger.audit.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.HashStore;
import org.opsledger.ledger.StoredSubtree;
import org.opsledger.ledger.SubtreeId;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The Merkle tree's complete subtrees in PostgreSQL (table {@code audit_subtree}, V4): one row per
 * (level, position), written once, insert-only. Reads and writes are one statement each, whatever
 * the number of subtrees: a proof costs one round trip (docs/audit-ledger.md 1, 2).
 *
 * <p>Runs on whatever connection {@code jdbc} gives it: the integrator's own leader connection for
 * writes, the pool for proofs served by any node.
 */
final class PostgresHashStore implements HashStore {

    static final String TABLE = "audit_subtree";

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

    private final JdbcClient jdbc;
    private final String table;

    PostgresHashStore(JdbcClient jdbc) {
        this(jdbc, TABLE);
    }

    /** A store in another table of the same shape (tests use fresh tables for empty stores). */
    PostgresHashStore(JdbcClient jdbc, String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        this.jdbc = jdbc;
        this.table = table;
    }

    @Override
    public List<Hash> getAll(List<SubtreeId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        short[] levels = new short[ids.size()];
        long[] positions = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            levels[i] = (short) ids.get(i).level();
            positions[i] = ids.get(i).index();
        }
        Map<SubtreeId, Hash> found = new HashMap<>();
        jdbc.sql("SELECT s.level, s.position, s.hash FROM " + table + " s"
                        + " JOIN unnest(?::smallint[], ?::bigint[]) AS q(level, position)"
                        + " ON s.level = q.level AND s.position = q.position")
                .param(levels).param(positions)
                .query(rs -> {
                    found.put(new SubtreeId(rs.getShort(1), rs.getLong(2)), Hash.of(rs.getBytes(3)));
                });
        List<Hash> hashes = new ArrayList<>(ids.size());
        for (SubtreeId id : ids) {
            Hash hash = found.get(id);
            if (hash == null) {
                throw new MissingSubtreeException(id);
            }
            hashes.add(hash);
        }
        return hashes;
    }

    @Override
    public void putAll(Collection<StoredSubtree> subtrees) {
        if (subtrees.isEmpty()) {
            return;
        }
        short[] levels = new short[subtrees.size()];
        long[] positions = new long[subtrees.size()];
        byte[][] hashes = new byte[subtrees.size()][];
        int i = 0;
        for (StoredSubtree subtree : subtrees) {
            levels[i] = (short) subtree.id().level();
            positions[i] = subtree.id().index();
            hashes[i] = subtree.hash().bytes();
            i++;
        }
        // A replay of the same write inserts nothing; a different hash under a stored key is
        // reported by the second statement (history does not change: HashStore.putAll).
        int inserted = jdbc.sql("INSERT INTO " + table + " (level, position, hash)"
                        + " SELECT * FROM unnest(?::smallint[], ?::bigint[], ?::bytea[])"
                        + " ON CONFLICT (level, position) DO NOTHING")
                .param(levels).param(positions).param(hashes)
                .update();
        if (inserted == subtrees.size()) {
            return;
        }
        List<String> rewritten = jdbc.sql("SELECT q.level || '/' || q.position FROM " + table + " s"
                        + " JOIN unnest(?::smallint[], ?::bigint[], ?::bytea[]) AS q(level, position, hash)"
                        + " ON s.level = q.level AND s.position = q.position WHERE s.hash <> q.hash")
                .param(levels).param(positions).param(hashes)
                .query(String.class).list();
        if (!rewritten.isEmpty()) {
            throw new IllegalStateException("subtrees (level/position) " + rewritten
                    + " are already stored with a different hash");
        }
    }

    /** Number of subtrees stored at {@code level}. */
    long count(int level) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE level = ?").param(level).query(Long.class).single();
    }
}
