package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Dumper;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

class PathEscapeTest {

    @TempDir
    Path tmp;

    @Test
    void aCraftedSnapshotWithDotDotOrAbsoluteNamesCannotWriteOutsideTheTarget() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            byte[] evil = "pwned\n".getBytes(StandardCharsets.UTF_8);
            ObjectId blob = repo.saveBlob(BlobType.DATA, evil, 0, evil.length);
            String victim = tmp.resolve("victim.txt").toString();
            Node dotdot = file("..", blob, evil.length);
            Node climb = file("../victim.txt", blob, evil.length);
            Node absolute = file(victim, blob, evil.length);
            Node deep = file("../../../../../../../../" + victim, blob, evil.length);
            Node nul = file("a\0b", blob, evil.length);
            Node dirDotDot = new Node("..", NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, 0, null,
                    repo.saveTree(new Tree(List.of(file("victim.txt", blob, evil.length)))), null);
            Node fine = file("fine.txt", blob, evil.length);
            ObjectId root = repo.saveTree(new Tree(List.of(dotdot, climb, absolute, deep, nul, dirDotDot, fine)));
            repo.flush();
            Snapshot s = new Snapshot(Instant.now(), root, null, List.of("/crafted"), "h", "u", Map.of(), Snapshot.Kind.FULL,
                    null, null, null, "x", "h", null);
            SnapshotRef ref = new SnapshotRef(repo.saveSnapshot(s), s);

            Path target = tmp.resolve("target");
            RestoreResult r = new Restorer(repo, 2).restore(ref, target, List.of(), true);

