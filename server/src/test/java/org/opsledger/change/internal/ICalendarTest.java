package org.opsledger.change.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 5545 details calendar clients are strict about. */
class ICalendarTest {

    @Test
    void textValuesEscapeBackslashSemicolonCommaAndNewlines() {
        assertThat(ICalendar.text("a,b;c\\d\ne")).isEqualTo("a\\,b\\;c\\\\d\\ne");
    }

    @Test
    void longLinesFoldAt75OctetsWithoutSplittingACharacter() {
        String folded = ICalendar.fold("SUMMARY:" + "é".repeat(60));
        for (String line : folded.split("\r\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
        }
        assertThat(folded.split("\r\n")[1]).startsWith(" ");
        assertThat(folded.replace("\r\n ", "")).isEqualTo("SUMMARY:" + "é".repeat(60));
    }

    @Test
    void aCalendarHasCrlfLinesUtcTimesAndAUidPerEvent() {
        String ics = new ICalendar("Team, ops").event("42@opsledger", Instant.parse("2026-11-23T10:00:00.123Z"),
                Instant.parse("2026-11-24T22:00:00Z"), Instant.parse("2026-11-25T00:30:00Z"), "CHG-000042 Patch", "line 1\nline 2",
                "http://x/changes/CHG-000042", "CONFIRMED", 3, "Change").end();
        assertThat(ics).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n").endsWith("END:VCALENDAR\r\n");
        assertThat(ics.replace("\r\n", "")).doesNotContain("\n");
        assertThat(ics).contains("\r\nUID:42@opsledger\r\n", "\r\nDTSTAMP:20261123T100000Z\r\n", "\r\nDTSTART:20261124T220000Z\r\n",
                "\r\nDTEND:20261125T003000Z\r\n", "DESCRIPTION:line 1\\nline 2", "X-WR-CALNAME:Team\\, ops", "SEQUENCE:3");
    }
}
