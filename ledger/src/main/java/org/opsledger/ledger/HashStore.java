package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where the hashes of complete subtrees live. The tree writes every complete subtree once, when
 * its last leaf arrives, and never rewrites it; proofs and roots for any past size are then a
 * handful of reads ({@code O(log n)}). The server backs this with a PostgreSQL table keyed by
 * (level, index); {@link InMemoryHashStore} serves tests, benchmarks and small tools.
 *
 * <p>Proof generation asks for all the hashes it needs in one {@link #getAll} call, so a
 * database implementation can answer with a single query. An implementation proves it keeps
 * this contract by passing {@code HashStoreContract} (ledger test-jar).
 */
public interface HashStore {

    /**
     * The hashes of {@code ids}, in the same order.
     *
     * @throws MissingSubtreeException if any of them was never stored
     */
    List<Hash> getAll(List<SubtreeId> ids);

    /**
     * Stores newly completed subtrees. Writing a subtree that is already stored with the same hash
     * does nothing (a replay after a crash); with a different hash it throws
     * {@link IllegalStateException}, because history does not change.
     */
    void putAll(Collection<StoredSubtree> subtrees);

    default Hash get(SubtreeId id) {
        return getAll(List.of(id)).get(0);
    }

    default void put(SubtreeId id, Hash hash) {
        List<StoredSubtree> one = new ArrayList<>(1);
        one.add(new StoredSubtree(id, hash));
        putAll(one);
    }

    /** A store was asked for a subtree it does not hold: the store and the tree size disagree. */
    final class MissingSubtreeException extends IllegalStateException {
        public MissingSubtreeException(SubtreeId id) {
            super("hash store has no subtree at level " + id.level() + ", index " + id.index());
        }
    }
}
