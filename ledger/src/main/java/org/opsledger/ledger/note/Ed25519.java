package org.opsledger.ledger.note;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** The JDK's Ed25519 (RFC 8032) in the raw 32-byte forms signed notes use. */
final class Ed25519 {

    static final int PUBLIC_KEY_SIZE = 32;
    static final int SEED_SIZE = 32;
    static final int SIGNATURE_SIZE = 64;

    /** DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw key follows. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519() {
    }

    /** The key pair RFC 8032 derives from a 32-byte seed (the private key as signed notes store it). */
    static KeyPair fromSeed(byte[] seed) {
        if (seed.length != SEED_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        try {
            // The JDK derives the public key only inside key generation, which draws exactly the
            // 32 seed bytes from its random source: hand it the seed as that source.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, new SeedSource(seed));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides Ed25519", e);
        }
    }

    static byte[] newSeed() {
        byte[] seed = new byte[SEED_SIZE];
        new SecureRandom().nextBytes(seed);
        return seed;
    }

    static byte[] rawPublicKey(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded.length != SPKI_PREFIX.length + PUBLIC_KEY_SIZE
                || !Arrays.equals(encoded, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return Arrays.copyOfRange(encoded, SPKI_PREFIX.length, encoded.length);
    }

    static PublicKey publicKey(byte[] raw) {
        if (raw.length != PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + raw.length);
        }
        byte[] encoded = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + PUBLIC_KEY_SIZE);
        System.arraycopy(raw, 0, encoded, SPKI_PREFIX.length, PUBLIC_KEY_SIZE);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid Ed25519 public key", e);
        }
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** False for a wrong signature and for one that is not even well-formed. */
    static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_SIZE) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification unavailable", e);
        }
    }

    /** A "random" source that yields the given seed once, then refuses. */
    private static final class SeedSource extends SecureRandom {
        private byte[] seed;

        SeedSource(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (seed == null || bytes.length != seed.length) {
                throw new IllegalStateException("Ed25519 key generation asked for unexpected random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
            Arrays.fill(seed, (byte) 0);
            seed = null;
        }
    }
}
