package org.opsledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How the tree uses its store, which is what makes a database-backed store practical: appends
 * never read, each root or proof is one batched read of O(log n) subtrees, and every subtree is
 * written exactly once, in order.
 */
class HashStoreAccessTest {

    /** Counts calls and hashes read; delegates to the in-memory store. */
    static final class CountingStore implements HashStore {
        final InMemoryHashStore delegate = new InMemoryHashStore();
        int getAllCalls;
        int hashesRead;
        int hashesWritten;

        @Override
        public List<Hash> getAll(List<SubtreeId> ids) {
            getAllCalls++;
            hashesRead += ids.size();
            return delegate.getAll(ids);
        }

        @Override
        public void putAll(Collection<StoredSubtree> subtrees) {
            hashesWritten += subtrees.size();
            delegate.putAll(subtrees);
        }

        void reset() {
            getAllCalls = 0;
            hashesRead = 0;
        }
    }

    @Test
    void appendingNeverReadsAndWritesEachSubtreeOnce() {
        CountingStore store = new CountingStore();
        MerkleTree tree = MerkleTree.create(store);
        int size = 5000;
        for (int i = 0; i < size; i += 7) {
            tree.appendAll(ProofPropertyTest.randomEntries(new Random(i), Math.min(7, size - i)));
        }
        assertThat(store.getAllCalls).isZero();
        assertThat(store.hashesWritten).isEqualTo(2 * size - Long.bitCount(size)); // every complete subtree
        for (int level = 0; level < 13; level++) {
            assertThat(store.delegate.count(level)).isEqualTo(size >> level);
        }
    }

    @Test
    void everyRootAndProofIsOneBatchedReadOfLogarithmicSize() {
        CountingStore store = new CountingStore();
        MerkleTree tree = MerkleTree.create(store);
        tree.appendAll(ProofPropertyTest.randomEntries(new Random(1), 4097));
        ProofBuilder proofs = new ProofBuilder(store);
        Random random = new Random(2);
        for (int probe = 0; probe < 500; probe++) {
            long size = 2 + random.nextInt(4096);
            int height = 64 - Long.numberOfLeadingZeros(size - 1); // ceil(log2 size)

            store.reset();
            proofs.rootAt(size);
            assertThat(store.getAllCalls).isEqualTo(1);
            assertThat(store.hashesRead).isEqualTo(Long.bitCount(size));

            store.reset();
            proofs.inclusionProof(random.nextInt((int) size), size);
            assertThat(store.getAllCalls).isEqualTo(1);
            assertThat(store.hashesRead).isLessThanOrEqualTo(2 * height);

            store.reset();
            proofs.consistencyProof(1 + random.nextInt((int) size - 1), size);
            assertThat(store.getAllCalls).isEqualTo(1);
            assertThat(store.hashesRead).isLessThanOrEqualTo(2 * height + 1);
        }
    }

    @Test
    void resumingReadsOnlyTheRightEdge() {
        CountingStore store = new CountingStore();
        MerkleTree.create(store).appendAll(ProofPropertyTest.randomEntries(new Random(3), 1234));
        store.reset();
        MerkleTree resumed = MerkleTree.resume(store, 1234);
        assertThat(store.getAllCalls).isEqualTo(1);
        assertThat(store.hashesRead).isEqualTo(Long.bitCount(1234));
        assertThat(resumed.root()).isEqualTo(new ProofBuilder(store).rootAt(1234));
    }

    @Test
    void askingBeyondTheTreeIsRefused() {
        MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
        tree.appendAll(ProofPropertyTest.randomEntries(new Random(4), 10));
        assertThatThrownBy(() -> tree.inclusionProof(3, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.inclusionProof(10, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.consistencyProof(5, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.consistencyProof(6, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.rootAt(11)).isInstanceOf(IllegalArgumentException.class);
    }
}
