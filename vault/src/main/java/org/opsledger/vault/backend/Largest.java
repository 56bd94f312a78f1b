package org.opsledger.vault.backend;

import org.opsledger.vault.ByteSize;
import org.opsledger.vault.VaultException;

/**
 * The largest file a backend reads whole under each name of a repository (docs/vault-format.md §2). The vault writes a
 * config, a key slot or a lock of a kilobyte or two: one of more than 64 KiB is not its own (or is damaged) and is
 * refused unread. A sealed file (keyring, index, snapshot, hold, journal) is read whole to be authenticated: one larger
 * than a quarter of the heap (at least 16 MiB) is refused too, naming it, rather than ending the command out of memory;
 * packs ({@code data/}) are bounded by their format. So a stray 100 MB file beside the key slots fails as that one
 * file, not every command.
 */
public final class Largest {

    /** The most bytes of a config, a key slot or a lock file. */
    public static final long PLAIN = 64 * 1024;
    /** The least a sealed file may have, whatever the heap. */
    public static final long SEALED_FLOOR = 16L << 20;

    private Largest() {
    }

    /** The most bytes read whole under {@code name}. */
    public static long of(String name) {
        if (name.equals("config") || name.startsWith("keys/") || name.startsWith("locks/")) {
            return PLAIN;
        }
        if (name.startsWith("data/")) {
            return Integer.MAX_VALUE - 16; // a pack: ≈16 MiB and one blob of at most 8 MiB
        }
        return Math.max(SEALED_FLOOR, Runtime.getRuntime().maxMemory() / 4);
    }

    /** Refuses {@code name} when its {@code size} is more than {@link #of} allows. */
    public static void check(String name, long size) {
        long most = of(name);
        if (size > most) {
            throw new TooLarge(name + " is " + ByteSize.format(size) + ", more than the vault reads whole there (" + ByteSize.format(most)
                    + "): damaged, or not the vault's" + (most == PLAIN ? "" : "; if the vault wrote it, give the command a larger heap"
                    + " (OPSLEDGER_JAVA_OPTS=-Xmx1g)"));
        }
    }

    /** A file too large to be what the vault wrote there: the file's fault, not the store's (no {@link BackendException}). */
    public static final class TooLarge extends VaultException {
        TooLarge(String message) {
            super(message);
        }
    }
}
