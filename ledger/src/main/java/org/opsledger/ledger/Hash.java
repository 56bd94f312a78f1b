package org.opsledger.ledger;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 32-byte SHA-256 value: a leaf hash, an interior node hash or a tree root.
 * Immutable; equality is by content.
 */
public final class Hash {

    /** Size in bytes of every hash in the tree (RFC 9162 2.1: SHA-256). */
    public static final int SIZE = 32;

    private final byte[] bytes;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code bytes}, which must be exactly {@value #SIZE} long. */
    public static Hash of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a hash is " + SIZE + " bytes, got " + bytes.length);
        }
        return new Hash(bytes.clone());
    }

    /** Copies {@value #SIZE} bytes starting at {@code offset}. */
    public static Hash of(byte[] buffer, int offset) {
        return new Hash(Arrays.copyOfRange(buffer, offset, offset + SIZE));
    }

    public static Hash fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    /** Strict: rejects anything that does not re-encode to exactly the same text. */
    public static Hash fromBase64(String base64) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + e.getMessage());
        }
        if (decoded.length != SIZE || !Base64.getEncoder().encodeToString(decoded).equals(base64)) {
            throw new IllegalArgumentException("not the canonical base64 of a " + SIZE + "-byte hash");
        }
        return new Hash(decoded);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Writes the hash into {@code target} at {@code offset} without allocating. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, SIZE);
    }

    /** Whether the {@value #SIZE} bytes of {@code buffer} at {@code offset} equal this hash. */
    public boolean matches(byte[] buffer, int offset) {
        return Arrays.equals(bytes, 0, SIZE, buffer, offset, offset + SIZE);
    }

    /** Comparison whose duration does not depend on where the hashes differ. */
    public boolean equalsInConstantTime(Hash other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
