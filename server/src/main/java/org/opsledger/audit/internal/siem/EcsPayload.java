package org.opsledger.audit.internal.siem;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Elastic Common Schema JSON (ECS 8.11): one object per message. The sequence number is
 * {@code event.sequence}, the canonical entry {@code event.original}, its leaf hash
 * {@code event.hash}; what ECS has no field for sits under {@code opsledger.*}
 * (docs/audit-format.md 4.3).
 */
final class EcsPayload implements SiemPayload {

    static final String ECS_VERSION = "8.11.0";

    @Override
    public String entry(SiemMessage.Entry entry, EntryFields f) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", "event");
        event.put("module", "opsledger");
        event.put("dataset", "opsledger.audit");
        event.put("action", f.action());
        // ECS allows success, failure and unknown: a refusal is a failure whose reason says why
        event.put("outcome", f.succeeded() ? "success" : "failure");
        put(event, "reason", f.reason());
        event.put("sequence", entry.leafIndex());
        event.put("hash", SiemPayload.hex(entry.leafHash()));
        event.put("original", entry.body());
        Map<String, Object> object = new LinkedHashMap<>();
        put(object, "type", f.objectType());
        put(object, "id", f.objectId());
        Map<String, Object> opsledger = new LinkedHashMap<>();
        opsledger.put("entry_id", entry.entryId());
        put(opsledger, "access", f.access());
        put(opsledger, "outcome", f.outcome());
        opsledger.put("privileged", f.privileged());
        if (!object.isEmpty()) {
            opsledger.put("object", object);
        }
        put(opsledger, "before", f.before());
        put(opsledger, "after", f.after());

        Map<String, Object> ecs = root(f.time());
        ecs.put("event", event);
        ecs.put("host", Map.of("name", f.system()));
        put(ecs, "user", f.actor() == null ? null : Map.of("name", f.actor()));
        put(ecs, "source", f.address() == null ? null : Map.of("ip", f.address()));
        put(ecs, "user_agent", f.userAgent() == null ? null : Map.of("original", f.userAgent()));
        put(ecs, "network", f.protocol() == null ? null : Map.of("protocol", f.protocol()));
        ecs.put("opsledger", opsledger);
        return EntryFields.JSON.writeValueAsString(ecs);
    }

    @Override
    public String checkpoint(SiemMessage.Checkpoint c) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", "event");
        event.put("module", "opsledger");
        event.put("dataset", "opsledger.checkpoint");
        event.put("action", "audit.checkpoint");
        event.put("original", c.note());
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("id", c.id());
        checkpoint.put("tree_size", c.treeSize());
        checkpoint.put("root_hash", Base64.getEncoder().encodeToString(c.rootHash()));
        Map<String, Object> ecs = root(SyslogFrame.timestamp(c.signedAt()));
        ecs.put("event", event);
        ecs.put("host", Map.of("name", c.signedBy()));
        ecs.put("opsledger", Map.of("checkpoint", checkpoint));
        return EntryFields.JSON.writeValueAsString(ecs);
    }

    private static Map<String, Object> root(String timestamp) {
        Map<String, Object> ecs = new LinkedHashMap<>();
        ecs.put("@timestamp", timestamp);
        ecs.put("ecs", Map.of("version", ECS_VERSION));
        return ecs;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
