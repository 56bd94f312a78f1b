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
     * directory the restore had just made for a link to her own and read what it wrote there (a re-tester's). Accepted
     * only when the group is the user's own, named as the user.
     */
    @Test
    void aTargetItsGroupMayWriteIsTheUsersOnlyWhenTheGroupIsTheirOwn() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 0775);
        String group = Files.readAttributes(shared, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        assertThatCode(() -> new PrivateDirectories(false, null, group).check(shared, List.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> new PrivateDirectories(false, null, group + "-other").check(shared, List.of()))
                .hasMessageStartingWith("restore target " + shared.toRealPath() + " is writable by its group (mode 775)");
    }
}
