package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.Keyring;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.repository.Repository;

/** What the vault promises a program that uses it as a library (the server's backup service): failures it can tell apart. */
class LibraryContractTest {

    @TempDir
    Path tmp;

    @Test
    void aWrongPasswordAndAMissingRepositoryAreFailuresOfTheirOwnTypes() {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        assertThatThrownBy(() -> Repository.open(new LocalBackend(dir), "not it".toCharArray()))
                .isInstanceOf(WrongPasswordException.class).hasMessageStartingWith("wrong password: no key slot of ");
        assertThatThrownBy(() -> Repository.open(new LocalBackend(tmp.resolve("none")), TestTrees.PASSWORD))
                .isInstanceOf(NoRepositoryException.class).hasMessageStartingWith("no vault repository at ");
        assertThat(new PackReader.CorruptPackException("pack trailer has wrong magic or version")).isInstanceOf(VaultException.class);
    }

    @Test
    void nullsAndNoThreadsAreRefusedWhereTheyAreGiven() {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        assertThatThrownBy(() -> Repository.open(new LocalBackend(dir), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the password is null");
        assertThatThrownBy(() -> Repository.open(new LocalBackend(dir), TestTrees.PASSWORD, "feedface", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the key slot's naming is null");
        List<Path> paths = List.of(tmp);
        assertThatThrownBy(() -> new BackupOptions(paths, false, null, List.of(), Map.of(), null, null, null, false, false, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> new BackupOptions(paths, false, List.of(), List.of(), Map.of(), null, null, null, false, false, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads is 0; give at least 1");
        try (Repository repo = TestTrees.open(dir)) {
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("Restorer: threads is 0; give at least 1");
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 1).restore(null, tmp.resolve("out"), null, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("includes must not be null");
            // a service's (a tester's): each failed deep in the work, or not at all
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 1).excluding(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("Restorer: excludes must not be null (List.of() for none)");
            assertThatThrownBy(() -> new org.opsledger.vault.checker.Checker(repo, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("Checker: threads is 0; give at least 1");
            for (double percent : new double[] {-1, Double.NaN, 200}) {
                assertThatThrownBy(() -> new org.opsledger.vault.checker.Checker(repo, 1).check(percent))
                        .isInstanceOf(IllegalArgumentException.class).hasMessage("Checker: readDataPercent is " + percent + "; give 0 to 100");
            }
            assertThatThrownBy(() -> repo.addKeySlot(null, org.opsledger.vault.crypto.KeySlot.MIN_ITERATIONS, "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the password is null");
            assertThatThrownBy(() -> new org.opsledger.vault.archiver.Archiver(repo, new org.opsledger.vault.archiver.BackupProgress())
                    .backup(BackupOptions.of(List.of()))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("nothing to back up: no path given (backupStream backs up a stream)");
            assertThat(repo.snapshots()).as("no snapshot of nothing").isEmpty();
        }
    }

    /** IS.012 6.6.6: the same-media refusal is a type of its own, a policy's misconfiguration, not a failed store. */
    @Test
    void aRepositoryOnTheSameMediaAsTheDataIsRefusedWithATypeOfItsOwn() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThatThrownBy(() -> new org.opsledger.vault.archiver.Archiver(repo, new org.opsledger.vault.archiver.BackupProgress())
                    .backup(BackupOptions.of(List.of(data)))).isInstanceOf(SameMediaException.class).hasMessageContaining("(IS.012 6.6.6)");
        }
    }

    @Test
    void aClosedRepositoryRefusesEveryOperationAndItsKeysAreZeroed() {
        Repository repo = TestTrees.newRepo(tmp.resolve("repo"));
        byte[] blob = TestTrees.random(1, 10_000);
        repo.saveBlob(BlobType.DATA, blob, 0, blob.length);
        repo.flush();
        Keyring keyring = repo.keys().keyring();
        int epoch = keyring.currentEpoch();

        repo.close();

        assertThat(keyring.epochs().get(epoch)).as("the data key").containsOnly(0);
        assertThat(keyring.idKey()).as("the content-ID key").containsOnly(0);
        for (Runnable op : List.<Runnable>of(() -> repo.dataKey(epoch), () -> repo.saveBlob(BlobType.DATA, blob, 0, blob.length),
                repo::snapshots, repo::index, repo::flush, repo::storedKeyring)) {
            assertThatThrownBy(op::run).isInstanceOf(IllegalStateException.class)
                    .hasMessage("repository " + tmp.resolve("repo") + " is closed: open it again to use it");
        }
    }

    /** A CLI command's journal hook writes its entry after the command closed the repository (out of heap, a signal). */
    @Test
    void aHoldKeepsTheKeysPastCloseUntilItIsReleased() {
        Repository repo = TestTrees.newRepo(tmp.resolve("repo"));
        Runnable release = repo.holdKeys();
        repo.close();
        assertThat(repo.snapshots()).as("the hook's work, after close").isEmpty();
        release.run();
        assertThatThrownBy(repo::snapshots).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }
}
