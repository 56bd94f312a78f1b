package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;

/**
 * The memory bounds are real: a first backup of large files (random, compressible, zero-filled, and
 * incompressible in maximal 8 MiB chunks, so packs that end on large blobs), its check and its verified
 * restore each run in a child JVM whose heap holds the stated bound (docs/vault-format.md §7) and little
 * more. Before packs were streamed to a temporary file, the 16 MiB read buffer, 17–25 MiB pack buffers
 * and 16 MiB of scratch per worker ran the backup out of memory.
 *
 * <p>Each child runs the serial collector with a young generation of 4 MiB ({@link #YOUNG}), so that the old
 * generation is one space of the heap less 4 MiB, where a megabyte buffer goes straight: the heap a bound needs is
 * then the bound, the JVM's own objects (≈9 MiB here) and the young generation, whatever order the workers take.
 * With the collector's default third for the young generation, the free room after a full collection was split
 * between the generations: the project's CI ran the backup out of memory in 56 MiB with 34 MiB live, 11 MiB free in
 * two pieces of 5 and 6 MiB and an 8.03 MiB sealing buffer to make, and here it passed or failed at 44 to 48 MiB by
 * how the workers' chunks fell.
 */
class BoundedHeapBackupTest {

    /** The young generation of every child: megabyte buffers are made in the old one, one space, not split. */
    static final String YOUNG = "-Xmn4m";
    /**
     * The backup's bound for two workers: 1 MiB read piece, chunks in flight ≤ 8 MiB and ≤ 8 MiB of spares, ≤ 8.03 MiB
     * sealing buffer per worker, no pack bytes (≈33 MiB). It ran out of memory in 46 MiB, both workers sealing a maximal
     * chunk: 34 MiB live and a second 8.03 MiB buffer to make in the old generation's 42.
     */
    static final String HEAP = "-Xmx52m";
    /**
     * {@code check --read-data} of the same repository: blobs in flight ≤ 8 MiB and ≤ 8 MiB of spares, each
     * decrypted where it was read, per worker a 256 KiB piece of its decompressed form, no pack held whole (it
     * held two packs of 17–25 MiB and a decompressed copy of each blob before; until December 2026 also a
     * plaintext buffer per worker): ≈17 MiB. It passed in 27 MiB and ran out of memory in 26.
     */
    static final String CHECK_HEAP = "-Xmx32m";
    /**
     * {@code restore --verify} of it: per worker the pack range read (here one maximal blob alone, 8 MiB + 32 B),
     * decrypted where it lies, and one maximal blob decompressed (8 MiB): ≈32 MiB and the plan; the index and the
     * tree packs are let go once the plan is made. It passed in 33 MiB, its workers not both on a maximal blob at
     * once. Before December 2026 a worker also held each blob's plaintext apart, and kept 8 MiB of buffers beside
     * those of a larger blob: it needed 56 MiB with the collector's default young generation.
     */
    static final String RESTORE_HEAP = "-Xmx48m";
    /**
     * {@link #aRestoreOfManySmallFilesFitsItsPlanBound}: 60,000 × 380 B, 12 MiB of buffers, the JVM's own. It passed in
     * 44 MiB and ran out of memory in 40. Before December 2026 a file's planned path, its name as shown, its
     * blob's map entries and a task each for its metadata took ≈800 bytes, and the index stayed: out of memory in 64 MiB
     * with the collector's default young generation (≈46 MiB of plan alone, beyond this heap's old generation of 48).
     */
    static final String SMALL_FILES_RESTORE_HEAP = "-Xmx52m";

    @TempDir
    Path tmp;

    @Test
    void aFirstBackupOfLargeFilesItsCheckAndItsRestoreFitTheStatedBoundsInATightHeap() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            Files.write(data.resolve("maximal.bin"), TestTrees.incompressibleMaximalChunks(repo, 4, 3));
        }
        Files.write(data.resolve("random.bin"), TestTrees.random(1, 48 * 1024 * 1024));
        Files.write(data.resolve("zeros.bin"), new byte[24 * 1024 * 1024]);
        Files.write(data.resolve("text.txt"), TestTrees.text(2, 16 * 1024 * 1024));
        for (int i = 0; i < 200; i++) {
            Files.write(data.resolve("small-" + i), TestTrees.random(10 + i, 1000 + i * 500));
        }

        assertThat(runChild(HEAP, "backup", repoDir, data)).contains("DONE");
        assertThat(runChild(CHECK_HEAP, "check", repoDir, data)).contains("CHECKED 0 errors");
        assertThat(runChild(RESTORE_HEAP, "restore", repoDir, tmp.resolve("restored"))).contains("RESTORED 0 differences, 204 files");
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.snapshots()).hasSize(1);
        }
    }

    /**
     * A restore plans every file before it writes one: ≈380 bytes per one-blob file with its blob's place, the
     * index let go once the plan is made (docs/vault-format.md §7). 60,000 small files restore in a heap that
     * holds that, the workers' buffers (2 × 6 MiB) and the index while the plan is made.
     */
    @Test
    void aRestoreOfManySmallFilesFitsItsPlanBound() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("src/mail"));
        for (int d = 0; d < 60; d++) {
            Path dir = Files.createDirectory(data.resolve("d" + d));
            for (int f = 0; f < 1000; f++) {
                Files.writeString(dir.resolve("m" + f + ".eml"), "message " + d + "/" + f);
            }
        }
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        assertThat(runChild(SMALL_FILES_RESTORE_HEAP, "restore", repoDir, tmp.resolve("restored")))
                .contains("RESTORED 0 differences, 60000 files");
    }

    private static String runChild(String heap, String mode, Path repoDir, Path data) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", YOUNG, heap, "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), mode, repoDir.toString(), data.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(mode + " in a child JVM with " + YOUNG + " " + heap + ", output:\n" + out).isZero();
        return out;
    }

    /** Runs in the child JVM: one backup, a check reading all data, or a verified restore, with two workers whatever the machine's CPUs. */
    public static final class Child {
        public static void main(String[] args) {
            try (Repository repo = TestTrees.open(Path.of(args[1]))) {
                if (args[0].equals("check")) {
                    System.out.println("CHECKED " + new Checker(repo, 2).check(100).errors().size() + " errors");
                    return;
                }
                if (args[0].equals("restore")) {
                    var restored = new Restorer(repo, 2).restore(repo.findSnapshot("latest"), Path.of(args[2]), List.of(), true);
                    System.out.println("RESTORED " + restored.verifyFailures().size() + " differences, " + restored.files() + " files");
                    return;
                }
                BackupOptions o = TestTrees.options(Path.of(args[2]));
                new Archiver(repo, new BackupProgress()).backup(new BackupOptions(o.paths(), true, o.excludes(), List.of(), o.tags(),
                        null, null, null, true, false, 2));
                System.out.println("DONE");
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }
}
