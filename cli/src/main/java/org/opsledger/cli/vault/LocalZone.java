package org.opsledger.cli.vault;

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

    /** The JVM's zone, unless {@code TZ} holds summer-time rules the JVM read as a fixed offset. */
    static ZoneId forCountingDays(String command) {
        return forCountingDays(command, System.getenv("TZ"), ZoneId.systemDefault());
    }

    static ZoneId forCountingDays(String command, String tz, ZoneId zone) {
        if (tz != null && zone.getRules().isFixedOffset() && POSIX_WITH_SUMMER_TIME.matcher(tz).matches()) {
            throw new CliException(command + " counts local days, and TZ=" + tz + " is a POSIX rule with summer time that Java reads as "
                    + zone.getId() + " all year: set TZ to a zone ID (TZ=Europe/Berlin, as in /usr/share/zoneinfo) or to UTC; nothing was changed", 2);
        }
        return zone;
    }
}
