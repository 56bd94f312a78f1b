package org.opsledger.cli.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opsledger.cli.CliException;

/**
 * The time zone in which `forget` and `tier` count local days, weeks, months and years: the JVM's, from {@code TZ} or the
 * system's. A POSIX rule with summer time ({@code TZ='CET-1CEST,M3.5.0,M10.5.0/3'}, as BusyBox and some container images
 * set it) is read by the JVM as its standard offset all year, so every day boundary was an hour off from April to October
 * while date(1), cron and borg followed summer time, and `--keep-daily 2` removed one of two backups an hour apart across
 * midnight (a helper's). So is a fixed offset Java reads with the other sign: POSIX's TZ=GMT+3 is three hours west of UTC,
 * as date(1) and cron take it, and Java's GMT+3 three hours east (a tester's: forget counted days 6 hours away from the
 * host's clock). Such a zone is refused, naming what to set instead, where local days decide what is deleted.
 */
final class LocalZone {

    /** A POSIX TZ rule naming a summer-time zone after its standard one: "CET-1CEST…", "<+03>-3<+04>…". */
    private static final Pattern POSIX_WITH_SUMMER_TIME = Pattern.compile("(<[^>]+>|[A-Za-z]{3,})[+-]?\\d{1,2}(:\\d{1,2}){0,2}(<[^>]+>|[A-Za-z]{3,}).*");
    /** A POSIX TZ rule of one fixed offset, hours west of UTC: "GMT+3", "UTC-5:30", "<-03>3", "EST5". */
    private static final Pattern POSIX_FIXED = Pattern.compile("(?:<[^>]+>|[A-Za-z]{3,})([+-]?)(\\d{1,2})(?::(\\d{1,2}))?(?::(\\d{1,2}))?");

    private LocalZone() {
    }

    /**
     * The JVM's zone, unless the C library's local time has summer time the JVM read as a fixed offset, or a fixed offset
     * other than the JVM's: {@code TZ}'s POSIX rule, or, with TZ unset, the rule at the end of /etc/localtime (a copy of a
     * zone file on a host without the zoneinfo tree, the usual container image: the JVM then counted days in GMT while
     * date(1) showed CEST; a re-tester's), or of the zone file TZ names ({@code TZ=:/etc/localtime}, {@code
     * TZ=/usr/share/zoneinfo/Europe/Berlin}: the JVM takes today's offset for all year; a tester's).
     */
    static ZoneId forCountingDays(String command) {
        String tz = System.getenv("TZ");
        String file = tz == null ? "/etc/localtime" : zoneFileOf(tz).startsWith("/") ? zoneFileOf(tz) : null;
        return forCountingDays(command, tz, file == null ? null : footerOf(Path.of(file)), ZoneId.systemDefault());
    }

    /**
     * {@code fileRule}: the rule at the end of the zone file in use, /etc/localtime's with {@code tz} unset, else that of
     * the file {@code tz} names, or null.
     */
    static ZoneId forCountingDays(String command, String tz, String fileRule, ZoneId zone) {
        if (!zone.getRules().isFixedOffset()) {
            return zone;
        }
        boolean names = tz != null && zoneFileOf(tz).startsWith("/"); // a zone file: its rule is what glibc follows
        String rule = tz != null && !names ? tz : fileRule;
        String bare = rule == null ? null : rule.startsWith(":") ? rule.substring(1) : rule; // ":CET-1CEST…" too
        String where = tz == null ? "/etc/localtime holds" : names ? "TZ=" + tz + " names a zone file that holds" : "TZ=" + tz + " is";
        if (bare != null && POSIX_WITH_SUMMER_TIME.matcher(bare).matches()) {
            throw new CliException(command + " counts local days, and " + where + " a POSIX rule with summer time (" + rule
                    + ") that Java reads as " + zone.getId() + " all year: set TZ to a zone ID (TZ=Europe/Berlin, as in"
                    + " /usr/share/zoneinfo, installed with tzdata) or to UTC; nothing was changed", 2);
        }
        Matcher fixed = bare == null ? null : POSIX_FIXED.matcher(bare);
        if (fixed != null && fixed.matches()) {
            // POSIX counts hours west of UTC: GMT+3 is UTC-3 (Etc/GMT+3 in the zoneinfo tree, whose signs are POSIX's)
            long west = Long.parseLong(fixed.group(2)) * 3600 + (fixed.group(3) == null ? 0 : Long.parseLong(fixed.group(3)) * 60)
                    + (fixed.group(4) == null ? 0 : Long.parseLong(fixed.group(4)));
            long east = fixed.group(1).equals("-") ? west : -west;
            int javaEast = zone.getRules().getOffset(Instant.EPOCH).getTotalSeconds();
            if (east != javaEast) {
                throw new CliException(command + " counts local days, and " + where + " a POSIX rule (" + rule + ") of UTC" + offset(east)
                        + ", as date(1) and cron read it, that Java reads as UTC" + offset(javaEast) + ": set TZ="
                        + instead(east) + " (UTC" + offset(east) + "; the zone ID of the place, as in /usr/share/zoneinfo, does as"
                        + " well); nothing was changed", 2);
            }
        }
        return zone;
    }

    /** The TZ value without the colon glibc allows before a file name or rule: a path for a zone file. */
    private static String zoneFileOf(String tz) {
        return tz.startsWith(":") ? tz.substring(1) : tz;
    }

    /** "+03:00", "-03:30", "-24:00": seconds east of UTC as an offset (seconds dropped). */
    private static String offset(long east) {
        long minutes = Math.abs(east) / 60;
        return (east < 0 ? "-" : "+") + String.format(java.util.Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
    }

    /**
     * A TZ that both Java and the C library read as {@code east} seconds east of UTC: a zoneinfo zone of whole hours,
     * Etc/GMT-14 to Etc/GMT+12 (POSIX's signs), else the rule with its name in angle brackets, whose offset Java takes
     * from the C library ("<-0330>3:30").
     */
    static String instead(long east) {
        if (east == 0) {
            return "UTC";
        }
        if (east % 3600 == 0 && east >= -12 * 3600 && east <= 14 * 3600) {
            return "Etc/GMT" + (east <= 0 ? "+" : "-") + Math.abs(east / 3600);
        }
        long west = Math.abs(east) / 60; // minutes, POSIX's sign below
        return "'<" + offset(east).replace(":", "") + ">" + (east > 0 ? "-" : "") + west / 60 + (west % 60 == 0 ? "" : String.format(java.util.Locale.ROOT, ":%02d", west % 60)) + "'";
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
