package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;

/**
 * The backup's memory bound is real: a first backup of large files (random, compressible and
 * zero-filled, so maximal 8 MiB chunks and packs that end on large blobs) runs in a child JVM whose
 * heap holds the stated bound (docs/vault-format.md §7: 1 MiB read piece, chunks in flight ≤ 8 MiB
 * plus ≤ 8 MiB of spares, ≤ 8.03 MiB sealing buffer per worker, no pack bytes) and little more. Before packs
 * were streamed to a temporary file, the 16 MiB read buffer, 17–25 MiB pack buffers and 16 MiB of
 * scratch per worker ran this out of memory.
 */
class BoundedHeapBackupTest {

    /** The child's heap: the bound for two workers (≈33 MiB) and the JVM's own objects, with room for the collector. */
    static final String HEAP = "-Xmx48m";
    /**
     * {@code check --read-data} of the same repository: blobs in flight ≤ 8 MiB and ≤ 8 MiB of spares, each
     * decrypted where it was read, per worker a 256 KiB piece of its decompressed form, no pack held whole (it
     * held two packs of 17–25 MiB and a decompressed copy of each blob before; until December 2026 also a
     * plaintext buffer per worker).
     */
    static final String CHECK_HEAP = "-Xmx28m";

    @TempDir
    Path tmp;

    @Test
    void aFirstBackupOfLargeFilesAndItsCheckFitTheStatedBoundsInATightHeap() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("random.bin"), TestTrees.random(1, 48 * 1024 * 1024));
        Files.write(data.resolve("zeros.bin"), new byte[24 * 1024 * 1024]);
        Files.write(data.resolve("text.txt"), TestTrees.text(2, 16 * 1024 * 1024));
        for (int i = 0; i < 200; i++) {
            Files.write(data.resolve("small-" + i), TestTrees.random(10 + i, 1000 + i * 500));
        }
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();

        assertThat(runChild(HEAP, "backup", repoDir, data)).contains("DONE");
        assertThat(runChild(CHECK_HEAP, "check", repoDir, data)).contains("CHECKED 0 errors");
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.snapshots()).hasSize(1);
        }
    }

    private static String runChild(String heap, String mode, Path repoDir, Path data) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", heap, "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), mode, repoDir.toString(), data.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(mode + " in a child JVM with " + heap + ", output:\n" + out).isZero();
        return out;
    }

    /** Runs in the child JVM: one backup, or a check reading all data, with two workers whatever the machine's CPUs. */
    public static final class Child {
        public static void main(String[] args) {
            try (Repository repo = TestTrees.open(Path.of(args[1]))) {
                if (args[0].equals("check")) {
                    System.out.println("CHECKED " + new Checker(repo, 2).check(100).errors().size() + " errors");
                    return;
                }
                BackupOptions o = TestTrees.options(Path.of(args[2]));
                new Archiver(repo, new BackupProgress()).backup(new BackupOptions(o.paths(), true, o.excludes(), o.tags(),
                        null, null, null, true, 2));
                System.out.println("DONE");
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }
}
