package org.opsledger.ledger;

import java.util.List;
import java.util.Optional;

/**
 * Proof that the leaf at {@code leafIndex} is in the tree of {@code treeSize} leaves: the audit
 * path of RFC 9162 2.1.3, sibling hashes from the leaf upwards. Verification follows
 * RFC 9162 2.1.3.2 step by step.
 */
public record InclusionProof(long leafIndex, long treeSize, List<Hash> path) {

    /** No valid proof is longer: a tree of at most 2^63 leaves is at most 63 levels high. */
    public static final int MAX_PATH_LENGTH = 63;

    public InclusionProof {
        path = List.copyOf(path);
    }

    /** Whether {@code leafHash} at {@link #leafIndex} is in the tree of {@link #treeSize} with {@code root}. */
    public boolean verify(Hash leafHash, Hash root) {
        return rootFor(leafHash).map(computed -> computed.equalsInConstantTime(root)).orElse(false);
    }

    /**
     * RFC 9162 2.1.3.2 steps 1 to 5 without the final comparison: the root this proof leads to from
     * {@code leafHash}, or empty if the proof's shape does not fit the index and size.
     */
    public Optional<Hash> rootFor(Hash leafHash) {
        // 1. leaf_index >= tree_size: fail
        if (leafIndex < 0 || leafIndex >= treeSize || path.size() > MAX_PATH_LENGTH) {
            return Optional.empty();
        }
        TreeHasher hasher = new TreeHasher();
        // 2. fn = leaf_index, sn = tree_size - 1; 3. r = hash
        long fn = leafIndex;
        long sn = treeSize - 1;
        Hash r = leafHash;
        // 4. for each p in inclusion_path
        for (Hash p : path) {
            // 4a. sn == 0: fail
            if (sn == 0) {
                return Optional.empty();
            }
            // 4b. LSB(fn) set, or fn == sn
            if ((fn & 1) == 1 || fn == sn) {
                r = hasher.nodeHash(p, r);
                // 4b.ii. if LSB(fn) not set, right-shift fn and sn until LSB(fn) set or fn == 0
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = hasher.nodeHash(r, p);
            }
            // 4c. right-shift fn and sn once
            fn >>>= 1;
            sn >>>= 1;
        }
        // 5. sn must be 0
        return sn == 0 ? Optional.of(r) : Optional.empty();
    }

    /** The path hashes back to back, 32 bytes each. */
    public byte[] pathBytes() {
        return ProofEncoding.concat(path);
    }

    /** Inverse of {@link #pathBytes()}, rejecting lengths that are not a whole number of hashes. */
    public static InclusionProof fromPathBytes(long leafIndex, long treeSize, byte[] pathBytes) {
        return new InclusionProof(leafIndex, treeSize, ProofEncoding.split(pathBytes, MAX_PATH_LENGTH));
    }
}
