package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The append-only log tree: appends entries, writes every subtree they complete to the
 * {@link HashStore} exactly once, and keeps the {@link TreeFrontier} in memory so an append never
 * reads the store ({@code O(1)} amortised hashing, {@code O(log n)} worst case). Roots and proofs
 * for any size up to {@link #size()} come from the store through a {@link ProofBuilder}.
 *
 * <p>One writer at a time: the integrator. Not thread-safe. After a restart, {@link #resume}
 * rebuilds the frontier from {@code popcount(size)} stored subtrees.
 */
public final class MerkleTree {

    private final HashStore store;
    private final TreeFrontier frontier;
    private final TreeHasher hasher = new TreeHasher();

    private MerkleTree(HashStore store, TreeFrontier frontier) {
        this.store = store;
        this.frontier = frontier;
    }

    /** A new, empty tree writing to {@code store}. */
    public static MerkleTree create(HashStore store) {
        return new MerkleTree(store, new TreeFrontier());
    }

    /** Continues a tree of {@code size} leaves whose subtrees are already in {@code store}. */
    public static MerkleTree resume(HashStore store, long size) {
        List<Hash> edge = size == 0 ? List.of() : store.getAll(TreeFrontier.edge(size));
        return new MerkleTree(store, TreeFrontier.resume(size, edge));
    }

    public long size() {
        return frontier.size();
    }

    /** Current root, from memory. */
    public Hash root() {
        return frontier.root();
    }

    /** Appends one entry (hashed as an RFC 9162 leaf); returns its index. */
    public long append(byte[] entry) {
        return appendLeafHashes(List.of(hasher.leafHash(entry)));
    }

    /** Appends entries in order with one store write; returns the index of the first. */
    public long appendAll(List<byte[]> entries) {
        List<Hash> leafHashes = new ArrayList<>(entries.size());
        entries.forEach(entry -> leafHashes.add(hasher.leafHash(entry)));
        return appendLeafHashes(leafHashes);
    }

    /**
     * Appends leaves by their leaf hashes with one {@link HashStore#putAll} call; returns the index
     * of the first. If the store write throws, this instance is ahead of the store: discard it and
     * {@link #resume} from the size the store holds.
     */
    public long appendLeafHashes(List<Hash> leafHashes) {
        long first = frontier.size();
        List<StoredSubtree> completed = new ArrayList<>(leafHashes.size() * 2);
        for (Hash leafHash : leafHashes) {
            frontier.appendLeafHash(leafHash, completed);
        }
        store.putAll(completed);
        return first;
    }

    /** Root at an earlier (or the current) size. */
    public Hash rootAt(long size) {
        requireReached(size);
        return size == frontier.size() ? frontier.root() : new ProofBuilder(store).rootAt(size);
    }

    public InclusionProof inclusionProof(long index, long size) {
        requireReached(size);
        return new ProofBuilder(store).inclusionProof(index, size);
    }

    public ConsistencyProof consistencyProof(long size1, long size2) {
        requireReached(size2);
        return new ProofBuilder(store).consistencyProof(size1, size2);
    }

    private void requireReached(long size) {
        if (size > frontier.size()) {
            throw new IllegalArgumentException("tree has " + frontier.size() + " leaves, asked about size " + size);
        }
    }
}
