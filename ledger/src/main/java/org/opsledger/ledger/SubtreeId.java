package org.opsledger.ledger;

/**
 * Address of a complete (perfect) subtree: the {@code index}-th subtree of {@code 2^level}
 * leaves, covering leaves {@code [index * 2^level, (index + 1) * 2^level)}. Level 0 holds the leaf
 * hashes. This is the key under which a {@link HashStore} keeps node hashes; once written it
 * never changes, which is what lets a database store it in an append-only table.
 */
public record SubtreeId(int level, long index) {

    public SubtreeId {
        if (level < 0 || level > 62 || index < 0 || index > (Long.MAX_VALUE >>> level)) {
            throw new IllegalArgumentException("no subtree at level " + level + ", index " + index);
        }
    }

    public static SubtreeId leaf(long index) {
        return new SubtreeId(0, index);
    }

    /** First leaf covered. */
    public long start() {
        return index << level;
    }

    /** One past the last leaf covered. */
    public long end() {
        return (index + 1) << level;
    }
}
