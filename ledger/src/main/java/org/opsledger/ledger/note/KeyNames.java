package org.opsledger.ledger.note;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Rules shared by both key forms: valid key names, key IDs, strict base64. */
final class KeyNames {

    /** C2SP signed-note: signature type identifier byte for Ed25519. */
    static final byte ED25519 = 0x01;

    static final int MAX_NAME_BYTES = 256;

    private KeyNames() {
    }

    /** C2SP signed-note: non-empty, no Unicode spaces, no plus (U+002B). Ours: at most 256 bytes, no controls. */
    static boolean isValidName(String name) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return false;
        }
        return name.codePoints().noneMatch(c -> c == '+' || c < 0x20 || c == 0x7f || c == 0x85
                || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.SURROGATE);
    }

    /** C2SP signed-note: key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], big-endian. */
    static int keyId(String name, byte[] rawPublicKey) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(name.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0x0A);
            sha256.update(ED25519);
            sha256.update(rawPublicKey);
            byte[] digest = sha256.digest();
            return ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hexId(int keyId) {
        return String.format("%08x", keyId);
    }

    /** Eight lowercase hex digits, exactly as they are written. */
    static int parseHexId(String hex) {
        if (!hex.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("key ID must be 8 lowercase hex digits");
        }
        return Integer.parseUnsignedInt(hex, 16);
    }

    /** RFC 4648 section 4 base64, accepted only in its canonical (padded, zero trailing bits) form. */
    static byte[] strictBase64(String text) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
            throw new IllegalArgumentException("not canonical base64");
        }
        return decoded;
    }
}
