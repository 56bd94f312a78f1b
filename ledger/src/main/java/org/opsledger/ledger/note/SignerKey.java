package org.opsledger.ledger.note;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;

/**
 * A log's Ed25519 signing key, in the text form of golang.org/x/mod/sumdb/note:
 * {@code PRIVATE+KEY+<name>+<8 hex digits key ID>+<base64(0x01 || 32-byte seed)>}. It signs
 * checkpoints; its {@link #verifierKey()} is what the log publishes. {@link #toString()} never
 * shows the secret.
 */
public final class SignerKey {

    private static final String PREFIX = "PRIVATE+KEY+";
    private static final int MAX_ENCODED_LENGTH = PREFIX.length() + KeyNames.MAX_NAME_BYTES + 64;

    private final byte[] seed;
    private final KeyPair keyPair;
    private final VerifierKey verifierKey;

    private SignerKey(String name, byte[] seed) {
        this.seed = seed.clone();
        this.keyPair = Ed25519.fromSeed(this.seed);
        this.verifierKey = VerifierKey.of(name, keyPair.getPublic());
    }

    /** A fresh key from the system's strong random source. */
    public static SignerKey generate(String name) {
        return new SignerKey(name, Ed25519.newSeed());
    }

    /** The key with this 32-byte Ed25519 seed (RFC 8032 private key). */
    public static SignerKey fromSeed(String name, byte[] seed) {
        return new SignerKey(name, seed);
    }

    /** Parses the {@code PRIVATE+KEY+name+id+seed} form; the key ID must match the derived public key. */
    public static SignerKey parse(String encoded) {
        if (encoded.length() > MAX_ENCODED_LENGTH || !encoded.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a signer key is PRIVATE+KEY+<name>+<key id>+<base64 seed>");
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a signer key is PRIVATE+KEY+<name>+<key id>+<base64 seed>");
        }
        int declaredId = KeyNames.parseHexId(parts[1]);
        byte[] typeAndSeed = KeyNames.strictBase64(parts[2]);
        if (typeAndSeed.length != 1 + Ed25519.SEED_SIZE || typeAndSeed[0] != KeyNames.ED25519) {
            throw new IllegalArgumentException("only Ed25519 signer keys (type 0x01, 32-byte seed) are supported");
        }
        byte[] seed = Arrays.copyOfRange(typeAndSeed, 1, typeAndSeed.length);
        Arrays.fill(typeAndSeed, (byte) 0);
        SignerKey key = new SignerKey(parts[0], seed);
        Arrays.fill(seed, (byte) 0);
        if (key.verifierKey.keyId() != declaredId) {
            throw new IllegalArgumentException("key ID " + parts[1] + " does not match the key");
        }
        return key;
    }

    public String name() {
        return verifierKey.name();
    }

    public int keyId() {
        return verifierKey.keyId();
    }

    public VerifierKey verifierKey() {
        return verifierKey;
    }

    /** Ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        return Ed25519.sign(keyPair.getPrivate(), message);
    }

    /** The secret {@code PRIVATE+KEY+...} form, for the key file. Handle with care. */
    public String encodedSecret() {
        byte[] typeAndSeed = new byte[1 + Ed25519.SEED_SIZE];
        typeAndSeed[0] = KeyNames.ED25519;
        System.arraycopy(seed, 0, typeAndSeed, 1, Ed25519.SEED_SIZE);
        String encoded = PREFIX + name() + "+" + KeyNames.hexId(keyId()) + "+" + Base64.getEncoder().encodeToString(typeAndSeed);
        Arrays.fill(typeAndSeed, (byte) 0);
        return encoded;
    }

    @Override
    public String toString() {
        return "SignerKey[" + name() + "+" + KeyNames.hexId(keyId()) + "]";
    }
}
