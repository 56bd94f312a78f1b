package org.opsledger.vault.pack;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The blobs of one pack that a command needs, read in a few ranged reads: neighbours joined into one read across a gap of
 * at most {@link #GAP}, up to {@link #READ_SPAN} (a single larger blob is read alone), as restic's restorer reads packs.
 * On S3 that is a GET per ~4 MiB instead of one per chunk (restore, copy).
 */
public final class PackRuns {
    /** Largest ranged read of a pack (a single larger blob is read alone), and the gap that still joins two blobs into one read. */
    public static final int READ_SPAN = 4 * 1024 * 1024;
    public static final int GAP = 256 * 1024;

    private PackRuns() {
    }

    /** Elements {@code first..last} of a sorted list, read as bytes {@code start..end} of the pack. */
    public record Run(int first, int last, long start, long end) {
        public int length() {
            return (int) (end - start);
        }
    }

    /**
     * The run that begins at {@code from}: {@code sorted} is in offset order, each element's place in the pack given by
     * {@code offset} and {@code length}.
     */
    public static <T> Run runFrom(List<T> sorted, int from, ToIntFunction<T> offset, ToIntFunction<T> length) {
        long start = offset.applyAsInt(sorted.get(from));
        long end = start + length.applyAsInt(sorted.get(from));
        int j = from;
        while (j + 1 < sorted.size()) {
            T next = sorted.get(j + 1);
            long nextEnd = offset.applyAsInt(next) + (long) length.applyAsInt(next);
            if (offset.applyAsInt(next) - end > GAP || nextEnd - start > READ_SPAN) {
                break;
            }
            end = Math.max(end, nextEnd);
            j++;
        }
        return new Run(from, j, start, end);
    }
}
