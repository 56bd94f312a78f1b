package org.opsledger.vault.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

class TargetFilesystemTest {

    @TempDir
    Path tmp;

    @Test
    void aLinuxFilesystemKeepsEverythingAndTheProbeLeavesNothingBehind() throws Exception {
        TargetFilesystem fs = TargetFilesystem.probe(tmp);
        int umask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
                .map(l -> Integer.parseInt(l.substring(6).strip(), 8)).findFirst().orElseThrow();
        assertThat(fs.lostAtCreation()).as("what this process's umask takes from a file created 0777").isEqualTo(umask);
        assertThat(new TargetFilesystem(fs.modesRefused(), fs.timePrecision(), fs.ignoresCase(), fs.symlinksRefused(),
                fs.hardLinksRefused(), fs.reservedRefused(), TargetFilesystem.FULL.lostAtCreation(), fs.namesRefused(), fs.earliestTime(),
                fs.latestTime(), fs.longestName(), fs.longestInUtf16(), fs.devicesRefused(), fs.trailingRefused(), fs.caseListed()))
                .isEqualTo(TargetFilesystem.FULL);
        try (var listed = Files.list(tmp)) {
            assertThat(listed).isEmpty();
        }
    }

    /**
     * A restore stopped while it probed its target (kill -9, a power cut) left its probe directory there: the next restore
     * took the target for a live tree and left the probe in it. The next removes it; a probe of a process still running
     * (a restore probing now) stays.
     */
    @Test
    void theProbeOfARestoreStoppedWhileItProbedIsRemovedByTheNextAndOneOfARunningProcessStays() throws Exception {
        Path data = tmp.resolve("src/data");
        Files.createDirectories(data);
        Files.write(data.resolve("one.txt"), "one blob\n".getBytes());
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path stale = Files.createDirectories(out.resolve(".opsledger-restore-probe-" + gone.pid() + "-" + UUID.randomUUID()));
        Files.createFile(stale.resolve("created-0777"));
        Path other = Files.createDirectories(tmp.resolve("other"));
        Path running = Files.createDirectories(other.resolve(".opsledger-restore-probe-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Restorer restorer = new Restorer(repo, 2);
            assertThat(restorer.restore(snap, out, List.of(), true).verified()).isTrue();
            assertThat(stale).as("the stopped restore's probe").doesNotExist();
            assertThat(restorer.intoLiveTree()).as("a target that held only a stale probe is no live tree").isFalse();
            try (var listed = Files.list(out)) {
                assertThat(listed.map(p -> p.getFileName().toString())).containsExactly("data");
            }
            assertThat(new Restorer(repo, 2).restore(snap, other, List.of(), true).verified()).isTrue();
            assertThat(running).as("the probe of a process still running").isDirectory();
        }
    }

    /** A sparse image restored onto a USB stick's FAT was counted as holes, filled the stick and failed (a helper's). */
    @Test
    void fatAndExfatKeepNoHolesAndFatNoFileOf4GiB() {
        assertThat(TargetFilesystem.keepsHoles("ext4")).isTrue();
        assertThat(TargetFilesystem.keepsHoles("fuseblk")).as("NTFS's driver too, which keeps them").isTrue();
        assertThat(TargetFilesystem.keepsHoles("vfat")).isFalse();
        assertThat(TargetFilesystem.keepsHoles("exfat")).isFalse();
        // FAT through Debian's FUSE driver: a file ending in zeros left a hole and fusefat refused the ftruncate (a re-tester's)
        assertThat(TargetFilesystem.keepsHoles("fuse.fusefat")).isFalse();
        assertThat(TargetFilesystem.largestFile("vfat")).isEqualTo(4L * 1024 * 1024 * 1024 - 1);
        assertThat(TargetFilesystem.largestFile("exfat")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void namesAndTimesAsAFatLikeFilesystemSeesThem() {
        TargetFilesystem fat = new TargetFilesystem("Function not implemented", 2_000_000_000L, true, "x", "y", true, 0777, "not UTF-8",
                315_532_800_000_000_000L, 4_354_819_198_000_000_000L, 255, true, false, false, null); // exFAT's 1980–2107, 255 UTF-16 units
        assertThat(TargetFilesystem.folded("Report.txt")).isEqualTo(TargetFilesystem.folded("report.TXT"));
        assertThat(fat.refusesName("12:00 run")).isEqualTo("it holds one of \"*:<>?\\| or a control character");
        assertThat(fat.refusesName("tab\there")).isNotNull();
        assertThat(fat.refusesName("plain name.txt")).isNull();
        assertThat(fat.refusesName("caf\u00e9")).as("UTF-8: exFAT takes it").isNull();
        assertThat(fat.refusesName("latin1_\uDCE9")).isEqualTo("it is not UTF-8, and the target's filesystem keeps names as Unicode");
        TargetFilesystem ascii = new TargetFilesystem(null, 1, true, null, null, true, 0777, "not ASCII", Long.MIN_VALUE, Long.MAX_VALUE,
                255, false, false, false, null);
        assertThat(ascii.refusesName("\u00b5s")).isEqualTo("it is not ASCII, the only names the target's filesystem takes");
        assertThat(fat.keepsTime(1_600_000_000_000_000_000L)).isTrue();
        assertThat(fat.keepsTime(1_600_000_001_000_000_000L)).as("an odd second").isFalse();
        assertThat(fat.timeRounded()).isEqualTo("kept to 2 s by the target's filesystem");
        assertThat(TargetFilesystem.FULL.keepsTime(1_600_000_001_123_456_789L)).isTrue();
    }

    /**
     * A name exFAT or NTFS holds (255 UTF-16 units) can be longer than the 255 bytes Linux's own filesystems take: 120 Japanese
     * characters are 360 bytes. It ended a restore onto ext4 at that name, "File name too long", exit 1 (a tester's).
     */
    @Test
    void aNameIsRefusedByItsLengthAsTheTargetCountsIt() {
        String japanese = "議事録".repeat(40); // 120 characters, 360 bytes
        assertThat(TargetFilesystem.FULL.refusesName(japanese)).isEqualTo("it is longer than the 255 bytes a name may have on the target's filesystem");
        assertThat(TargetFilesystem.FULL.refusesName("n".repeat(255))).isNull();
        assertThat(TargetFilesystem.FULL.refusesName("議".repeat(85))).as("255 bytes").isNull();
        assertThat(TargetFilesystem.FULL.refusesName("\uDCE9".repeat(255))).as("bytes that are not UTF-8, one each").isNull();
        TargetFilesystem exfat = new TargetFilesystem(null, 1, true, null, null, true, 0777, "not UTF-8", Long.MIN_VALUE, Long.MAX_VALUE,
                255, true, false, false, null);
        assertThat(exfat.refusesName(japanese)).isNull();
        assertThat(exfat.refusesName("議".repeat(256))).isEqualTo("it is longer than the 255 UTF-16 units a name may have on the target's filesystem");
        TargetFilesystem unlimited = new TargetFilesystem(null, 1, false, null, null, false, 0777, null, Long.MIN_VALUE, Long.MAX_VALUE,
                Integer.MAX_VALUE, false, false, false, null);
        assertThat(unlimited.refusesName("n".repeat(1000))).isNull();
    }

    /**
     * NTFS mounted with windows_names (udisks2's default) refuses Windows's device names, with or without an extension, and a
     * name ending in a dot or a space: one such name ended the whole restore, nothing written, exit 1 (a tester's).
     */
    @Test
    void windowsDeviceNamesAndTrailingDotsAreRefusedWhereTheTargetRefusesThem() {
        TargetFilesystem ntfs = new TargetFilesystem(null, 1, false, null, null, true, 0777, null, Long.MIN_VALUE, Long.MAX_VALUE,
                255, true, true, true, null);
        for (String name : List.of("aux.c", "CON", "NUL.txt", "nul", "com1", "LPT9.log", "prn.tar.gz")) {
            assertThat(ntfs.refusesName(name)).as(name).isEqualTo("it is a Windows device name, which the target's filesystem refuses");
        }
        for (String name : List.of("auxiliary.c", "con-1", "com0", "COM10", "my.aux", "lpt", "console")) {
            assertThat(ntfs.refusesName(name)).as(name).isNull();
        }
        assertThat(ntfs.refusesName("notes.")).isEqualTo("it ends in a dot or a space, which the target's filesystem refuses");
        assertThat(ntfs.refusesName("draft ")).isEqualTo("it ends in a dot or a space, which the target's filesystem refuses");
        assertThat(ntfs.refusesName(".hidden")).isNull();
        assertThat(TargetFilesystem.FULL.refusesName("aux.c")).isNull();
        assertThat(TargetFilesystem.FULL.refusesName("notes.")).isNull();
    }

    /**
     * A time the filesystem reads back in place of a probe's is a bound only where it lies between the probe and 2001: fusefat
     * read 1960 back as 2088, and every time restored onto it was reported "before the earliest date the target's filesystem
     * keeps, 2088-01-01", though each was set exactly (a tester's).
     */
    @Test
    void aTimeReadBackInPlaceOfTheProbeIsABoundOnlyWhereItCanBeOne() {
        long y1980 = 315_532_800_000_000_000L;
        long y2088 = 3_723_753_600_000_000_000L;
        long y2038 = 2_147_483_647_000_000_000L;
        long y1901 = -2_147_483_648_000_000_000L;
        assertThat(TargetFilesystem.bound(TargetFilesystem.EARLY_PROBE, y1980, Long.MIN_VALUE)).as("exFAT's earliest").isEqualTo(y1980);
        assertThat(TargetFilesystem.bound(TargetFilesystem.EARLY_PROBE, y2088, Long.MIN_VALUE)).as("fusefat's wrap").isEqualTo(Long.MIN_VALUE);
        assertThat(TargetFilesystem.bound(TargetFilesystem.EARLY_PROBE, TargetFilesystem.EARLY_PROBE, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(TargetFilesystem.bound(TargetFilesystem.EARLY_PROBE, null, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(TargetFilesystem.bound(TargetFilesystem.LATE_PROBE, y2038, Long.MAX_VALUE)).as("ext4 with 128-byte inodes").isEqualTo(y2038);
        assertThat(TargetFilesystem.bound(TargetFilesystem.LATE_PROBE, y1901, Long.MAX_VALUE)).as("a wrap below").isEqualTo(Long.MAX_VALUE);
    }

    /**
     * NTFS keeps 100 ns: a time is reported as kept to that step and compared at it, never closer, and a filesystem that keeps
     * nanoseconds compares every one of them.
     */
    @Test
    void aTimeIsComparedAtTheStepTheFilesystemKeepsItTo() {
        TargetFilesystem ntfs = new TargetFilesystem(null, 100, false, null, null, false, 0777, null, Long.MIN_VALUE, Long.MAX_VALUE,
                255, true, false, false, null);
        assertThat(ntfs.timeRounded()).isEqualTo("kept to 100 ns by the target's filesystem");
        assertThat(ntfs.roundsTime(1_600_000_001_123_456_789L)).isTrue();
        assertThat(ntfs.roundsTime(1_600_000_001_123_456_700L)).isFalse();
        assertThat(ntfs.sameTime(1_600_000_001_123_456_700L, 1_600_000_001_123_456_789L)).isTrue();
        assertThat(ntfs.sameTime(1_600_000_001_123_456_600L, 1_600_000_001_123_456_789L)).isFalse();
        assertThat(TargetFilesystem.FULL.sameTime(1_600_000_001_123_456_788L, 1_600_000_001_123_456_789L)).isFalse();
        assertThat(TargetFilesystem.FULL.roundsTime(1_600_000_001_123_456_789L)).isFalse();
    }

    /** NTFS through lowntfs-3g -o ignore_case lists every name in lower case: README is restored and listed as "readme". */
    @Test
    void aNameIsListedInTheCaseTheTargetKeeps() {
        TargetFilesystem lower = new TargetFilesystem(null, 1, true, null, null, true, 0777, null, Long.MIN_VALUE, Long.MAX_VALUE,
                255, true, false, false, "lower case");
        assertThat(lower.listedAs("README")).isEqualTo("readme");
        assertThat(lower.listedAs("readme")).isEqualTo("readme");
        assertThat(TargetFilesystem.FULL.listedAs("README")).isEqualTo("README");
    }
}
