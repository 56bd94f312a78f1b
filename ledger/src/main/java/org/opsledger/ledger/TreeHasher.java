package org.opsledger.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The RFC 9162 section 2.1.1 Merkle Tree Hash: leaf and interior node hashing with domain
 * separation, and the MTH of a list of entries by the RFC's recursive definition.
 *
 * <p>An instance reuses one {@link MessageDigest}; it is cheap but not thread-safe, so give each
 * thread its own.
 */
public final class TreeHasher {

    /** RFC 9162 2.1.1: MTH({}) = SHA-256() */
    public static final Hash EMPTY_ROOT =
            Hash.fromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private final MessageDigest sha256;

    public TreeHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** RFC 9162 2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)) */
    public Hash leafHash(byte[] entry) {
        byte[] out = new byte[Hash.SIZE];
        leafHash(entry, 0, entry.length, out, 0);
        return Hash.of(out);
    }

    /** Allocation-free leaf hash of {@code entry[offset, offset+length)} into {@code out}. */
    public void leafHash(byte[] entry, int offset, int length, byte[] out, int outOffset) {
        sha256.update(LEAF_PREFIX);
        sha256.update(entry, offset, length);
        finish(out, outOffset);
    }

    /** RFC 9162 2.1.1: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) */
    public Hash nodeHash(Hash left, Hash right) {
        byte[] buffer = new byte[2 * Hash.SIZE];
        left.copyTo(buffer, 0);
        right.copyTo(buffer, Hash.SIZE);
        nodeHash(buffer, 0, buffer, Hash.SIZE, buffer, 0);
        return Hash.of(buffer, 0);
    }

    /**
     * Allocation-free node hash. {@code out} may overlap either input: the inputs are consumed
     * before the output is written.
     */
    public void nodeHash(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int outOffset) {
        sha256.update(NODE_PREFIX);
        sha256.update(left, leftOffset, Hash.SIZE);
        sha256.update(right, rightOffset, Hash.SIZE);
        finish(out, outOffset);
    }

    /**
     * The Merkle Tree Hash of {@code entries}, straight from the recursive definition in
     * RFC 9162 2.1.1. O(n) and recursive: the reference that the incremental structures are
     * tested against, not what a server should call on a large log.
     */
    public Hash treeHash(List<byte[]> entries) {
        int n = entries.size();
        if (n == 0) {
            return EMPTY_ROOT;
        }
        if (n == 1) {
            return leafHash(entries.get(0));
        }
        int k = (int) TreeMath.largestPowerOfTwoBelow(n);
        return nodeHash(treeHash(entries.subList(0, k)), treeHash(entries.subList(k, n)));
    }

    private void finish(byte[] out, int outOffset) {
        try {
            sha256.digest(out, outOffset, Hash.SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("output buffer too small", e);
        }
    }
}
