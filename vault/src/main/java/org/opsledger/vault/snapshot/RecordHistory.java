package org.opsledger.vault.snapshot;

import java.util.List;

/**
 * The history tags a record keeps of what it replaced ({@code amended-from}, {@code amended}, {@code resealed-from}):
 * entries newest first, separated by {@link #IDS} (snapshot IDs) or {@link #LINES} (one line per amendment).
 */
public final class RecordHistory {

    /** Between the snapshot IDs of {@code amended-from} and {@code resealed-from}. */
    public static final String IDS = " ";
    /** Between the lines of {@code amended}. */
    public static final String LINES = "\n";

    private RecordHistory() {
    }

    /** {@code entry} ahead of the history a record had, if any. */
    public static String prepend(String entry, String history, String separator) {
        return history == null || history.isEmpty() ? entry : entry + separator + history;
    }

    /** The entries of {@code tag} in the snapshot's record, newest first; none if it has no such tag. */
    public static List<String> entries(Snapshot s, String tag, String separator) {
        String value = s.tags() == null ? null : s.tags().get(tag);
        return value == null || value.isEmpty() ? List.of() : List.of(value.split(separator));
    }
}
