package org.opsledger.shared;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How sensitive the data a system holds is (ECOMP 1, 4; IS.012 6.6.5.1), least sensitive first. Shared vocabulary. */
public enum DataClassification {
    PUBLIC, INTERNAL, CONFIDENTIAL,
    /** Personal information and data whose loss must be reported. */
    HIGH_SENSITIVITY;

    /** {@code high-sensitivity}: the name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<DataClassification> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(name)).findFirst();
    }
}
