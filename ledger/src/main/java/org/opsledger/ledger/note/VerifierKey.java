package org.opsledger.ledger.note;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * A public key that checks signed notes, in the text form of golang.org/x/mod/sumdb/note:
 * {@code <name>+<8 hex digits key ID>+<base64(0x01 || 32-byte Ed25519 public key)>}. This is
 * what the server publishes and what an auditor keeps. Parsing is strict: anything that does not
 * re-encode to the same string, or whose key ID does not match, is rejected.
 */
public final class VerifierKey {

    private static final int MAX_ENCODED_LENGTH = KeyNames.MAX_NAME_BYTES + 64;

    private final String name;
    private final int keyId;
    private final byte[] rawPublicKey;
    private final PublicKey publicKey;

    private VerifierKey(String name, byte[] rawPublicKey) {
        if (!KeyNames.isValidName(name)) {
            throw new IllegalArgumentException("invalid key name: must be non-empty, without spaces or '+'");
        }
        this.name = name;
        this.rawPublicKey = rawPublicKey.clone();
        this.publicKey = Ed25519.publicKey(this.rawPublicKey);
        this.keyId = KeyNames.keyId(name, this.rawPublicKey);
    }

    /** The verifier key for a 32-byte Ed25519 public key under {@code name}. */
    public static VerifierKey of(String name, byte[] rawEd25519PublicKey) {
        return new VerifierKey(name, rawEd25519PublicKey);
    }

    static VerifierKey of(String name, PublicKey key) {
        return new VerifierKey(name, Ed25519.rawPublicKey(key));
    }

    /** Parses the {@code name+id+key} form. */
    public static VerifierKey parse(String encoded) {
        if (encoded.length() > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException("verifier key too long");
        }
        String[] parts = encoded.split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a verifier key is <name>+<key id>+<base64 key>");
        }
        int declaredId = KeyNames.parseHexId(parts[1]);
        byte[] typeAndKey = KeyNames.strictBase64(parts[2]);
        if (typeAndKey.length != 1 + Ed25519.PUBLIC_KEY_SIZE || typeAndKey[0] != KeyNames.ED25519) {
            throw new IllegalArgumentException("only Ed25519 verifier keys (type 0x01, 32 bytes) are supported");
        }
        VerifierKey key = new VerifierKey(parts[0], Arrays.copyOfRange(typeAndKey, 1, typeAndKey.length));
        if (key.keyId != declaredId) {
            throw new IllegalArgumentException("key ID " + parts[1] + " does not match the key");
        }
        return key;
    }

    /** Reads a file holding one verifier key (surrounding whitespace ignored). */
    public static VerifierKey read(Path file) throws IOException {
        if (Files.size(file) > MAX_ENCODED_LENGTH + 16) {
            throw new IOException(file + " is too large to be a verifier key");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8).strip());
    }

    public String name() {
        return name;
    }

    /** The 4-byte key ID as a big-endian int. */
    public int keyId() {
        return keyId;
    }

    public byte[] rawPublicKey() {
        return rawPublicKey.clone();
    }

    /** Whether {@code signature} (64 bytes, no key ID) is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    /** The {@code name+id+key} form. */
    public String encoded() {
        byte[] typeAndKey = new byte[1 + Ed25519.PUBLIC_KEY_SIZE];
        typeAndKey[0] = KeyNames.ED25519;
        System.arraycopy(rawPublicKey, 0, typeAndKey, 1, Ed25519.PUBLIC_KEY_SIZE);
        return name + "+" + KeyNames.hexId(keyId) + "+" + Base64.getEncoder().encodeToString(typeAndKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey other && name.equals(other.name) && Arrays.equals(rawPublicKey, other.rawPublicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(rawPublicKey);
    }

    @Override
    public String toString() {
        return encoded();
    }
}
