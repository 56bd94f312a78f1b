package org.opsledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link HashStore} must keep, as tests. Extend it for a new store (the server's
 * PostgreSQL store does, through the ledger test-jar) and implement {@link #newStore()} to return
 * an empty store.
 */
public abstract class HashStoreContract {

    /** A new, empty store. Test methods are public so subclasses in other packages run them. */
    protected abstract HashStore newStore();

    private final TreeHasher hasher = new TreeHasher();

    @Test
    public void returnsHashesInTheOrderAsked() {
        HashStore store = newStore();
        MerkleTree.create(store).appendAll(Rfc6962Vectors.LEAVES);
        List<SubtreeId> ids = List.of(new SubtreeId(3, 0), SubtreeId.leaf(7), new SubtreeId(1, 2), SubtreeId.leaf(0));
        assertThat(store.getAll(ids)).containsExactly(
                Rfc6962Vectors.root(8),
                hasher.leafHash(Rfc6962Vectors.LEAVES.get(7)),
                hasher.treeHash(Rfc6962Vectors.LEAVES.subList(4, 6)),
                hasher.leafHash(Rfc6962Vectors.LEAVES.get(0)));
    }

    @Test
    public void servesThePublishedRootsAndProofs() {
        HashStore store = newStore();
        MerkleTree.create(store).appendAll(Rfc6962Vectors.LEAVES);
        ProofBuilder proofs = new ProofBuilder(store);
        for (int size = 1; size <= 8; size++) {
            assertThat(proofs.rootAt(size)).isEqualTo(Rfc6962Vectors.root(size));
        }
        for (InclusionProof published : Rfc6962Vectors.INCLUSION_PROOFS) {
            assertThat(proofs.inclusionProof(published.leafIndex(), published.treeSize())).isEqualTo(published);
        }
        for (ConsistencyProof published : Rfc6962Vectors.CONSISTENCY_PROOFS) {
            assertThat(proofs.consistencyProof(published.size1(), published.size2())).isEqualTo(published);
        }
    }

    @Test
    public void keepsATreeAcrossResumption() {
        HashStore store = newStore();
        MerkleTree.create(store).appendAll(Rfc6962Vectors.LEAVES.subList(0, 3));
        MerkleTree resumed = MerkleTree.resume(store, 3);
        resumed.appendAll(new ArrayList<>(Rfc6962Vectors.LEAVES.subList(3, 8)));
        assertThat(resumed.root()).isEqualTo(Rfc6962Vectors.root(8));
        assertThat(new ProofBuilder(store).rootAt(5)).isEqualTo(Rfc6962Vectors.root(5));
    }

    @Test
    public void reportsASubtreeItDoesNotHold() {
        HashStore store = newStore();
        MerkleTree.create(store).appendAll(Rfc6962Vectors.LEAVES.subList(0, 3));
        assertThatThrownBy(() -> store.getAll(List.of(SubtreeId.leaf(0), SubtreeId.leaf(3))))
                .isInstanceOf(HashStore.MissingSubtreeException.class);
        assertThatThrownBy(() -> store.get(new SubtreeId(2, 0)))
                .isInstanceOf(HashStore.MissingSubtreeException.class);
    }

    @Test
    public void toleratesReplayingAWriteButRefusesRewritingOne() {
        HashStore store = newStore();
        Hash first = hasher.leafHash(new byte[] {1});
        store.put(SubtreeId.leaf(0), first);
        store.put(SubtreeId.leaf(0), first);
        assertThat(store.get(SubtreeId.leaf(0))).isEqualTo(first);
        assertThatThrownBy(() -> store.put(SubtreeId.leaf(0), hasher.leafHash(new byte[] {2})))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.get(SubtreeId.leaf(0))).isEqualTo(first);
    }
}
