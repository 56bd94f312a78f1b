package org.opsledger.cli.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.opsledger.cli.CliException;

/**
 * The host's calendar, as date(1) and cron follow it: the zone in which `backup` records a snapshot's UTC offset and
 * `forget` and `tier` count the days of snapshots recorded without one. The JVM's, from {@code TZ} or the system's,
 * unless the C library follows a POSIX rule the JVM reads otherwise: a rule with summer time ({@code
 * TZ='CET-1CEST,M3.5.0,M10.5.0/3'}, as BusyBox and some container images set it) Java takes as the offset of the day it
 * starts, for all year, and a fixed offset POSIX counts west ({@code TZ=GMT+3}, UTC−3 to date(1) and cron) Java takes as
 * east; that rule is then followed ({@link PosixZone}). Forget refused such a TZ while backup recorded Java's offset
 * under it (TZ=GMT+3: +03:00 for a host at UTC−3; an engineer's). A rule java.time cannot follow is refused, by backup,
 * forget and tier alike, naming what to set instead.
 */
final class LocalZone {

    private LocalZone() {
    }

    /**
     * The host's zone: the JVM's, or the rule the C library follows where the JVM took a fixed offset: {@code TZ}'s POSIX
     * rule, or, with TZ unset, the rule at the end of /etc/localtime (a copy of a zone file on a host without the zoneinfo
     * tree, the usual container image: the JVM then counted days in GMT while date(1) showed CEST; a re-tester's), or of
     * the zone file TZ names ({@code TZ=:/etc/localtime}, {@code TZ=/usr/share/zoneinfo/Europe/Berlin}: the JVM takes
     * today's offset for all year; a tester's). Refused before a repository opens: {@code command} names the command.
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
        if (!PosixZone.looksLikeOne(bare)) {
            return zone; // a zone ID Java read as glibc does (UTC, Etc/GMT+3)
        }
        ZoneId followed = PosixZone.of(bare);
        if (followed == null) {
            String where = tz == null ? "/etc/localtime holds" : names ? "TZ=" + tz + " names a zone file that holds" : "TZ=" + tz + " is";
            throw new CliException(command + " counts local days, and " + where + " a POSIX rule (" + rule + ") that Java reads as "
                    + zone.getId() + " all year and this build cannot follow: set TZ to a zone ID (TZ=Europe/Berlin, as in"
                    + " /usr/share/zoneinfo, installed with tzdata) or to UTC; nothing was changed", 2);
        }
        boolean same = followed.getRules().isFixedOffset() && followed.getRules().getOffset(Instant.EPOCH).equals(zone.getRules().getOffset(Instant.EPOCH));
        return same ? zone : followed;
    }

    /** The TZ value without the colon glibc allows before a file name or rule: a path for a zone file. */
    private static String zoneFileOf(String tz) {
        return tz.startsWith(":") ? tz.substring(1) : tz;
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
