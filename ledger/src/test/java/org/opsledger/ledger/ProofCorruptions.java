package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Ways to damage a valid proof, modelled on corruptInclusionProof / corruptConsistencyProof in
 * transparency-dev/merkle proof/verify_test.go, plus every single-bit flip of the leaf, the roots
 * and each proof element, and swapped neighbouring elements. Every probe must fail to verify.
 */
final class ProofCorruptions {

    record Probe(String description, BooleanSupplier check) {
        boolean verifies() {
            return check.getAsBoolean();
        }
    }

    private static final Hash SOME_HASH =
            Hash.fromHex("abacaba000000000000000000000000000000000000000000060061e00123456");

    private ProofCorruptions() {
    }

    static List<Probe> of(InclusionProof proof, Hash leaf, Hash root) {
        long i = proof.leafIndex();
        long n = proof.treeSize();
        List<Hash> path = proof.path();
        List<Probe> probes = new ArrayList<>();
        probes.add(inclusion("index - 1", i - 1, n, path, leaf, root));
        probes.add(inclusion("index + 1", i + 1, n, path, leaf, root));
        probes.add(inclusion("index ^ 2", i ^ 2, n, path, leaf, root));
        probes.add(inclusion("size * 2", i, n * 2, path, leaf, root));
        probes.add(inclusion("size / 2", i, n / 2, path, leaf, root));
        probes.add(inclusion("empty root", i, n, path, leaf, TreeHasher.EMPTY_ROOT));
        probes.add(inclusion("random root", i, n, path, leaf, SOME_HASH));
        probes.add(inclusion("trailing root", i, n, with(path, path.size(), root), leaf, root));
        probes.add(inclusion("preceding root", i, n, with(path, 0, root), leaf, root));
        probes.add(inclusion("trailing leaf", i, n, with(path, path.size(), leaf), leaf, root));
        if (!path.isEmpty()) {
            probes.add(inclusion("truncated", i, n, path.subList(0, path.size() - 1), leaf, root));
            probes.add(inclusion("first element dropped", i, n, path.subList(1, path.size()), leaf, root));
            probes.add(inclusion("inserted element", i, n, with(path, 1, SOME_HASH), leaf, root));
        }
        if (n > 1) {
            // With n == 1 the leaf is the root, so a bit flipped in one is not the same corruption.
            flips(leaf).forEach((h) -> probes.add(inclusion("leaf bit flipped", i, n, path, h, root)));
        }
        flips(root).forEach((h) -> probes.add(inclusion("root bit flipped", i, n, path, leaf, h)));
        for (int e = 0; e < path.size(); e++) {
            int element = e;
            flips(path.get(e)).forEach(h -> probes.add(
                    inclusion("path[" + element + "] bit flipped", i, n, replaced(path, element, h), leaf, root)));
        }
        for (int e = 0; e + 1 < path.size(); e++) {
            if (!path.get(e).equals(path.get(e + 1))) {
                List<Hash> swapped = new ArrayList<>(path);
                Collections.swap(swapped, e, e + 1);
                probes.add(inclusion("path[" + e + "] and [" + (e + 1) + "] swapped", i, n, swapped, leaf, root));
            }
        }
        return probes;
    }

    static List<Probe> of(ConsistencyProof proof, Hash root1, Hash root2) {
        long m = proof.size1();
        long n = proof.size2();
        List<Hash> path = proof.path();
        List<Probe> probes = new ArrayList<>();
        if (path.isEmpty()) {
            // Trivial proofs (equal sizes): only the roots and sizes can be wrong.
            probes.add(consistency("size2 + 1", m, n + 1, path, root1, root2));
            flips(root1).forEach(h -> probes.add(consistency("root1 bit flipped", m, n, path, h, root2)));
            return probes;
        }
        probes.add(consistency("size1 - 1", m - 1, n, path, root1, root2));
        probes.add(consistency("size1 + 1", m + 1, n, path, root1, root2));
        probes.add(consistency("size1 ^ 2", m ^ 2, n, path, root1, root2));
        probes.add(consistency("size2 * 2", m, n * 2, path, root1, root2));
        probes.add(consistency("size2 / 2", m, n / 2, path, root1, root2));
        probes.add(consistency("swapped roots", m, n, path, root2, root1));
        probes.add(consistency("empty proof", m, n, List.of(), root1, root2));
        probes.add(consistency("trailing root1", m, n, with(path, path.size(), root1), root1, root2));
        probes.add(consistency("trailing root2", m, n, with(path, path.size(), root2), root1, root2));
        probes.add(consistency("preceding root1", m, n, with(path, 0, root1), root1, root2));
        probes.add(consistency("preceding root2", m, n, with(path, 0, root2), root1, root2));
        probes.add(consistency("preceding proof[0]", m, n, with(path, 0, path.get(0)), root1, root2));
        probes.add(consistency("truncated", m, n, path.subList(0, path.size() - 1), root1, root2));
        probes.add(consistency("first element dropped", m, n, path.subList(1, path.size()), root1, root2));
        flips(root1).forEach(h -> probes.add(consistency("root1 bit flipped", m, n, path, h, root2)));
        flips(root2).forEach(h -> probes.add(consistency("root2 bit flipped", m, n, path, root1, h)));
        for (int e = 0; e < path.size(); e++) {
            int element = e;
            flips(path.get(e)).forEach(h -> probes.add(
                    consistency("path[" + element + "] bit flipped", m, n, replaced(path, element, h), root1, root2)));
        }
        for (int e = 0; e + 1 < path.size(); e++) {
            if (!path.get(e).equals(path.get(e + 1))) {
                List<Hash> swapped = new ArrayList<>(path);
                Collections.swap(swapped, e, e + 1);
                probes.add(consistency("path[" + e + "] and [" + (e + 1) + "] swapped", m, n, swapped, root1, root2));
            }
        }
        return probes;
    }

    /** A sample of single-bit flips: first, last and a middle byte, several bit positions. */
    static List<Hash> flips(Hash hash) {
        List<Hash> flipped = new ArrayList<>();
        for (int[] at : new int[][] {{0, 0}, {0, 3}, {13, 7}, {31, 4}, {31, 0}}) {
            byte[] bytes = hash.bytes();
            bytes[at[0]] ^= (byte) (1 << at[1]);
            flipped.add(Hash.of(bytes));
        }
        return flipped;
    }

    private static Probe inclusion(String what, long i, long n, List<Hash> path, Hash leaf, Hash root) {
        return new Probe(what, () -> new InclusionProof(i, n, path).verify(leaf, root));
    }

    private static Probe consistency(String what, long m, long n, List<Hash> path, Hash root1, Hash root2) {
        return new Probe(what, () -> new ConsistencyProof(m, n, path).verify(root1, root2));
    }

    private static List<Hash> with(List<Hash> path, int at, Hash extra) {
        List<Hash> longer = new ArrayList<>(path);
        longer.add(at, extra);
        return longer;
    }

    private static List<Hash> replaced(List<Hash> path, int at, Hash replacement) {
        List<Hash> changed = new ArrayList<>(path);
        changed.set(at, replacement);
        return changed;
    }
}
