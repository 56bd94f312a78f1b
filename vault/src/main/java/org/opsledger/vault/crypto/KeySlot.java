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
 * password into a key-encryption key, which AES-256-GCM-unwraps the 32-byte master key. {@code labelsMac}: an
 * HMAC-SHA256, under a key derived from the master key, of the slot's ID, labels and wrapped key ({@link #labelsAuthentic});
 * null in a slot of a build before it.
 */
public record KeySlot(String kdf, int iterations, byte[] salt, byte[] wrappedMasterKey,
                      String label, String host, Instant created, byte[] labelsMac) {

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

    /** A new slot of {@code masterKey} under the file name keys/{@code id}, its labels authenticated ({@link #labelsAuthentic}). */
    public static KeySlot wrap(String id, char[] password, byte[] masterKey, int iterations, String label, String host) {
        String problem = iterationsProblem(iterations);
        problem = problem != null ? problem : labelsProblem(label, host);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] salt = Sealing.randomBytes(16);
        SecretKey kek = derive(password, salt, iterations);
        byte[] wrapped = Sealing.seal(kek, 0, Sealing.Kind.KEY_SLOT, masterKey);
        KeySlot unsigned = new KeySlot(KDF, iterations, salt, wrapped, label, host, Instant.now(), null);
        return new KeySlot(KDF, iterations, salt, wrapped, label, host, unsigned.created(), unsigned.labelsMac(id, masterKey));
    }

    /**
     * Whether this slot's label, host and time of creation are the ones a holder of {@code masterKey} wrote for it under the
     * file name keys/{@code id}: a slot is a plaintext file, and anyone able to write to the store relabelled alice's slot
     * "bob", whose name every later journal entry of her commands bore (h2's repro-4). IS.012 6.6.5: who did what. False for
     * a slot without {@link #labelsMac} (one an older build wrote), and for one whose labels, wrapped key or name changed
     * since; the slot still opens, and its ID is what names it.
     */
    public boolean labelsAuthentic(String id, byte[] masterKey) {
        return labelsMac != null && java.security.MessageDigest.isEqual(labelsMac, labelsMac(id, masterKey));
    }

    /** HMAC-SHA256 under HMAC-SHA256(master key, "opsledger-vault key slot labels") of the ID, labels, salt and wrapped key. */
    private byte[] labelsMac(String id, byte[] masterKey) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(masterKey, "HmacSHA256"));
            byte[] labelsKey = mac.doFinal(LABELS.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            mac.init(new javax.crypto.spec.SecretKeySpec(labelsKey, "HmacSHA256"));
            java.util.Arrays.fill(labelsKey, (byte) 0);
            for (String field : new String[] {id, label, host, created == null ? null : created.toString()}) {
                field(mac, field == null ? null : field.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            field(mac, salt);
            field(mac, wrappedMasterKey);
            return mac.doFinal();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static final String LABELS = "opsledger-vault key slot labels";

    /** Its length (-1 for none) as four bytes, big-endian, then its bytes: no two lists of fields read alike. */
    private static void field(javax.crypto.Mac mac, byte[] value) {
        int n = value == null ? -1 : value.length;
        mac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        if (value != null) {
            mac.update(value);
        }
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
