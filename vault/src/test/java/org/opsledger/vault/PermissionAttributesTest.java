package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.PermissionAttributes;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.TreeCodec;

/**
 * POSIX ACLs and file capabilities (repository format 6): kept, restored after the mode and the content, verified, and
 * never confused with {@code user.} attributes of the same names. A secrets file 0640 with {@code group::---} in its ACL
 * was restored group rw with no ACL, "verified" (a helper's).
 */
class PermissionAttributesTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void thisJvmReachesThem() {
        assertThat(PermissionAttributes.unavailable()).as("the tests run on Java 22 or later, with the java22 classes").isNull();
    }

    /** An attribute's value as getfattr gives it, 0x and hex digits. */
    private static String hexValue(Path p, String name) throws Exception {
        String out = TestTrees.runOrSkip("getfattr", "-e", "hex", "-n", name, "--", p.toString());
        return out.substring(out.indexOf(name + "=") + name.length() + 1).lines().findFirst().orElseThrow();
    }

    @Test
    void aFileWithAnAccessAclAndADirectoryWithADefaultOneAreRestoredWithThem() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path secret = Files.writeString(data.resolve("app.env"), "db_password=hunter2\n");
        TestTrees.runOrSkip("chmod", "640", secret.toString());
        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:rw,g::---", secret.toString()); // the group may not read it: mode 0660
        Path share = Files.createDirectories(data.resolve("share"));
        TestTrees.runOrSkip("setfacl", "-d", "-m", "u:nobody:rwx,o::---", share.toString());
        Files.writeString(share.resolve("plain.txt"), "made before the backup");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThat(repo.config().version()).isEqualTo(RepositoryConfig.VERSION).isEqualTo(6);
            SnapshotRef snap = TestTrees.backup(repo, data);
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.unapplied()).isEmpty();
            Path out = tmp.resolve("out/data");
            assertThat(TestTrees.acl(out.resolve("app.env"))).isEqualTo(TestTrees.acl(secret)).contains("group::---");
            assertThat(TestTrees.acl(out.resolve("share"))).isEqualTo(TestTrees.acl(share)).contains("default:user:nobody:rwx");
            // made under the default ACL at the backup, its file kept the ACL it inherited then, and no other
            assertThat(TestTrees.acl(out.resolve("share/plain.txt"))).isEqualTo(TestTrees.acl(share.resolve("plain.txt")));
            assertThat(Files.getPosixFilePermissions(out.resolve("app.env"))).isEqualTo(Files.getPosixFilePermissions(secret));
        }
    }

    @Test
    void aFileCapabilityIsRestoredAsRootAfterTheContentThatWouldClearIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root sets a capability");
        Path data = Files.createDirectories(tmp.resolve("src/bin"));
        Path ping = data.resolve("ping");
        Files.copy(Path.of("/bin/true"), ping);
        TestTrees.runOrSkip("chown", "nobody", ping.toString()); // a chown clears a capability: restored before it
        TestTrees.runOrSkip("setcap", "cap_net_raw+ep", ping.toString());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(TestTrees.runOrSkip("getcap", tmp.resolve("out/bin/ping").toString())).endsWith("ping cap_net_raw=ep");
        }
    }

    @Test
    void userAttributesNamedLikeAnAclOrACapabilityAreNeverAppliedAsOne() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/home"));
        Path own = Files.writeString(data.resolve("tool"), "#!/bin/sh\n");
        Path real = Files.copy(Path.of("/bin/true"), tmp.resolve("real"));
        TestTrees.runOrSkip("setcap", "cap_net_raw,cap_sys_admin+ep", real.toString());
        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:rwx", real.toString());
        String capability = hexValue(real, PermissionAttributes.CAPABILITY);
        String aclValue = hexValue(real, PermissionAttributes.ACCESS_ACL);
        // what a user may write on a file of her own: the user namespace, with the names of the real ones after "user."
        TestTrees.runOrSkip("setfattr", "-n", "user." + PermissionAttributes.CAPABILITY, "-v", capability, own.toString());
        TestTrees.runOrSkip("setfattr", "-n", "user." + PermissionAttributes.ACCESS_ACL, "-v", aclValue, own.toString());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Node tool = repo.loadTree(repo.loadTree(snap.snapshot().tree()).nodes().getFirst().subtree()).nodes().getFirst();
            assertThat(tool.xattrs()).containsOnlyKeys(PermissionAttributes.CAPABILITY, PermissionAttributes.ACCESS_ACL);
            assertThat(tool.permissionXattrs()).isNull();
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            Path restored = tmp.resolve("out/home/tool");
            assertThat(TestTrees.runOrSkip("getcap", restored.toString())).isEmpty();
            assertThat(TestTrees.acl(restored)).doesNotContain("nobody");
            assertThat(TestTrees.runOrSkip("getfattr", "-d", "-m", "-", restored.toString()))
                    .contains("user.security.capability=", "user.system.posix_acl_access=")
                    .doesNotContain("\nsecurity.capability", "\nsystem.posix_acl_access");
        }
    }

    @Test
    void aFormatFiveRepositoryKeepsNoneAndSaysSoUntilItIsUpgraded() throws Exception {
        Path secret = TestTrees.aclSecret(tmp);
        Path data = secret.getParent();
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        TestTrees.setFormatVersion(repoDir, RepositoryConfig.VERSION, 5); // as a build of format 5 made it
        try (Repository repo = TestTrees.open(repoDir)) {
            BackupProgress progress = new BackupProgress();
            SnapshotRef old = new Archiver(repo, progress).backup(TestTrees.options(data));
            assertThat(progress.warnings()).containsExactly("1 file(s) or directory(ies) with POSIX ACLs or a file capability kept"
                    + " without them (first: " + secret + "): this repository's format (5) cannot hold them; `vault upgrade` it once"
                    + " every host that writes to it runs this build");
            byte[] root = repo.loadBlob(old.snapshot().tree());
            byte[] dir = repo.loadBlob(repo.loadTree(old.snapshot().tree()).nodes().getFirst().subtree());
            assertThat(root[4]).as("the tree encoding a build of format 5 reads").isEqualTo((byte) 1);
            assertThat(dir[4]).isEqualTo((byte) 1);
            assertThat(TreeCodec.decode(old.snapshot().tree(), root).nodes()).allMatch(n -> n.permissionXattrs() == null);

            Repository.Upgrade up = repo.upgrade();
            assertThat(up.from()).isEqualTo(5);
            assertThat(up.to()).isEqualTo(6);
        }
        assertThat(Files.readString(repoDir.resolve("config"))).contains("\"version\":6");
        try (Repository repo = TestTrees.open(repoDir)) {
            // the file has not changed since: the incremental reads its ACL all the same, which its parent lacks
            BackupProgress progress = new BackupProgress();
            SnapshotRef now = new Archiver(repo, progress).backup(TestTrees.options(data));
            assertThat(progress.warnings()).isEmpty();
            assertThat(now.snapshot().summary().filesUnchanged()).isEqualTo(1);
            Node file = repo.loadTree(repo.loadTree(now.snapshot().tree()).nodes().getFirst().subtree()).nodes().getFirst();
            assertThat(file.permissionXattrs()).containsOnlyKeys(PermissionAttributes.ACCESS_ACL);
            RestoreResult r = new Restorer(repo, 2).restore(now, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(TestTrees.acl(tmp.resolve("out/data/app.env"))).isEqualTo(TestTrees.acl(secret));
        }
    }

    @Test
    void aTreeWithThemIsOfAnEncodingTheBuildsOfFormatFiveRefuse() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:r", Files.writeString(data.resolve("f"), "x").toString());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            byte[] dir = repo.loadBlob(repo.loadTree(snap.snapshot().tree()).nodes().getFirst().subtree());
            assertThat(dir[4]).as("encoding 3: builds reading 1 to 2 refuse it, where they would read past its flag").isEqualTo((byte) 3);
            assertThat(repo.loadBlob(snap.snapshot().tree())[4]).as("the root, without them, as before").isEqualTo((byte) 1);
        }
    }

    /**
     * A copy (or tier) into a repository of format 5 is refused for a snapshot holding ACLs or capabilities, naming what to
     * do: it stored the trees without them, exit 0, and a tier forgot the near-line original that had them (a re-tester's).
     */
    @Test
    void aCopyIntoAFormatFiveRepositoryOfASnapshotHoldingThemIsRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:rw,g::---", Files.writeString(data.resolve("app.env"), "x").toString());
        Path longTerm = tmp.resolve("long-term");
        TestTrees.newRepo(longTerm).close();
        TestTrees.setFormatVersion(longTerm, RepositoryConfig.VERSION, 5); // as a build of format 5 made it
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.open(longTerm)) {
            SnapshotRef snap = TestTrees.backup(near, data);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new org.opsledger.vault.copier.Copier(near, far).copy(snap))
                    .hasMessageContaining(" is a repository of format 5, which cannot hold POSIX ACLs or file capabilities, and app.env"
                            + " has them: `vault upgrade` it");
            assertThat(far.snapshots()).as("nothing committed").isEmpty();
            List<org.opsledger.vault.copier.Tiering.Moved> moved = new java.util.ArrayList<>();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new org.opsledger.vault.copier.Tiering(near, far)
                    .move(List.of(snap), moved::add)).hasMessageContaining("format 5");
            assertThat(moved).isEmpty();
            assertThat(near.snapshots()).as("the original stays near-line").extracting(SnapshotRef::id).containsExactly(snap.id());
        }
    }
}
