package org.opsledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random trees (seeded, so a failure reproduces): every proof the store-backed tree produces
 * verifies against roots from an independent computation, and no corruption of one does.
 */
class ProofPropertyTest {

    private static final int TREES = 300;
    private static final long SEED = 9162;

    @Test
    void everyProofOfARandomTreeVerifiesAndNoCorruptedOneDoes() {
        Random random = new Random(SEED);
        TreeHasher hasher = new TreeHasher();
        int inclusionChecked = 0;
        int consistencyChecked = 0;
        int corruptionsRejected = 0;
        for (int t = 0; t < TREES; t++) {
            int size = random.nextBoolean() ? 1 + random.nextInt(64) : 1 + random.nextInt(3000);
            List<byte[]> entries = randomEntries(random, size);
            MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
            // Append in random batches, as the integrator does.
            for (int next = 0; next < size; ) {
                int batch = Math.min(size - next, 1 + random.nextInt(50));
                tree.appendAll(entries.subList(next, next + batch));
                next += batch;
            }
            // Independent roots: the streaming frontier, checked against the recursive definition.
            Hash[] rootAt = prefixRoots(entries);
            assertThat(rootAt[size]).isEqualTo(hasher.treeHash(entries)).isEqualTo(tree.root());

            for (int probe = 0; probe < Math.min(size, 48); probe++) {
                long treeSize = 1 + random.nextInt(size);
                long index = random.nextInt((int) treeSize);
                assertThat(tree.rootAt(treeSize)).isEqualTo(rootAt[(int) treeSize]);
                InclusionProof proof = tree.inclusionProof(index, treeSize);
                Hash leaf = hasher.leafHash(entries.get((int) index));
                assertThat(proof.verify(leaf, rootAt[(int) treeSize])).as("inclusion %s", proof).isTrue();
                inclusionChecked++;
                if (probe < 2) {
                    corruptionsRejected += assertAllRejected(ProofCorruptions.of(proof, leaf, rootAt[(int) treeSize]));
                }
            }
            for (int probe = 0; probe < 48; probe++) {
                long size2 = 1 + random.nextInt(size);
                long size1 = random.nextInt((int) size2 + 1);
                ConsistencyProof proof = tree.consistencyProof(size1, size2);
                Hash root1 = size1 == 0 ? TreeHasher.EMPTY_ROOT : rootAt[(int) size1];
                assertThat(proof.verify(root1, rootAt[(int) size2])).as("consistency %s", proof).isTrue();
                consistencyChecked++;
                if (probe < 2 && size1 > 0) {
                    corruptionsRejected += assertAllRejected(ProofCorruptions.of(proof, root1, rootAt[(int) size2]));
                }
            }
        }
        assertThat(inclusionChecked).isGreaterThan(5_000);
        assertThat(consistencyChecked).isGreaterThan(10_000);
        assertThat(corruptionsRejected).isGreaterThan(20_000);
    }

    @Test
    void everyInclusionAndConsistencyProofOfSmallTreesVerifies() {
        Random random = new Random(SEED + 1);
        TreeHasher hasher = new TreeHasher();
        for (int size = 1; size <= 40; size++) {
            List<byte[]> entries = randomEntries(random, size);
            MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
            tree.appendAll(entries);
            Hash[] rootAt = prefixRoots(entries);
            for (int n = 1; n <= size; n++) {
                for (int i = 0; i < n; i++) {
                    assertThat(tree.inclusionProof(i, n).verify(hasher.leafHash(entries.get(i)), rootAt[n]))
                            .as("inclusion of %d in %d", i, n).isTrue();
                }
                for (int m = 1; m <= n; m++) {
                    assertThat(tree.consistencyProof(m, n).verify(rootAt[m], rootAt[n]))
                            .as("consistency %d -> %d", m, n).isTrue();
                    if (m < n) {
                        assertThat(tree.consistencyProof(m, n).verify(rootAt[m], rootAt[n - 1]))
                                .as("consistency %d -> %d against the root of %d", m, n, n - 1).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void proofsHaveTheLogarithmicLengthTheRfcPromises() {
        MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
        tree.appendAll(randomEntries(new Random(SEED + 2), 3000));
        for (long n : new long[] {1, 2, 3, 1024, 1025, 3000}) {
            int height = 64 - Long.numberOfLeadingZeros(n - 1); // ceil(log2 n)
            for (long i = 0; i < n; i += Math.max(1, n / 7)) {
                assertThat(tree.inclusionProof(i, n).path()).hasSizeLessThanOrEqualTo(height);
            }
            for (long m = 1; m < n; m += Math.max(1, n / 7)) {
                assertThat(tree.consistencyProof(m, n).path()).hasSizeLessThanOrEqualTo(2 * height);
            }
        }
    }

    private static int assertAllRejected(List<ProofCorruptions.Probe> probes) {
        assertThat(probes).allSatisfy(p -> assertThat(p.verifies()).as(p.description()).isFalse());
        return probes.size();
    }

    private static Hash[] prefixRoots(List<byte[]> entries) {
        Hash[] roots = new Hash[entries.size() + 1];
        TreeFrontier frontier = new TreeFrontier();
        roots[0] = frontier.root();
        for (byte[] entry : entries) {
            frontier.append(entry);
            roots[(int) frontier.size()] = frontier.root();
        }
        return roots;
    }

    static List<byte[]> randomEntries(Random random, int count) {
        List<byte[]> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] entry = new byte[random.nextInt(40)];
            random.nextBytes(entry);
            entries.add(entry);
        }
        return entries;
    }
}
