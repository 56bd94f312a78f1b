package org.opsledger.shared;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a system runs (IS.012 6.5.1: development, test and production are kept apart). Shared vocabulary. */
public enum Environment {
    DEVELOPMENT, TEST, PRODUCTION;

    /** {@code production}: the name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Environment> fromWireName(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName().equals(name)).findFirst();
    }
}
