package org.opsledger.vault.crypto;

import java.time.Instant;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import tools.jackson.core.JacksonException;

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
    /**
     * ≈2–4 s per unlock here. Key slots are plaintext files that anyone who can write to the store
     * can add; without a bound one slot of 2^31 iterations would hold every open for an hour.
     */
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int MIN_SALT = 16;
    private static final int MAX_SALT = 64;
    private static final int MASTER_KEY = 32;

    /** Why a key slot may not have {@code iterations}, or null if it may. */
    public static String iterationsProblem(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            return "PBKDF2 iterations must be between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS + ", got " + iterations;
        }
        return null;
    }

    /**
     * The most characters a slot's label or host may have: a slot is read up to 64 KiB (Largest.PLAIN), and a --label or
     * OPSLEDGER_HOSTNAME of 66,000 characters made one that no command read, after "created" or "added", exit 0 (a tester's).
     */
    public static final int MAX_LABEL = 256;

    /** Why a new slot may not carry {@code label} and {@code host}, or null if it may. */
    public static String labelsProblem(String label, String host) {
        if (label != null && label.length() > MAX_LABEL) {
            return "the key slot's label is " + label.length() + " characters, more than " + MAX_LABEL + ": give a shorter --label";
        }
        if (host != null && host.length() > MAX_LABEL) {
            return "this host's name (OPSLEDGER_HOSTNAME, else the kernel's) is " + host.length() + " characters, more than "
                    + MAX_LABEL + " a key slot records: set OPSLEDGER_HOSTNAME to a shorter one";
        }
        return null;
    }

    public static KeySlot wrap(char[] password, byte[] masterKey, int iterations, String label, String host) {
        String problem = iterationsProblem(iterations);
        problem = problem != null ? problem : labelsProblem(label, host);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] salt = Sealing.randomBytes(16);
        SecretKey kek = derive(password, salt, iterations);
        byte[] wrapped = Sealing.seal(kek, 0, Sealing.Kind.KEY_SLOT, masterKey);
        return new KeySlot(KDF, iterations, salt, wrapped, label, host, Instant.now());
    }

    /**
     * The slot stored in {@code json}, checked before any password is tried on it: a known KDF, iterations
     * within bounds, a salt of 16–64 bytes and a wrapped key of the size {@link #wrap} writes. Its {@code created} is a
     * label, as its host is: a slot without one still opens the repository (`key list` shows "-").
     *
     * @throws VaultException naming what is wrong, in one line
     */
    public static KeySlot parse(byte[] json) {
        KeySlot s;
        try {
            s = VaultJson.MAPPER.treeToValue(withLabelsThatRead(VaultJson.MAPPER.readTree(json)), KeySlot.class);
        } catch (JacksonException e) {
            throw new VaultException("not a key slot: " + e.getOriginalMessage());
        }
        if (s == null) {
            throw new VaultException("not a key slot: empty");
        }
        if (!KDF.equals(s.kdf())) {
            throw new VaultException("unknown KDF " + (s.kdf() == null ? "(none)" : '"' + s.kdf() + '"'));
        }
        String problem = iterationsProblem(s.iterations());
        if (problem != null) {
            throw new VaultException(problem);
        }
        if (s.salt() == null || s.salt().length < MIN_SALT || s.salt().length > MAX_SALT) {
            throw new VaultException("salt must be " + MIN_SALT + "–" + MAX_SALT + " bytes");
        }
        if (s.wrappedMasterKey() == null || s.wrappedMasterKey().length != MASTER_KEY + Sealing.OVERHEAD) {
            throw new VaultException("wrapped master key must be " + (MASTER_KEY + Sealing.OVERHEAD) + " bytes");
        }
        return s;
    }

    /**
     * {@code node} without the labels (its label, host and time of creation) that do not read as what they say: they
     * open nothing, and a plaintext slot whose `created` was a number past the dates an Instant holds, "x" or {} was
     * "not a key slot", the right password refused with Jackson's words (a re-tester's: anyone who may write keys/).
     */
    private static tools.jackson.databind.JsonNode withLabelsThatRead(tools.jackson.databind.JsonNode node) {
        if (node instanceof tools.jackson.databind.node.ObjectNode slot) {
            for (String label : new String[] {"label", "host", "created"}) {
                tools.jackson.databind.JsonNode v = slot.get(label);
                if (v != null && !v.isNull() && !(v.isString() && (!label.equals("created") || instant(v.asString())))) {
                    slot.remove(label);
                }
            }
        }
        return node;
    }

    private static boolean instant(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /**
     * What opens with this slot's password, named: SHA-256 of its salt and wrapped master key, in hex. Its labels and its
     * file's name are not in it: a removed slot put back under another name, or with another label, still opens with the
     * departed operator's password, and `check` knows it by this (docs/vault-format.md §3).
     */
    public String fingerprint() {
        java.security.MessageDigest sha = Sealing.sha256();
        sha.update(salt);
        sha.update(wrappedMasterKey);
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** The master key if the password opens this slot. */
    public Optional<byte[]> unwrap(char[] password) {
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
