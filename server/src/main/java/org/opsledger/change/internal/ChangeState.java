package org.opsledger.change.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Where a change request is in its workflow (IS.012 6.2.2, 6.2.4, 6.2.5, 6.2.7). */
enum ChangeState {
    DRAFT, SUBMITTED, ASSESSED, CAB_REVIEW, APPROVED, REJECTED, SCHEDULED, IMPLEMENTING, IMPLEMENTED, FAILED, REVIEWED,
    CLOSED, CANCELLED;

    /** Approved and every state after it (what {@link org.opsledger.shared.ChangeCoverage} counts). */
    static final Set<ChangeState> APPROVED_OR_LATER = Set.of(APPROVED, SCHEDULED, IMPLEMENTING, IMPLEMENTED, FAILED, REVIEWED, CLOSED);

    /** Reached implementation: what the process controls look at. */
    static final Set<ChangeState> IMPLEMENTED_OR_LATER = Set.of(IMPLEMENTING, IMPLEMENTED, FAILED, REVIEWED, CLOSED);

    /** {@code cab-review}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<ChangeState> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
    }

    static ChangeState of(String wireName) {
        return fromWireName(wireName).orElseThrow(() -> new IllegalArgumentException(wireName));
    }

    static String wireNames(Set<ChangeState> states) {
        return String.join(",", states.stream().map(s -> "'" + s.wireName() + "'").sorted().toList());
    }
}
