package org.opsledger.audit.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.MerkleTree;
import org.opsledger.ledger.TreeHasher;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.SignerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends committed audit entries to the Merkle tree and signs checkpoints (issue 3; DESIGN "The
 * audit trail"). One node at a time: the leader is whoever holds a PostgreSQL session-level
 * advisory lock ({@link LeaderSession}), and every write of the leader goes through the very
 * connection that holds it, so a node that lost its session (and with it the lock) cannot write
 * another leaf.
 *
 * <p><b>Which entries.</b> Identity ids are handed out at INSERT, but transactions commit out of
 * order: "id greater than the last integrated" would skip a lower id that commits later. Each entry
 * carries the id of the transaction that inserted it ({@code txid}, V4). Every transaction below
 * the xmin of a snapshot has ended, so its entries are visible in that snapshot or never will be.
 * A pass integrates every visible entry at or above the previous pass's xmin that is not yet a
 * leaf, then moves the horizon to this pass's xmin: a straggler is never skipped, and a long
 * transaction elsewhere delays nothing but the horizon. Leaf order is integration order, recorded
 * in {@code audit_leaf}.
 *
 * <p><b>What it is not.</b> Integration is bookkeeping of the trail, not an audited business
 * action: it writes no audit entry (an entry about integrating entries would feed itself forever).
 * Its record is the leaves and checkpoints, which are append-only themselves.
 *
 * <p>Not thread-safe: one thread calls {@link #step()} (the {@link LedgerIntegration} scheduler).
 */
final class LedgerIntegrator implements AutoCloseable {

    /** The advisory lock key of the integrator: "OpsLedgr" in ASCII. */
    static final long LEADER_LOCK = 0x4f70734c65646772L;

    private static final Logger log = LoggerFactory.getLogger(LedgerIntegrator.class);

    private final LeaderSession session;
    private final LogIdentity identity;
    private final String node;
    private final Clock clock;
    private final Duration heartbeat;
    private final int batchSize;
    private final TreeHasher hasher = new TreeHasher();

    private JdbcClient jdbc;
    private TransactionTemplate transactions;
    private MerkleTree tree;
    private long horizon;
    private Instant lastSigned = Instant.EPOCH;
    private long lastSignedSize = -1;

    LedgerIntegrator(DataSource dataSource, LogIdentity identity, String node, Clock clock, Duration heartbeat, int batchSize) {
        this.session = new LeaderSession(dataSource, LEADER_LOCK);
        this.identity = identity;
        this.node = node;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.batchSize = batchSize;
    }

    /** What one step did. */
    sealed interface Step {
        /** Another node (or instance) holds the lock. */
        record Follower() implements Step {
        }

        /** This node cannot sign: its key file holds another key than the log's. */
        record CannotSign() implements Step {
        }

        /** Leader; {@code integrated} new leaves, tree now of {@code size}; {@code signed} if a checkpoint was stored. */
        record Led(int integrated, long size, boolean signed) implements Step {
        }
    }

    /** Takes or keeps the leadership, integrates what has committed, signs when due. */
    Step step() {
        if (identity.signer().isEmpty()) {
            return new Step.CannotSign();
        }
        try {
            if (!holdLeadership()) {
                return new Step.Follower();
            }
            int integrated = 0;
            boolean signed = false;
            while (true) {
                Pass pass = transactions.execute(status -> integrateOnePass());
                integrated += pass.integrated;
                signed |= pass.signed;
                if (!pass.more) {
                    return new Step.Led(integrated, tree.size(), signed);
                }
            }
        } catch (RuntimeException | SQLException e) {
            // The tree in memory may be ahead of what committed: forget it and resume from the
            // database; if the session died, so did the lock, and the next step competes again.
            log.warn("Audit ledger integration failed; retrying: {}", e.toString());
            release();
            return new Step.Follower();
        }
    }

    boolean isLeader() {
        return session.isLeader();
    }

    private boolean holdLeadership() throws SQLException {
        LeaderSession.Lead lead = session.hold();
        if (lead == LeaderSession.Lead.TAKEN) {
            jdbc = session.jdbc();
            // REPEATABLE READ: every statement of a pass sees the snapshot whose xmin it reads
            transactions = session.transactions(TransactionDefinition.ISOLATION_REPEATABLE_READ);
            resume();
            log.info("This node now integrates the audit ledger (tree of {} leaves)", tree.size());
        }
        return lead != LeaderSession.Lead.NONE;
    }

    /** Rebuilds the tree's right edge and the horizon from what the previous leader committed. */
    private void resume() {
        long size = jdbc.sql("SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_leaf").query(Long.class).single();
        tree = MerkleTree.resume(new PostgresHashStore(jdbc), size);
        List<Object[]> latest = jdbc.sql("""
                SELECT tree_size, integrated_below::text, signed_at FROM audit_checkpoint ORDER BY id DESC LIMIT 1""")
                .query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getTimestamp(3)}).list();
        if (latest.isEmpty()) {
            horizon = 0;
            lastSignedSize = -1;
            lastSigned = Instant.EPOCH;
        } else {
            lastSignedSize = (Long) latest.get(0)[0];
            horizon = Long.parseLong((String) latest.get(0)[1]);
            lastSigned = ((Timestamp) latest.get(0)[2]).toInstant();
        }
    }

    private record Pass(int integrated, boolean signed, boolean more) {
    }

    private record Row(long id, long txid, String body) {
    }

    /** One transaction: new leaves, their subtrees and the checkpoint over them commit together. */
    private Pass integrateOnePass() {
        // REPEATABLE READ: every statement below sees the snapshot whose xmin this is.
        long xmin = jdbc.sql("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").query(String.class).optional()
                .map(Long::parseLong).orElseThrow();
        List<Row> rows = jdbc.sql("""
                SELECT a.id, a.txid::text, a.body FROM audit_entry a
                WHERE a.txid >= ?::xid8 AND NOT EXISTS (SELECT 1 FROM audit_leaf l WHERE l.entry_id = a.id)
                ORDER BY a.id LIMIT ?""")
                .param(Long.toString(horizon)).param(batchSize)
                .query((rs, n) -> new Row(rs.getLong(1), Long.parseLong(rs.getString(2)), rs.getString(3)))
                .list();
        boolean more = rows.size() == batchSize;
        // Only a complete pass may move the horizon: all before xmin has ended and is now a leaf.
        long newHorizon = more ? horizon : Math.max(horizon, xmin);
        Instant now = clock.instant();
        if (rows.isEmpty()) {
            boolean heartbeatDue = Duration.between(lastSigned, now).compareTo(heartbeat) >= 0;
            if (!heartbeatDue && lastSignedSize == tree.size()) {
                horizon = newHorizon;
                return new Pass(0, false, false);
            }
        } else {
            append(rows);
        }
        signCheckpoint(newHorizon, now);
        horizon = newHorizon;
        return new Pass(rows.size(), true, more);
    }

    private void append(List<Row> rows) {
        List<Hash> leafHashes = new ArrayList<>(rows.size());
        long[] entryIds = new long[rows.size()];
        String[] txids = new String[rows.size()];
        long[] indexes = new long[rows.size()];
        byte[][] hashes = new byte[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            // The leaf input is the canonical entry's UTF-8 bytes (docs/audit-format.md; RFC 9162 2.1.1).
            Hash leafHash = hasher.leafHash(row.body().getBytes(StandardCharsets.UTF_8));
            leafHashes.add(leafHash);
            entryIds[i] = row.id();
            txids[i] = Long.toString(row.txid());
            hashes[i] = leafHash.bytes();
        }
        long first = tree.appendLeafHashes(leafHashes); // writes the completed subtrees in this transaction
        for (int i = 0; i < rows.size(); i++) {
            indexes[i] = first + i;
        }
        jdbc.sql("""
                INSERT INTO audit_leaf (leaf_index, entry_id, entry_txid, leaf_hash)
                SELECT i, e, t::xid8, h FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::bytea[]) AS u(i, e, t, h)""")
                .param(indexes).param(entryIds).param(txids).param(hashes)
                .update();
    }

    private void signCheckpoint(long integratedBelow, Instant now) {
        SignerKey key = identity.signer().orElseThrow();
        Hash root = tree.root();
        String note = new Checkpoint(identity.origin(), tree.size(), root).sign(key);
        jdbc.sql("""
                INSERT INTO audit_checkpoint (tree_size, root_hash, note, integrated_below, signed_by, signed_at)
                VALUES (?, ?, ?, ?::xid8, ?, ?)""")
                .param(tree.size()).param(root.bytes()).param(note).param(Long.toString(integratedBelow))
                .param(node).param(Timestamp.from(now))
                .update();
        lastSigned = now;
        lastSignedSize = tree.size();
    }

    /** Gives up the leadership (if held) and the connection. */
    private void release() {
        tree = null;
        jdbc = null;
        transactions = null;
        session.release();
    }

    @Override
    public void close() {
        release();
    }
}
