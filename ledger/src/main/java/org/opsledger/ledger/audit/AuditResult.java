package org.opsledger.ledger.audit;

import org.opsledger.ledger.Hash;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.NoteRejectedException;

/**
 * The outcome of an offline audit: either every check held ({@link Verified}) or the first
 * problem found, named precisely enough to act on. {@link #describe()} is the line the CLI prints.
 */
public sealed interface AuditResult {

    /** True only for {@link Verified}. */
    default boolean ok() {
        return this instanceof Verified;
    }

    String describe();

    /**
     * Every entry was read, every checkpoint verified and matched the recomputed tree.
     *
     * @param entries        number of entries read
     * @param latest         the largest checkpoint held; its size is how much of the log is proven
     */
    record Verified(long entries, Checkpoint latest) implements AuditResult {
        @Override
        public String describe() {
            long uncovered = entries - latest.size();
            return "ok: " + entries + " entries verified against " + latest.describe()
                    + (uncovered > 0 ? "; the last " + uncovered + " are not yet covered by a checkpoint you hold" : "");
        }
    }

    /**
     * A checkpoint did not open: not signed by the trusted key, signature broken by tampering,
     * malformed, or for another log.
     *
     * @param position index of the checkpoint in the list given to the verifier
     */
    record CheckpointRejected(int position, NoteRejectedException.Reason reason, String detail) implements AuditResult {
        @Override
        public String describe() {
            return "checkpoint #" + position + " rejected (" + reason.name().toLowerCase().replace('_', ' ') + "): " + detail;
        }
    }

    /** Two checkpoints held cannot both be true of one append-only log: the log forked or rewrote history. */
    record CheckpointsInconsistent(Checkpoint earlier, Checkpoint later, String detail) implements AuditResult {
        @Override
        public String describe() {
            return "inconsistent checkpoints: " + earlier.describe() + " and " + later.describe() + ": " + detail;
        }
    }

    /** The log has fewer entries than a checkpoint you hold: entries were deleted from its end. */
    record Truncated(long entries, Checkpoint checkpoint) implements AuditResult {
        @Override
        public String describe() {
            return "truncated: the log is shorter than a checkpoint you hold (" + entries + " entries, "
                    + checkpoint.describe() + ")";
        }
    }

    /** The entry at {@code index} no longer hashes to the leaf hash stored for it: it was changed. */
    record EntryAltered(long index, Hash storedLeafHash, Hash recomputedLeafHash) implements AuditResult {
        @Override
        public String describe() {
            return "entry " + index + " was altered: its leaf hash is " + recomputedLeafHash.base64()
                    + ", the log recorded " + storedLeafHash.base64();
        }
    }

    /**
     * The first {@code checkpoint.size()} entries do not hash to the checkpoint's root: at least one
     * of them was changed, inserted, removed or reordered.
     */
    record RootMismatch(Checkpoint checkpoint, Hash recomputedRoot) implements AuditResult {
        @Override
        public String describe() {
            return "root mismatch: the first " + checkpoint.size() + " entries hash to " + recomputedRoot.base64()
                    + ", but " + checkpoint.describe() + " was signed";
        }
    }
}
