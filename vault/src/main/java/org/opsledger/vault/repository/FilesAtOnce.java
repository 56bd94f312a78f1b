package org.opsledger.vault.repository;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Files of the store read several at a time and handed on in their order: on S3 each is a GET, one round trip, and read
 * one after another `vault snapshots` of 500 snapshots took 34.8 s 25 ms away (a helper's). The journal, the snapshot
 * listing and the index read through it ({@link org.opsledger.vault.ReadAhead}, which a copy's runs of packs read through too).
 */
public final class FilesAtOnce {

    /** Files read at once by default: on S3 each is a GET of one round trip, and years of runs are thousands of them. */
    public static final int READERS = 8;

    private FilesAtOnce() {
    }

    /**
     * Reads each file of {@code names} with {@code read}, {@code atOnce} at a time, and hands each to {@code each} in their
     * order, on the calling thread: a file is read only once fewer than {@code atOnce} are held, read or being read, so a
     * read holds {@code atOnce} files at most (all were submitted at once: the readers ran ahead of {@code each}, and every
     * journal segment was in the heap together). What {@code read} throws ends the reading, thrown here.
     */
    public static <T> void each(List<String> names, int atOnce, String what, Function<String, T> read, BiConsumer<String, T> each) {
        org.opsledger.vault.ReadAhead.inOrder(names, atOnce, "vault-read", "reading " + what, read, each);
    }
}
