package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A restore onto a filesystem that cannot hold all a snapshot holds (ramfs, which has no extended
 * attributes, as many NFS and FUSE mounts have none; exFAT, a USB stick's, with no links, modes or
 * exact times and one name for "Case" and "case") restores every byte it can, reports what it could
 * not once per kind, and its --verify still proves what was restored. It failed on the first file
 * with an extended attribute, or the first symlink, leaving the target half-written.
 */
class RestoreOntoLimitedFilesystemTest {

    @TempDir
    Path tmp;

    private static void tag(Path p, String name, String value) throws Exception {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A USB stick's exFAT at {@code dir}, from a loop device through FUSE (exfat-fuse: this kernel has no
     * exfat or vfat module). Debian's FUSE FAT driver (fusefat 0.1a) is no stand-in for FAT: it refuses
     * writes past the end of a file and loses some when two come at once (--verify caught it). Returns
     * what undoes the mount.
     */
    private static AutoCloseable mountExfat(Path image, Path dir) throws Exception {
        Files.createDirectories(dir);
        TestTrees.runOrSkip("truncate", "-s", "64M", image.toString());
        TestTrees.runOrSkip("mkfs.exfat", image.toString());
        String device = TestTrees.runOrSkip("losetup", "-f", "--show", image.toString());
        try {
            TestTrees.runOrSkip("mount.exfat-fuse", device, dir.toString());
        } catch (Throwable t) {
            new ProcessBuilder("losetup", "-d", device).start().waitFor();
            throw t;
        }
        return () -> {
            TestTrees.unmount(dir);
            new ProcessBuilder("losetup", "-d", device).inheritIO().start().waitFor();
        };
    }

