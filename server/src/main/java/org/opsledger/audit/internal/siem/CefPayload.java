package org.opsledger.audit.internal.siem;

import java.util.Base64;

/**
 * ArcSight Common Event Format, version 0: {@code CEF:0|OpsLedger|OpsLedger|1|<action>|<name>|<severity>|<extension>}.
 * The sequence number is {@code cn1} (label {@code leafIndex}); {@code cs6} carries the canonical
 * entry itself, so a receiver can recompute the leaf hash ({@code cs5}) and check it against the
 * forwarded checkpoints (docs/audit-format.md 4.2).
 */
final class CefPayload implements SiemPayload {

    private static final String HEADER = "CEF:0|OpsLedger|OpsLedger|1|";

    @Override
    public String entry(SiemMessage.Entry entry, EntryFields f) {
        int severity = switch (f.outcome() == null ? "" : f.outcome()) {
            case "success" -> f.privileged() ? 5 : 3;
            case "failure" -> 6;
            default -> 7; // denied
        };
        StringBuilder cef = header(f.action(), f.action() + " " + f.outcome(), severity);
        ext(cef, "rt", Long.toString(java.time.Instant.parse(f.time()).toEpochMilli()));
        ext(cef, "dvchost", f.system());
        ext(cef, "suser", f.actor());
        ext(cef, "src", f.address());
        ext(cef, "requestClientApplication", f.userAgent());
        ext(cef, "app", f.protocol());
        ext(cef, "act", f.access());
        ext(cef, "outcome", f.outcome());
        ext(cef, "reason", f.reason());
        custom(cef, "cn1", "leafIndex", Long.toString(entry.leafIndex()));
        custom(cef, "cn2", "entryId", Long.toString(entry.entryId()));
        custom(cef, "cs1", "objectType", f.objectType());
        custom(cef, "cs2", "objectId", f.objectId());
        custom(cef, "cs3", "privileged", Boolean.toString(f.privileged()));
        custom(cef, "cs5", "leafHash", SiemPayload.hex(entry.leafHash()));
        custom(cef, "cs6", "canonicalEntry", entry.body());
        return cef.toString().stripTrailing();
    }

    @Override
    public String checkpoint(SiemMessage.Checkpoint c) {
        StringBuilder cef = header("audit.checkpoint", "signed checkpoint", 1);
        ext(cef, "rt", Long.toString(c.signedAt().toEpochMilli()));
        ext(cef, "dvchost", c.signedBy());
        custom(cef, "cn2", "checkpointId", Long.toString(c.id()));
        custom(cef, "cn3", "treeSize", Long.toString(c.treeSize()));
        custom(cef, "cs5", "rootHash", Base64.getEncoder().encodeToString(c.rootHash()));
        custom(cef, "cs6", "checkpoint", c.note());
        return cef.toString().stripTrailing();
    }

    private static StringBuilder header(String signatureId, String name, int severity) {
        return new StringBuilder(512).append(HEADER).append(headerValue(signatureId)).append('|')
                .append(headerValue(name)).append('|').append(severity).append('|');
    }

    /** A custom field: {@code cn1Label=leafIndex cn1=41}; left out, label too, without a value. */
    private static void custom(StringBuilder cef, String key, String label, String value) {
        if (value != null) {
            ext(cef, key + "Label", label);
            ext(cef, key, value);
        }
    }

    private static void ext(StringBuilder cef, String key, String value) {
        if (value != null) {
            cef.append(key).append('=').append(extensionValue(value)).append(' ');
        }
    }

    /** CEF header fields escape '\' and '|'. */
    static String headerValue(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ");
    }

    /** CEF extension values escape '\' and '=', and write line breaks as \n and \r. */
    static String extensionValue(String value) {
        return value.replace("\\", "\\\\").replace("=", "\\=").replace("\n", "\\n").replace("\r", "\\r");
    }
}
