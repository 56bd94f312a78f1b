package org.opsledger.inventory.internal;

import java.util.Collection;

/** PostgreSQL array literals for {@code ?::text[]} and {@code ?::uuid[]} parameters. */
final class PgArrays {

    private PgArrays() {
    }

    /** {@code {"a","b"}}, each element quoted and escaped. */
    static String of(Collection<String> values) {
        StringBuilder sb = new StringBuilder("{");
        for (String v : values) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }
}
