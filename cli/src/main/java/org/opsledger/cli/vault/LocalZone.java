package org.opsledger.cli.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.regex.Pattern;
import org.opsledger.cli.CliException;

/**
 * The time zone in which `forget` and `tier` count local days, weeks, months and years: the JVM's, from {@code TZ} or the
 * system's. A POSIX rule with summer time ({@code TZ='CET-1CEST,M3.5.0,M10.5.0/3'}, as BusyBox and some container images
 * set it) is read by the JVM as its standard offset all year, so every day boundary was an hour off from April to October
 * while date(1), cron and borg followed summer time, and `--keep-daily 2` removed one of two backups an hour apart across
 * midnight (a helper's). Such a zone is refused, naming what to set instead, where local days decide what is deleted.
 */
final class LocalZone {

    /** A POSIX TZ rule naming a summer-time zone after its standard one: "CET-1CEST…", "<+03>-3<+04>…". */
    private static final Pattern POSIX_WITH_SUMMER_TIME = Pattern.compile("(<[^>]+>|[A-Za-z]{3,})[+-]?\\d{1,2}(:\\d{1,2}){0,2}(<[^>]+>|[A-Za-z]{3,}).*");

    private LocalZone() {
    }

    /**
     * The JVM's zone, unless the C library's local time has summer time the JVM read as a fixed offset: {@code TZ}'s POSIX
     * rule, or, with TZ unset, the rule at the end of /etc/localtime (a copy of a zone file on a host without the zoneinfo
     * tree, the usual container image: the JVM then counted days in GMT while date(1) showed CEST; a re-tester's).
     */
    static ZoneId forCountingDays(String command) {
        String tz = System.getenv("TZ");
        return forCountingDays(command, tz, tz != null ? null : footerOf(Path.of("/etc/localtime")), ZoneId.systemDefault());
    }

    static ZoneId forCountingDays(String command, String tz, String localtimeRule, ZoneId zone) {
        if (!zone.getRules().isFixedOffset()) {
            return zone;
        }
        String rule = tz != null ? tz : localtimeRule;
        if (rule != null && POSIX_WITH_SUMMER_TIME.matcher(rule.startsWith(":") ? rule.substring(1) : rule).matches()) { // ":CET-1CEST…" too
            throw new CliException(command + " counts local days, and " + (tz != null ? "TZ=" + tz + " is" : "/etc/localtime holds")
                    + " a POSIX rule with summer time (" + rule + ") that Java reads as " + zone.getId() + " all year: set TZ to a zone"
                    + " ID (TZ=Europe/Berlin, as in /usr/share/zoneinfo, installed with tzdata) or to UTC; nothing was changed", 2);
        }
        return zone;
    }

    /**
     * The POSIX rule a zone file (TZif, version 2 or later) ends with, between its last two newlines ("CET-1CEST,M3.5.0,
     * M10.5.0/3"), or null for a file that is not one or cannot be read.
     */
    static String footerOf(Path zoneFile) {
        try {
            byte[] b = Files.readAllBytes(zoneFile);
            if (b.length < 6 || b[0] != 'T' || b[1] != 'Z' || b[2] != 'i' || b[3] != 'f' || b[b.length - 1] != '\n') {
                return null;
            }
            int start = b.length - 2;
            while (start >= 0 && b[start] != '\n') {
                start--;
            }
            return start < 0 ? null : new String(b, start + 1, b.length - start - 2, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
