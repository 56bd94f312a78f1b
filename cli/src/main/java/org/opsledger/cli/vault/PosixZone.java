package org.opsledger.cli.vault;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneOffsetTransitionRule.TimeDefinition;
import java.time.zone.ZoneRules;
import java.time.zone.ZoneRulesProvider;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A POSIX TZ rule ({@code CET-1CEST,M3.5.0,M10.5.0/3}, {@code GMT+3}, {@code <+0530>-5:30}, the footer of a zone file) as
 * the C library follows it, for a JVM that reads it otherwise: Java takes such a TZ as the offset of the moment it starts,
 * for all year, or a {@code GMT+3} as three hours east where POSIX, date(1) and cron have it west. A rule of one offset is
 * that {@link ZoneOffset}; one with summer time a zone of its own (its ID "POSIX/" and the rule, spelled as a zone ID may
 * be), registered with java.time for this JVM. The syntax is POSIX's (XBD 8.3) with RFC 8536's extension of transition
 * times to ±167 hours, where a time outside the day moves the rule to the day it falls on when java.time can say that day
 * (Israel's {@code M3.4.4/26}, Greenland's {@code M3.5.0/-1}); a rule it cannot say (a zero-based day of the year past
 * February, a last weekday moved into the next month) is no zone here.
 */
final class PosixZone {

    /** Name, offset, and optionally a summer-time name, offset and the two dates it starts and ends. */
    private static final Pattern RULE = Pattern.compile("(<[A-Za-z0-9+-]{3,}>|[A-Za-z]{3,})([+-]?\\d{1,2}(?::\\d{1,2}){0,2})"
            + "(?:(<[A-Za-z0-9+-]{3,}>|[A-Za-z]{3,})([+-]?\\d{1,2}(?::\\d{1,2}){0,2})?(?:,([^,]+),([^,]+))?)?");
    /** A date and its time: "M3.5.0/3", "J60", "59/-1:30". */
    private static final Pattern DATE = Pattern.compile("(?:M(\\d{1,2})\\.(\\d)\\.(\\d)|J(\\d{1,3})|(\\d{1,3}))(?:/([+-]?\\d{1,3}(?::\\d{1,2}){0,2}))?");
    /** glibc's rule for a summer time named without dates (TZ=ABC5XYZ), the United States' since 2007. */
    private static final String DEFAULT_DATES = "M3.2.0,M11.1.0";

    private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();

    private PosixZone() {
    }

    /** Whether {@code rule} is a POSIX TZ rule at all, whether or not {@link #of} can follow it. */
    static boolean looksLikeOne(String rule) {
        return rule != null && RULE.matcher(rule).matches();
    }

    /** The zone {@code rule} describes, or null if it is not a rule or one java.time cannot follow. */
    static ZoneId of(String rule) {
        if (rule == null) {
            return null;
        }
        Matcher m = RULE.matcher(rule);
        if (!m.matches()) {
            return null;
        }
        try {
            ZoneOffset standard = ZoneOffset.ofTotalSeconds(-seconds(m.group(2)));
            if (m.group(3) == null) {
                return standard;
            }
            ZoneOffset summer = ZoneOffset.ofTotalSeconds(m.group(4) == null ? standard.getTotalSeconds() + 3600 : -seconds(m.group(4)));
            String[] dates = m.group(5) == null ? DEFAULT_DATES.split(",") : new String[] {m.group(5), m.group(6)};
            ZoneOffsetTransitionRule starts = transition(dates[0], standard, standard, summer);
            ZoneOffsetTransitionRule ends = transition(dates[1], standard, summer, standard);
            if (starts == null || ends == null) {
                return null;
            }
            return ZONES.computeIfAbsent(rule, r -> register(r, standard, List.of(starts, ends)));
        } catch (java.time.DateTimeException | ArithmeticException e) { // an offset past ±18 hours
            return null;
        }
    }

    /** [+-]hh[:mm[:ss]] in seconds, POSIX's sign: west of UTC positive. */
    private static int seconds(String s) {
        int sign = s.startsWith("-") ? -1 : 1;
        String[] parts = s.replaceFirst("^[+-]", "").split(":");
        int t = 0;
        for (int i = 0; i < 3; i++) {
            int part = i < parts.length ? Integer.parseInt(parts[i]) : 0;
            if (i > 0 && part > 59) {
                throw new ArithmeticException("minutes or seconds past 59");
            }
            t = t * 60 + part;
        }
        return sign * t;
    }

