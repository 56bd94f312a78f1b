package org.opsledger.audit.internal.siem;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One RFC 5424 syslog message in octet-counting framing ({@code MSG-LEN SP SYSLOG-MSG}; RFC 5425 4.3
 * for TLS, RFC 6587 3.4.1 for plain TCP). Facility 13 (log audit); the structured data element
 * {@code opsledger@32473} carries the sequence number, so a receiver that keeps only the header and
 * the structured data still has its dedupe key. 32473 is the private enterprise number RFC 5612
 * reserves for examples; see docs/audit-format.md.
 */
final class SyslogFrame {

    static final String SD_ID = "opsledger@32473";
    static final String APP_NAME = "opsledger";
    private static final int FACILITY_LOG_AUDIT = 13;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);

    /** RFC 5424 6.2.1 severities that the messages use. */
    enum Severity {
        WARNING(4), NOTICE(5), INFORMATIONAL(6);

        final int code;

        Severity(int code) {
            this.code = code;
        }
    }

    private SyslogFrame() {
    }

    /**
     * @param hostname the node that wrote the entry or signed the checkpoint
     * @param msgId    {@code audit} or {@code checkpoint}
     * @param params   structured data parameters, name then value, in order
     */
    static byte[] frame(Severity severity, Instant time, String hostname, String msgId, String payload, String... params) {
        StringBuilder m = new StringBuilder(payload.length() + 160);
        m.append('<').append(FACILITY_LOG_AUDIT * 8 + severity.code).append(">1 ")
                .append(timestamp(time)).append(' ')
                .append(headerField(hostname, 255)).append(' ')
                .append(APP_NAME).append(" - ")
                .append(headerField(msgId, 32)).append(" [").append(SD_ID);
        for (int i = 0; i < params.length; i += 2) {
            m.append(' ').append(params[i]).append("=\"").append(paramValue(params[i + 1])).append('"');
        }
        m.append("] ").append(payload);
        byte[] message = m.toString().getBytes(StandardCharsets.UTF_8);
        byte[] length = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[length.length + message.length];
        System.arraycopy(length, 0, framed, 0, length.length);
        System.arraycopy(message, 0, framed, length.length, message.length);
        return framed;
    }

    /** UTC with six fraction digits, as the canonical entry writes time. */
    static String timestamp(Instant time) {
        return TIMESTAMP.format(time);
    }

    /** RFC 5424 6: header fields are printable US-ASCII without spaces, NILVALUE when empty. */
    static String headerField(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c > 32 && c < 127 ? c : '_');
        }
        return out.toString();
    }

    /** RFC 5424 6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with '\'. */
    static String paramValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
