package org.opsledger.audit.internal.siem;

import java.time.Instant;
import java.util.HexFormat;

/** The MSG part of a forwarded syslog message, in the configured format (docs/audit-format.md 4). */
sealed interface SiemPayload permits CefPayload, EcsPayload {

    String entry(SiemMessage.Entry entry, EntryFields fields);

    String checkpoint(SiemMessage.Checkpoint checkpoint);

    static SiemPayload of(SiemSettings.Format format) {
        return switch (format) {
            case CEF -> new CefPayload();
            case ECS -> new EcsPayload();
        };
    }

    /** The whole framed message: RFC 5424 header, structured data with the sequence number, payload. */
    default byte[] frame(SiemMessage message) {
        return switch (message) {
            case SiemMessage.Entry e -> {
                EntryFields f = EntryFields.of(e.body());
                SyslogFrame.Severity severity = f.succeeded() ? SyslogFrame.Severity.INFORMATIONAL : SyslogFrame.Severity.WARNING;
                yield SyslogFrame.frame(severity, Instant.parse(f.time()), f.system(), "audit", entry(e, f),
                        "leaf", Long.toString(e.leafIndex()), "entry", Long.toString(e.entryId()));
            }
            case SiemMessage.Checkpoint c -> SyslogFrame.frame(SyslogFrame.Severity.NOTICE, c.signedAt(), c.signedBy(),
                    "checkpoint", checkpoint(c), "checkpoint", Long.toString(c.id()), "size", Long.toString(c.treeSize()));
        };
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
