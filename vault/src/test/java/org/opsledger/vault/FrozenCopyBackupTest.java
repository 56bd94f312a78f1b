package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A backup of a frozen copy (an LVM snapshot mounted for the night): a tester's (h4) defects. The snapshot not mounted, a
 * symlink naming the night's mount, the copy of the repository's own volume, the repository's disk mounted below.
 */
class FrozenCopyBackupTest {

    @TempDir
    Path tmp;

    /** IS.012 6.6.1: an empty mount point saved as an incremental of 0 files, exit 0, and `forget --keep-last 1` kept it. */
    @Test
    void anEmptyDirectoryWhereTheParentHeldEntriesFailsTheBackupAndWithFullIsAWarning() throws Exception {
        Path snap = Files.createDirectories(tmp.resolve("mnt/snap"));
        Files.writeString(Files.createDirectories(snap.resolve("data")).resolve("f1"), "one");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef good = TestTrees.backup(repo, snap);
            TestTrees.deleteTree(snap.resolve("data")); // the night's snapshot not mounted: its empty mount point
            assertThatThrownBy(() -> TestTrees.backup(repo, snap)).isInstanceOf(VaultException.class)
                    .hasMessage("the backup path " + snap + " is an empty directory, where snapshot " + good.shortId() + " of this source"
                            + " holds 1 entries (a snapshot or disk not mounted?): no snapshot was written; mount it, or back it up with"
                            + " --full if it was emptied on purpose");
            assertThat(repo.snapshots()).hasSize(1);

            BackupProgress full = new BackupProgress();
            new Archiver(repo, full).backup(TestTrees.options(snap).withFull(true));
            assertThat(full.warnings()).as("saved, exit 3").singleElement().asString().contains("is an empty directory, where snapshot");
            TestTrees.backup(repo, snap); // its parent the empty one: emptied on purpose, backed up so from now on
            assertThat(repo.snapshots()).hasSize(3);
        }
    }

    /**
     * An --exclude broader than meant that leaves out every entry under the backup path (`/srv/app/*` typed for
     * `/srv/app/*&#47;cache`): saved as an incremental of 0 files, exit 0, where the parent held every file, and `forget
     * --keep-last 1 --prune` then kept the empty one (h4's). Refused as an emptied directory is; with --full a warning.
     */
    @Test
    void anExcludeThatLeavesOutEveryEntryWhereTheParentHeldSomeFailsTheBackupAndWithFullIsAWarning() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("srv/app"));
        Files.writeString(Files.createDirectories(app.resolve("www/cache")).resolve("x"), "tmp");
        Files.writeString(app.resolve("www/index.html"), "<html>");
        Files.writeString(Files.createDirectories(app.resolve("db")).resolve("data.sql"), "rows");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef good = TestTrees.backup(repo, app);
            Archiver archiver = new Archiver(repo, new BackupProgress());
            assertThatThrownBy(() -> archiver.backup(TestTrees.options(app).withExcludes(List.of(app + "/*"))))
                    .isInstanceOf(VaultException.class)
                    .hasMessage("every entry under the backup path " + app + " was left out (--exclude, --exclude-if-present, -x), where"
                            + " snapshot " + good.shortId() + " of this source holds 2 entries there: no snapshot was written; narrow the"
                            + " patterns, or back it up with --full if that is meant");
            assertThat(repo.snapshots()).hasSize(1);
            new Archiver(repo, new BackupProgress()).backup(TestTrees.options(app).withExcludes(List.of(app + "/*/cache")));
            assertThat(repo.snapshots()).as("what was meant").hasSize(2);

            BackupProgress full = new BackupProgress();
            new Archiver(repo, full).backup(TestTrees.options(app).withExcludes(List.of(app + "/*")).withFull(true));
            assertThat(full.warnings()).as("saved, exit 3").singleElement().asString().contains("was left out", "saved empty (--full)");
            assertThat(repo.snapshots()).hasSize(3);
        }
    }

    /** A symlink as a backup path saved the link alone, 0 files, exit 0; given with a trailing slash it is followed. */
    @Test
    void aSymlinkAsABackupPathIsRefusedNamingItsTargetAndWithATrailingSlashItsDirectoryIsBackedUpUnderTheLinksName() throws Exception {
        Path dated = Files.createDirectories(tmp.resolve("mnt/snap-2026-12-07"));
        Files.writeString(Files.createDirectories(dated.resolve("data")).resolve("f1"), "one");
        Path latest = Files.createSymbolicLink(tmp.resolve("mnt/snap-latest"), dated);
        Path dangling = Files.createSymbolicLink(tmp.resolve("mnt/snap-gone"), tmp.resolve("mnt/snap-2026-12-06"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThatThrownBy(() -> TestTrees.backup(repo, latest)).isInstanceOf(VaultException.class)
                    .hasMessage("the backup path " + latest + " is a symlink to " + dated + ": back up that path, or give it as "
                            + latest + "/ to back up what it points to under the link's name");
            assertThatThrownBy(() -> TestTrees.backup(repo, dangling)).hasMessageContaining("is a symlink to " + tmp.resolve("mnt/snap-2026-12-06"));
            assertThatThrownBy(() -> TestTrees.backup(repo, dangling.resolve("."))) // `vault backup /mnt/snap-gone/`
                    .hasMessage("no such file or directory: " + dangling + "/ (a symlink to " + tmp.resolve("mnt/snap-2026-12-06")
                            + ", which is not there)");
            assertThat(repo.snapshots()).isEmpty();

            SnapshotRef s = TestTrees.backup(repo, latest.resolve("."));
            assertThat(s.snapshot().paths()).containsExactly(latest.toString());
            Node root = repo.loadTree(s.snapshot().tree()).nodes().getFirst();
            assertThat(root.name()).isEqualTo("snap-latest");
            assertThat(root.type()).isEqualTo(org.opsledger.vault.snapshot.NodeType.DIR);
            assertThat(s.snapshot().summary().files()).isEqualTo(1);
        }
    }

    /**
     * IS.012 6.6.6: a frozen copy of the volume that holds the repository was backed up into the repository, its config,
     * keyring and packs, growing by its own size each night. The copy is left out as the repository itself is.
     */
    @Test
    void aCopyOfTheRepositoryInABackupPathIsLeftOut() throws Exception {
        Path repoDir = tmp.resolve("srv/repo");
        Path snap = Files.createDirectories(tmp.resolve("mnt/snap"));
        Files.writeString(Files.createDirectories(snap.resolve("data")).resolve("f1"), "one");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.copyTree(repoDir, snap.resolve("repo")); // the snapshot of /srv, its repo/ in it
            BackupProgress progress = new BackupProgress();
            SnapshotRef s = new Archiver(repo, progress).backup(TestTrees.options(snap));
            Node root = repo.loadTree(s.snapshot().tree()).nodes().getFirst();
            assertThat(repo.loadTree(root.subtree()).nodes()).extracting(Node::name).containsExactly("data");
            assertThat(progress.repositoryLeftOut()).isEqualTo(snap.resolve("repo"));

            Path other = tmp.resolve("other");
            try (Repository another = TestTrees.newRepo(other)) { // another repository's copy is data like any other
                TestTrees.backup(another, snap);
            }
        }
    }

    /** IS.012 6.6.6: a repository on a loop filesystem whose image lies on the backed-up volume was backed up into itself. */
    @Test
    void aRepositoryOnALoopFilesystemWhoseImageLiesOnTheSourceIsRefused() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("srv"));
        Files.writeString(src.resolve("local.txt"), "on this disk");
        Path disk = TestTrees.mountExt4(src.resolve("repodisk")); // its image srv/repodisk.img
        try (Repository repo = TestTrees.newRepo(disk.resolve("repo"))) {
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(src).withAllowSameDevice(false)))
                    .isInstanceOf(SameMediaException.class)
                    .hasMessage("repository " + repo.backend().location() + " (on a loop device whose image is " + src.resolve("repodisk.img")
                            + ") is on the same device as " + src + " (IS.012 6.6.6); use another disk or pass --allow-same-device");
            assertThat(repo.snapshots()).isEmpty();
        } finally {
            TestTrees.unmount(disk);
        }
    }

    /** IS.012 6.6.6: an overlay (a container's root) whose writes go to an upper directory on the repository's device. */
    @Test
    void anOverlayWhoseUpperDirectoryLiesOnTheRepositorysDeviceIsRefused() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("base"), "base");
        Path upper = Files.createDirectories(tmp.resolve("srv/ovl/upper"));
        Path work = Files.createDirectories(tmp.resolve("srv/ovl/work"));
        Path merged = Files.createDirectories(tmp.resolve("merged"));
        TestTrees.runOrSkip("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work,
                merged.toString());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("srv/repo"))) {
            Files.writeString(merged.resolve("written"), "a container's data");
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(merged).withAllowSameDevice(false)))
                    .isInstanceOf(SameMediaException.class)
                    .hasMessage("repository " + repo.backend().location() + " is on the same device as " + upper + ", the upper directory"
                            + " of the overlay " + merged + " (IS.012 6.6.6); use another disk or pass --allow-same-device");
            assertThat(repo.snapshots()).isEmpty();
        } finally {
            TestTrees.unmount(merged);
        }
    }

    /**
     * IS.012 6.6.6: only each backup path's own device was compared with the repository's: a disk holding the repository,
     * mounted below a backup path, had its files backed up onto itself. A file met on it fails the backup unless
     * --allow-same-device; the repository alone there is left out, as before.
     */
    @Test
    void aFileOnTheRepositorysDeviceBelowABackupPathIsRefusedUnlessAllowed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv"));
        Files.writeString(data.resolve("local.txt"), "on this disk");
        Path disk = data.resolve("backups");
        TestTrees.mountRamfs(disk);
        try (Repository repo = TestTrees.newRepo(disk.resolve("repo"))) {
            BackupProgress alone = new BackupProgress();
            new Archiver(repo, alone).backup(TestTrees.options(data).withAllowSameDevice(false));
            assertThat(alone.repositoryLeftOut()).isEqualTo(disk.resolve("repo"));

            Files.writeString(disk.resolve("app.db"), "on the repository's disk");
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data).withAllowSameDevice(false)))
                    .isInstanceOf(SameMediaException.class)
                    .hasMessage("repository " + repo.backend().location() + " is on the same device as " + disk.resolve("app.db")
                            + ", met inside a backup path (a mount below it?) (IS.012 6.6.6); leave it out with --exclude or -x, use"
                            + " another disk, or pass --allow-same-device");
            assertThat(repo.snapshots()).hasSize(1);
            assertThat(repo.backend().list("locks")).as("the lock is released").isEmpty();
            SnapshotRef allowed = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data));
            Node root = repo.loadTree(allowed.snapshot().tree()).nodes().getFirst();
            Node backups = repo.loadTree(root.subtree()).nodes().stream().filter(n -> n.name().equals("backups")).findFirst().orElseThrow();
            assertThat(repo.loadTree(backups.subtree()).nodes()).extracting(Node::name).isEqualTo(List.of("app.db"));
        } finally {
            TestTrees.unmount(disk);
        }
    }
}
