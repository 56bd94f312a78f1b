package org.opsledger.vault.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The secrets behind the master key (docs/vault-format.md §3): the content-ID key, the chunker's
 * gear seed and one AES-256 data key per epoch. Retired epochs are listed and their keys are gone.
 */
public record Keyring(byte[] idKey, byte[] gearSeed, int currentEpoch, Map<Integer, byte[]> epochs, List<Integer> retired)
        implements org.opsledger.vault.VaultJson.WellFormed {

    /** The bytes of each key the keyring holds (the content-ID key, the gear seed, the AES-256 data keys). */
    private static final int KEY_BYTES = 32;

    /**
     * What a keyring that authenticated lacks of what opening the repository reads in it (docs/vault-format.md §3): one
     * without a gear seed, or with an empty key, stopped every command with "Empty key", "Missing argument" or a
     * NullPointerException, naming no file (a helper's).
     */
    @Override
    public String lacks() {
        if (idKey == null || idKey.length != KEY_BYTES || gearSeed == null || gearSeed.length != KEY_BYTES) {
            return "idKey and gearSeed must be " + KEY_BYTES + " bytes each";
        }
        if (epochs == null || retired == null) {
            return "no " + (epochs == null ? "epochs" : "retired");
        }
        for (Map.Entry<Integer, byte[]> e : epochs.entrySet()) {
            if (e.getValue() == null || e.getValue().length != KEY_BYTES) {
                return "the key of epoch " + e.getKey() + " is not " + KEY_BYTES + " bytes";
            }
        }
        return epochs.containsKey(currentEpoch) ? null : "no key for the current epoch " + currentEpoch;
    }

    public static Keyring fresh() {
        Map<Integer, byte[]> epochs = new TreeMap<>();
        epochs.put(1, Sealing.randomBytes(32));
        return new Keyring(Sealing.randomBytes(32), Sealing.randomBytes(32), 1, epochs, List.of());
    }

    /** This keyring with another's content-ID key and gear seed; the data keys stay this keyring's own. */
    public Keyring withChunkingOf(Keyring other) {
        return new Keyring(other.idKey().clone(), other.gearSeed().clone(), currentEpoch, epochs, retired);
    }

    /** IS.012 6.6.8.1: a new epoch for new data; old epochs stay readable until retired. */
    public Keyring rotated() {
        Map<Integer, byte[]> next = new TreeMap<>(epochs);
        int epoch = next.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int r : retired) {
            epoch = Math.max(epoch, r);
        }
        next.put(epoch + 1, Sealing.randomBytes(32));
        return new Keyring(idKey, gearSeed, epoch + 1, next, retired);
    }

    /** The keyring without the retired epoch's key: crypto-shredding of what only it protected. */
    public Keyring withoutEpoch(int epoch) {
        if (epoch == currentEpoch) {
            throw new IllegalArgumentException("epoch " + epoch + " is the current epoch; run `key rotate` first");
        }
        if (retired.contains(epoch)) { // run again after it succeeded: "not a live epoch" said nothing of it (a tester's)
            throw new IllegalArgumentException("key epoch " + epoch + " was retired already: its key is destroyed, nothing to do");
        }
        if (!epochs.containsKey(epoch)) {
            throw new IllegalArgumentException("epoch " + epoch + " is not a live epoch of this repository");
        }
        Map<Integer, byte[]> next = new TreeMap<>(epochs);
        next.remove(epoch);
        List<Integer> r = new ArrayList<>(retired);
        r.add(epoch);
        return new Keyring(idKey, gearSeed, currentEpoch, next, List.copyOf(r));
    }
}