            assertThat(r.refused()).hasSize(6);
            assertThat(Files.exists(tmp.resolve("victim.txt"))).isFalse();
            assertThat(Files.exists(Path.of(victim))).isFalse();
            try (var files = Files.list(target)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("fine.txt");
            }
            try (var files = Files.list(tmp)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("repo", "target");
            }
            assertThatThrownBy(() -> new Dumper(repo).dump(ref, "/", OutputStream.nullOutputStream()))
                    .as("nor into a tar archive").isInstanceOf(VaultException.class).hasMessageContaining("refused unsafe name ..");
        }
    }

    @Test
    void aSymlinkInTheSnapshotIsNeverFollowedWhenWritingLaterEntries() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            byte[] evil = "pwned\n".getBytes(StandardCharsets.UTF_8);
            ObjectId blob = repo.saveBlob(BlobType.DATA, evil, 0, evil.length);
            Path outside = Files.createDirectories(tmp.resolve("outside"));
            // "d" first as a symlink to outside, then "d" as a directory holding a file: the file must not land outside
            Node link = new Node("d", NodeType.SYMLINK, 0777, 0, 0, 0, 0, 0, 0, 0, null, null, outside.toString());
            Node dir = new Node("d", NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, 0, null,
                    repo.saveTree(new Tree(List.of(file("x.txt", blob, evil.length)))), null);
            ObjectId root = repo.saveTree(new Tree(List.of(link, dir)));
            repo.flush();
            Snapshot s = new Snapshot(Instant.now(), root, null, List.of("/crafted"), "h", "u", Map.of(), Snapshot.Kind.FULL,
                    null, null, null, "x", "h", null);
            SnapshotRef ref = new SnapshotRef(repo.saveSnapshot(s), s);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(ref, tmp.resolve("target"), List.of(), false))
                    .as("refused as the tree's fault, before anything is written").isInstanceOf(VaultException.class)
                    .hasMessage("d: the name is twice in its directory (a damaged or forged tree)");
            assertThat(Files.exists(outside.resolve("x.txt"))).isFalse();
            assertThat(tmp.resolve("target")).doesNotExist();
            assertThatThrownBy(() -> new Dumper(repo).dump(ref, "/", OutputStream.nullOutputStream()))
                    .as("nor a tar archive for an extracting tar to write through").isInstanceOf(VaultException.class)
                    .hasMessageContaining("refused the name d, twice under /");
        }
    }

    /**
     * A link planted on the way to the target after the caller resolved it (to name it), in the seconds a repository takes
     * to open, moved a root restore elsewhere while the output and journal named the first path (a re-tester's).
     */
    @Test
    void aTargetThatNoLongerLeadsWhereItWasResolvedIsRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("f.txt"), "f");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path target = tmp.resolve("race/a/b");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Path resolved = Restorer.realPath(target);
            Files.createDirectories(tmp.resolve("race"));
            Files.createSymbolicLink(tmp.resolve("race/a"), elsewhere); // planted in between
            assertThatThrownBy(() -> new Restorer(repo, 2).resolvedAs(resolved).restore(snap, target, List.of(), true))
                    .hasMessageStartingWith("restore target " + target + " now leads to " + elsewhere.resolve("b") + ", not " + resolved);
            assertThat(elsewhere).isEmptyDirectory();
        }
    }

    /**
     * The repository inside the target: another host's backup of /srv held repo/snapshots/…, and its restore put a file
     * among the repository's snapshots (a helper's). A path of the snapshot that falls in the repository is refused; the
     * rest of the target is anyone's.
     */
    @Test
    void aRestoreNeverWritesIntoTheRepositoryLyingInItsTarget() throws Exception {
        Path srv = Files.createDirectories(tmp.resolve("src/srv/repo/snapshots"));
        Files.writeString(srv.resolve("0000"), "not a snapshot");
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.writeString(other.resolve("f.txt"), "f");
        Path target = Files.createDirectories(tmp.resolve("t"));
        try (Repository repo = TestTrees.newRepo(target.resolve("srv/repo"))) {
            SnapshotRef foreign = TestTrees.backup(repo, srv.getParent().getParent());
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(foreign, target, List.of(), true))
                    .hasMessage("the snapshot's path srv/repo would be restored into the repository " + target.resolve("srv/repo")
                            + ", which lies in the restore target " + target + "; restore somewhere else (nothing was restored)");
            assertThat(target.resolve("srv/repo/snapshots/0000")).doesNotExist();
            assertThat(new Restorer(repo, 2).restore(TestTrees.backup(repo, other), target, List.of(), true).ok()).isTrue();
            assertThat(target.resolve("other/f.txt")).hasContent("f");
        }
    }

    /**
     * Another user who can change a directory on the way to a restored path could put a symbolic link in its place
     * between its creation and its chmod, which the JDK follows (PrivateDirectories): the restore refuses a target
     * such a user can write to or owns, one under a directory they own, and a directory of the snapshot already in
     * the target that they could change, each before writing anything in it. A sticky directory above the target, as
     * /tmp, is fine; a sticky target is not: another user makes names in it before the restore does (a helper's, in a
     * 1777 share, made the directories of the snapshot's path her own and swapped a restored setuid-root file for her
     * program, which the root restore then gave owner root and mode 4755).
     */
    @Test
    void aRestoreRefusesATargetAnotherUserCouldChangeBeforeRestoringAnything() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "owners and group writers are checked as root");
        Path data = Files.createDirectories(tmp.resolve("src/data/d"));
        Files.writeString(data.resolve("f.txt"), "f");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data.getParent());
            Path open = target("open", 0777);
            java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.from(Instant.parse("2001-09-09T01:46:40Z"));
            Files.setLastModifiedTime(open, before); // a name made and removed in it would move this to now
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, open, List.of(), true))
                    .isInstanceOf(VaultException.class)
                    .hasMessage("restore target " + open + " is writable by all users (mode 777): another user could put a symbolic link"
                            + " in place of a restored path before its owner and mode are set; restore into a new directory, or one only"
                            + " you can change (nothing was restored)");
            assertThat(open).isEmptyDirectory();
            assertThat(Files.getLastModifiedTime(open)).as("nothing was tried in it, not even what the target's filesystem"
                    + " can hold: another user could have swapped that for a link too").isEqualTo(before);
            Path group = target("group", 0775);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, group, List.of(), true))
                    .hasMessageStartingWith("restore target " + group + " is writable by its group (mode 775)");
            Path foreign = target("foreign", 0755);
            Files.setAttribute(foreign, "unix:uid", 65534);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, foreign, List.of(), true))
                    .hasMessageStartingWith("restore target " + foreign + " is owned by uid 65534");
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, foreign.resolve("new"), List.of(), true))
                    .hasMessageStartingWith("directory above the restore target " + foreign + " is owned by uid 65534");
            Path found = target("found", 0700);
            Files.setAttribute(Files.createDirectory(found.resolve("data")), "unix:mode", 0777);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, found, List.of(), true))
                    .hasMessageStartingWith("directory already in the restore target " + found.resolve("data") + " is writable by all users");
            assertThat(found.resolve("data")).isEmptyDirectory();

            Path sticky = target("sticky", 01777);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, sticky, List.of(), true))
                    .hasMessageStartingWith("restore target " + sticky + " is writable by all users (mode 1777, sticky: others can still"
                            + " make names in it)");
            assertThat(sticky).isEmptyDirectory();
            assertThat(new Restorer(repo, 2).restore(snap, sticky.resolve("new"), List.of(), true).ok()).as("a new target in it").isTrue();
            assertThat(sticky.resolve("new/data/d/f.txt")).hasContent("f");
        }
    }

    /**
     * A target named through a symbolic link another user owns (in a sticky directory, as /tmp is) is restored where the
     * link pointed when the restore began: the user re-pointing it halfway (here, at the first pack read) to a tree of
     * theirs, or into a directory only root may enter, moves nothing (a helper's attack wrote 48,780 files of a root
     * restore into their own directory and chmodded a root-only one 0755).
     */
    @Test
    void aTargetReachedThroughAnotherUsersLinkIsRestoredWhereItLedWhenTheRestoreBegan() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the link's owner is set as root");
        Path data = Files.createDirectories(tmp.resolve("src/data/d"));
        Files.writeString(data.resolve("f.txt"), "f");
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data.getParent());
        }
        Path pub = target("pub", 01777);
        Path mine = target("mine", 0700);
        Path theirs = target("theirs", 0700);
        Files.createDirectories(theirs.resolve("r/data/d")); // the tree the restore's paths would meet there
        Path link = Files.createSymbolicLink(pub.resolve("lnk"), mine);
        Files.setAttribute(link, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.util.concurrent.atomic.AtomicBoolean swapped = new java.util.concurrent.atomic.AtomicBoolean();
        ForwardingBackend store = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(repoDir)) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (name.startsWith("data/") && swapped.compareAndSet(false, true)) {
                    try {
                        Files.delete(link);
                        Files.createSymbolicLink(link, theirs);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return super.readRange(name, offset, length);
            }
        };
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) {
            RestoreResult r = new Restorer(repo, 2).restore(snap, link.resolve("r"), List.of(), true);
            assertThat(swapped).isTrue();
            assertThat(r.ok()).isTrue();
        }
        assertThat(mine.resolve("r/data/d/f.txt")).hasContent("f");
        assertThat(theirs.resolve("r/data/d")).isEmptyDirectory();
    }

    private Path target(String name, int mode) throws java.io.IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.setAttribute(dir, "unix:mode", mode); // as set, whatever the umask
        return dir;
    }

    private static Node file(String name, ObjectId blob, int size) {
        return new Node(name, NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, size, List.of(blob), null, null);
    }
}
