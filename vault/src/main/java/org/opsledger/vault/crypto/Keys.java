package org.opsledger.vault.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.opsledger.vault.VaultException;

/** An opened keyring: data keys by epoch and a per-thread HMAC-SHA256 for content IDs. */
public final class Keys {

    private final Keyring keyring;
    private final Map<Integer, SecretKey> dataKeys = new TreeMap<>();
    private final ThreadLocal<Mac> idMac;

    public Keys(Keyring keyring) {
        this.keyring = keyring;
        keyring.epochs().forEach((epoch, raw) -> dataKeys.put(epoch, Sealing.aesKey(raw)));
        SecretKeySpec idKey = new SecretKeySpec(keyring.idKey(), "HmacSHA256");
        this.idMac = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(idKey);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public Keyring keyring() {
        return keyring;
    }

    public int currentEpoch() {
        return keyring.currentEpoch();
    }

    public SecretKey current() {
        return dataKey(keyring.currentEpoch());
    }

    public SecretKey dataKey(int epoch) {
        SecretKey key = dataKeys.get(epoch);
        if (key == null) {
            throw new VaultException(keyring.retired().contains(epoch)
                    ? "object is sealed under retired key epoch " + epoch + "; its key has been destroyed"
                    : isLater(epoch) ? newerThanKeyring(epoch) : "object names unknown key epoch " + epoch);
        }
        return key;
    }

    /**
     * How many rotations past its newest epoch a keyring put back may lack. A keyring put back is missing the epochs
     * rotated since it was copied, and nothing it opens need record them: a prune gathers the journal under the newest
     * epoch, and the entry of the first of two rotations went with it, so a rollback across two rotations named only
     * epoch 3 beside a keyring of 1 and repair took the newest snapshot and the journal for damage (a re-tester's). An
     * epoch further on is what a damaged byte names (ciphertext read as an epoch, 1190057687) and is damage.
     */
    public static final int LATER_EPOCHS = 100;

    /**
     * Whether {@code epoch} is one a later keyring than this may hold: past its newest by at most {@link #LATER_EPOCHS}.
     * A whole object that names one is taken for one sealed under a key a later keyring held, this keyring an older copy
     * put back over that one (a rollback, or a merge of copies where one side had rotated), not a sign of damage. A
     * writer without the password can plant one too (its number is in clear in every file's first bytes): the refusals
     * name the file, to be moved out when no newer keyring ever was (docs/vault-format.md §3).
     */
    public boolean isLater(int epoch) {
        return epoch > keyring.currentEpoch() && epoch - keyring.currentEpoch() <= LATER_EPOCHS;
    }

    /** What an object sealed under an epoch {@link #isLater} than this keyring's means, and what to do. */
    public String newerThanKeyring(int epoch) {
        return "sealed under key epoch " + epoch + ", which this keyring (newest epoch " + keyring.currentEpoch() + ") lacks: the"
                + " keyring was replaced by an older copy (a rollback or a merge of copies)? put back the newest `keyring`; repair"
                + " would count what it seals as lost";
    }

    /** IS.012 6.6.8: the content ID is keyed, so IDs reveal nothing about content to an outsider. */
    public ObjectId contentId(byte[] data, int off, int len) {
        // reset: a reader of this thread's MAC that stopped part-way (restore --verify on a short file, check on a blob that
        // did not decompress) left it updated, and the next ID took those bytes in too
        Mac mac = contentIdMac();
        mac.update(data, off, len);
        return ObjectId.of(mac.doFinal());
    }

    /**
     * A digest of {@code words} (each in UTF-8, followed by a NUL byte) under a key of this repository's own, derived from its
     * content-ID key for this use alone: the same words give the same digest in this repository, whatever its key epoch, and
     * in a copy made with its chunker parameters; no one without its password can test a guess against one. A
     * --stdin-from-command stream's name ends in one, where a plain SHA-256 of the words let anyone holding the name confirm
     * a guessed password offline.
     */
    public byte[] wordsDigest(java.util.List<String> words) {
        try {
            byte[] key = contentIdMac().doFinal(WORDS_DIGEST.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            Arrays.fill(key, (byte) 0);
            for (String w : words) {
                mac.update(w.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What {@link #wordsDigest}'s key is derived from: its key is the content ID a blob of these bytes would have, which only
     * sealed headers and indexes hold.
     */
    private static final String WORDS_DIGEST = "opsledger words digest";

    /** This thread's content-ID MAC, reset, for a blob hashed in pieces (restore --verify reads files in slices). */
    public Mac contentIdMac() {
        Mac mac = idMac.get();
        mac.reset();
        return mac;
    }

    /**
     * Zeroes the keyring's data keys and content-ID key and forgets the key objects made of them (their own copies
     * cannot be zeroed: {@code SecretKeySpec} offers no way): the repository was closed.
     */
    public void destroy() {
        keyring.epochs().values().forEach(raw -> Arrays.fill(raw, (byte) 0));
        Arrays.fill(keyring.idKey(), (byte) 0);
        dataKeys.clear();
    }

    public byte[] gearSeed() {
        return keyring.gearSeed();
    }
}
