package org.opsledger.vault.restorer;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whose directories a restore writes into. What the restore made itself is its own whoever owns it: on an NFS export
 * that squashes root, root's directories belong to nobody. A directory found there and owned by that user is not.
 */
class PrivateDirectoriesTest {

    @TempDir
    Path tmp;

    @Test
    void aTargetTheRestoreMadeIsItsOwnWhoeverTheFilesystemSaysOwnsIt() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "giving a directory away takes root");
        Path squashed = Files.createDirectory(tmp.resolve("made-as-nobody"));
        Files.setAttribute(squashed, "unix:mode", 0700);
        Files.setAttribute(squashed, "unix:uid", 65534); // as an NFS server that squashes root makes it
        assertThatCode(() -> new PrivateDirectories(true, squashed).check(squashed, List.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> new PrivateDirectories(true, null).check(squashed, List.of()))
                .hasMessageStartingWith("restore target " + squashed.toRealPath() + " is owned by uid 65534");
        Path found = Files.createDirectory(squashed.resolve("found"));
        Files.setAttribute(found, "unix:uid", 12345);
        assertThatThrownBy(() -> new PrivateDirectories(true, squashed).check(squashed, List.of(found)))
                .hasMessageStartingWith("directory already in the restore target " + found + " is owned by uid 12345");
    }

    /**
     * A restore as another user than root took a target its group may write to: a member of that group swapped the
     * directory the restore had just made for a link to her own and read what it wrote (a re-tester's); a group named as
     * the user may have other members too (another's). Refused as a restore as root refuses it.
     */
    @Test
    void aTargetItsGroupMayWriteIsRefusedWhoeverRestores() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 0775);
        for (boolean root : new boolean[] {true, false}) {
            assertThatThrownBy(() -> new PrivateDirectories(root, null).check(shared, List.of()))
                    .hasMessageStartingWith("restore target " + shared.toRealPath() + " is writable by its group (mode 775)");
        }
        Files.setAttribute(shared, "unix:mode", 0755);
        assertThatCode(() -> new PrivateDirectories(false, null).check(shared, List.of())).doesNotThrowAnyException();
    }
}
