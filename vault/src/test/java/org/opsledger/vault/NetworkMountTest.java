package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;

/**
 * A repository on a FUSE mount, as on sshfs or an rclone mount of a remote: rclone mounts a local directory here (the
 * test is skipped without rclone or /dev/fuse), and a mount whose process is killed is dead as a killed sshfs's is
 * ("Transport endpoint is not connected"). A tester's repros on sshfs, rclone and s3fs (session 38, h3).
 */
class NetworkMountTest {

    @TempDir
    Path tmp;

    private final List<Process> mounts = new ArrayList<>();
    private final List<Path> mountPoints = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Process p : mounts) {
            p.destroyForcibly().waitFor();
        }
        for (Path m : mountPoints) {
            new ProcessBuilder("fusermount", "-uz", m.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    /**
     * {@code source} mounted at a new {@code mnt} by rclone in the foreground, with rclone's defaults but {@code options}
     * (--vfs-cache-mode off: a write to an existing file not opened with O_TRUNC is refused); returned once the mount is
     * in the mount table. Killing the process leaves the mount dead. The remote {@code disk:} of rclone's config is a local one.
     */
    private Process rcloneMount(String source, Path mnt, String... options) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse here");
        Files.createDirectories(mnt);
        List<String> command = new ArrayList<>(List.of("rclone", "mount", source, mnt.toString()));
        command.addAll(List.of(options));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("RCLONE_CONFIG_DISK_TYPE", "local");
            p = pb.redirectErrorStream(true).redirectOutput(tmp.resolve("rclone-" + mnt.getFileName() + ".log").toFile()).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("rclone is not installed: " + e.getMessage());
            throw e;
        }
        mounts.add(p);
        mountPoints.add(mnt);
        String entry = " " + mnt + " ";
        while (Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains(entry))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(p.isAlive(), () -> "rclone mount failed here: " + log(mnt));
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return p;
    }

    /** {@code source} mounted at {@code mnt} with rclone's write cache (--vfs-cache-mode writes), as rclone advises for a repository. */
    private Process writeCachedMount(Path source, Path mnt) throws Exception {
        return rcloneMount(source.toString(), mnt, "--vfs-cache-mode", "writes", "--cache-dir", tmp.resolve("cache").toString());
    }

    /** A repository made on a mount whose process was then killed: the mount is dead, as a killed sshfs's is. */
    private Path repositoryOnADeadMount() throws Exception {
        Path mnt = tmp.resolve("mnt");
        Process rclone = writeCachedMount(Files.createDirectories(tmp.resolve("remote")), mnt);
        TestTrees.newRepo(mnt.resolve("repo")).close();
        rclone.destroyForcibly().waitFor();
        return mnt.resolve("repo");
    }

    private String log(Path mnt) {
        try {
            return Files.readString(tmp.resolve("rclone-" + mnt.getFileName() + ".log"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /**
     * IS.012 6.6.6.4: on an rclone mount without --vfs-cache-mode writes, `key remove` failed "cannot overwrite …: Operation
     * not permitted" and kept the slot, whose removed password still opened the repository. The slot is deleted, and the
     * command is told once that its bytes were not overwritten there.
     */
    @Test
    void aSlotOnAMountThatRefusesOverwritesIsRemovedAndSaidNotOverwritten() throws Exception {
        Path mnt = tmp.resolve("mnt");
        rcloneMount(Files.createDirectories(tmp.resolve("remote")).toString(), mnt, "--vfs-cache-mode", "off", "--dir-cache-time", "0s");
        char[] departed = "departed admin's password".toCharArray();
        List<String> notices = new ArrayList<>();
        try (Repository repo = TestTrees.newRepo(mnt.resolve("repo"))) {
            String slot = repo.addKeySlot(departed, TestTrees.FAST_KDF, "departed");
            repo.onNotice(notices::add);
            repo.removeKeySlot(slot);
            assertThat(mnt.resolve("repo/keys").resolve(slot)).doesNotExist();
        }
        assertThat(notices).singleElement().asString()
                .contains("was deleted without its bytes overwritten", "Operation not permitted", "--vfs-cache-mode writes");
        assertThatThrownBy(() -> Repository.open(new LocalBackend(mnt.resolve("repo")), departed)).isInstanceOf(WrongPasswordException.class);
    }

    /**
     * IS.012 6.6.6: FUSE gives a mount a device of its own, and a repository on an rclone mount of a directory of the
     * backed-up disk (as on sshfs to localhost) passed the same-device rule; --allow-same-device stays the way out.
     */
    @Test
    void aRepositoryOnAFuseMountOfTheBackedUpDiskIsRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv"));
        Files.writeString(data.resolve("f"), "data");
        Path mnt = tmp.resolve("mnt");
        writeCachedMount(Files.createDirectories(tmp.resolve("backupdisk")), mnt);
        try (Repository repo = TestTrees.newRepo(mnt.resolve("repo"))) {
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data).withAllowSameDevice(false)))
                    .isInstanceOf(SameMediaException.class)
                    .hasMessage("repository " + repo.backend().location() + " (through the FUSE mount " + mnt + " (fuse.rclone of "
                            + tmp.resolve("backupdisk") + ")) is on the same device as " + data
                            + " (IS.012 6.6.6); use another disk or pass --allow-same-device");
            assertThat(new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data))).isNotNull();
        }
    }

    /**
     * A FUSE mount whose disk its mount table does not tell (a remote of rclone's config; s3fs; another FUSE filesystem):
     * the backup goes on, and says once that the same-device rule could not be judged, rather than pass in silence.
     */
    @Test
    void aFuseMountWhoseDiskCannotBeToldIsSaidSo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv"));
        Files.writeString(data.resolve("f"), "data");
        Path mnt = tmp.resolve("mnt");
        rcloneMount("disk:" + Files.createDirectories(tmp.resolve("backupdisk")), mnt, "--vfs-cache-mode", "writes", "--cache-dir",
                tmp.resolve("cache").toString());
        List<String> notices = new ArrayList<>();
        try (Repository repo = TestTrees.newRepo(mnt.resolve("repo"))) {
            repo.onNotice(notices::add);
            assertThat(new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data).withAllowSameDevice(false))).isNotNull();
        }
        assertThat(notices).containsExactly("the repository " + mnt.resolve("repo") + " is on the FUSE mount " + mnt + " (fuse.rclone of disk:"
                + tmp.resolve("backupdisk") + "), whose disk cannot be told: whether it is the backed-up paths' own (IS.012 6.6.6) was not"
                + " checked; pass --allow-same-device where it is known not to be");
    }

    /** A dead mount (its process killed: ENOTCONN) was "no vault repository at …", and init then said "repository location exists". */
    @Test
    void aDeadMountIsUnreachableNotMissing() throws Exception {
        Path repo = repositoryOnADeadMount();
        String unreachable = "cannot reach the repository at " + repo + ": Transport endpoint is not connected (a network mount that"
                + " dropped? remount it)";
        assertThatThrownBy(() -> TestTrees.open(repo)).hasMessage(unreachable);
        assertThatThrownBy(() -> TestTrees.newRepo(repo)).hasMessage(unreachable);
    }

    /** A mount that dropped under a running command was "the repository … is gone (moved or deleted while this command ran)". */
    @Test
    void aMountThatDropsUnderAWriteStoppedAnsweringNotGone() throws Exception {
        Path repo = repositoryOnADeadMount();
        LocalBackend backend = new LocalBackend(repo);
        String stopped = "the filesystem of the repository at " + repo + " stopped answering (Transport endpoint is not"
                + " connected): remount it, then run the command again; check --read-data confirms nothing was damaged";
        assertThatThrownBy(() -> backend.write("data/ab/ab12", new byte[] {1, 2, 3})).hasMessage(stopped);
        assertThatThrownBy(backend::upload).hasMessage(stopped);
    }

    /**
     * A mount ended cleanly under a running command (its sshfs or rclone process stopped by TERM) leaves its empty mount
     * point, where the repository is not: that was "gone (moved or deleted while this command ran)" too (h3's repro-4).
     */
    @Test
    void aMountEndedUnderACommandIsNoLongerMountedNotGone() throws Exception {
        Path mnt = tmp.resolve("mnt");
        Process rclone = writeCachedMount(Files.createDirectories(tmp.resolve("remote")), mnt);
        TestTrees.newRepo(mnt.resolve("repo")).close();
        LocalBackend backend = new LocalBackend(mnt.resolve("repo"));
        assertThat(backend.exists("config")).isTrue();
        rclone.destroy(); // TERM: rclone unmounts
        rclone.waitFor();
        assertThat(Files.exists(mnt.resolve("repo"))).as("the mount point, empty").isFalse();
        assertThatThrownBy(() -> backend.write("data/ab/ab12", new byte[] {1, 2, 3})).hasMessage("the filesystem of the repository at "
                + mnt.resolve("repo") + " stopped answering (it is no longer mounted): remount it, then run the command again; check"
                + " --read-data confirms nothing was damaged");
    }

    /**
     * A repository with one snapshot, made and forgotten through {@code here}, beside which another host's backup then
     * takes its lock through {@code there}; then prune through {@code here}. The forget listed locks/ through {@code here}.
     */
    private PruneResult pruneBesideABackupBegunElsewhere(Path here, Path there) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv"));
        Files.write(data.resolve("f"), TestTrees.random(7, 300_000));
        try (Repository repo = TestTrees.newRepo(here)) {
            TestTrees.backup(repo, data);
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
            for (int i = 0; i < 300 && !filesIn(there).equals(filesIn(here)); i++) { // rclone writes back 5 s after a file closes
                Thread.sleep(100);
            }
            try (Repository elsewhere = TestTrees.open(there); SharedLock backup = elsewhere.lock("backup")) {
                return new Pruner(repo).prune();
            }
        }
    }

    /** The names of the files under {@code dir}, relative to it. */
    private static java.util.Set<Path> filesIn(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(dir::relativize).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** The packs under {@code repo}'s data/. */
    private static long packsIn(Path repo) throws java.io.IOException {
        try (var files = Files.walk(repo.resolve("data"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    /**
     * rclone keeps each directory's listing for its --dir-cache-time (5 min by default, whatever --vfs-cache-mode): a prune
     * through the mount listed locks/ with its own lock, written through it, and without the lock of a backup another host
     * had begun meanwhile, and deleted the packs it condemned, which that backup may be deduplicating against (a tester's,
     * session 39). Refused, nothing deleted; no wait for its own lock to show could have told.
     */
    @Test
    void aPruneThroughAnRcloneMountThatKeepsListingsIsRefusedRatherThanMissAnotherHostsBackup() throws Exception {
        Path remote = Files.createDirectories(tmp.resolve("remote"));
        Path mnt = tmp.resolve("mnt");
        writeCachedMount(remote, mnt);
        assertThatThrownBy(() -> pruneBesideABackupBegunElsewhere(mnt.resolve("repo"), remote.resolve("repo"))).hasMessage("prune refused:"
                + " the rclone mount " + mnt + " (fuse.rclone of " + remote + ") keeps each directory's listing 5m0s (--dir-cache-time,"
                + " not given: rclone's default), so a lock another host's backup wrote meanwhile may be missing from its listing of"
                + " locks/, and a prune would delete what that backup stores; nothing was done: remount it with --dir-cache-time 0s,"
                + " or run prune where the store is reached directly");
        assertThat(packsIn(mnt.resolve("repo"))).as("the forgotten snapshot's packs, kept").isPositive();
    }

    /**
     * Work that runs alone looks for other locks the same way: a key retirement through such a mount would go on beside a
     * backup begun on another host, which seals under the key it destroys. Refused before anything is written.
     */
    @Test
    void aKeyRetirementThroughAnRcloneMountThatKeepsListingsIsRefused() throws Exception {
        Path mnt = tmp.resolve("mnt");
        rcloneMount(Files.createDirectories(tmp.resolve("remote")).toString(), mnt, "--vfs-cache-mode", "writes", "--cache-dir",
                tmp.resolve("cache").toString(), "--dir-cache-time", "10m");
        try (Repository repo = TestTrees.newRepo(mnt.resolve("repo"))) {
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
            assertThatThrownBy(() -> new org.opsledger.vault.repository.KeyEpochs(repo).retire(1)).hasMessageContaining("retire refused:"
                    + " the rclone mount " + mnt + " (fuse.rclone of " + tmp.resolve("remote") + ") keeps each directory's listing 10m0s"
                    + " (its --dir-cache-time 10m), so a lock another host's backup wrote meanwhile may be missing from its listing of"
                    + " locks/, and a retire, which runs alone, would go on beside that backup; nothing was done");
            assertThat(repo.keys().keyring().epochs()).as("epoch 1 kept").containsKey(1);
        }
    }

    /** Mounted with --dir-cache-time 0s, rclone lists locks/ from the remote each time: the prune sees the backup and waits for it. */
    @Test
    void aPruneThroughAnRcloneMountThatListsAfreshSeesAnotherHostsBackup() throws Exception {
        Path remote = Files.createDirectories(tmp.resolve("remote"));
        Path mnt = tmp.resolve("mnt");
        rcloneMount(remote.toString(), mnt, "--vfs-cache-mode", "writes", "--cache-dir", tmp.resolve("cache").toString(),
                "--dir-cache-time", "0s");
        PruneResult r = pruneBesideABackupBegunElsewhere(mnt.resolve("repo"), remote.resolve("repo"));
        assertThat(r.packsCondemned()).isPositive();
        assertThat(r.packsWaiting()).as("kept for the running backup").isEqualTo(r.packsCondemned());
    }

    /** On a plain directory nothing changes: the prune goes on and waits for the other host's backup. */
    @Test
    void aPruneInAPlainDirectorySeesAnotherHostsBackupAsBefore() throws Exception {
        Path repo = tmp.resolve("repo");
        PruneResult r = pruneBesideABackupBegunElsewhere(repo, repo);
        assertThat(r.packsCondemned()).isPositive();
        assertThat(r.packsWaiting()).as("kept for the running backup").isEqualTo(r.packsCondemned());
    }
}
