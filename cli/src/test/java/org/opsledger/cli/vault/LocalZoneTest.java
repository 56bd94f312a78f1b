package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.cli.CliException;

/**
 * backup records, and forget and tier count local days, in the zone the C library follows, summer time and all, or
 * refuse alike (a helper's: an hour off all summer; an engineer's: backup recorded what forget refused).
 */
class LocalZoneTest {

    private static final Instant JULY = Instant.parse("2026-07-01T12:00:00Z");
    private static final Instant JANUARY = Instant.parse("2026-01-15T12:00:00Z");

    @Test
    void aPosixRuleWithSummerTimeReadAsAFixedOffsetIsFollowed() {
        ZoneId cet = LocalZone.forCountingDays("forget", "CET-1CEST,M3.5.0,M10.5.0/3", null, ZoneId.of("GMT+01:00"));
        assertThat(cet.getRules().getOffset(JULY)).isEqualTo(ZoneOffset.ofHours(2));
        assertThat(cet.getRules().getOffset(JANUARY)).isEqualTo(ZoneOffset.ofHours(1));
        ZoneId plus3 = LocalZone.forCountingDays("tier", "<+03>-3<+04>,M3.5.0/2,M10.5.0/3", null, ZoneId.of("GMT+03:00"));
        assertThat(plus3.getRules().getOffset(JULY)).isEqualTo(ZoneOffset.ofHours(4));
        // glibc follows a rule after a colon too (a re-tester's)
        assertThat(LocalZone.forCountingDays("forget", ":CET-1CEST,M3.5.0,M10.5.0/3", null, ZoneId.of("GMT+01:00"))).isEqualTo(cet);
    }

