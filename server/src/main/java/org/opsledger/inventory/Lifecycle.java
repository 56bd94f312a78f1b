package org.opsledger.inventory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a configuration item is in its life. */
public enum Lifecycle {
    PLANNED, ACTIVE, RETIRING, DECOMMISSIONED;

    /** {@code active}: the name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Lifecycle> fromWireName(String name) {
        return Arrays.stream(values()).filter(l -> l.wireName().equals(name)).findFirst();
    }
}
