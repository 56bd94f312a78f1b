package org.opsledger.shared;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How much the organisation depends on a system (IS.012 6.6.1.1, 6.7.2; the IS.004 tiers), most critical
 * first. Shared vocabulary: the inventory sets it, change risk, backup policy and reports read it.
 */
public enum CriticalityTier {
    /** Mission-critical. */
    CRITICAL, HIGH, MEDIUM, LOW;

    /** {@code critical}: the name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CriticalityTier> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst();
    }
}
