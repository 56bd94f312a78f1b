package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.opsledger.cli.CliException;

/** forget and tier count local days in a zone with its summer time, or refuse (a helper's: an hour off all summer). */
class LocalZoneTest {

    @Test
    void aPosixRuleWithSummerTimeReadAsAFixedOffsetIsRefused() {
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", "CET-1CEST,M3.5.0,M10.5.0/3", null, ZoneId.of("GMT+01:00")))
                .isInstanceOf(CliException.class).hasMessage("forget counts local days, and TZ=CET-1CEST,M3.5.0,M10.5.0/3 is a POSIX"
                        + " rule with summer time (CET-1CEST,M3.5.0,M10.5.0/3) that Java reads as GMT+01:00 all year: set TZ to a zone ID"
                        + " (TZ=Europe/Berlin, as in /usr/share/zoneinfo, installed with tzdata) or to UTC; nothing was changed");
        assertThatThrownBy(() -> LocalZone.forCountingDays("tier", "<+03>-3<+04>,M3.5.0/2,M10.5.0/3", null, ZoneId.of("GMT+03:00")))
                .isInstanceOf(CliException.class);
        // glibc follows a rule after a colon too (a re-tester's)
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", ":CET-1CEST,M3.5.0,M10.5.0/3", null, ZoneId.of("GMT+01:00")))
                .isInstanceOf(CliException.class);
    }

    /**
     * TZ unset and /etc/localtime a copy of a zone file on a host without the zoneinfo tree (the container idiom): the JVM
     * counts days in GMT while date(1) shows summer time (a re-tester's). The rule at the end of the zone file says so.
     */
    @Test
    void aCopiedZoneFileWithSummerTimeTheJvmReadAsGmtIsRefused() throws Exception {
        Path berlin = Path.of("/usr/share/zoneinfo/Europe/Berlin");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(berlin), "tzdata is installed");
        assertThat(LocalZone.footerOf(berlin)).isEqualTo("CET-1CEST,M3.5.0,M10.5.0/3");
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", null, LocalZone.footerOf(berlin), ZoneId.of("GMT")))
                .isInstanceOf(CliException.class).hasMessageContaining("/etc/localtime holds a POSIX rule with summer time");
        assertThat(LocalZone.forCountingDays("forget", null, LocalZone.footerOf(Path.of("/usr/share/zoneinfo/UTC")), ZoneId.of("GMT")))
                .isEqualTo(ZoneId.of("GMT"));
        assertThat(LocalZone.footerOf(Path.of("/etc/hostname"))).as("not a zone file").isNull();
    }

    @Test
    void zoneIdsFixedZonesAndRulesJavaKnowsAreTaken() {
        assertThat(LocalZone.forCountingDays("forget", "Europe/Berlin", null, ZoneId.of("Europe/Berlin"))).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(LocalZone.forCountingDays("forget", "UTC0", null, ZoneId.of("GMT"))).isEqualTo(ZoneId.of("GMT")); // no summer time
        assertThat(LocalZone.forCountingDays("forget", "EST5EDT", null, ZoneId.of("EST5EDT"))).isEqualTo(ZoneId.of("EST5EDT")); // tzdb's own
        assertThat(LocalZone.forCountingDays("forget", null, null, ZoneId.of("GMT+01:00"))).isEqualTo(ZoneId.of("GMT+01:00"));
    }
}
