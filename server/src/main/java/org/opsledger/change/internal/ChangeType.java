package org.opsledger.change.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The change models (IS.012 6.2.1, 6.2.8). */
enum ChangeType {
    /** A pre-approved template: Low risk, no CAB; each use is recorded. */
    STANDARD,
    /** Assessed, and approved by the CAB when High or Medium risk (IS.012 6.2.2). */
    NORMAL,
    /** One authorised approver starts it; the full review follows within a set number of days (IS.012 6.2.8). */
    EMERGENCY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ChangeType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst();
    }

    static ChangeType of(String wireName) {
        return fromWireName(wireName).orElseThrow(() -> new IllegalArgumentException(wireName));
    }
}
