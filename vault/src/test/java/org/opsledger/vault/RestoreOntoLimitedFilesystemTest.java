package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A restore onto a filesystem that cannot hold all a snapshot's metadata (here ramfs, which has no
 * extended attributes, as vfat and many NFS and FUSE mounts have none) restores every byte, reports
 * what it could not set once per kind, and its --verify still proves the data. It failed on the first
 * file with an extended attribute, leaving the target half-written.
 */
class RestoreOntoLimitedFilesystemTest {

    @TempDir
    Path tmp;

    private static void tag(Path p, String name, String value) throws Exception {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** ramfs mounted at {@code dir} (root and mount(8) needed: the test is skipped without them), unmounted by the caller. */
    private static void mountRamfs(Path dir) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount ramfs here (needs root): " + out.strip());
    }

    private static void unmount(Path dir) throws Exception {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
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
        mountRamfs(ramfs);
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
            unmount(ramfs);
        }
    }
}
