package org.opsledger.change.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What a machine or an auditor reads is the same whatever the JVM's locale (-Duser.language=tr or ar, as images of
 * Turkish and Arabic deployments set it): a change's number, its audit entries' subject and the calendar feed's events
 * said CHG-٠٠٠٠٤٢ under ar-EG, and no search, link or audit query found CHG-000042 (an engineer's).
 */
class ChangeNumberTest {

    @Test
    void aChangeNumberAndTheCalendarsTimesAreAsciiUnderAnyJvmLocale() {
        Locale before = Locale.getDefault();
        try {
            for (String tag : List.of("tr-TR", "ar-EG", "fa-IR", "hi-IN-u-nu-deva")) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertThat(ChangeRequest.number(42)).as(tag).isEqualTo("CHG-000042");
                assertThat(new ICalendar("ops").event("42@opsledger", Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-24T22:00:00Z"),
                        Instant.parse("2026-11-25T00:30:00Z"), "CHG-000042", "", "http://x", "CONFIRMED", 3, "Change").end())
                        .as(tag).contains("\r\nDTSTART:20261124T220000Z\r\n", "SEQUENCE:3");
            }
        } finally {
            Locale.setDefault(before);
        }
    }
}
