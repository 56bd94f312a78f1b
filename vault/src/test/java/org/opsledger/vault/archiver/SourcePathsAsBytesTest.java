package org.opsledger.vault.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A backup's paths, and the paths its warnings name, as the file system's bytes (docs/vault-format.md §8): a byte that is
 * not UTF-8 kept as its escape, not as U+FFFD, which stands for any of them.
 */
class SourcePathsAsBytesTest {

    @TempDir
    Path tmp;

    /**
     * /srv/caf\xe9 and /srv/caf\xe8 (Latin-1 folder names) were both recorded as /srv/caf\uFFFD: `forget --keep-last 1` took
     * them for one source and removed the only snapshot of one, `due` counted one source, and the second's first backup took
     * the other's snapshot as its parent (a helper's).
     */
    @Test
    void twoFoldersThatDifferInAByteNotUtf8AreTwoSources() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path e9 = Files.createDirectories(FileNames.resolve(src, "caf\uDCE9"));
        Path e8 = Files.createDirectories(FileNames.resolve(src, "caf\uDCE8"));
        Files.writeString(e9.resolve("f"), "e9");
        Files.writeString(e8.resolve("f"), "e8");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef first = TestTrees.backup(repo, e9);
            SnapshotRef second = TestTrees.backup(repo, e8);
            assertThat(second.snapshot().parent()).as("not the other folder's snapshot").isNull();
            assertThat(repo.findSnapshot(first.id().hex()).snapshot().paths()).as("as stored")
                    .containsExactly(FileNames.exactOf(src) + "/caf\uDCE9");
            assertThat(repo.findSnapshot(second.id().hex()).snapshot().paths()).containsExactly(FileNames.exactOf(src) + "/caf\uDCE8");

            RetentionPolicy keepLast = new RetentionPolicy(1, null, 0, 0, 0, 0);
            assertThat(new Forgetter(repo, ZoneOffset.UTC).plan(keepLast, Instant.now())).as("each the newest of its own source")
                    .allMatch(ForgetDecision::keep).hasSize(2);
            assertThat(BackupsDue.of(repo.snapshots(), Instant.now(), BackupsDue.DAILY, BackupsDue.WEEKLY_FULL, Map.of())).hasSize(2);

            assertThat(TestTrees.backup(repo, e9).snapshot().parent()).as("its own, again").isEqualTo(first.id());
        }
    }

    /**
     * A backup that could not read sec\xe9 and sec\xe8 warned twice of ".../sec\uFFFD: permission denied": which files the
     * snapshot lacks could not be told, nor given back as bytes (a helper's). Each warning names its file's bytes.
     */
    @Test
    void aWarningNamesTheFilesBytes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(FileNames.resolve(data, "sec\uDCE9"), "s");
        Files.writeString(FileNames.resolve(data, "sec\uDCE8"), "s");
        Files.writeString(FileNames.resolve(data, "sec\uDCE7"), "ok");
        Archiver.FileOpener opener = (dir, p) -> {
            if (!FileNames.nameOf(p).equals("sec\uDCE7")) {
                throw new AccessDeniedException(p.toString());
            }
            return Archiver.FileOpener.DIRECT.open(dir, p);
        };
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            BackupProgress progress = new BackupProgress();
            SnapshotRef snap = new Archiver(repo, progress, opener).backup(TestTrees.options(data));
            String dir = FileNames.exactOf(data);
            assertThat(progress.warnings()).containsExactlyInAnyOrder(dir + "/sec\uDCE9: permission denied", dir + "/sec\uDCE8: permission denied");
            assertThat(repo.findSnapshot(snap.id().hex()).snapshot().summary().exceptions()).as("kept in the stored record, bytes and all")
                    .containsExactlyInAnyOrderElementsOf(progress.warnings());
        }
    }
}