    @Test
    void ontoExfatEveryFileTheFilesystemCanNameIsRestoredAndTheRestReported() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("Report.txt"), TestTrees.text(1, 200_000));
        Files.write(data.resolve("report.txt"), TestTrees.text(2, 1000)); // one name to exFAT: the second is not restored
        Files.write(data.resolve("big.bin"), TestTrees.random(3, 3 * 1024 * 1024 + 5));
        Files.setAttribute(data.resolve("big.bin"), "unix:mode", 0640);
        Files.setLastModifiedTime(data.resolve("big.bin"), FileTime.from(1_600_000_001_123_456_789L, TimeUnit.NANOSECONDS));
        Files.setLastModifiedTime(data.resolve("Report.txt"), FileTime.from(1_600_000_000L, TimeUnit.SECONDS));
        Files.createLink(data.resolve("big-link.bin"), data.resolve("big.bin")); // no hard links: a copy
        Files.createSymbolicLink(data.resolve("latest"), Path.of("Report.txt")); // no symlinks: reported
        Path odd = Files.createDirectories(data.resolve("12:00 run"));
        Files.write(odd.resolve("inside.txt"), TestTrees.text(4, 100)); // left out with the directory whose name exFAT refuses
        // bytes that are not UTF-8: exFAT cannot spell them, and the first such name ended the whole restore (a helper's)
        Files.write(org.opsledger.vault.snapshot.FileNames.resolve(data, "latin1_\uDCE9"), TestTrees.text(5, 100));
        Files.createDirectories(data.resolve("empty"));
        Process mkfifo = new ProcessBuilder("mkfifo", data.resolve("pickup").toString()).inheritIO().start(); // exfat-fuse makes a file
        assertThat(mkfifo.waitFor()).isZero();
        Path media = tmp.resolve("exfat");
        try (AutoCloseable mounted = mountExfat(tmp.resolve("exfat.img"), media)) {
            Path out = media.resolve("out");
            RestoreResult r = backUpAndRestore(data, out);

            assertThat(r.verifyFailures()).as("verify does not report again what the restore reported").isEmpty();
            Map<String, RestoreResult.Unapplied> byWhat = new java.util.TreeMap<>();
            for (RestoreResult.Unapplied u : r.unapplied()) {
                byWhat.merge(u.what() + " " + u.outcome(), u, (a, b) -> a);
            }
            assertThat(r.unapplied()).filteredOn(u -> u.what().equals("name"))
                    .extracting(RestoreResult.Unapplied::first)
                    .containsExactlyInAnyOrder(List.of("data/12:00 run"), List.of("data/report.txt"), List.of("data/latin1_\uDCE9"));
            assertThat(byWhat.get("symbolic link not created").first()).containsExactly("data/latest");
            assertThat(byWhat.get("FIFO or device node not created").reason()).isEqualTo("the target's filesystem made a file of it");
            assertThat(Files.exists(out.resolve("data/pickup"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("nor was it left").isFalse();
            assertThat(byWhat.get("hard link written as a separate copy").first())
                    .as("the second name in the tree's order").containsExactly("data/big.bin");
            assertThat(byWhat.get("mode not set").count()).as("every file and directory restored: data, empty and three files").isEqualTo(5);
            assertThat(byWhat.get("modification time not set").reason()).isEqualTo("kept to 1 s by the target's filesystem");
            assertThat(r.symlinks()).isZero();

            assertThat(Files.readAllBytes(out.resolve("data/Report.txt"))).isEqualTo(Files.readAllBytes(data.resolve("Report.txt")));
            assertThat(Files.readAllBytes(out.resolve("data/big.bin"))).isEqualTo(Files.readAllBytes(data.resolve("big.bin")));
            assertThat(Files.readAllBytes(out.resolve("data/big-link.bin"))).isEqualTo(Files.readAllBytes(data.resolve("big.bin")));
            assertThat(Files.getLastModifiedTime(out.resolve("data/Report.txt")))
                    .as("a time in whole seconds is kept exactly").isEqualTo(Files.getLastModifiedTime(data.resolve("Report.txt")));
            assertThat(Files.isDirectory(out.resolve("data/empty"))).isTrue();
            try (var listed = Files.list(out)) {
                assertThat(listed.map(p -> p.getFileName().toString())).as("the probe left nothing").containsExactly("data");
            }
        }
    }

    /**
     * ext4 made with 128-byte inodes keeps no time after 2038-01-19: a file of 2040 came back dated 2038, silently, and
     * --verify (reading the inode's clamped time) called the restore verified or not at random (a helper's). The probe
     * learns the dates the filesystem keeps; such a time is reported as not set, and the rest verifies.
     */
    @Test
    void ontoAFilesystemThatKeepsNoDateAfter2038ALaterTimeIsReported() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("y2040"), "later");
        Files.writeString(data.resolve("y2020"), "earlier");
        Files.setLastModifiedTime(data.resolve("y2040"), FileTime.from(java.time.Instant.parse("2040-06-01T00:00:00Z")));
        Files.setLastModifiedTime(data.resolve("y2020"), FileTime.from(java.time.Instant.parse("2020-06-01T00:00:00Z")));
        Path media = TestTrees.mountExt4(tmp.resolve("ext4-128"), "-I", "128");
        try {
            RestoreResult r = backUpAndRestore(data, media.resolve("out"));
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.unapplied()).filteredOn(u -> u.first().contains("data/y2040")).singleElement().satisfies(u -> {
                assertThat(u.what() + " " + u.outcome()).isEqualTo("modification time not set");
                assertThat(u.reason()).isEqualTo("after the latest date the target's filesystem keeps, 2038-01-19T03:14:07Z");
            });
            assertThat(Files.getLastModifiedTime(media.resolve("out/data/y2020"))).isEqualTo(Files.getLastModifiedTime(data.resolve("y2020")));
        } finally {
            TestTrees.unmount(media);
        }
    }

    /**
     * A filesystem made for few large files (ext4 with -N) runs out of inodes long before blocks: a restore of many small
     * files onto it failed halfway, leaving a partial target. It is refused before anything is written, naming both
     * figures, and the part that fits restores.
     */
    @Test
    void aRestoreOfMoreFilesThanTheFilesystemHasInodesIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        for (int i = 0; i < 40; i++) {
            Files.write(data.resolve("f" + i), TestTrees.text(i, 300));
        }
        Path media = TestTrees.mountExt4(tmp.resolve("ext4-few-inodes"), "-N", "32");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            long free = Long.parseLong(TestTrees.runOrSkip("stat", "-f", "-c", "%d", media.toString()));
            assertThat(free).as("mkfs.ext4 -N 32: fewer than the 42 paths").isLessThan(42);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, media.resolve("out"), List.of(), true))
                    .isInstanceOf(VaultException.class)
                    .hasMessage("the restore makes at least 42 files, directories and links and the filesystem of " + media.resolve("out")
                            + " has " + free + " free inodes: nothing was written (restore part of it with --include or --exclude,"
                            + " or restore elsewhere)");
            assertThat(media.resolve("out")).doesNotExist();

            RestoreResult part = new Restorer(repo, 2).restore(snap, media.resolve("out"), List.of("data/f1", "data/f2"), true);
            assertThat(part.verifyFailures()).isEmpty();
            assertThat(Files.readAllBytes(media.resolve("out/data/f2"))).isEqualTo(Files.readAllBytes(data.resolve("f2")));
        } finally {
            TestTrees.unmount(media);
        }
    }

    @Test
    void aDeviceNodeOntoExfatIsReportedAndLeavesNothingBehind() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mknod needs root");
        Path data = Files.createDirectories(tmp.resolve("src/chroot"));
        TestTrees.runOrSkip("mknod", data.resolve("null").toString(), "c", "1", "3");
        Path media = tmp.resolve("exfat");
        try (AutoCloseable mounted = mountExfat(tmp.resolve("exfat.img"), media)) {
            Path out = media.resolve("out");
            RestoreResult r = backUpAndRestore(data, out);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.unapplied()).filteredOn(u -> u.what().equals("FIFO or device node")).singleElement()
                    .satisfies(u -> assertThat(u.first()).containsExactly("chroot/null")); // mknod: Input/output error
            assertThat(Files.exists(out.resolve("chroot/null"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .as("exfat-fuse's mknod fails and leaves a regular file: removed").isFalse();
        }
    }

    /**
     * exFAT holds no links, so no one can put one in a restored path's place on it, whatever its mount options give
     * to whom (exfat-fuse shows every directory 0777). A directory above the stick on the machine's own filesystem
     * still can be changed by whoever may write in it: a restore under one is refused, as anywhere else. It was not:
     * a target without links skipped every check.
     */
    @Test
    void aUsbStickMountedUnderADirectoryOthersCanChangeIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting takes root");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("Report.txt"), TestTrees.text(1, 1000));
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 0777);
        Path media = shared.resolve("exfat");
        try (AutoCloseable mounted = mountExfat(tmp.resolve("exfat.img"), media);
             Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            assertThat(Files.getAttribute(media, "unix:mode")).as("what exfat-fuse shows").isEqualTo(040777);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, media.resolve("out"), List.of(), true))
                    .isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("directory above the restore target " + shared + " is writable by all users (mode 777)");
            assertThat(media.resolve("out")).as("made before the check, and nothing in it").isEmptyDirectory();

            Files.setAttribute(shared, "unix:mode", 0755);
            RestoreResult r = new Restorer(repo, 2).restore(snap, media.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(media.resolve("out/data/Report.txt")).hasBinaryContent(Files.readAllBytes(data.resolve("Report.txt")));
        }
    }

    @Test
    void everyByteIsRestoredAndVerifiedAndTheAttributesTheFilesystemRefusedAreReportedOncePerKind() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        tag(data.resolve("docs/manual.txt"), "user.checksum", "sha256:abc");
        tag(data.resolve("bin/tool"), "user.origin", "build 42");
        tag(data.resolve("docs"), "user.owner", "records office");
        Files.createLink(data.resolve("manual-link.txt"), data.resolve("docs/manual.txt")); // verified through its first name's record
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            snap = TestTrees.backup(repo, data);
        }
        Path ramfs = tmp.resolve("ramfs");
        TestTrees.mountRamfs(ramfs);
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(snap, ramfs.resolve("out"), List.of(), true);

            TestTrees.assertSameTree(data, ramfs.resolve("out/data")); // every byte, mode, mtime and link
            assertThat(r.verifyFailures()).as("verify does not report again what the restore reported").isEmpty();
            assertThat(r.unapplied()).hasSize(1);
            RestoreResult.Unapplied u = r.unapplied().getFirst();
            assertThat(List.of(u.what(), u.reason(), u.count())).containsExactly("extended attributes", "Operation not supported", 3L);
            assertThat(u.first()).containsExactlyInAnyOrder("data/bin/tool", "data/docs/manual.txt", "data/docs"); // files on two threads
            assertThat(r.ok()).isFalse();

            // the same snapshot onto a filesystem that has them: every attribute back, nothing reported
            RestoreResult full = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(full.ok()).as(full.toString()).isTrue();
            assertThat(ExtendedAttributes.read(tmp.resolve("out/data/docs"))).isEqualTo(ExtendedAttributes.read(data.resolve("docs")));
            assertThat(ExtendedAttributes.read(tmp.resolve("out/data/bin/tool")))
                    .isEqualTo(Map.of("user.origin", java.util.Base64.getEncoder().encodeToString("build 42".getBytes(StandardCharsets.UTF_8))));
        } finally {
            TestTrees.unmount(ramfs);
        }
    }

    /** Backs {@code data} up into a new repository, then restores and verifies that snapshot into {@code out}. */
    /**
     * exFAT compares names by its up-case table, not Java's upper case: "kırmızı.txt" (a Turkish dotless ı) and "kirmizi.txt",
     * "5µm.csv" (the micro sign) and "5μm.csv" (Greek mu) are two names there, and the second of each was left out as
     * differing only in case (a tester's). "report.TXT" beside "Report.txt" still is.
     */
    @Test
    void ontoExfatTwoNamesItsUpCaseTableKeepsApartAreBothRestored() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/docs"));
        List<String> apart = List.of("kırmızı.txt", "kirmizi.txt", "5µm.csv", "5μm.csv");
        for (String name : apart) {
            Files.writeString(data.resolve(name), name);
        }
        Files.writeString(data.resolve("Report.txt"), "upper");
        Files.writeString(data.resolve("report.TXT"), "lower");
        Path media = tmp.resolve("exfat");
        try (AutoCloseable mounted = mountExfat(tmp.resolve("exfat.img"), media)) {
            Path out = media.resolve("out");
            RestoreResult r = backUpAndRestore(data, out);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.unapplied()).filteredOn(u -> u.what().equals("name")).singleElement().satisfies(u -> {
                assertThat(u.reason()).isEqualTo("the target's filesystem takes it for Report.txt, restored in its place: restore it"
                        + " into another directory with --include, or write it out with dump");
                assertThat(u.first()).containsExactly("docs/report.TXT");
            });
            for (String name : apart) {
                assertThat(Files.readString(out.resolve("docs").resolve(name))).isEqualTo(name);
            }
            assertThat(Files.readString(out.resolve("docs/Report.txt"))).isEqualTo("upper");
        }
    }

    /**
     * NTFS through lowntfs-3g -o ignore_case, a filesystem that ignores case, at {@code below} (made, in a tree to restore
     * into): where the target's probe does not look. Returns what undoes the mounts.
     */
    private AutoCloseable mountCaseBlindBelow(Path below) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mount needs root");
        Path image = tmp.resolve("ntfs.img");
        Path ntfs = Files.createDirectories(tmp.resolve("ntfs"));
        TestTrees.runOrSkip("truncate", "-s", "64M", image.toString());
        TestTrees.runOrSkip("mkfs.ntfs", "-q", "-F", image.toString());
        TestTrees.runOrSkip("lowntfs-3g", "-o", "permissions,ignore_case", image.toString(), ntfs.toString());
        try {
            Path blind = Files.createDirectory(ntfs.resolve("d"),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Files.createDirectories(below);
            TestTrees.runOrSkip("mount", "--bind", blind.toString(), below.toString());
        } catch (Throwable t) {
            TestTrees.unmount(ntfs);
            throw t;
        }
        return () -> {
            TestTrees.unmount(below);
            TestTrees.unmount(ntfs);
        };
    }

    /**
     * Two FIFOs whose names differ only in case, restored into a tree where a filesystem that ignores case (NTFS through
     * lowntfs-3g -o ignore_case) is mounted below the target, where the probe does not look: mkfifo of "pipe" failed, it
     * found "Pipe" there, and both were counted as restored, exit 0, one existing (a tester's). The second is reported, the
     * first left as it is.
     */
    @Test
    void twoFifosWhoseNamesDifferOnlyInCaseUnderACaseBlindMountAreOneRestoredAndOneReported() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data/d"));
        TestTrees.runOrSkip("mkfifo", "-m", "600", data.resolve("Pipe").toString(), data.resolve("pipe").toString());
        Files.writeString(data.resolve("f"), "x\n");
        Path out = tmp.resolve("out");
        Path below = out.resolve("data/d");
        try (AutoCloseable mounted = mountCaseBlindBelow(below)) {
            RestoreResult r = backUpAndRestore(tmp.resolve("src/data"), out);
            assertThat(r.specials()).as("FIFOs restored").isEqualTo(1);
            assertThat(r.unapplied()).filteredOn(u -> u.outcome().equals("refused: not restored")).singleElement()
                    .satisfies(u -> assertThat(u.first()).containsExactly("data/d/pipe"));
            assertThat(Files.getAttribute(below.resolve("Pipe"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .as("the first FIFO, left as it is").isEqualTo(0010600);
            assertThat(Files.readString(below.resolve("f"))).isEqualTo("x\n");
        }
    }

    /**
     * A FIFO "docs" beside a directory "Docs" under a mount that ignores case: mkfifo failed, and what it found at "docs", the
     * directory the restore had just made, was removed as what mkfifo had left there; the restore then failed at Docs/a.txt,
     * "No such file or directory" (f3's, session 38). A restore removes nothing but what its own command made.
     */
    @Test
    void aFifoWhoseNameIsADirectorysRestoredUnderACaseBlindMountLeavesThatDirectoryAndWhatItHolds() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data/d/Docs"));
        Files.writeString(data.resolve("a.txt"), "kept\n");
        TestTrees.runOrSkip("mkfifo", tmp.resolve("src/data/d/docs").toString());
        Path out = tmp.resolve("out");
        Path below = out.resolve("data/d");
        try (AutoCloseable mounted = mountCaseBlindBelow(below)) {
            RestoreResult r = backUpAndRestore(tmp.resolve("src/data"), out);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.specials()).isZero();
            assertThat(Files.readString(below.resolve("Docs/a.txt"))).isEqualTo("kept\n");
            assertThat(Files.isDirectory(below.resolve("Docs"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(r.unapplied()).extracting(RestoreResult.Unapplied::first).contains(List.of("data/d/docs"));
        }
    }

    /**
     * "Makefile" and "makefile" in one directory, under a mount that ignores case below the target: the second ended the
     * whole restore, "cannot create …/makefile: already exists", exit 1 (f3's, session 38). The first is restored, and the
     * second reported on a line of its own naming the first and how to get it.
     */
    @Test
    void twoFilesWhoseNamesDifferOnlyInCaseUnderACaseBlindMountAreOneRestoredAndTheOtherNamedWithIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data/d"));
        Files.writeString(data.resolve("Makefile"), "upper\n");
        Files.writeString(data.resolve("makefile"), "lower\n");
        Files.writeString(data.resolve("README"), "readme\n");
        Path out = tmp.resolve("out");
        Path below = out.resolve("data/d");
        try (AutoCloseable mounted = mountCaseBlindBelow(below)) {
            RestoreResult r = backUpAndRestore(tmp.resolve("src/data"), out);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.files()).isEqualTo(2);
            assertThat(r.unapplied()).filteredOn(u -> u.outcome().equals("refused: not restored")).singleElement().satisfies(u -> {
                assertThat(u.first()).containsExactly("data/d/makefile");
                assertThat(u.reason()).isEqualTo("the target's filesystem takes it for Makefile, restored in its place: restore it"
                        + " into another directory with --include, or write it out with dump");
            });
            assertThat(Files.readString(below.resolve("Makefile"))).isEqualTo("upper\n");
            assertThat(Files.readString(below.resolve("README"))).isEqualTo("readme\n");
        }
    }

    private RestoreResult backUpAndRestore(Path data, Path out) {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            return new Restorer(repo, 2).restore(TestTrees.backup(repo, data), out, List.of(), true);
        }
    }
}
