package org.opsledger.vault.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a tree node is. */
public enum NodeType {
    FILE, DIR, SYMLINK;

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static NodeType of(String s) {
        return valueOf(s.toUpperCase());
    }
}
