package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/** A restore of a few lost paths into the live tree they came from (--include, --target the tree's parent). */
class RestoreIntoALiveTreeTest {

    @TempDir
    Path tmp;

    /**
     * The directories above a restored file that are there already are the live tree's: one file restored into it gave
     * app/config, locked to 0700 and taken back by root since the backup, with an ACL granting the service read, the
     * snapshot's 0755, owner and no ACL, and counted it as restored (h3's repro-1: the service could no longer read its
     * config). Only the directories the restore makes get the snapshot's metadata, and only they are counted.
     */
    @Test
    void aDirectoryThatIsThereKeepsItsOwnerModeAndAclsAndIsNotCounted() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "owners are given away as root");
        Path app = Files.createDirectories(tmp.resolve("src/app"));
        Path config = Files.createDirectories(app.resolve("config"));
        Files.writeString(config.resolve("app.conf"), "port=80\n");
        Files.writeString(config.resolve("secret.conf"), "s\n");
        Files.createDirectories(app.resolve("lib/plugins"));
        Files.writeString(app.resolve("lib/plugins/p.jar"), "jar\n");
        Files.setAttribute(config, "unix:mode", 0755);
        Files.setAttribute(config, "unix:uid", 65534); // the service's, at the backup
        Files.setAttribute(app.resolve("lib/plugins"), "unix:mode", 0750);
        Files.setAttribute(app.resolve("lib/plugins"), "unix:uid", 65534);
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            snap = TestTrees.backup(repo, app);
        }
        // the live tree since: secret.conf and lib/ lost, config locked down to root's 0700 with a read grant for the service
        Path live = tmp.resolve("live");
        TestTrees.copyTree(tmp.resolve("src"), live);
        Path liveConfig = live.resolve("app/config");
        Files.delete(liveConfig.resolve("secret.conf"));
        TestTrees.deleteTree(live.resolve("app/lib"));
        Files.setAttribute(liveConfig, "unix:uid", 0);
        Files.setAttribute(liveConfig, "unix:mode", 0700);
        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:rx", liveConfig.toString());
        String aclBefore = TestTrees.acl(liveConfig);
        int modeBefore = (Integer) Files.getAttribute(liveConfig, "unix:mode") & 07777; // 0750: the ACL's mask in its group bits

        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(snap, live, List.of("app/config/secret.conf", "app/lib"), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.verified()).isTrue();
            assertThat(r.files()).isEqualTo(2);
            assertThat(r.dirs()).as("lib and lib/plugins, made by the restore; not app nor app/config").isEqualTo(2);
        }
        assertThat(Files.readString(liveConfig.resolve("secret.conf"))).isEqualTo("s\n");
        Map<String, Object> a = Files.readAttributes(liveConfig, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(a.get("uid")).as("owner").isEqualTo(0);
        assertThat((Integer) a.get("mode") & 07777).as("mode").isEqualTo(modeBefore).isNotEqualTo(0755);
        assertThat(TestTrees.acl(liveConfig)).as("its ACL").isEqualTo(aclBefore).contains("user:nobody:r-x");
        // a directory the restore made gets the snapshot's metadata, as in a new target
        Path plugins = live.resolve("app/lib/plugins");
        assertThat((Integer) Files.getAttribute(plugins, "unix:mode") & 07777).isEqualTo(0750);
        assertThat(Files.getAttribute(plugins, "unix:uid")).isEqualTo(65534);
        assertThat(Files.getLastModifiedTime(plugins)).isEqualTo(Files.getLastModifiedTime(app.resolve("lib/plugins")));
    }

    /**
     * A directory of the live tree the restore cannot make its path in (chattr +i; 0555 for a user other than root) refuses
     * the restore before anything is written, naming it: the restore failed at the create, said the live tree "holds a
     * partial restore (0 B written) … remove it", and left its marker, which refused the same restore once the directory
     * could be written again (h3's repro-3).
     */
    @Test
    void aRestoreThatCannotWriteInALiveDirectoryIsRefusedBeforeItWrites() throws Exception {
        SnapshotRef snap = TestTrees.liveTreeLosingAFile(tmp);
        Path liveConfig = tmp.resolve("live/app/config");
        TestTrees.runOrSkip("chattr", "+i", liveConfig.toString());
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            Restorer refused = new Restorer(repo, 2);
            assertThatThrownBy(() -> refused.restore(snap, tmp.resolve("live"), LOST, true)).hasMessage("cannot write in "
                    + liveConfig.toRealPath() + " (Operation not permitted), where the restore would make app/config/b.conf: nothing was"
                    + " written; let this user write there (chmod u+w, chattr -i), or restore into another directory");
            assertThat(refused.begun.get()).isFalse();
        } finally {
            TestTrees.runOrSkip("chattr", "-i", liveConfig.toString());
        }
        assertThat(tmp.resolve("live").resolve(Restorer.UNFINISHED)).doesNotExist();
        restoreTheLostFile(snap);
    }

    /**
     * A restore that fails having made nothing (its one file's pack unreadable) leaves no marker and is not partial: its
     * marker refused the same restore, once the cause was put right, as "a restore that did not end" (h3's repro-3).
     */
    @Test
    void aRestoreThatFailsHavingMadeNothingLeavesNoMarker() throws Exception {
        SnapshotRef snap = TestTrees.liveTreeLosingAFile(tmp);
        ForwardingBackend unreadable = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(tmp.resolve("repo"))) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (name.startsWith("data/")) {
                    throw new org.opsledger.vault.backend.BackendException("cannot read " + name + ": Input/output error");
                }
                return super.readRange(name, offset, length);
            }
        };
        try (Repository repo = Repository.open(unreadable, TestTrees.PASSWORD)) {
            Restorer failing = new Restorer(repo, 2);
            assertThatThrownBy(() -> failing.restore(snap, tmp.resolve("live"), LOST, false)).hasMessageContaining("Input/output error");
            assertThat(failing.begun.get()).as("nothing made: not a partial restore").isFalse();
        }
        assertThat(tmp.resolve("live").resolve(Restorer.UNFINISHED)).as("no marker where nothing was made").doesNotExist();
        restoreTheLostFile(snap);
    }

    /**
     * A restore into a live tree that did not end (a pack unreadable halfway; a Ctrl-C or kill -9 leaves the same) marks the
     * target with the paths it made there, and the next restore names them and the marker: it said "remove" the target, the
     * live tree, and named neither the file it left cut short nor, once that was deleted, the marker that still refused
     * every restore there (h3's repro-2).
     */
    @Test
    void aRestoreIntoALiveTreeThatDidNotEndNamesWhatItMadeAndItsMarker() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
        }
        Path live = Files.createDirectories(tmp.resolve("live/data"));
        Files.writeString(live.resolve("live-only.txt"), "the service's\n");
        ForwardingBackend failing = ForwardingBackend.failingPackReadsAfter(repoDir, 1);
        Path target = tmp.resolve("live").toRealPath();
        List<Path> made;
        try (Repository repo = Repository.open(failing, TestTrees.PASSWORD)) {
            Restorer halfway = new Restorer(repo, 1);
            assertThatThrownBy(() -> halfway.restore(snap, target, List.of("data"), false)).hasMessageContaining("Input/output error");
            assertThat(halfway.begun.get()).isTrue();
            assertThat(halfway.intoLiveTree()).isTrue();
            made = halfway.made();
        }
        List<Path> planned = java.util.stream.Stream.of("bin", "deep", "docs", "dangling", "big.bin").map(n -> target.resolve("data/" + n)).toList();
        assertThat(made).as("what it made there, each in a directory that was there").isNotEmpty().isSubsetOf(planned);
        List<String> marker = Files.readAllLines(target.resolve(Restorer.UNFINISHED));
        assertThat(marker.get(0)).startsWith("snapshot " + snap.shortId() + ", restore begun ");
        assertThat(marker.get(1)).isEqualTo("into a directory that held other files: delete the paths it made, below, then this file");
        assertThat(marker.subList(2, marker.size())).containsExactlyInAnyOrderElementsOf(planned.stream().map(Path::toString).toList());
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, target, List.of("data/docs/zero"), false)).hasMessage(
                    "restore target " + target + " holds a restore that did not end (" + marker.get(0) + "; killed, or the machine"
                    + " stopped): its files may be cut short; delete the paths its marker " + target.resolve(Restorer.UNFINISHED)
                    + " lists (first " + marker.get(2) + "), those still there, then the marker; not the rest of " + target);
        }
        assertThat(Files.readString(live.resolve("live-only.txt"))).isEqualTo("the service's\n");
    }

    private static final List<String> LOST = List.of("app/config/b.conf");

    /** The restore of the lost file, the cause of a failure put right: nothing left in its way. */
    private void restoreTheLostFile(SnapshotRef snap) throws Exception {
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("live"), LOST, true);
            assertThat(r.verified()).as(r.toString()).isTrue();
        }
        assertThat(Files.readString(tmp.resolve("live/app/config/b.conf"))).isEqualTo("b\n");
    }
}
