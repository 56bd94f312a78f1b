package org.opsledger.vault.prune;

import java.time.Duration;

/**
 * Which snapshots to keep; a snapshot is kept if any rule keeps it. {@code keepWithin} null means no such rule;
 * {@code keepLast} keeps the newest N of each group whatever their age: the floor that stops a policy by age
 * from removing every backup of a host whose backups have stopped.
 */
public record RetentionPolicy(int keepLast, Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly) {

    /** A policy without {@code keepLast}. */
    public RetentionPolicy(Duration keepWithin, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly) {
        this(0, keepWithin, keepDaily, keepWeekly, keepMonthly, keepYearly);
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
