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
        List<Path> paths = List.of(tmp);
        assertThatThrownBy(() -> new BackupOptions(paths, false, null, List.of(), Map.of(), null, null, null, false, false, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> new BackupOptions(paths, false, List.of(), List.of(), Map.of(), null, null, null, false, false, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads is 0; give at least 1");
    }
}
