package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Proof that the tree of {@code size2} leaves is an extension of the tree of {@code size1} leaves
 * (RFC 9162 2.1.4): nothing in the first tree was changed or removed. Verification follows
 * RFC 9162 2.1.4.2 step by step; the two cases the RFC leaves to the caller are decided as
 * follows: equal sizes are consistent only with an empty proof and equal roots, and every tree is
 * consistent with the empty tree (whose root must then be the empty hash) by an empty proof.
 */
public record ConsistencyProof(long size1, long size2, List<Hash> path) {

    /** No valid proof is longer for trees of at most 2^63 leaves. */
    public static final int MAX_PATH_LENGTH = 2 * 63;

    public ConsistencyProof {
        path = List.copyOf(path);
    }

    /** Whether the tree of {@link #size2} with {@code root2} extends the tree of {@link #size1} with {@code root1}. */
    public boolean verify(Hash root1, Hash root2) {
        if (size1 < 0 || size2 < size1 || path.size() > MAX_PATH_LENGTH) {
            return false;
        }
        if (size1 == size2) {
            return path.isEmpty() && root1.equalsInConstantTime(root2);
        }
        if (size1 == 0) {
            return path.isEmpty() && root1.equalsInConstantTime(TreeHasher.EMPTY_ROOT);
        }
        // 1. empty consistency_path: fail
        if (path.isEmpty()) {
            return false;
        }
        List<Hash> consistencyPath = new ArrayList<>(path.size() + 1);
        // 2. first an exact power of 2: prepend first_hash
        if (Long.bitCount(size1) == 1) {
            consistencyPath.add(root1);
        }
        consistencyPath.addAll(path);
        // 3. fn = first - 1, sn = second - 1
        long fn = size1 - 1;
        long sn = size2 - 1;
        // 4. while LSB(fn) set, right-shift fn and sn
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        // 5. fr = sr = first value of consistency_path
        TreeHasher hasher = new TreeHasher();
        Hash fr = consistencyPath.get(0);
        Hash sr = fr;
        // 6. for each subsequent value c
        for (Hash c : consistencyPath.subList(1, consistencyPath.size())) {
            // 6a. sn == 0: fail
            if (sn == 0) {
                return false;
            }
            // 6b. LSB(fn) set, or fn == sn
            if ((fn & 1) == 1 || fn == sn) {
                fr = hasher.nodeHash(c, fr);
                sr = hasher.nodeHash(c, sr);
                // 6b.iii. if LSB(fn) not set, right-shift until LSB(fn) set or fn == 0
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = hasher.nodeHash(sr, c);
            }
            // 6c. right-shift once
            fn >>>= 1;
            sn >>>= 1;
        }
        // 7. fr == first_hash, sr == second_hash, sn == 0
        boolean firstMatches = fr.equalsInConstantTime(root1);
        boolean secondMatches = sr.equalsInConstantTime(root2);
        return firstMatches & secondMatches & sn == 0;
    }

    /** The path hashes back to back, 32 bytes each. */
    public byte[] pathBytes() {
        return ProofEncoding.concat(path);
    }

    /** Inverse of {@link #pathBytes()}, rejecting lengths that are not a whole number of hashes. */
    public static ConsistencyProof fromPathBytes(long size1, long size2, byte[] pathBytes) {
        return new ConsistencyProof(size1, size2, ProofEncoding.split(pathBytes, MAX_PATH_LENGTH));
    }
}
