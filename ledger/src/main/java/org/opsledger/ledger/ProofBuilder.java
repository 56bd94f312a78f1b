package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers questions about any past size of a tree from its {@link HashStore}: the root at a size,
 * inclusion proofs (RFC 9162 2.1.3.1) and consistency proofs (RFC 9162 2.1.4.1). Every answer
 * costs {@code O(log n)} hash reads, fetched in one {@link HashStore#getAll} call, so any server
 * node can serve proofs without holding the tree. Not thread-safe (it keeps a hasher); create one
 * per request or per thread, it is cheap.
 */
public final class ProofBuilder {

    private final HashStore store;
    private final TreeHasher hasher = new TreeHasher();

    public ProofBuilder(HashStore store) {
        this.store = store;
    }

    /** MTH(D[0:size]), valid for any size the store has reached. */
    public Hash rootAt(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (size == 0) {
            return TreeHasher.EMPTY_ROOT;
        }
        return resolve(List.of(new LeafRange(0, size))).get(0);
    }

    /** RFC 9162 2.1.3.1: PATH(m, D[n]) for leaf {@code index} in the tree of {@code size} leaves. */
    public InclusionProof inclusionProof(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<LeafRange> ranges = new ArrayList<>(64);
        path(index, 0, size, ranges);
        return new InclusionProof(index, size, resolve(ranges));
    }

    /** RFC 9162 2.1.4.1: PROOF(m, D[n]) that the tree of {@code size2} extends that of {@code size1}. */
    public ConsistencyProof consistencyProof(long size1, long size2) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
        }
        List<LeafRange> ranges = new ArrayList<>(64);
        if (size1 > 0 && size1 < size2) {
            subproof(size1, 0, size2, true, ranges);
        }
        return new ConsistencyProof(size1, size2, resolve(ranges));
    }

    // RFC 9162 2.1.3.1, on the leaf range [start, end) with m relative to start:
    // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])      for m < k
    // PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k])  for m >= k
    private static void path(long m, long start, long end, List<LeafRange> out) {
        long n = end - start;
        if (n == 1) {
            return; // PATH(0, {d(0)}) = {}
        }
        long k = TreeMath.largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, out);
            out.add(new LeafRange(start + k, end));
        } else {
            path(m - k, start + k, end, out);
            out.add(new LeafRange(start, start + k));
        }
    }

    // RFC 9162 2.1.4.1:
    // SUBPROOF(m, D[m], true) = {};  SUBPROOF(m, D[m], false) = {MTH(D[m])}
    // m <= k: SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
    // m > k:  SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
    private static void subproof(long m, long start, long end, boolean b, List<LeafRange> out) {
        long n = end - start;
        if (m == n) {
            if (!b) {
                out.add(new LeafRange(start, end));
            }
            return;
        }
        long k = TreeMath.largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, b, out);
            out.add(new LeafRange(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, out);
            out.add(new LeafRange(start, start + k));
        }
    }

    /** MTH of each range, reading every complete subtree involved in a single store call. */
    private List<Hash> resolve(List<LeafRange> ranges) {
        Map<SubtreeId, Integer> slots = new LinkedHashMap<>();
        List<List<SubtreeId>> parts = new ArrayList<>(ranges.size());
        for (LeafRange range : ranges) {
            List<SubtreeId> ids = TreeMath.decompose(range.start, range.end);
            parts.add(ids);
            ids.forEach(id -> slots.putIfAbsent(id, slots.size()));
        }
        List<Hash> fetched = slots.isEmpty() ? List.of() : store.getAll(List.copyOf(slots.keySet()));
        List<Hash> hashes = new ArrayList<>(ranges.size());
        for (List<SubtreeId> ids : parts) {
            // MTH of a range is its complete subtrees folded from the right (RFC 9162 2.1.1 split).
            Hash hash = fetched.get(slots.get(ids.get(ids.size() - 1)));
            for (int i = ids.size() - 2; i >= 0; i--) {
                hash = hasher.nodeHash(fetched.get(slots.get(ids.get(i))), hash);
            }
            hashes.add(hash);
        }
        return hashes;
    }

    private record LeafRange(long start, long end) {
    }
}
