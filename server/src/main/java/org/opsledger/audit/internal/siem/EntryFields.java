package org.opsledger.audit.internal.siem;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The fields of a canonical entry (docs/audit-format.md 1) that the payload formats map. */
record EntryFields(String time, String system, String actor, String address, String userAgent, String protocol,
        String action, String access, String objectType, String objectId, String outcome, String reason,
        boolean privileged, Map<String, Object> before, Map<String, Object> after) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @SuppressWarnings("unchecked")
    static EntryFields of(String body) {
        Map<String, Object> m = JSON.readValue(body, Map.class);
        return new EntryFields(text(m, "time"), text(m, "system"), text(m, "actor"), text(m, "address"),
                text(m, "userAgent"), text(m, "protocol"), text(m, "action"), text(m, "access"), text(m, "objectType"),
                text(m, "objectId"), text(m, "outcome"), text(m, "reason"), Boolean.TRUE.equals(m.get("privileged")),
                (Map<String, Object>) m.get("before"), (Map<String, Object>) m.get("after"));
    }

    private static String text(Map<String, Object> m, String key) {
        Object value = m.get(key);
        return value == null ? null : value.toString();
    }

    boolean succeeded() {
        return "success".equals(outcome);
    }
}
