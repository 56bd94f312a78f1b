package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root in a local repository another user owns writes files that user's own commands cannot read (the owner's nightly
 * backup failed on a key slot root added, its check on root's journal entry: a tester's); root is told, with the remedy.
 */
class RootInAnotherUsersRepositoryTest {

    @TempDir
    Path tmp;

    @Test
    void rootIsToldWhenTheRepositoryBelongsToAnotherUser() throws Exception {
        assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "runs as root");
        Path repo = tmp.resolve("repo");
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        String[] snapshots = {"vault", "snapshots", "--repo", repo.toString(), "--password-file", pw.toString()};
        assertThat(VaultCommandTest.run("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(),
                "--kdf-iterations", "100000").exit()).isZero();
        assertThat(VaultCommandTest.run(snapshots).err()).doesNotContain("running as root");

        Files.setAttribute(repo, "unix:uid", 65534); // nobody's, as a service user's repository would be
        VaultCommandTest.Run asRoot = VaultCommandTest.run(snapshots);

        assertThat(asRoot.exit()).isZero();
        assertThat(asRoot.err()).contains("warning: running as root in " + repo + ", which belongs to ")
                .contains("sudo -u ").contains("chown -R ");
        Path other = Files.createDirectory(tmp.resolve("made-for-it"));
        Files.setAttribute(other, "unix:uid", 65534);
        assertThat(VaultCommandTest.run("vault", "init", "--repo", other.toString(), "--password-file", pw.toString(),
                "--kdf-iterations", "100000").err()).contains("warning: running as root in " + other);
    }

    /**
     * The warning quotes the repository as ls shows a name: a directory named repo\x41 (a backslash, then x41) read as one
     * named repoA, in the warning and in the `chown` it gives.
     */
    @Test
    void theWarningQuotesTheRepositoryEscaped() throws Exception {
        assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "runs as root");
        Path repo = tmp.resolve("repo\\x41");
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        assertThat(VaultCommandTest.run("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(),
                "--kdf-iterations", "100000").exit()).isZero();
        Files.setAttribute(repo, "unix:uid", 65534);
        String err = VaultCommandTest.run("vault", "snapshots", "--repo", repo.toString(), "--password-file", pw.toString()).err();
        String shown = tmp + "/repo\\\\x41";
        assertThat(err).contains("warning: running as root in " + shown + ", which belongs to ").contains(": " + shown + "`)");
    }
}
