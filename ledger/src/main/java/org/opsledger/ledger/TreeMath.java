package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.List;

/** Index arithmetic of RFC 9162 trees, shared by proof generation and the stores. */
final class TreeMath {

    private TreeMath() {
    }

    /** RFC 9162 2.1.1: k is the largest power of two smaller than n (n &gt; 1). */
    static long largestPowerOfTwoBelow(long n) {
        if (n < 2) {
            throw new IllegalArgumentException("defined for n > 1, got " + n);
        }
        return Long.highestOneBit(n - 1);
    }

    /**
     * The complete subtrees, left to right, whose combination is MTH(D[start:end]) for a range
     * produced by the RFC's recursive split (start is a multiple of every left part's size).
     */
    static List<SubtreeId> decompose(long start, long end) {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("empty or negative range [" + start + ", " + end + ")");
        }
        List<SubtreeId> parts = new ArrayList<>(Long.bitCount(end - start));
        while (start < end) {
            long size = end - start;
            long left = Long.bitCount(size) == 1 ? size : largestPowerOfTwoBelow(size);
            if ((start & (left - 1)) != 0) {
                throw new IllegalArgumentException("range [" + start + ", " + end + ") is not aligned");
            }
            int level = Long.numberOfTrailingZeros(left);
            parts.add(new SubtreeId(level, start >>> level));
            start += left;
        }
        return parts;
    }
}
