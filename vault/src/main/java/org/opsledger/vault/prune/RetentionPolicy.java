package org.opsledger.vault.prune;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opsledger.vault.snapshot.Snapshot;

/**
 * Which snapshots to keep; a snapshot is kept if any rule keeps it. {@code keepWithin} null means no such rule;
 * {@code keepLast} keeps the newest N of each group whatever their age: the floor that stops a policy by age
 * from removing every backup of a host whose backups have stopped.
 */
public record RetentionPolicy(int keepLast, Within keepWithin, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly) {

    /** A policy without {@code keepLast}. */
    public RetentionPolicy(Within keepWithin, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly) {
        this(0, keepWithin, keepDaily, keepWeekly, keepMonthly, keepYearly);
    }

    /**
     * {@code --keep-within}, and tier's near-line period: a span back from now in the units it was given, as restic counts
     * it (its AddDate): months and years are calendar months and years on each snapshot's calendar ({@link #holds}), days
     * calendar days there, hours hours; several units together as restic takes them ("1y6m", "2d12h"), each once ({@link #parseDuration}).
     * "1y" on 31 January 2025 keeps a snapshot of 31 January 2024 (365 days, as this counted before, did not). Tier counted its near-line period in
     * spans of 24 hours, forget in calendar days: across a change to summer time a snapshot 30 days old was an hour short of
     * tier's 30d, and `forget --keep-within 30d` removed it the same night, never moved to long-term storage (a helper's).
     */
    public record Within(long years, long months, long weeks, long days, long hours) {

        /** Parses "30d", "12h", "2w", "6m", "1y", "1y6m", with {@link #parseDuration}'s syntax and bounds. */
        public static Within parse(String s) {
            parseDuration(s); // the same syntax and bounds: each unit once
            long[] n = new long[UNITS.length()];
            Matcher m = PART.matcher(s);
            while (m.find()) {
                n[UNITS.indexOf(m.group(2))] = Long.parseLong(m.group(1));
            }
            return new Within(n[0], n[1], n[2], n[3], n[4]);
        }

        /**
         * The span in words, longest unit first: "90 months", "1 year 6 months", "30 months 1 hour". Its letters read
         * otherwise: `due --daily 90m`, meant as 90 minutes, was 90 months and said "within 90m", and forget's reason for
         * `--keep-within 1h30m` was "within 30m1h" (a tester's).
         */
        public String words() {
            long[] n = {years, months, weeks, days, hours};
            java.util.List<String> parts = new java.util.ArrayList<>();
            for (int i = 0; i < n.length; i++) {
                if (n[i] != 0) {
                    parts.add(n[i] + " " + UNIT_WORDS[i] + (n[i] == 1 ? "" : "s"));
                }
            }
            return parts.isEmpty() ? "0 days" : String.join(" ", parts);
        }

        /** The instant from which snapshots are kept, {@code now} in {@code zone} less this span. */
        public Instant since(Instant now, ZoneId zone) {
            return now.atZone(zone).minusYears(years).minusMonths(months).minusWeeks(weeks).minusDays(days).toInstant()
                    .minus(Duration.ofHours(hours));
        }

        /**
         * Whether {@code s} was taken within this span of {@code now}, counted on the snapshot's own calendar ({@link
         * Snapshot#calendar}: its backup host's recorded UTC offset, or {@code zone}, the counting host's, in a snapshot
         * without one), as forget's daily to yearly buckets are: whichever host runs `forget --keep-within` or `tier`,
         * and whatever its zone, they keep and move the same snapshots. Days of a fixed offset are 24 hours, so weeks,
         * days and hours are spans of absolute time; months and years are the calendar's. Both counted in the host's
         * zone: a forget at UTC+14 and one at UTC−12 disagreed by a calendar day on months, and one across a change of
         * summer time by an hour (an engineer's).
         */
        public boolean holds(Snapshot s, Instant now, ZoneId zone) {
            return s.time().isAfter(since(now, s.calendar(zone)));
        }

        @Override
        public String toString() {
            long[] n = {years, months, weeks, days, hours};
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n.length; i++) {
                if (n[i] != 0) {
                    out.append(n[i]).append(UNITS.charAt(i));
                }
            }
            return out.isEmpty() ? "0d" : out.toString();
        }
    }

    /** The units of a span, longest first: years, months, weeks, days, hours. */
    private static final String UNITS = "ymwdh";
    private static final String[] UNIT_WORDS = {"year", "month", "week", "day", "hour"};
    /** One part of a span: a number and its unit. */
    private static final Pattern PART = Pattern.compile("(\\d+)([ymwdh])");

    public boolean isEmpty() {
        return keepLast == 0 && keepWithin == null && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0 && keepYearly == 0;
    }

    /**
     * Parses "30d", "12h", "2w", "1y", "6m", "1y6m" as a fixed length (months as 30 days, years as 365): how late a backup
     * may be (`due`). Spans of snapshots' ages are {@link Within}, by the calendar. A unit given twice is refused: "5d1d"
     * was 6 days here and is 1 day in restic, which keeps the last (a tester's).
     */
    public static Duration parseDuration(String s) {
        if (s != null && s.matches("(\\d+[ymwdhYMWDH])+") && !s.matches("(\\d+[ymwdh])+")) {
            // `journal --since 30D` got the general line below (an engineer's note); M is no unit: months or minutes?
            throw new IllegalArgumentException("duration units are lowercase: y years, m months (not minutes), w weeks, d days,"
                    + " h hours; got: " + s);
        }
        if (s == null || !s.matches("(\\d+[ymwdh])+")) {
            throw new IllegalArgumentException("duration must be a number followed by y, m, w, d or h, or several such (like 30d or"
                    + " 1y6m), got: " + s);
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(s);
        String given = "";
        while (m.find()) {
            if (given.contains(m.group(2))) {
                throw new IllegalArgumentException("duration gives the unit " + m.group(2) + " twice, got: " + s + ": give each unit once"
                        + " (restic takes the last of them)");
            }
            given += m.group(2);
            String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
            long n = digits.length() > 7 ? 10_000_000 : Long.parseLong(digits); // more than 9,999,999 of anything is too long
            d = d.plus(switch (m.group(2).charAt(0)) {
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                case 'w' -> Duration.ofDays(7 * n);
                case 'm' -> Duration.ofDays(30 * n);
                default -> Duration.ofDays(365 * n);
            });
            if (d.compareTo(LONGEST) > 0) { // a time this long before now is before any clock's year 1
                throw new IllegalArgumentException("duration is longer than 1000 years, got: " + s);
            }
        }
        return d;
    }

    /** The longest duration taken: longer is a typing mistake, and would reach before the year 1. */
    static final Duration LONGEST = Duration.ofDays(365L * 1000);
}
