package org.opsledger.audit.internal.siem;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The persisted position of one destination (V5 {@code siem_cursor}) and the ledger rows beyond it,
 * read and written through the forwarder's leader connection.
 */
final class SiemCursor {

    /** The next leaf to send and the first checkpoint not yet sent. */
    record Position(long leaf, long checkpoint) {
    }

    /** What a leader resumes from. */
    record Saved(Position position, Instant failingSince) {
    }

    private final JdbcClient jdbc;
    private final String destination;

    SiemCursor(JdbcClient jdbc, String destination) {
        this.jdbc = jdbc;
        this.destination = destination;
    }

    Saved load() {
        jdbc.sql("INSERT INTO siem_cursor (destination) VALUES (?) ON CONFLICT DO NOTHING").param(destination).update();
        return jdbc.sql("SELECT next_leaf, next_checkpoint, failing_since FROM siem_cursor WHERE destination = ?")
                .param(destination)
                .query((rs, n) -> new Saved(new Position(rs.getLong(1), rs.getLong(2)),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
                .single();
    }

    void advance(Position to, Instant at) {
        jdbc.sql("UPDATE siem_cursor SET next_leaf = ?, next_checkpoint = ?, forwarded_at = ?, updated_at = now() WHERE destination = ?")
                .param(to.leaf()).param(to.checkpoint()).param(Timestamp.from(at)).param(destination).update();
    }

    /** Back to where a resend starts; forwarded_at stays: it says when messages last went out. */
    void rewind(Position to) {
        jdbc.sql("UPDATE siem_cursor SET next_leaf = ?, next_checkpoint = ?, updated_at = now() WHERE destination = ?")
                .param(to.leaf()).param(to.checkpoint()).param(destination).update();
    }

    void failing(Instant since, String reason) {
        jdbc.sql("UPDATE siem_cursor SET failing_since = coalesce(failing_since, ?), last_failure = ?, updated_at = now() WHERE destination = ?")
                .param(Timestamp.from(since)).param(reason).param(destination).update();
    }

    void recovered() {
        jdbc.sql("UPDATE siem_cursor SET failing_since = NULL, updated_at = now() WHERE destination = ?").param(destination).update();
    }

    boolean hasWork(Position from) {
        return Boolean.TRUE.equals(jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM audit_leaf WHERE leaf_index >= ?)
                    OR EXISTS (SELECT 1 FROM audit_checkpoint WHERE id >= ?)""")
                .param(from.leaf()).param(from.checkpoint()).query(Boolean.class).single());
    }

    /**
     * Where a resend after a broken connection starts: {@code back} leaves before {@code position},
     * but not before {@code floor} (what the broken connection started from, known delivered before
     * it), with every checkpoint from there on.
     */
    Position resendFrom(Position position, Position floor, int back) {
        long leaf = Math.max(floor.leaf(), position.leaf() - back);
        long checkpoint = jdbc.sql("SELECT coalesce(min(id), ?) FROM audit_checkpoint WHERE id >= ? AND id < ? AND tree_size >= ?")
                .param(position.checkpoint()).param(floor.checkpoint()).param(position.checkpoint()).param(leaf)
                .query(Long.class).single();
        return new Position(leaf, checkpoint);
    }

    /** Messages to send in order, and the position after them. */
    record Batch(List<SiemMessage> messages, Position end) {
    }

    /**
     * The leaves {@code [from.leaf, from.leaf + limit)} in leaf order, each checkpoint placed right
     * after the last entry it covers. A leaf whose entry row is gone is skipped, leaving a gap in
     * the sequence numbers: the receiver sees what the ledger's self-check reports.
     */
    Batch batch(Position from, int limit) {
        List<SiemMessage.Entry> entries = new ArrayList<>();
        long[] covered = {from.leaf()};
        jdbc.sql("""
                SELECT l.leaf_index, l.entry_id, l.leaf_hash, e.body FROM audit_leaf l LEFT JOIN audit_entry e ON e.id = l.entry_id
                WHERE l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index""")
                .param(from.leaf()).param(from.leaf() + limit)
                .query(rs -> {
                    covered[0] = rs.getLong(1) + 1;
                    if (rs.getString(4) != null) {
                        entries.add(new SiemMessage.Entry(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getString(4)));
                    }
                });
        List<SiemMessage.Checkpoint> checkpoints = jdbc.sql("""
                SELECT id, tree_size, root_hash, note, signed_by, signed_at FROM audit_checkpoint
                WHERE id >= ? AND tree_size <= ? ORDER BY id LIMIT ?""")
                .param(from.checkpoint()).param(covered[0]).param(limit)
                .query((rs, n) -> new SiemMessage.Checkpoint(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getString(4),
                        rs.getString(5), rs.getTimestamp(6).toInstant()))
                .list();
        List<SiemMessage> messages = new ArrayList<>(entries.size() + checkpoints.size());
        int e = 0;
        for (SiemMessage.Checkpoint checkpoint : checkpoints) {
            while (e < entries.size() && entries.get(e).leafIndex() < checkpoint.treeSize()) {
                messages.add(entries.get(e++));
            }
            messages.add(checkpoint);
        }
        messages.addAll(entries.subList(e, entries.size()));
        long nextCheckpoint = checkpoints.isEmpty() ? from.checkpoint() : checkpoints.getLast().id() + 1;
        return new Batch(messages, new Position(covered[0], nextCheckpoint));
    }
}
