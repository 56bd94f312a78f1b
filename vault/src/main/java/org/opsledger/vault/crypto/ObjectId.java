package org.opsledger.vault.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A 32-byte identifier: a blob's content ID (HMAC-SHA256 under the repository's idKey) or a
 * file's name (SHA-256 of its stored bytes). Held as four longs so an index entry stays small.
 */
public record ObjectId(long a, long b, long c, long d) implements Comparable<ObjectId> {

    public static final int SIZE = 32;

    /** The fewest hex digits that name an ID by its start: `key remove 0` removed whichever slot began with 0 (a tester's). */
    public static final int MIN_PREFIX = 4;

    /**
     * Whether {@code s} names an ID (a snapshot's, a key slot's) by its start: {@link #MIN_PREFIX} to 64 hex digits, in
     * either case, as snapshot prefixes match.
     */
    public static boolean isPrefix(String s) {
        return s.matches("[0-9a-fA-F]{" + MIN_PREFIX + "," + 2 * SIZE + "}");
    }

    public static ObjectId of(byte[] bytes) {
        return of(bytes, 0);
    }

    public static ObjectId of(byte[] bytes, int offset) {
        ByteBuffer bb = ByteBuffer.wrap(bytes, offset, SIZE);
        return new ObjectId(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
    }

    @JsonCreator
    public static ObjectId parse(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("not a 64-digit hex ID: " + hex);
        }
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return ByteBuffer.allocate(SIZE).putLong(a).putLong(b).putLong(c).putLong(d).array();
    }

    public void writeTo(ByteBuffer out) {
        out.putLong(a).putLong(b).putLong(c).putLong(d);
    }

    @JsonValue
    public String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    public String shortHex() {
        return hex().substring(0, 8);
    }

    /**
     * Written out rather than generated: a record's own equals and hashCode are bound at run time
     * through method handles, which a short command pays for in generated classes and compilations,
     * and ObjectId is the key of every index lookup. An ID is a keyed or plain SHA-256: its first
     * bits are already uniform.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId x && a == x.a && b == x.b && c == x.c && d == x.d;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(a);
    }

    @Override
    public String toString() {
        return hex();
    }

    @Override
    public int compareTo(ObjectId o) {
        int r = Long.compareUnsigned(a, o.a);
        if (r == 0) r = Long.compareUnsigned(b, o.b);
        if (r == 0) r = Long.compareUnsigned(c, o.c);
        if (r == 0) r = Long.compareUnsigned(d, o.d);
        return r;
    }
}
