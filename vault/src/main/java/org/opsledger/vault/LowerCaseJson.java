package org.opsledger.vault;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An enum the repository's JSON writes as its name in lower case ({@code "full"}, {@code "backup"}); Jackson reads it
 * back by the same value.
 */
public interface LowerCaseJson {

    String name();

    @JsonValue
    default String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
