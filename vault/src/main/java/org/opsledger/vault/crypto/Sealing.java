package org.opsledger.vault.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per encryption (docs/vault-format.md §5). A sealed unit
 * is {@code epoch(u32 BE) ‖ nonce(12) ‖ ciphertext ‖ tag(16)}; the epoch and the unit's kind are
 * authenticated as additional data. Ciphers are cached per thread.
 */
public final class Sealing {

    public static final int NONCE = 12;
    public static final int TAG = 16;
    public static final int OVERHEAD = 4 + NONCE + TAG;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private Sealing() {
    }

    /** What a sealed unit is; its label is the GCM additional data, so units cannot be swapped across kinds. */
    public enum Kind {
        BLOB("opsledger-vault blob"), PACK_HEADER("opsledger-vault pack header"), INDEX("opsledger-vault index"),
        SNAPSHOT("opsledger-vault snapshot"), HOLD("opsledger-vault hold"), CONDEMNED("opsledger-vault condemned"),
        KEY_SLOT("opsledger-vault key slot"), KEYRING("opsledger-vault keyring"), JOURNAL("opsledger-vault journal");

        final byte[] label;

        Kind(String label) {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
        }
    }

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static SecretKey aesKey(byte[] raw) {
        return new SecretKeySpec(raw, "AES");
    }

