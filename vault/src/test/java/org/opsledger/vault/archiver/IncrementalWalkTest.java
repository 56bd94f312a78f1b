package org.opsledger.vault.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * The incremental walk compares the disk with the parent snapshot's trees (binary since format 2):
 * whatever changed, the incremental's tree must be the one a full backup of the same disk gives.
 */
class IncrementalWalkTest {

    @TempDir
    Path tmp;

    @Test
    void incrementalGivesTheFullBackupsTreeAfterChangesDeletionsAndReplacementsInAWideDeepTree() throws Exception {
        Path data = tmp.resolve("src/data");
        for (int i = 0; i < 296; i++) {
            Path d = data.resolve(String.format("d%03d/sub/deeper", i));
            Files.createDirectories(d);
            Files.write(d.resolve("f.txt"), TestTrees.text(i, 200 + i));
            Files.write(d.getParent().resolve("g.txt"), TestTrees.text(1000 + i, 100));
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            TestTrees.backup(repo, data);

            Files.write(data.resolve("d007/sub/deeper/f.txt"), TestTrees.text(77, 999)); // changed deep down
            TestTrees.deleteTree(data.resolve("d100")); // vanished
            TestTrees.deleteTree(data.resolve("d200/sub"));
            Files.write(data.resolve("d200/sub"), TestTrees.text(5, 10)); // a directory replaced by a file
            Files.createDirectories(data.resolve("d250/new")); // a new directory beside a known one
            Files.write(data.resolve("d250/new/n.txt"), TestTrees.text(6, 10));

            BackupProgress p = new BackupProgress();
            BackupOptions excluding = TestTrees.options(data).withExcludes(List.of("d290"));
            SnapshotRef incr = new Archiver(repo, p).backup(excluding);
            BackupProgress f = new BackupProgress();
            SnapshotRef full = new Archiver(repo, f).backup(excluding.withFull(true));

            assertThat(incr.snapshot().tree()).isEqualTo(full.snapshot().tree());
            assertThat(p.bytesRead.get()).isEqualTo(999 + 10 + 10);
            assertThat(p.filesUnchanged.get()).isEqualTo(f.files.get() - 3);
            assertThat(p.warnings()).isEmpty();
        }
    }

    @Test
    void oneLstatGivesEveryFieldTheWalkStoresAndNoOwnerOrGroupNameLookups() throws Exception {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        var a = Files.readAttributes(f, Archiver.STAT_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        assertThat(a).containsOnlyKeys("mode", "ino", "dev", "rdev", "uid", "gid", "size", "nlink", "lastModifiedTime", "ctime",
                "fileKey"); // the same lstat's device and inode as one object: a directory's identity, checked as it is listed and read
        assertThat(a.values()).doesNotContainNull();
    }
}
