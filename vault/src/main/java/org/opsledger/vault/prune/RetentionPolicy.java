package org.opsledger.vault.prune;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

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
     * {@code --keep-within}: a span back from now in the units it was given, as restic counts it (its AddDate): months
     * and years are calendar months and years in the operator's time zone, days calendar days there, hours hours. "1y"
     * on 31 January 2025 keeps a snapshot of 31 January 2024 (365 days, as this counted before, did not).
     */
    public record Within(long amount, char unit) {

        /** Parses "30d", "12h", "2w", "6m", "1y", as {@link #parseDuration} does. */
        public static Within parse(String s) {
            parseDuration(s); // the same syntax and bounds
            String digits = s.substring(0, s.length() - 1).replaceFirst("^0+(?=\\d)", "");
            return new Within(Long.parseLong(digits), s.charAt(s.length() - 1));
        }

        /** The instant from which snapshots are kept, {@code now} in {@code zone} less this span. */
        public Instant since(Instant now, ZoneId zone) {
            ZonedDateTime t = now.atZone(zone);
            return switch (unit) {
                case 'h' -> now.minus(Duration.ofHours(amount));
                case 'd' -> t.minusDays(amount).toInstant();
                case 'w' -> t.minusWeeks(amount).toInstant();
                case 'm' -> t.minusMonths(amount).toInstant();
                default -> t.minusYears(amount).toInstant();
            };
        }

        @Override
        public String toString() {
            return amount + String.valueOf(unit);
        }
    }

    public boolean isEmpty() {
        return keepLast == 0 && keepWithin == null && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0 && keepYearly == 0;
    }

    /** Parses "30d", "12h", "2w", "1y", "6m" (months as 30 days, years as 365). */
    public static Duration parseDuration(String s) {
        if (s == null || !s.matches("\\d+[hdwmy]")) {
            throw new IllegalArgumentException("duration must be a number followed by h, d, w, m or y (like 30d), got: " + s);
        }
        String digits = s.substring(0, s.length() - 1).replaceFirst("^0+(?=\\d)", "");
        long n = digits.length() > 7 ? 10_000_000 : Long.parseLong(digits); // more than 9,999,999 of anything is too long
        Duration d = switch (s.charAt(s.length() - 1)) {
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            case 'm' -> Duration.ofDays(30 * n);
            default -> Duration.ofDays(365 * n);
        };
        if (d.compareTo(LONGEST) > 0) { // a time this long before now is before any clock's year 1
            throw new IllegalArgumentException("duration is longer than 1000 years, got: " + s);
        }
        return d;
    }

    /** The longest duration taken: longer is a typing mistake, and would reach before the year 1. */
    static final Duration LONGEST = Duration.ofDays(365L * 1000);
}
