package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/** A repository on a real, tiny filesystem (a 4 MiB tmpfs, mounted as root) that fills up mid-backup. */
class FullDiskTest {

    @TempDir
    Path tmp;
    Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }

    /** A 4 MiB tmpfs, unmounted after the test. */
    private Path tinyDisk() throws Exception {
        return tinyDiskAt(tmp.resolve("disk"));
    }

    /** A 4 MiB tmpfs mounted at {@code at}, unmounted after the test. */
    private Path tinyDiskAt(Path at) throws Exception {
        Path disk = Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "needs root and permission to mount a tmpfs");
        mount = disk;
        return disk;
    }

    @Test
    void aFullDiskIsOneLineLeavesNoSnapshotAndTheRepositoryStillChecksAndRestores() throws Exception {
        Path disk = tinyDisk();

        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("small.txt"), TestTrees.text(1, 50_000));
        SnapshotRef first;
        try (Repository repo = TestTrees.newRepo(disk.resolve("repo"))) {
            // a tmpfs is its own device: the same-media rule (IS.012 6.6.6) is satisfied without the override
            first = new Archiver(repo, new BackupProgress()).backup(BackupOptions.of(List.of(data)));
            Files.write(data.resolve("big.bin"), TestTrees.random(2, 12 * 1024 * 1024));
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(BackupOptions.of(List.of(data))))
                    .isInstanceOf(VaultException.class)
                    .hasMessageContaining("disk full")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        try (Repository repo = TestTrees.open(disk.resolve("repo"))) {
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(first.id());
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(first, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(repo.backend().list("locks")).isEmpty();
        }
    }

    /**
     * A key retirement writes the epoch's packs again before it deletes them: without room for that on the repository's
     * disk it is refused before it writes anything (it failed part-way, "disk full", a pack's worth left over).
     */
    @Test
    void aKeyRetirementThatCannotFitIsRefusedBeforeItWrites() throws Exception {
        Path disk = tinyDisk();
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("big.bin"), TestTrees.random(3, 2_500_000)); // 2.4 MiB of a 4 MiB disk
        try (Repository repo = TestTrees.newRepo(disk.resolve("repo"))) {
            SnapshotRef s = new Archiver(repo, new BackupProgress()).backup(BackupOptions.of(List.of(data)));
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
            assertThatThrownBy(() -> new org.opsledger.vault.repository.KeyEpochs(repo).retire(1))
                    .isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("key retire writes epoch 1's 2.")
                    .hasMessageContaining(" again before it deletes the old packs, and the filesystem of " + disk.resolve("repo") + " has ")
                    .hasMessageEndingWith(" free: make room (`vault prune` removes what no snapshot needs) and run it again; nothing was changed");
            assertThat(repo.keys().keyring().epochs()).containsKey(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(s, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(repo.backend().list("locks")).isEmpty();
        }
    }

    /**
     * A restore that cannot fit its target's filesystem is refused before anything is written: it filled the disk,
     * failed, and left a partial target that restore never overwrites. Blobs of zeros (a sparse image) are not counted.
     */
    @Test
    void aRestoreThatCannotFitIsRefusedBeforeItWritesAndASparseFileIsNot() throws Exception {
        Path disk = tinyDisk();

        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("big.bin"), TestTrees.random(2, 6 * 1024 * 1024));
        Path zeros = Files.createDirectories(tmp.resolve("src/image"));
        Files.write(zeros.resolve("disk.img"), new byte[24 * 1024 * 1024]);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef big = TestTrees.backup(repo, data);
            SnapshotRef sparse = TestTrees.backup(repo, zeros);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(big, disk.resolve("out"), List.of(), true))
                    .isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("the restore takes at least 6.00 MiB (its files in blocks of 4096 bytes) and the filesystem of "
                            + disk.resolve("out") + " has ")
                    .hasMessageEndingWith(" free: nothing was written (restore part of it with --include or --exclude, or restore elsewhere)");
            try (var left = Files.list(disk)) {
                assertThat(left.toList()).as("not even the target directory").isEmpty();
            }
            assertThat(new Restorer(repo, 2).restore(sparse, disk.resolve("image"), List.of(), true).ok()).isTrue();
            assertThat(Files.size(disk.resolve("image/image/disk.img"))).isEqualTo(24 * 1024 * 1024);
        }
    }

    /**
     * Each filesystem a restore writes on is checked for what goes onto it: restoring a 6 MiB file into a live tree whose
     * data directory is a 4 MiB disk of its own, the check looked at the target's filesystem alone, let it through, and the
     * file was left cut short under its real name, "No space left on device" (a helper's). It is refused before anything
     * is written, naming the mount.
     */
    @Test
    void aRestoreIntoATreeIsCheckedOnTheFilesystemMountedInIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/app/data"));
        Files.write(data.resolve("big.bin"), TestTrees.random(4, 6 * 1024 * 1024));
        Path live = Files.createDirectories(tmp.resolve("live"));
        Path disk = tinyDiskAt(live.resolve("app/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, tmp.resolve("src/app"));
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(s, live, List.of("app/data/big.bin"), false))
                    .isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("the restore takes at least 6.00 MiB (its files in blocks of 4096 bytes) and the filesystem"
                            + " mounted at " + disk + " has ")
                    .hasMessageEndingWith(" free: nothing was written (restore part of it with --include or --exclude, or restore elsewhere)");
            try (var left = Files.list(disk)) {
                assertThat(left.toList()).as("nothing written").isEmpty();
            }
            assertThat(names(live)).containsExactly("app");
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A blob with data among its zeros is counted whole: the restore cannot know its blocks of zeros before it reads it. A
     * 12 MiB image with 4 KiB of data every 1 MiB was counted as nothing (its blobs compress 64 times or more), let
     * through, and filled the 4 MiB disk halfway with a partial target left (a helper's); it is refused before it writes.
     */
    @Test
    void aBlobWithDataAmongZerosIsCountedWhole() throws Exception {
        Path disk = tinyDisk();

        Path image = Files.createDirectories(tmp.resolve("src/image"));
        try (var f = new java.io.RandomAccessFile(image.resolve("disk.img").toFile(), "rw")) {
            for (int i = 0; i < 12; i++) {
                f.seek(i * (1L << 20));
                f.write(TestTrees.random(i, 4096));
            }
            f.setLength(12L << 20);
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef sparse = TestTrees.backup(repo, image);
            assertRefusedBeforeWriting(repo, sparse, disk, "12.00 MiB");
        }
    }

    /** The restore of {@code s} onto {@code disk} is refused as taking at least {@code needs}, and nothing is written there. */
    private static void assertRefusedBeforeWriting(Repository repo, SnapshotRef s, Path disk, String needs) throws Exception {
        assertThatThrownBy(() -> new Restorer(repo, 2).restore(s, disk.resolve("out"), List.of(), true))
                .isInstanceOf(VaultException.class)
                .hasMessageStartingWith("the restore takes at least " + needs + " (its files in blocks of 4096 bytes) and the filesystem of ");
        try (var left = Files.list(disk)) {
            assertThat(left.toList()).as("nothing written").isEmpty();
        }
    }

    /**
     * Many small files take a block each: 1,500 files of 200 bytes are 300 KB of bytes but 5.86 MiB of a tmpfs's 4 KiB
     * pages. Counted by bytes, the restore was let through and filled the 4 MiB disk a thousand files in.
     */
    @Test
    void aRestoreOfManySmallFilesIsCountedInBlocks() throws Exception {
        Path disk = tinyDisk();

        Path data = Files.createDirectories(tmp.resolve("src/data"));
        for (int i = 0; i < 1_500; i++) {
            Files.write(data.resolve("f" + i), TestTrees.random(i, 200));
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef small = TestTrees.backup(repo, data);
            assertRefusedBeforeWriting(repo, small, disk, "5.86 MiB");
            assertThat(new Restorer(repo, 2).restore(small, disk.resolve("out"), List.of("data/f1", "data/f2"), true).ok())
                    .as("a part that fits").isTrue();
        }
    }
}
