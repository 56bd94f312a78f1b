package org.opsledger.change.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** IS.012 6.2.1: the change request categories, lowest first. */
enum RiskLevel {
    LOW, MEDIUM, HIGH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<RiskLevel> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }

    static RiskLevel of(String wireName) {
        return fromWireName(wireName).orElseThrow(() -> new IllegalArgumentException(wireName));
    }

    RiskLevel max(RiskLevel other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