    /**
     * The rule of one of the two dates, its time in the local time then in force ({@code before}), or null where java.time
     * cannot say it.
     */
    private static ZoneOffsetTransitionRule transition(String date, ZoneOffset standard, ZoneOffset before, ZoneOffset after) {
        Matcher d = DATE.matcher(date);
        if (!d.matches()) {
            return null;
        }
        long time = d.group(6) == null ? 2 * 3600 : seconds(d.group(6));
        if (Math.abs(time) > 167 * 3600) {
            return null;
        }
        int days = (int) Math.floorDiv(time, 86400); // days the time moves the date by
        long inDay = Math.floorMod(time, 86400);
        boolean endOfDay = false;
        if (days == 1 && inDay == 0) { // "/24": the end of the day, as java.time says it
            days = 0;
            endOfDay = true;
        }
        LocalTime at = LocalTime.ofSecondOfDay(inDay);
        Month month;
        int indicator;
        DayOfWeek weekday = null;
        if (d.group(1) != null) { // Mm.w.d: the w-th (5: last) weekday d (0 Sunday) of month m
            int w = Integer.parseInt(d.group(2));
            int dow = Integer.parseInt(d.group(3));
            if (w < 1 || w > 5 || dow > 6) {
                return null;
            }
            month = Month.of(Integer.parseInt(d.group(1)));
            weekday = DayOfWeek.SUNDAY.plus(dow + days);
            if (w == 5) { // on or before the month's last day, -1; moved back only: forward it may leave the month
                if (days > 0) {
                    return null;
                }
                indicator = -1 + days;
            } else { // on or after day 1 + 7(w-1), moved within the month
                indicator = 1 + 7 * (w - 1) + days;
                if (indicator < 1 || indicator + 6 > month.minLength()) {
                    return null;
                }
            }
        } else { // Jn: day n of 365, February 29 never counted; n: day n from 0, counted, so a fixed date only before March
            int n = Integer.parseInt(d.group(4) != null ? d.group(4) : d.group(5)) + (d.group(4) != null ? 0 : 1);
            if (n < 1 || n > 365 || d.group(5) != null && n > 59) {
                return null;
            }
            java.time.LocalDate day = java.time.LocalDate.ofYearDay(2001, n).plusDays(days); // a year without February 29
            if (day.getYear() != 2001 || day.getMonth() == Month.FEBRUARY && day.getDayOfMonth() == 29) {
                return null;
            }
            month = day.getMonth();
            indicator = day.getDayOfMonth();
        }
        return ZoneOffsetTransitionRule.of(month, indicator, weekday, at, endOfDay, TimeDefinition.WALL, standard, before, after);
    }

    /**
     * A zone of {@code rules} registered as "POSIX/…": java.time finds a zone's rules by its ID only. Its transitions of 1970
     * are given as well, after which the rules go on (java.time applies them after a zone's last transition).
     */
    private static ZoneId register(String rule, ZoneOffset standard, List<ZoneOffsetTransitionRule> rules) {
        StringBuilder id = new StringBuilder("POSIX/");
        for (char c : rule.toCharArray()) {
            id.append(Character.isLetterOrDigit(c) && c < 128 || "/._+-".indexOf(c) >= 0 ? String.valueOf(c)
                    : "~" + Integer.toHexString(c));
        }
        // in their order within a year, as java.time applies them: the southern summer ends before it starts (Sydney's)
        List<ZoneOffsetTransitionRule> inYear = rules.stream().sorted(java.util.Comparator.comparing(r -> r.createTransition(1970).getInstant())).toList();
        List<ZoneOffsetTransition> first = inYear.stream().map(r -> r.createTransition(1970)).toList();
        ZoneRules zoneRules = ZoneRules.of(standard, first.get(0).getOffsetBefore(), List.of(), first, inYear);
        String key = id.toString();
        ZoneRulesProvider.registerProvider(new ZoneRulesProvider() { // one a zone: a provider's IDs are read as it is registered
            @Override
            protected Set<String> provideZoneIds() {
                return Set.of(key);
            }

            @Override
            protected ZoneRules provideRules(String zoneId, boolean forCaching) {
                return zoneRules;
            }

            @Override
            protected NavigableMap<String, ZoneRules> provideVersions(String zoneId) {
                return new TreeMap<>(Map.of(rule, zoneRules));
            }
        });
        return ZoneId.of(key);
    }
}
