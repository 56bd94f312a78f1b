package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * `vault upgrade`: a repository made by a build of format 1 or 2 moves to this build's format — its config says so and its
 * index files are written again compressed — and every snapshot restores as before; it runs alone, and a second run does nothing.
 */
class UpgradeTest {

    @TempDir
    Path tmp;

    /** An index file that does not read stops the upgrade, which writes nothing, and says what mends it (it said only why). */
    @Test
    void anUpgradeStoppedByADamagedIndexFileSaysWhatMendsIt() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        TestTrees.setFormatVersion(dir, RepositoryConfig.VERSION, 3);
        try (Repository repo = TestTrees.open(dir)) {
            TestTrees.backup(repo, TestTrees.sample(tmp.resolve("src/data")));
        }
        Path index = new org.opsledger.vault.backend.LocalBackend(dir).list("index").stream().map(dir::resolve).findFirst().orElseThrow();
        DamagedPackTest.flipOneByte(index, Files.size(index) / 2);
        String config = Files.readString(dir.resolve("config"));
        try (Repository repo = TestTrees.open(dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(repo::upgrade).hasMessageStartingWith("the index cannot be read: ")
                    .hasMessageEndingWith("; `vault check` names what else is damaged, `vault repair` writes the index again from the packs");
        }
        assertThat(Files.readString(dir.resolve("config"))).as("nothing written").isEqualTo(config);
    }

    @Test
    void aFormatTwoRepositoryIsUpgradedItsIndexCompressedAndItsSnapshotsRestore() throws Exception {
        for (int from : new int[] {1, 2}) {
            Path dir = tmp.resolve("repo" + from);
            Path data = TestTrees.sample(tmp.resolve("src" + from + "/data"));
            TestTrees.newRepo(dir).close();
            TestTrees.setFormatVersion(dir, RepositoryConfig.VERSION, from); // as a build of that format made it
            SnapshotRef first;
            try (Repository repo = TestTrees.open(dir)) {
                first = TestTrees.backup(repo, data);
                Files.writeString(data.resolve("later.txt"), "written after the first backup\n".repeat(500));
                TestTrees.backup(repo, data);
            }
            try (Repository repo = TestTrees.open(dir)) {
                try (Repository other = TestTrees.open(dir); SharedLock backup = other.lock("backup")) {
                    assertThatThrownBy(repo::upgrade).hasMessageContaining("a backup on").hasMessageContaining("and an upgrade runs alone");
                }
                Repository.Upgrade u = repo.upgrade();
                assertThat(u.from()).isEqualTo(from);
                assertThat(u.to()).isEqualTo(RepositoryConfig.VERSION);
                assertThat(u.indexFiles()).isEqualTo(1);
                assertThat(u.indexBytesAfter()).isLessThan(u.indexBytesBefore() * 6 / 10);
                assertThat(repo.config().version()).isEqualTo(RepositoryConfig.VERSION);
                assertThat(Files.readString(dir.resolve("config"))).contains("\"version\":" + RepositoryConfig.VERSION);
                assertThat(repo.upgrade().indexFiles()).as("nothing left to upgrade").isZero();
            }
            try (Repository repo = TestTrees.open(dir)) {
                assertThat(repo.config().version()).isEqualTo(RepositoryConfig.VERSION);
                assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
                TestTrees.backup(repo, data); // this build's format from here on, beside what format 1 or 2 wrote
                assertThat(repo.snapshots()).hasSize(3);
                RestoreResult r = new Restorer(repo, 2).restore(repo.findSnapshot(first.id().hex()), tmp.resolve("out" + from), List.of(), true);
                assertThat(r.ok()).as(r.toString()).isTrue();
                assertThat(tmp.resolve("out" + from + "/data/later.txt")).doesNotExist();
                assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            }
        }
    }

}
