package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * --one-file-system: a share mounted below a backed-up directory (here a ramfs standing in for an NFS
 * home or a container volume) is kept as its empty mount point, as restic's -x keeps it; without the
 * option it is backed up with the rest.
 */
class OneFileSystemTest {

    @TempDir
    Path tmp;

    @Test
    void aMountPointIsKeptEmptyAndNotEntered() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/home"));
        Files.writeString(data.resolve("local.txt"), "on this disk\n");
        Path share = data.resolve("share");
        TestTrees.mountRamfs(share);
        try {
            Files.writeString(share.resolve("remote.txt"), "on another filesystem\n");
            try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
                BackupProgress crossing = new BackupProgress();
                SnapshotRef all = new Archiver(repo, crossing).backup(TestTrees.options(data));
                assertThat(names(repo, all, "share")).containsExactly("remote.txt");
                assertThat(crossing.mountPointsNotCrossed.get()).isZero();

                BackupProgress staying = new BackupProgress();
                SnapshotRef one = new Archiver(repo, staying).backup(TestTrees.options(data).withOneFileSystem(true));
                assertThat(names(repo, one, "share")).as("the mount point, empty").isEmpty();
                assertThat(names(repo, one, null)).containsExactly("local.txt", "share");
                assertThat(staying.mountPointsNotCrossed.get()).isEqualTo(1);
                assertThat(staying.warnings()).isEmpty();
            }
        } finally {
            TestTrees.unmount(share);
        }
    }

    /** The names in the snapshot's home directory, or in its subdirectory {@code dir}. */
    private static java.util.List<String> names(Repository repo, SnapshotRef s, String dir) {
        Node home = repo.loadTree(s.snapshot().tree()).nodes().getFirst();
        Node at = dir == null ? home : repo.loadTree(home.subtree()).nodes().stream().filter(n -> n.name().equals(dir)).findFirst().orElseThrow();
        return repo.loadTree(at.subtree()).nodes().stream().map(Node::name).toList();
    }
}
