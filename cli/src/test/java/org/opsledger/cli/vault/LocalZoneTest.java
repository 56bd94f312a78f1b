package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.opsledger.cli.CliException;

/** forget and tier count local days in a zone with its summer time, or refuse (a helper's: an hour off all summer). */
class LocalZoneTest {

    @Test
    void aPosixRuleWithSummerTimeReadAsAFixedOffsetIsRefused() {
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", "CET-1CEST,M3.5.0,M10.5.0/3", ZoneId.of("GMT+01:00")))
                .isInstanceOf(CliException.class).hasMessage("forget counts local days, and TZ=CET-1CEST,M3.5.0,M10.5.0/3 is a POSIX"
                        + " rule with summer time that Java reads as GMT+01:00 all year: set TZ to a zone ID (TZ=Europe/Berlin, as in"
                        + " /usr/share/zoneinfo) or to UTC; nothing was changed");
        assertThatThrownBy(() -> LocalZone.forCountingDays("tier", "<+03>-3<+04>,M3.5.0/2,M10.5.0/3", ZoneId.of("GMT+03:00")))
                .isInstanceOf(CliException.class);
    }

    @Test
    void zoneIdsFixedZonesAndRulesJavaKnowsAreTaken() {
        assertThat(LocalZone.forCountingDays("forget", "Europe/Berlin", ZoneId.of("Europe/Berlin"))).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(LocalZone.forCountingDays("forget", "UTC0", ZoneId.of("GMT"))).isEqualTo(ZoneId.of("GMT")); // no summer time
        assertThat(LocalZone.forCountingDays("forget", "EST5EDT", ZoneId.of("EST5EDT"))).isEqualTo(ZoneId.of("EST5EDT")); // tzdb's own
        assertThat(LocalZone.forCountingDays("forget", null, ZoneId.of("GMT+01:00"))).isEqualTo(ZoneId.of("GMT+01:00"));
    }
}
