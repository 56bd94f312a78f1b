package org.opsledger.vault.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * --keep-within counts back from now as restic does (Go's AddDate): calendar months and years, calendar days in the
 * operator's zone. A helper's `faketime "2025-01-31 12:00" forget --keep-within 1y` removed the snapshot of
 * 2024-01-31 22:30 UTC, which restic keeps: a year was 365 days, and 2024 had 366.
 */
class RetentionPolicyTest {

    private static final Instant NOW = Instant.parse("2025-01-31T12:00:00Z");

    @Test
    void monthsAndYearsAreCalendarMonthsAndYears() {
        assertThat(RetentionPolicy.Within.parse("1y").since(NOW, ZoneOffset.UTC)).isEqualTo("2024-01-31T12:00:00Z");
        assertThat(RetentionPolicy.Within.parse("1m").since(NOW, ZoneOffset.UTC)).isEqualTo("2024-12-31T12:00:00Z");
        assertThat(RetentionPolicy.Within.parse("6m").since(Instant.parse("2025-08-31T12:00:00Z"), ZoneOffset.UTC))
                .as("no 31 February: the month's last day (restic's AddDate goes on to 3 March, keeping three days less)").isEqualTo("2025-02-28T12:00:00Z");
        assertThat(RetentionPolicy.Within.parse("2w").since(NOW, ZoneOffset.UTC)).isEqualTo("2025-01-17T12:00:00Z");
        assertThat(RetentionPolicy.Within.parse("36h").since(NOW, ZoneOffset.UTC)).isEqualTo("2025-01-30T00:00:00Z");
    }

    @Test
    void daysAreCalendarDaysInTheOperatorsZoneHoursAreHours() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant afterSpringForward = Instant.parse("2025-03-31T10:00:00Z"); // 12:00 CEST; a day before, 11:00 CET
        assertThat(RetentionPolicy.Within.parse("1d").since(afterSpringForward, berlin)).isEqualTo("2025-03-30T10:00:00Z");
        assertThat(RetentionPolicy.Within.parse("2d").since(afterSpringForward, berlin)).isEqualTo("2025-03-29T11:00:00Z");
        assertThat(RetentionPolicy.Within.parse("48h").since(afterSpringForward, berlin)).isEqualTo("2025-03-29T10:00:00Z");
    }

    @Test
    void aSpanIsShownAsItWasGiven() {
        assertThat(RetentionPolicy.Within.parse("12h")).hasToString("12h"); // "within 0d" before, in forget's reasons
        assertThat(RetentionPolicy.Within.parse("007d")).hasToString("7d");
        assertThatThrownBy(() -> RetentionPolicy.Within.parse("1x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPolicy.Within.parse("1001y")).hasMessageContaining("longer than 1000 years");
        assertThatThrownBy(() -> RetentionPolicy.Within.parse("999y53w")).hasMessageContaining("longer than 1000 years");
    }

    /** restic's `--keep-within 1y2m3d` was refused: "duration must be a number followed by h, d, w, m or y" (a helper's). */
    @Test
    void severalUnitsTogetherAreTakenAsResticTakesThem() {
        RetentionPolicy.Within w = RetentionPolicy.Within.parse("1y2m3d4h");
        assertThat(w).hasToString("1y2m3d4h");
        assertThat(w.since(NOW, ZoneOffset.UTC)).isEqualTo("2023-11-27T08:00:00Z"); // 2025-01-31, 2024-01-31, 2023-11-30, 11-27, less 4 h
        assertThat(RetentionPolicy.parseDuration("1d12h")).isEqualTo(java.time.Duration.ofHours(36));
        assertThat(RetentionPolicy.Within.parse("0d")).hasToString("0d");
        for (String bad : new String[] {"1y 2m", "y", "1y-2m", "", "1d2"}) {
            assertThatThrownBy(() -> RetentionPolicy.Within.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** "5d1d" was 6 days; restic, which the help says the vault counts as, keeps the last unit given: 1 day (a tester's). */
    @Test
    void aUnitGivenTwiceIsRefused() {
        for (String twice : new String[] {"5d1d", "1d1d", "1y6m2y", "12h1d0h"}) {
            assertThatThrownBy(() -> RetentionPolicy.Within.parse(twice)).as(twice).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("duration gives the unit ").hasMessageContaining(" twice, got: " + twice + ": give each unit once");
            assertThatThrownBy(() -> RetentionPolicy.parseDuration(twice)).as(twice).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(RetentionPolicy.parseDuration("1d12h")).isEqualTo(java.time.Duration.ofHours(36));
    }

    /** `due --daily 90m` said "within 90m" of 90 months, and forget "within 30m1h" of `--keep-within 1h30m` (a tester's). */
    @Test
    void aSpanInWordsNamesItsUnits() {
        assertThat(RetentionPolicy.Within.parse("90m").words()).isEqualTo("90 months");
        assertThat(RetentionPolicy.Within.parse("1h30m").words()).isEqualTo("30 months 1 hour");
        assertThat(RetentionPolicy.Within.parse("1y1m1w1d1h").words()).isEqualTo("1 year 1 month 1 week 1 day 1 hour");
        assertThat(RetentionPolicy.Within.parse("26h").words()).isEqualTo("26 hours");
        assertThat(RetentionPolicy.Within.parse("0h").words()).isEqualTo("0 days");
    }
}
