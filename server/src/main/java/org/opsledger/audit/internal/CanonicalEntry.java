package org.opsledger.audit.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The canonical form of an audit entry: the exact bytes that are stored, exported and hashed into
 * the tamper-evident log. JSON in UTF-8, keys sorted by code point at every level, no whitespace,
 * absent values omitted, time as UTC with exactly six fraction digits. See docs/audit-format.md.
 */
final class CanonicalEntry {

    static final int FORMAT_VERSION = 1;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private CanonicalEntry() {
    }

    /** Audit time has microsecond precision, as PostgreSQL stores it. */
    static Instant truncate(Instant time) {
        return time.truncatedTo(ChronoUnit.MICROS);
    }

    static String time(Instant time) {
        return TIME.format(truncate(time));
    }

    static String write(Fields f) {
        Map<String, Object> m = new TreeMap<>();
        m.put("v", FORMAT_VERSION);
        m.put("time", time(f.time()));
        put(m, "system", f.system());
        put(m, "actor", f.actor());
        put(m, "address", f.address());
        put(m, "userAgent", f.userAgent());
        put(m, "protocol", f.protocol());
        put(m, "action", f.action());
        put(m, "access", f.access());
        put(m, "objectType", f.objectType());
        put(m, "objectId", f.objectId());
        put(m, "outcome", f.outcome());
        put(m, "reason", f.reason());
        m.put("privileged", f.privileged());
        if (f.before() != null) {
            m.put("before", new TreeMap<>(f.before()));
        }
        if (f.after() != null) {
            m.put("after", new TreeMap<>(f.after()));
        }
        return JSON.writeValueAsString(m);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String body) {
        return JSON.readValue(body, Map.class);
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** Everything an entry says, before it is written. */
    record Fields(Instant time, String system, String actor, String address, String userAgent, String protocol,
            String action, String access, String objectType, String objectId, String outcome, String reason,
            boolean privileged, Map<String, ?> before, Map<String, ?> after) {
    }
}
