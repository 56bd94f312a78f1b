package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;

/**
 * Repository files are the owner's alone (restic's modes): a key slot is the master key wrapped by a
 * password, and a local user who can read one can guess that password offline. They were 0644.
 */
class RepositoryFileModesTest {

    @TempDir
    Path tmp;

    @Test
    void filesAre0600AndDirectories0700AndCheckWarnsOfAnExposedKeySlot() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        try (Stream<Path> all = Files.walk(repoDir)) {
            for (Path p : all.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertThat(mode).as(repoDir.relativize(p).toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
        Path slot;
        try (Stream<Path> keys = Files.list(repoDir.resolve("keys"))) {
            slot = keys.findFirst().orElseThrow();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("readable by other users"));
            Files.setPosixFilePermissions(slot, PosixFilePermissions.fromString("rw-r--r--")); // as written before
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.startsWith(
                    "1 key slot file(s) readable by other users (first: keys/" + slot.getFileName() + " (rw-r--r--))"));
        }
    }

    @Test
    void aRootSharedWithAGroupGivesTheGroupItsFiles() throws Exception {
        Path repoDir = Files.createDirectory(tmp.resolve("shared"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwx---")));
        Files.setPosixFilePermissions(repoDir, PosixFilePermissions.fromString("rwxrwx---")); // past the umask
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, TestTrees.sample(tmp.resolve("src/data")));
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("readable by other users"));
        }
        try (Stream<Path> keys = Files.list(repoDir.resolve("keys"))) {
            Path slot = keys.findFirst().orElseThrow();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(slot)))
                    .as("0660, less what the umask takes (022: group write)").matches("rw-r[w-]----");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(repoDir.resolve("data")))).matches("rwxr[w-]x---");
    }
}
