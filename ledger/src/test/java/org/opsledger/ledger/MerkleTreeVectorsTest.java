package org.opsledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.ledger.Rfc6962Vectors.LEAVES;
import static org.opsledger.ledger.Rfc6962Vectors.root;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The published RFC 6962 / RFC 9162 vectors, through every way this module computes a tree. */
class MerkleTreeVectorsTest {

    static final List<InclusionProof> INCLUSION = Rfc6962Vectors.INCLUSION_PROOFS;
    static final List<ConsistencyProof> CONSISTENCY = Rfc6962Vectors.CONSISTENCY_PROOFS;

    @Test
    void emptyTreeHashIsSha256OfTheEmptyString() {
        assertThat(new TreeHasher().treeHash(List.of()).hex())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(new TreeFrontier().root()).isEqualTo(TreeHasher.EMPTY_ROOT);
        assertThat(new ProofBuilder(new InMemoryHashStore()).rootAt(0)).isEqualTo(TreeHasher.EMPTY_ROOT);
    }

    @Test
    void recursiveDefinitionGivesThePublishedRootForEverySize() {
        TreeHasher hasher = new TreeHasher();
        for (int size = 1; size <= 8; size++) {
            assertThat(hasher.treeHash(LEAVES.subList(0, size))).as("size %d", size).isEqualTo(root(size));
        }
    }

    @Test
    void frontierGivesThePublishedRootAfterEachAppend() {
        TreeFrontier frontier = new TreeFrontier();
        for (int size = 1; size <= 8; size++) {
            frontier.append(LEAVES.get(size - 1));
            assertThat(frontier.root()).as("size %d", size).isEqualTo(root(size));
        }
    }

    @Test
    void storedTreeGivesThePublishedRootAtEveryPastSize() {
        MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
        LEAVES.forEach(tree::append);
        for (int size = 1; size <= 8; size++) {
            assertThat(tree.rootAt(size)).as("size %d", size).isEqualTo(root(size));
        }
    }

    @Test
    void resumedTreeContinuesWithTheSameRoots() {
        InMemoryHashStore store = new InMemoryHashStore();
        MerkleTree first = MerkleTree.create(store);
        first.appendAll(LEAVES.subList(0, 5));
        MerkleTree resumed = MerkleTree.resume(store, 5);
        assertThat(resumed.root()).isEqualTo(root(5));
        List<byte[]> rest = new ArrayList<>(LEAVES.subList(5, 8));
        resumed.appendAll(rest);
        assertThat(resumed.root()).isEqualTo(root(8));
    }

    @ParameterizedTest
    @FieldSource("INCLUSION")
    void generatesThePublishedInclusionProof(InclusionProof published) {
        MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
        LEAVES.forEach(tree::append);
        assertThat(tree.inclusionProof(published.leafIndex(), published.treeSize())).isEqualTo(published);
    }

    @ParameterizedTest
    @FieldSource("INCLUSION")
    void verifiesThePublishedInclusionProofAndNoCorruptionOfIt(InclusionProof published) {
        Hash leaf = new TreeHasher().leafHash(LEAVES.get((int) published.leafIndex()));
        Hash root = root(published.treeSize());
        assertThat(published.verify(leaf, root)).isTrue();
        assertThat(ProofCorruptions.of(published, leaf, root))
                .allSatisfy(probe -> assertThat(probe.verifies()).as(probe.description()).isFalse());
    }

    @ParameterizedTest
    @FieldSource("CONSISTENCY")
    void generatesThePublishedConsistencyProof(ConsistencyProof published) {
        MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
        LEAVES.forEach(tree::append);
        assertThat(tree.consistencyProof(published.size1(), published.size2())).isEqualTo(published);
    }

    @ParameterizedTest
    @FieldSource("CONSISTENCY")
    void verifiesThePublishedConsistencyProofAndNoCorruptionOfIt(ConsistencyProof published) {
        Hash root1 = root(published.size1());
        Hash root2 = root(published.size2());
        assertThat(published.verify(root1, root2)).isTrue();
        assertThat(ProofCorruptions.of(published, root1, root2))
                .allSatisfy(probe -> assertThat(probe.verifies()).as(probe.description()).isFalse());
    }

    @Test
    void edgeCasesTheRfcLeavesToTheCaller() {
        Hash some = Hash.fromHex("abacaba000000000000000000000000000000000000000000060061e00123456");
        // Equal sizes: consistent only with an empty proof and equal roots.
        assertThat(new ConsistencyProof(3, 3, List.of()).verify(root(3), root(3))).isTrue();
        assertThat(new ConsistencyProof(3, 3, List.of()).verify(root(3), some)).isFalse();
        assertThat(new ConsistencyProof(3, 3, List.of(some)).verify(root(3), root(3))).isFalse();
        // From the empty tree: empty proof, and the first root must be the empty hash.
        assertThat(new ConsistencyProof(0, 5, List.of()).verify(TreeHasher.EMPTY_ROOT, root(5))).isTrue();
        assertThat(new ConsistencyProof(0, 5, List.of()).verify(some, root(5))).isFalse();
        assertThat(new ConsistencyProof(0, 5, List.of(some)).verify(TreeHasher.EMPTY_ROOT, root(5))).isFalse();
        // Back in time.
        assertThat(new ConsistencyProof(5, 3, List.of()).verify(root(5), root(3))).isFalse();
        // Inclusion in an empty tree or beyond the size.
        Hash leaf = new TreeHasher().leafHash(LEAVES.get(0));
        assertThat(new InclusionProof(0, 0, List.of()).verify(leaf, TreeHasher.EMPTY_ROOT)).isFalse();
        assertThat(new InclusionProof(1, 1, List.of()).verify(leaf, leaf)).isFalse();
        // A single-leaf tree's root is its leaf hash; the proof is empty.
        assertThat(new InclusionProof(0, 1, List.of()).verify(leaf, leaf)).isTrue();
    }

    @Test
    void proofPathsRoundTripThroughBytes() {
        InclusionProof proof = Rfc6962Vectors.INCLUSION_PROOFS.get(1);
        assertThat(InclusionProof.fromPathBytes(proof.leafIndex(), proof.treeSize(), proof.pathBytes()))
                .isEqualTo(proof);
        assertThat(proof.pathBytes()).hasSize(3 * Hash.SIZE);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> InclusionProof.fromPathBytes(0, 8, new byte[Hash.SIZE + 1]));
    }
}
