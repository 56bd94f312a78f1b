package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.history.Differ;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Dumper;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * FIFOs and device nodes are backed up and restored as restic and borg do: postfix's public/pickup
 * FIFO, a chroot's dev/null. None is ever opened (a FIFO blocks its opener until a writer comes): the
 * timeout turns such a hang into a failure. Sockets are left out and counted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // an open(2) blocked on a FIFO
// does not answer an interrupt: the test runs on a thread of its own, left behind if it hangs
class SpecialFilesTest {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path tmp;

    @Test
    void fifosAndDeviceNodesComeBackWithTheirModesOwnersTimesAndNumbers() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/chroot"));
        Files.createDirectories(data.resolve("dev"));
        Files.writeString(data.resolve("named.conf"), "options {};\n");
        run("mkfifo", "-m", "0620", data.resolve("pickup").toString());
        Files.setLastModifiedTime(data.resolve("named.conf"), FileTime.fromMillis(1_500_000_000_000L));
        run("touch", "-h", "-m", "-d", "@1600000000.123456789", data.resolve("pickup").toString());
        if (ROOT) {
            run("mknod", "-m", "0666", data.resolve("dev/null").toString(), "c", "1", "3");
            run("mknod", "-m", "0660", data.resolve("dev/loop-like").toString(), "b", "7", "300"); // a minor above 255
            run("chown", "-h", "65534:65534", data.resolve("pickup").toString());
        }
        try (ServerSocketChannel socket = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(data.resolve("control.sock")));
            try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
                BackupProgress progress = new BackupProgress();
                SnapshotRef s = new Archiver(repo, progress).backup(TestTrees.options(data));
                assertThat(progress.socketsSkipped.get()).isEqualTo(1);
                assertThat(progress.specials.get()).isEqualTo(ROOT ? 3 : 1);
                assertThat(progress.warnings()).isEmpty();
                SnapshotRef again = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data));
                assertThat(again.snapshot().tree()).as("an unchanged re-run reuses the trees").isEqualTo(s.snapshot().tree());

                Path target = tmp.resolve("restored");
                RestoreResult r = new Restorer(repo, 2).restore(s, target, List.of(), true);
                assertThat(r.verifyFailures()).isEmpty();
                assertThat(r.unapplied()).isEmpty();
                assertThat(r.specials()).isEqualTo(ROOT ? 3 : 1);
                assertThat(describe(target.resolve("chroot"))).isEqualTo(describe(data));

                // as a tar archive, which GNU tar lists as it would list the tree itself
                Path tar = tmp.resolve("chroot.tar");
                try (OutputStream out = Files.newOutputStream(tar)) {
                    new Dumper(repo).dump(s, "/", out);
                }
                String listing = run("tar", "-tvf", tar.toString());
                assertThat(listing).containsPattern("(?m)^prw--w---- .* chroot/pickup$");
                if (ROOT) {
                    assertThat(listing).containsPattern("(?m)^crw-rw-rw- .* 1,3 .* chroot/dev/null$")
                            .containsPattern("(?m)^brw-rw---- .* 7,300 .* chroot/dev/loop-like$");
                }
            }
        }
    }

    /**
     * A FIFO or device node with a setuid, setgid or sticky bit: mkfifo -m and mknod -m refuse those bits ("mode must
     * specify only file permission bits"), and the node was not restored at all (a helper's). It is made with its
     * permission bits and given its whole mode after its owner.
     */
    @Test
    void aFifoOrDeviceWithSetIdOrStickyBitsComesBackWithItsWholeMode() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/spool"));
        run("mkfifo", data.resolve("sticky").toString(), data.resolve("suid").toString());
        run("chmod", "1666", data.resolve("sticky").toString());
        run("chmod", "4640", data.resolve("suid").toString());
        if (ROOT) {
            run("mknod", data.resolve("sgid-dev").toString(), "c", "1", "3");
            run("chmod", "2660", data.resolve("sgid-dev").toString());
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Path target = tmp.resolve("restored");
            RestoreResult r = new Restorer(repo, 2).restore(s, target, List.of(), true);
            assertThat(r.unapplied()).isEmpty();
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.specials()).isEqualTo(ROOT ? 3 : 2);
            assertThat(describe(target.resolve("spool"))).isEqualTo(describe(data));
        }
    }

    @Test
    void aDeviceWhoseNumberChangedIsModified() throws Exception {
        assumeThat(ROOT).as("mknod of a device needs root").isTrue();
        Path data = Files.createDirectories(tmp.resolve("src/dev"));
        run("mknod", data.resolve("tty").toString(), "c", "5", "0");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef before = TestTrees.backup(repo, data);
            Files.delete(data.resolve("tty"));
            run("mknod", data.resolve("tty").toString(), "c", "4", "1");
            SnapshotRef after = TestTrees.backup(repo, data);
            StringBuilder changes = new StringBuilder();
            new Differ(repo).diff(before, after, c -> changes.append(c.kind().letter).append(' ').append(c.path()).append('\n'));
            assertThat(changes).hasToString("M /dev/tty\n");
        }
    }

    /**
     * A FIFO in a directory whose name is not UTF-8 beside a symlink named as the JDK shows that name (U+FFFD for the
     * byte) pointing outside the target: mkfifo was given the U+FFFD spelling, followed the link and made the FIFO
     * outside the target, as root in /etc (a helper's). It is made where the snapshot says, by its bytes; so is a
     * device node, and its time is set there.
     */
    @Test
    void aFifoUnderANameThatIsNotUtf8IsMadeThereNotThroughALinkSpelledAsTheJdkShowsIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/home"));
        Path outside = Files.createDirectories(tmp.resolve("victim"));
        Path latin1 = Files.createDirectory(FileNames.resolve(data, "x_\uDCE9")); // the byte 0xE9
        Files.createSymbolicLink(data.resolve("x_\uFFFD"), outside); // the bytes EF BF BD
        run("mkfifo", "-m", "0644", data.resolve("pickup").toString());
        Files.move(data.resolve("pickup"), latin1.resolve("nologin"));
        if (ROOT) {
            run("mknod", "-m", "0600", data.resolve("null").toString(), "c", "1", "3");
            Files.move(data.resolve("null"), latin1.resolve("null"));
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Path target = tmp.resolve("restored");
            RestoreResult r = new Restorer(repo, 2).restore(s, target, List.of(), true);

            try (var left = Files.list(outside)) {
                assertThat(left.toList()).as("nothing made outside the target").isEmpty();
            }
            assertThat(r.unapplied()).isEmpty();
            assertThat(r.verifyFailures()).isEmpty();
            Path restored = FileNames.resolve(target.resolve("home"), "x_\uDCE9");
            assertThat(describe(target.resolve("home"))).isEqualTo(describe(data));
            assertThat(Files.readAttributes(restored.resolve("nologin"), "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"))
                    .isEqualTo(0010644);
        }
    }

    /** Type, mode, owner, mtime and device number of every entry but sockets, read by lstat: a FIFO is never opened. */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                if ((((Integer) a.get("mode")) & 0170000) == 0140000) {
                    continue; // a socket: left out of the backup
                }
                String what = Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid") + ":" + a.get("gid") + " " + a.get("rdev");
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) { // directories' times move as entries are made
                    what += " " + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
                }
                out.put(root.relativize(p).toString(), what);
            }
        }
        return out;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
