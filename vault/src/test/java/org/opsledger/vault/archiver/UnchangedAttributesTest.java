package org.opsledger.vault.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.PermissionAttributes;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.XattrListing;

/**
 * An unchanged file's or directory's POSIX ACLs, capability and {@code user.} attributes are listed again only when the parent snapshot
 * cannot vouch for them (written before format 6, or by a backup that left one out): an ACL or attribute change moves
 * ctime. The unchanged re-run listed every file (llistxattr(2), 8,395 calls on the benchmark tree) for attributes its
 * parent had listed already, and every directory (3,571 more). A file or directory that is read is listed once for its ACLs,
 * capability and user attributes: the ACLs' listing and the JDK's own listed it twice.
 */
class UnchangedAttributesTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void thisJvmReachesThem() {
        assertThat(PermissionAttributes.unavailable()).as("the tests run on Java 22 or later, with the java22 classes").isNull();
    }

    /** What a backup lists, path by path: each listing names every attribute, its ACLs' and its user ones. */
    private static final class Counting implements Function<Path, XattrListing> {
        final Map<Path, AtomicInteger> listed = new ConcurrentHashMap<>();
        /** Whether the listing gives the ACLs; a build before format 6 saw none. */
        final boolean seesPermissions;

        Counting(boolean seesPermissions) {
            this.seesPermissions = seesPermissions;
        }

        @Override
        public XattrListing apply(Path p) {
            listed.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
            XattrListing listing = XattrListing.of(p);
            return seesPermissions ? listing
                    : new XattrListing(p, listing.names().stream().filter(n -> !PermissionAttributes.NAMES.contains(n)).toList(), null);
        }

        SnapshotRef backup(Repository repo, Path data) {
            return new Archiver(repo, new BackupProgress(), Archiver.FileOpener.DIRECT, this).backup(TestTrees.options(data));
        }
    }

    private static Node file(Repository repo, SnapshotRef snap, String name) {
        Node dir = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
        return repo.loadTree(dir.subtree()).nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anIncrementalWhoseParentVouchesListsNoUnchangedFileOrDirectoryAndKeepsTheirAttributes() throws Exception {
        Path secret = TestTrees.aclSecret(tmp);
        Path data = secret.getParent();
        Path tagged = Files.writeString(data.resolve("tagged.txt"), "x\n");
        TestTrees.runOrSkip("setfattr", "-n", "user.owner", "-v", "alice", tagged.toString());
        Path plain = Files.writeString(data.resolve("plain.txt"), "y\n");
        TestTrees.runOrSkip("setfattr", "-n", "user.team", "-v", "finance", data.toString());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef first = new Counting(true).backup(repo, data);
            assertThat(first.snapshot().summary().attributesListed()).isTrue();

            Counting counting = new Counting(true);
            SnapshotRef second = counting.backup(repo, data);
            assertThat(second.snapshot().summary().filesUnchanged()).isEqualTo(3);
            assertThat(counting.listed).as("no unchanged file or directory listed").isEmpty();
            assertThat(second.snapshot().summary().attributesListed()).as("vouched for as its parent was").isTrue();
            for (String name : List.of("app.env", "tagged.txt", "plain.txt")) {
                assertThat(file(repo, second, name)).isEqualTo(file(repo, first, name));
            }
            assertThat(file(repo, second, "app.env").permissionXattrs()).containsOnlyKeys(PermissionAttributes.ACCESS_ACL);
            assertThat(file(repo, second, "tagged.txt").xattrs()).containsOnlyKeys("owner");

            TestTrees.runOrSkip("setfacl", "-m", "u:nobody:r", plain.toString()); // moves its ctime
            Counting third = new Counting(true);
            SnapshotRef after = third.backup(repo, data);
            assertThat(third.listed).as("the changed file is read, its ACL with it").containsKey(plain).doesNotContainKeys(secret, tagged);
            assertThat(file(repo, after, "plain.txt").permissionXattrs()).containsOnlyKeys(PermissionAttributes.ACCESS_ACL);
            assertThat(third.listed).as("nor its directory, whose ctime has not moved").doesNotContainKey(data);
            assertThat(repo.loadTree(after.snapshot().tree()).nodes().getFirst().xattrs()).containsOnlyKeys("team");

            TestTrees.runOrSkip("setfacl", "-d", "-m", "u:nobody:rx", data.toString()); // the directory's ctime moves
            Counting fourth = new Counting(true);
            SnapshotRef last = fourth.backup(repo, data);
            assertThat(fourth.listed).containsOnlyKeys(data);
            assertThat(repo.loadTree(last.snapshot().tree()).nodes().getFirst().permissionXattrs())
                    .containsOnlyKeys(PermissionAttributes.DEFAULT_ACL);
        }
    }

    @Test
    void aFileOrDirectoryReadIsListedOnceForItsAclsAndUserAttributes() throws Exception {
        Path data = TestTrees.attributedTree(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Counting counting = new Counting(true);
            SnapshotRef snap = counting.backup(repo, data);
            assertThat(counting.listed).containsOnlyKeys(data, data.resolve("app.env"), data.resolve("other.env"), data.resolve("sub"),
                    data.resolve("sub/plain.txt"));
            assertThat(counting.listed).allSatisfy((path, times) -> assertThat(times.get()).as(path + " listed").isOne());
            assertThat(file(repo, snap, "app.env").permissionXattrs()).containsOnlyKeys(PermissionAttributes.ACCESS_ACL);
            assertThat(file(repo, snap, "app.env").xattrs()).containsOnlyKeys("owner");
            assertThat(file(repo, snap, "sub").xattrs()).containsOnlyKeys("team");
        }
    }

    /**
     * A parent written before format 6 recorded no ACL, and warned of none: the first incremental after `vault upgrade` lists
     * every unchanged file, and keeps the ACL it finds, which every later one keeps.
     */
    @Test
    void anUpgradedRepositorysFirstIncrementalStillListsEachUnchangedFile() throws Exception {
        Path secret = TestTrees.aclSecret(tmp);
        Path data = secret.getParent();
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        TestTrees.setFormatVersion(repoDir, RepositoryConfig.VERSION, 5);
        try (Repository repo = TestTrees.open(repoDir)) {
            SnapshotRef old = new Counting(false).backup(repo, data); // as a build of format 5 wrote it: no ACL, no warning
            assertThat(old.snapshot().summary().warnings()).isZero();
            assertThat(old.snapshot().summary().attributesListed()).isNull();
            assertThat(file(repo, old, "app.env").permissionXattrs()).isNull();
            repo.upgrade();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            Counting counting = new Counting(true);
            SnapshotRef now = counting.backup(repo, data);
            assertThat(now.snapshot().summary().filesUnchanged()).isEqualTo(1);
            assertThat(counting.listed).containsKey(secret);
            assertThat(file(repo, now, "app.env").permissionXattrs()).containsOnlyKeys(PermissionAttributes.ACCESS_ACL);

            Counting next = new Counting(true);
            SnapshotRef later = next.backup(repo, data);
            assertThat(next.listed).doesNotContainKey(secret);
            assertThat(file(repo, later, "app.env").permissionXattrs()).isEqualTo(file(repo, now, "app.env").permissionXattrs());
        }
    }
}