    /** Seals {@code in[off, off+len)} into {@code out} at {@code outOff}; returns the bytes written ({@code len + OVERHEAD}). */
    public static int seal(SecretKey key, int epoch, Kind kind, byte[] in, int off, int len, byte[] out, int outOff) {
        byte[] nonce = randomBytes(NONCE);
        ByteBuffer.wrap(out, outOff, 4).putInt(epoch);
        System.arraycopy(nonce, 0, out, outOff + 4, NONCE);
        try {
            Cipher c = CIPHER.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(kind.label);
            c.updateAAD(out, outOff, 4);
            return 4 + NONCE + c.doFinal(in, off, len, out, outOff + 4 + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Bytes of a unit before its ciphertext: the epoch and the nonce. */
    public static final int PREFIX = 4 + NONCE;

    /**
     * Seals the plaintext at {@code buf[off + PREFIX, off + PREFIX + len)} where it lies: epoch and
     * nonce are written before it and the tag after it, so the unit is {@code buf[off, off + len + OVERHEAD)}
     * (compressed blobs are compressed straight to {@code off + PREFIX}: no copy of the ciphertext).
     */
    public static int sealInPlace(SecretKey key, int epoch, Kind kind, byte[] buf, int off, int len) {
        return seal(key, epoch, kind, buf, off + PREFIX, len, buf, off);
    }

    public static byte[] seal(SecretKey key, int epoch, Kind kind, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + OVERHEAD];
        seal(key, epoch, kind, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /** The epoch a sealed unit names in its first four bytes. */
    public static int epochOf(byte[] sealed, int off) {
        return ByteBuffer.wrap(sealed, off, 4).getInt();
    }

    /** Opens a sealed unit; throws {@link AEADBadTagException} (wrapped) when it was altered or the key is wrong. */
    public static byte[] open(SecretKey key, Kind kind, byte[] in, int off, int len) throws AEADBadTagException {
        if (len < OVERHEAD) {
            throw new AEADBadTagException("sealed unit too short: " + len + " bytes");
        }
        byte[] plain = new byte[len - OVERHEAD];
        open(key, kind, in, off, len, plain, 0); // into a buffer: 2× faster than the allocating form here
        return plain;
    }

    /**
     * Opens a sealed unit into {@code out} (room for {@code len - OVERHEAD} bytes at {@code outOff});
     * returns the plaintext's length. {@code out} may be {@code in} with {@code outOff <= off}: the JDK's
     * GCM decrypts in place without a copy (check's verification does, into the unit it read).
     */
    public static int open(SecretKey key, Kind kind, byte[] in, int off, int len, byte[] out, int outOff) throws AEADBadTagException {
        if (len < OVERHEAD) {
            throw new AEADBadTagException("sealed unit too short: " + len + " bytes");
        }
        try {
            Cipher c = CIPHER.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, in, off + 4, NONCE));
            c.updateAAD(kind.label);
            c.updateAAD(in, off, 4);
            return c.doFinal(in, off + 4 + NONCE, len - 4 - NONCE, out, outOff);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    public static ObjectId sha256(byte[] data) {
        return ObjectId.of(SHA256.get().digest(data));
    }

    public static ObjectId sha256(byte[] data, int off, int len) {
        MessageDigest md = sha256();
        md.update(data, off, len);
        return ObjectId.of(md.digest());
    }

    /**
     * Starts compiling the AES-GCM, GHASH, SHA-256 and HMAC paths on a spare core: their CPU
     * intrinsics apply only to compiled callers, and until the JIT gets there a short CLI run pushes
     * hundreds of megabytes through interpreted GHASH at ~50 MB/s. Called where bulk data work is
     * about to start (first file read by a backup, restore, check --read-data, copy), not on open:
     * an unchanged re-run reads no data and should not pay for it (≈0.4 s of CPU).
     *
     * @param sealing also the encrypting path (backup, copy); readers (check, restore) only open
     */
    public static void warmUp(boolean sealing) {
        boolean opening = !OPENING_WARMED.getAndSet(true); // each path warmed once per JVM
        boolean seals = sealing && !SEALING_WARMED.getAndSet(true);
        if (!opening && !seals) {
            return;
        }
        Thread t = new Thread(warmUpTask(opening, seals), "vault-crypto-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The warm-up's work: {@link #warmUp} runs it on a thread of its own; it returns, whatever happens. */
    static Runnable warmUpTask(boolean opening, boolean seals) {
        return () -> {
            try {
                SecretKey key = aesKey(new byte[32]);
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
                // Invocation counts matter, not bytes: small inputs reach the JIT's thresholds in a few
                // milliseconds. The JDK hands a GCM unit to its AVX-512 intrinsic only from 7,680 bytes
                // on, a path that 64-byte units never take: both sizes are warmed. A reader (check,
                // restore) only opens units, and compiling the sealing path, the nonce generator and
                // its SHA-1 mixing was wasted work for it.
                byte[] small = new byte[64];
                byte[] large = new byte[8192];
                byte[] smallSealed = seal(key, 0, Kind.BLOB, small);
                byte[] largeSealed = seal(key, 0, Kind.BLOB, large);
                byte[] out = new byte[large.length + OVERHEAD];
                for (int i = 0; i < 12_000; i++) {
                    if (seals) {
                        seal(key, 0, Kind.BLOB, small, 0, small.length, out, 0);
                        if (i % 40 == 0) {
                            seal(key, 0, Kind.BLOB, large, 0, large.length, out, 0);
                        }
                    }
                    if (opening) {
                        open(key, Kind.BLOB, smallSealed, 0, smallSealed.length, out, 0);
                        if (i % 40 == 0) {
                            open(key, Kind.BLOB, largeSealed, 0, largeSealed.length, out, 0);
                        }
                        mac.update(small);
                        mac.doFinal();
                        sha256(small, 0, small.length);
                    }
                }
            } catch (GeneralSecurityException | OutOfMemoryError e) {
                // a warm-up only: nothing depends on it. In a heap the command has filled, its allocations may be the
                // ones that run out; its stack trace above the command's own one-line "out of memory" was noise (CI's)
            }
        };
    }

    private static final java.util.concurrent.atomic.AtomicBoolean OPENING_WARMED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.util.concurrent.atomic.AtomicBoolean SEALING_WARMED = new java.util.concurrent.atomic.AtomicBoolean();

    public static MessageDigest sha256() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md;
    }
}