    /**
     * The rule of each zone file, as tzdata writes it at its end, gives the offsets of the zone for every hour of 2026 to
     * 2031: the last Sunday (Berlin), a time past the day (Jerusalem's M3.4.4/26: Friday 02:00), before it (Nuuk's
     * M3.5.0/-1: Saturday 23:00), at its end (Santiago's /24, Cairo's last Thursday /24), of part of an hour (Chatham), the
     * southern summer (Sydney) and a winter time below the standard one (Dublin).
     */
    @Test
    void zoneFilesRulesGiveTheirZonesOffsets() {
        for (String name : List.of("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Jerusalem", "America/Nuuk",
                "Pacific/Chatham", "America/Santiago", "Africa/Cairo", "America/Havana", "Europe/Dublin")) {
            Path file = Path.of("/usr/share/zoneinfo", name);
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(file), "tzdata is installed");
            ZoneId followed = LocalZone.forCountingDays("forget", null, LocalZone.footerOf(file), ZoneId.of("GMT"));
            java.time.zone.ZoneRules tzdb = ZoneId.of(name).getRules();
            for (Instant t = Instant.parse("2026-01-01T00:00:00Z"); t.isBefore(Instant.parse("2032-01-01T00:00:00Z")); t = t.plusSeconds(900)) {
                if (!followed.getRules().getOffset(t).equals(tzdb.getOffset(t))) {
                    assertThat(followed.getRules().getOffset(t)).as(name + " at " + t + " (" + LocalZone.footerOf(file) + ")")
                            .isEqualTo(tzdb.getOffset(t));
                }
            }
        }
    }

    /** A rule java.time cannot say is refused, naming what to set instead; by backup as by forget and tier. */
    @Test
    void aRuleJavaTimeCannotFollowIsRefused() {
        assertThatThrownBy(() -> LocalZone.forCountingDays("backup", "ABC-1XYZ,M3.5.0/30,M10.5.0/3", null, ZoneId.of("GMT+01:00")))
                .isInstanceOf(CliException.class).hasMessage("backup counts local days, and TZ=ABC-1XYZ,M3.5.0/30,M10.5.0/3 is a POSIX rule"
                        + " (ABC-1XYZ,M3.5.0/30,M10.5.0/3) that Java reads as GMT+01:00 all year and this build cannot follow: set TZ to a"
                        + " zone ID (TZ=Europe/Berlin, as in /usr/share/zoneinfo, installed with tzdata) or to UTC; nothing was changed");
        assertThatThrownBy(() -> LocalZone.forCountingDays("forget", null, "ABC-1XYZ,100,M10.5.0/3", ZoneId.of("GMT"))) // day 100 from 0
                .hasMessageContaining("/etc/localtime holds a POSIX rule (ABC-1XYZ,100,M10.5.0/3)");
        assertThatThrownBy(() -> LocalZone.forCountingDays("tier", "GMT+25", null, ZoneId.of("GMT"))).hasMessageStartingWith("tier counts");
    }

    /**
     * TZ unset and /etc/localtime a copy of a zone file on a host without the zoneinfo tree (the container idiom): the JVM
     * counts days in GMT while date(1) shows summer time (a re-tester's). The rule at the end of the zone file is followed.
     */
    @Test
    void aCopiedZoneFileWithSummerTimeTheJvmReadAsGmtIsFollowed() throws Exception {
        Path berlin = Path.of("/usr/share/zoneinfo/Europe/Berlin");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(berlin), "tzdata is installed");
        assertThat(LocalZone.footerOf(berlin)).isEqualTo("CET-1CEST,M3.5.0,M10.5.0/3");
        assertThat(LocalZone.forCountingDays("forget", null, LocalZone.footerOf(berlin), ZoneId.of("GMT")).getRules().getOffset(JULY))
                .isEqualTo(ZoneOffset.ofHours(2));
        assertThat(LocalZone.forCountingDays("forget", null, LocalZone.footerOf(Path.of("/usr/share/zoneinfo/UTC")), ZoneId.of("GMT")))
                .isEqualTo(ZoneId.of("GMT"));
        assertThat(LocalZone.footerOf(Path.of("/etc/hostname"))).as("not a zone file").isNull();
    }

    /**
     * TZ=:/etc/localtime (glibc's advice to spare a stat per call) or TZ=/usr/share/zoneinfo/Europe/Berlin: Java knows no
     * zone by a path and takes today's offset for all year, GMT+01:00 in December (a tester's, h2's repro-2). The rule
     * at the end of the file TZ names is followed as /etc/localtime's is; in the JVM itself, forget goes on.
     */
    @Test
    void aZoneFileTzNamesIsFollowedByItsRule(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path berlin = Path.of("/usr/share/zoneinfo/Europe/Berlin");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(berlin), "tzdata is installed");
        assertThat(LocalZone.forCountingDays("forget", berlin.toString(), LocalZone.footerOf(berlin), ZoneId.of("GMT+01:00"))
                .getRules().getOffset(JULY)).isEqualTo(ZoneOffset.ofHours(2));
        assertThat(forgetUnder(":" + berlin, tmp).exit()).isEqualTo(1); // past the zone: no repository there
    }

    /**
     * POSIX's TZ=GMT+3 is three hours west of UTC (date(1), cron), Java's GMT+3 three hours east: forget counted local days
     * 6 hours away from the host's clock and removed the last backup of a day by it (a tester's). POSIX's reading is taken;
     * a rule Java reads as POSIX does (UTC+3, EST5, "<-03>3": Java asks the C library) keeps Java's zone.
     */
    @Test
    void aPosixFixedOffsetIsTakenAsPosixReadsIt() {
        assertThat(LocalZone.forCountingDays("forget", "GMT+3", null, ZoneId.of("GMT+03:00"))).isEqualTo(ZoneOffset.ofHours(-3));
        assertThat(LocalZone.forCountingDays("tier", ":GMT-10", null, ZoneId.of("GMT-10:00"))).isEqualTo(ZoneOffset.ofHours(10));
        assertThat(LocalZone.forCountingDays("forget", "GMT+3:30", null, ZoneId.of("GMT+03:30"))).isEqualTo(ZoneOffset.ofHoursMinutes(-3, -30));
        assertThat(LocalZone.forCountingDays("forget", null, "<-03>3", ZoneId.of("GMT"))).isEqualTo(ZoneOffset.ofHours(-3)); // a copied zone file
        assertThat(LocalZone.forCountingDays("forget", "UTC+3", null, ZoneId.of("GMT-03:00"))).isEqualTo(ZoneId.of("GMT-03:00"));
        assertThat(LocalZone.forCountingDays("forget", "EST5", null, ZoneId.of("GMT-05:00"))).isEqualTo(ZoneId.of("GMT-05:00"));
        assertThat(LocalZone.forCountingDays("forget", "<+0530>-5:30", null, ZoneId.of("GMT+05:30"))).isEqualTo(ZoneId.of("GMT+05:30"));
        assertThat(LocalZone.forCountingDays("forget", "Etc/GMT+3", null, ZoneId.of("Etc/GMT+3"))).isEqualTo(ZoneId.of("Etc/GMT+3"));
        assertThat(LocalZone.forCountingDays("forget", "GMT0", null, ZoneId.of("GMT0"))).isEqualTo(ZoneId.of("GMT0"));
    }

    /** The JVM itself, under TZ=GMT+3 and TZ=Etc/GMT+3: forget goes on under both. */
    @Test
    void forgetUnderTzGmtPlus3GoesOn(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        for (String tz : List.of("GMT+3", "Etc/GMT+3")) {
            Run forget = forgetUnder(tz, tmp);
            assertThat(forget.exit()).as(forget.err()).isEqualTo(1); // past the zone: no repository there
            assertThat(forget.err()).doesNotContain("counts local days");
        }
    }

    record Run(int exit, String err) {
    }

    private static Run forgetUnder(String tz, Path tmp) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                "vault", "forget", "--keep-daily", "2", "--repo", tmp.resolve("none").toString());
        pb.environment().put("TZ", tz);
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "pw");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Run(p.waitFor(), err);
    }

    @Test
    void zoneIdsFixedZonesAndRulesJavaKnowsAreTaken() {
        assertThat(LocalZone.forCountingDays("forget", "Europe/Berlin", null, ZoneId.of("Europe/Berlin"))).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(LocalZone.forCountingDays("forget", "UTC0", null, ZoneId.of("GMT"))).isEqualTo(ZoneId.of("GMT")); // no summer time
        assertThat(LocalZone.forCountingDays("forget", "EST5EDT", null, ZoneId.of("EST5EDT"))).isEqualTo(ZoneId.of("EST5EDT")); // tzdb's own
        assertThat(LocalZone.forCountingDays("forget", null, null, ZoneId.of("GMT+01:00"))).isEqualTo(ZoneId.of("GMT+01:00"));
    }
}
