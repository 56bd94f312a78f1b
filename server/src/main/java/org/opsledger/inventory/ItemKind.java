package org.opsledger.inventory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of configuration item IS.012 6.3.1 names. */
public enum ItemKind {
    SERVER, WORKSTATION, NETWORK_DEVICE, APPLICATION, DATABASE, SERVICE, CLOUD_SERVICE, SOFTWARE;

    /** {@code network-device}: the name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<ItemKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
    }
}
