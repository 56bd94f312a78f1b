package org.opsledger.ledger;

import java.util.List;

/**
 * The right edge of a growing tree: for each set bit {@code l} of the size, the hash of the
 * complete subtree of {@code 2^l} leaves that ends the tree there. That is all that is needed to
 * append (amortised one node hash per leaf) and to compute the current root, so a log of any
 * length is hashed in a fixed 2 KiB. The offline verifier streams an export through one; the
 * {@link MerkleTree} keeps one so appending never reads its store.
 *
 * <p>Appending allocates nothing. Not thread-safe.
 */
public final class TreeFrontier {

    private static final int MAX_LEVELS = 63;

    private final TreeHasher hasher = new TreeHasher();
    private final byte[] nodes = new byte[MAX_LEVELS * Hash.SIZE];
    private final byte[] scratch = new byte[Hash.SIZE];
    private long size;

    /** An empty tree. */
    public TreeFrontier() {
    }

    /**
     * The frontier of a tree of {@code size} leaves, from the hashes of the complete subtrees that
     * make up its right edge, left (largest) to right (smallest), as {@link #edge(long)} names them.
     */
    public static TreeFrontier resume(long size, List<Hash> edgeHashes) {
        List<SubtreeId> edge = edge(size);
        if (edgeHashes.size() != edge.size()) {
            throw new IllegalArgumentException("a tree of size " + size + " has " + edge.size()
                    + " edge subtrees, got " + edgeHashes.size());
        }
        TreeFrontier frontier = new TreeFrontier();
        for (int i = 0; i < edge.size(); i++) {
            edgeHashes.get(i).copyTo(frontier.nodes, edge.get(i).level() * Hash.SIZE);
        }
        frontier.size = size;
        return frontier;
    }

    /** The complete subtrees of a tree of {@code size} leaves along its right edge, largest first. */
    public static List<SubtreeId> edge(long size) {
        return size == 0 ? List.of() : TreeMath.decompose(0, size);
    }

    public long size() {
        return size;
    }

    /** Appends one entry; returns its leaf index. */
    public long append(byte[] entry) {
        return append(entry, 0, entry.length);
    }

    /** Appends {@code entry[offset, offset+length)}; returns its leaf index. */
    public long append(byte[] entry, int offset, int length) {
        hasher.leafHash(entry, offset, length, scratch, 0);
        return appendScratch(null);
    }

    /**
     * Appends one entry whose leaf hash the caller wants to see: the leaf hash is written to
     * {@code leafHashOut[leafHashOffset ...]} before it is merged. Returns the leaf index.
     */
    public long append(byte[] entry, byte[] leafHashOut, int leafHashOffset) {
        hasher.leafHash(entry, 0, entry.length, scratch, 0);
        System.arraycopy(scratch, 0, leafHashOut, leafHashOffset, Hash.SIZE);
        return appendScratch(null);
    }

    /** Appends a leaf by its hash; returns its leaf index. */
    public long appendLeafHash(Hash leafHash) {
        leafHash.copyTo(scratch, 0);
        return appendScratch(null);
    }

    /**
     * Appends a leaf by its hash and reports to {@code completed} every subtree this append
     * completes (the leaf itself first, then each merged parent). Used by {@link MerkleTree}.
     */
    long appendLeafHash(Hash leafHash, List<StoredSubtree> completed) {
        leafHash.copyTo(scratch, 0);
        return appendScratch(completed);
    }

    private long appendScratch(List<StoredSubtree> completed) {
        if (size == Long.MAX_VALUE >>> 1) {
            throw new IllegalStateException("tree is full");
        }
        long index = size;
        if (completed != null) {
            completed.add(new StoredSubtree(SubtreeId.leaf(index), Hash.of(scratch, 0)));
        }
        int level = 0;
        // Each trailing one bit of the size is a complete subtree of the same height that the new
        // leaf's subtree now completes into its parent.
        while (((size >>> level) & 1) == 1) {
            hasher.nodeHash(nodes, level * Hash.SIZE, scratch, 0, scratch, 0);
            level++;
            if (completed != null) {
                completed.add(new StoredSubtree(new SubtreeId(level, index >>> level), Hash.of(scratch, 0)));
            }
        }
        System.arraycopy(scratch, 0, nodes, level * Hash.SIZE, Hash.SIZE);
        size++;
        return index;
    }

    /** MTH of the tree as it stands (RFC 9162 2.1.1). */
    public Hash root() {
        if (size == 0) {
            return TreeHasher.EMPTY_ROOT;
        }
        byte[] accumulator = new byte[Hash.SIZE];
        int lowest = Long.numberOfTrailingZeros(size);
        System.arraycopy(nodes, lowest * Hash.SIZE, accumulator, 0, Hash.SIZE);
        // Fold the edge from the smallest subtree (rightmost) to the largest (leftmost).
        for (int level = lowest + 1; level < MAX_LEVELS; level++) {
            if (((size >>> level) & 1) == 1) {
                hasher.nodeHash(nodes, level * Hash.SIZE, accumulator, 0, accumulator, 0);
            }
        }
        return Hash.of(accumulator);
    }
}
