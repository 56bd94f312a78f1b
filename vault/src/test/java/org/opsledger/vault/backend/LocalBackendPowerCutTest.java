package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.PowerCut;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;

/**
 * What the local store's calls leave after a power cut ({@link PowerCut}: a directory keeps what it held at its last
 * fsync). Every rename was durable; an unlink was not, nor a new repository's own directory (a helper's, with a FUSE
 * filesystem that kept only what was fsynced).
 */
class LocalBackendPowerCutTest {

    @TempDir
    Path tmp;

    @Test
    void aDeletionSurvivesAPowerCutOnceItReturns() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        new LocalBackend(repo).write("snapshots/a", new byte[] {1});
        new LocalBackend(repo).write("snapshots/b", new byte[] {2});
        PowerCut cut = new PowerCut(repo);
        new LocalBackend(repo, cut).delete("snapshots/a");
        assertThat(cut.undone()).as("what a power cut now brings back").isEmpty();
    }

    /** A prune deletes thousands of packs: each directory is fsynced once, after its last deletion, not once a file. */
    @Test
    void manyDeletionsSyncEachDirectoryOnceAfterTheLast() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            names.add("data/0" + i % 3 + "/" + i);
            new LocalBackend(repo).write(names.getLast(), new byte[] {1});
        }
        List<String> calls = new ArrayList<>();
        new LocalBackend(repo, new LocalBackend.DiskCalls() {
            @Override
            public void unlinking(Path file) {
                calls.add("unlink");
            }

            @Override
            public void synced(Path dir) {
                calls.add("sync " + repo.relativize(dir));
            }
        }).deleteAll(names);
        assertThat(calls.subList(0, 300)).containsOnly("unlink");
        assertThat(calls.subList(300, calls.size())).containsExactly("sync data/00", "sync data/01", "sync data/02");
        assertThat(new LocalBackend(repo).list("data")).isEmpty();
    }

    /** `init` into a directory not there: it, and each directory made above it, named durably by its parent. */
    @Test
    void aRepositoryMadeWithTheDirectoriesAboveItSurvivesAPowerCut() throws Exception {
        PowerCut cut = new PowerCut(tmp);
        Path repo = tmp.resolve("backups/vault/repo");
        Repository.init(new LocalBackend(repo, cut), TestTrees.PASSWORD, TestTrees.FAST_KDF, "test").close();
        assertThat(cut.undone()).as("what a power cut now takes away").isEmpty();
        assertThat(Files.isRegularFile(repo.resolve("config"))).isTrue();
    }
}
