package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write the local store refuses says why in words and where: a pack's temporary file as the repository it goes in.
 * It said "cannot write …/.tmp-eff7…: java.nio.file.AccessDeniedException: /…/.tmp-eff7…" (a shared repository another
 * user's umask closed), or the exception's class before "Read-only file system" and "File too large" (a helper's).
 */
class LocalBackendWriteErrorsTest {

    @TempDir
    Path tmp;

    @Test
    void aRefusedWriteNamesTheFileAndTheReasonInWords() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        LocalBackend backend = new LocalBackend(repo);
        Files.writeString(repo.resolve("locks"), "a file where a directory belongs");
        assertThatThrownBy(() -> backend.write("locks/abc", new byte[] {1}, 0, 1)).isInstanceOf(BackendException.class)
                .hasMessage("cannot write " + repo.resolve("locks/abc") + ": already exists");
    }

    /**
     * The repository's root moved (mv) while a backup ran: the backup's own line, its next pack's temporary file, said
     * "cannot write a new file in the repository …: no such file" (a helper's). It says the repository is gone.
     */
    @Test
    void aNewFileInARepositoryMovedAwayNamesItGone() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        LocalBackend backend = new LocalBackend(repo);
        Files.move(repo, tmp.resolve("moved"));
        assertThatThrownBy(backend::upload).isInstanceOf(BackendException.class)
                .hasMessage("the repository " + repo + " is gone (moved or deleted while this command ran)");
    }
}
