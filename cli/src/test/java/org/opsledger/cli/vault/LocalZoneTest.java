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

    /**
     * TZ=:/etc/localtime (glibc's advice to spare a stat per call) or TZ=/usr/share/zoneinfo/Europe/Berlin: Java knows no
     * zone by a path and takes today's offset for all year, GMT+01:00 in December (a tester's, h2's repro-2). The rule
     * at the end of the file TZ names is checked as /etc/localtime's is; in the JVM itself, forget is refused.
     */
    @Test
    void aZoneFileTzNamesIsCheckedByItsRule(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path berlin = Path.of("/usr/share/zoneinfo/Europe/Berlin");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(berlin), "tzdata is installed");
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", berlin.toString(), LocalZone.footerOf(berlin), ZoneId.of("GMT+01:00")))
                .isInstanceOf(CliException.class).hasMessageStartingWith("forget counts local days, and TZ=/usr/share/zoneinfo/Europe/Berlin"
                        + " names a zone file that holds a POSIX rule with summer time (CET-1CEST,M3.5.0,M10.5.0/3) that Java reads as"
                        + " GMT+01:00 all year: set TZ to a zone ID (TZ=Europe/Berlin");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                "vault", "forget", "--keep-daily", "2", "--repo", tmp.resolve("none").toString());
        pb.environment().put("TZ", ":" + berlin);
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "pw");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(2);
        assertThat(err).startsWith("opsledger: forget counts local days, and TZ=:" + berlin + " names a zone file");
    }

    /**
     * POSIX's TZ=GMT+3 is three hours west of UTC (date(1), cron), Java's GMT+3 three hours east: forget counted local days
     * 6 hours away from the host's clock and removed the last backup of a day by it (a tester's). Refused, naming a TZ both
     * read alike; a rule Java reads as POSIX does (UTC+3, EST5, "<-03>3": Java asks the C library) is taken.
     */
    @Test
    void aPosixFixedOffsetJavaReadsOtherwiseIsRefused() {
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", "GMT+3", null, ZoneId.of("GMT+03:00")))
                .isInstanceOf(CliException.class).hasMessage("forget counts local days, and TZ=GMT+3 is a POSIX rule (GMT+3) of UTC-03:00,"
                        + " as date(1) and cron read it, that Java reads as UTC+03:00: set TZ=Etc/GMT+3 (UTC-03:00; the zone ID of the"
                        + " place, as in /usr/share/zoneinfo, does as well); nothing was changed");
        assertThatThrownBy(() -> LocalZone.forCountingDays("tier", ":GMT-10", null, ZoneId.of("GMT-10:00")))
                .hasMessageContaining("of UTC+10:00").hasMessageContaining("set TZ=Etc/GMT-10 (UTC+10:00;");
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", "GMT+3:30", null, ZoneId.of("GMT+03:30")))
                .hasMessageContaining("set TZ='<-0330>3:30' (UTC-03:30;");
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", "GMT-5:30", null, ZoneId.of("GMT-05:30")))
                .hasMessageContaining("set TZ='<+0530>-5:30' (UTC+05:30;");
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", null, "<-03>3", ZoneId.of("GMT"))) // a copied zone file, read as GMT
                .hasMessageContaining("/etc/localtime holds a POSIX rule (<-03>3) of UTC-03:00");
        assertThat(LocalZone.forCountingDays("forget", "UTC+3", null, ZoneId.of("GMT-03:00"))).isEqualTo(ZoneId.of("GMT-03:00"));
        assertThat(LocalZone.forCountingDays("forget", "EST5", null, ZoneId.of("GMT-05:00"))).isEqualTo(ZoneId.of("GMT-05:00"));
        assertThat(LocalZone.forCountingDays("forget", "<+0530>-5:30", null, ZoneId.of("GMT+05:30"))).isEqualTo(ZoneId.of("GMT+05:30"));
        assertThat(LocalZone.forCountingDays("forget", "Etc/GMT+3", null, ZoneId.of("Etc/GMT+3"))).isEqualTo(ZoneId.of("Etc/GMT+3"));
        assertThat(LocalZone.forCountingDays("forget", "GMT0", null, ZoneId.of("GMT0"))).isEqualTo(ZoneId.of("GMT0"));
    }

    /** The JVM itself, under TZ=GMT+3: forget refuses it before opening a repository; under the TZ it names, it goes on. */
    @Test
    void forgetUnderTzGmtPlus3IsRefusedAndTheZoneItNamesIsTaken(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String tz : java.util.List.of("GMT+3", "Etc/GMT+3")) {
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                    "vault", "forget", "--keep-daily", "2", "--repo", tmp.resolve("none").toString());
            pb.environment().put("TZ", tz);
            pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "pw");
            Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (tz.equals("GMT+3")) {
                assertThat(p.waitFor()).as(err).isEqualTo(2);
                assertThat(err).startsWith("opsledger: forget counts local days, and TZ=GMT+3 is a POSIX rule (GMT+3) of UTC-03:00");
            } else {
                assertThat(p.waitFor()).as(err).isEqualTo(1); // past the zone: no repository there
                assertThat(err).doesNotContain("counts local days");
            }
        }
    }

    @Test
    void zoneIdsFixedZonesAndRulesJavaKnowsAreTaken() {
        assertThat(LocalZone.forCountingDays("forget", "Europe/Berlin", null, ZoneId.of("Europe/Berlin"))).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(LocalZone.forCountingDays("forget", "UTC0", null, ZoneId.of("GMT"))).isEqualTo(ZoneId.of("GMT")); // no summer time
        assertThat(LocalZone.forCountingDays("forget", "EST5EDT", null, ZoneId.of("EST5EDT"))).isEqualTo(ZoneId.of("EST5EDT")); // tzdb's own
        assertThat(LocalZone.forCountingDays("forget", null, null, ZoneId.of("GMT+01:00"))).isEqualTo(ZoneId.of("GMT+01:00"));
    }
}
