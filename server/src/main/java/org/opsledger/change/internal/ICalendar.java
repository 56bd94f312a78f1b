package org.opsledger.change.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Writes RFC 5545 iCalendar: CRLF lines folded at 75 octets, TEXT values escaped, times in UTC. */
final class ICalendar {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder();

    ICalendar(String name) {
        line("BEGIN:VCALENDAR");
        line("VERSION:2.0");
        line("PRODID:-//OpsLedger//Change calendar//EN");
        line("CALSCALE:GREGORIAN");
        line("METHOD:PUBLISH");
        line("X-WR-CALNAME:" + text(name));
    }

    /** One event; {@code status} is TENTATIVE, CONFIRMED or CANCELLED. */
    ICalendar event(String uid, Instant stamp, Instant start, Instant end, String summary, String description, String url,
            String status, int sequence, String category) {
        line("BEGIN:VEVENT");
        line("UID:" + text(uid));
        line("DTSTAMP:" + time(stamp));
        line("DTSTART:" + time(start));
        line("DTEND:" + time(end));
        line("SUMMARY:" + text(summary));
        if (description != null) {
            line("DESCRIPTION:" + text(description));
        }
        if (url != null) {
            line("URL:" + url);
        }
        line("STATUS:" + status);
        line("SEQUENCE:" + sequence);
        if (category != null) {
            line("CATEGORIES:" + text(category));
        }
        line("END:VEVENT");
        return this;
    }

    String end() {
        line("END:VCALENDAR");
        return out.toString();
    }

    static String time(Instant t) {
        return UTC.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT. */
    static String text(String s) {
        return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
                .replace("\r", "\\n");
    }

    /** RFC 5545 3.1: lines longer than 75 octets are folded (CRLF and a space), never inside a UTF-8 sequence. */
    private void line(String content) {
        out.append(fold(content)).append("\r\n");
    }

    static String fold(String content) {
        StringBuilder sb = new StringBuilder();
        int octets = 0;
        int limit = 75;
        for (int i = 0; i < content.length(); ) {
            int cp = content.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + len > limit) {
                sb.append("\r\n ");
                octets = 1;
                limit = 75;
            }
            sb.appendCodePoint(cp);
            octets += len;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}
