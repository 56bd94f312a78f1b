package org.opsledger.vault.crypto;

import java.time.Instant;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * One password's wrapping of the master key (docs/vault-format.md §3): PBKDF2-HMAC-SHA256 turns the
 * password into a key-encryption key, which AES-256-GCM-unwraps the 32-byte master key.
 */
public record KeySlot(String kdf, int iterations, byte[] salt, byte[] wrappedMasterKey,
                      String label, String host, Instant created) {

    public static final String KDF = "pbkdf2-hmac-sha256";
    /** OWASP 2023 figure for PBKDF2-HMAC-SHA256; ≈0.13 s on one core here. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 100_000;

    public static KeySlot wrap(char[] password, byte[] masterKey, int iterations, String label, String host) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("PBKDF2 iterations must be at least " + MIN_ITERATIONS + ", got " + iterations);
        }
        byte[] salt = Sealing.randomBytes(16);
        SecretKey kek = derive(password, salt, iterations);
        byte[] wrapped = Sealing.seal(kek, 0, Sealing.Kind.KEY_SLOT, masterKey);
        return new KeySlot(KDF, iterations, salt, wrapped, label, host, Instant.now());
    }

    /** The master key if the password opens this slot. */
    public Optional<byte[]> unwrap(char[] password) {
        if (!KDF.equals(kdf)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Sealing.open(derive(password, salt, iterations), Sealing.Kind.KEY_SLOT,
                    wrappedMasterKey, 0, wrappedMasterKey.length));
        } catch (AEADBadTagException wrongPassword) {
            return Optional.empty();
        }
    }

    private static SecretKey derive(char[] password, byte[] salt, int iterations) {
        byte[] kek = Pbkdf2.hmacSha256(password, salt, iterations);
        try {
            return Sealing.aesKey(kek);
        } finally {
            java.util.Arrays.fill(kek, (byte) 0); // the key spec keeps its own copy
        }
    }
}
