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
        ext(cef, "cn1Label", "leafIndex");
        ext(cef, "cn1", Long.toString(entry.leafIndex()));
        ext(cef, "cn2Label", "entryId");
        ext(cef, "cn2", Long.toString(entry.entryId()));
        ext(cef, "cs1Label", "objectType");
        ext(cef, "cs1", f.objectType());
        ext(cef, "cs2Label", "objectId");
        ext(cef, "cs2", f.objectId());
        ext(cef, "cs3Label", "privileged");
        ext(cef, "cs3", Boolean.toString(f.privileged()));
        ext(cef, "cs5Label", "leafHash");
        ext(cef, "cs5", SiemPayload.hex(entry.leafHash()));
        ext(cef, "cs6Label", "canonicalEntry");
        ext(cef, "cs6", entry.body());
        return cef.toString().stripTrailing();
    }

    @Override
    public String checkpoint(SiemMessage.Checkpoint c) {
        StringBuilder cef = header("audit.checkpoint", "signed checkpoint", 1);
        ext(cef, "rt", Long.toString(c.signedAt().toEpochMilli()));
        ext(cef, "dvchost", c.signedBy());
        ext(cef, "cn2Label", "checkpointId");
        ext(cef, "cn2", Long.toString(c.id()));
        ext(cef, "cn3Label", "treeSize");
        ext(cef, "cn3", Long.toString(c.treeSize()));
        ext(cef, "cs5Label", "rootHash");
        ext(cef, "cs5", Base64.getEncoder().encodeToString(c.rootHash()));
        ext(cef, "cs6Label", "checkpoint");
        ext(cef, "cs6", c.note());
        return cef.toString().stripTrailing();
    }

    private static StringBuilder header(String signatureId, String name, int severity) {
        return new StringBuilder(512).append(HEADER).append(headerValue(signatureId)).append('|')
                .append(headerValue(name)).append('|').append(severity).append('|');
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
