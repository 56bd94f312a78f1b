package org.opsledger.inventory.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How one configuration item relates to another (IS.012 6.3.1), read "source runs on target". */
enum RelationshipKind {
    RUNS_ON, DEPENDS_ON, CONNECTS_TO, BACKED_UP_BY;

    String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** "runs on". */
    String phrase() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static Optional<RelationshipKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
    }
}
