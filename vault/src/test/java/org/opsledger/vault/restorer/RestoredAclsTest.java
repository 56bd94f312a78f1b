package org.opsledger.vault.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.PermissionAttributes;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;
import org.opsledger.vault.snapshot.XattrListing;

/**
 * A restore removes an ACL a path lacks in its snapshot only where the path could have inherited one: a restore into a
 * target it made, where no default ACL is, removed the access ACL of every file and both of every directory that had
 * none (lremovexattr(2), 15,537 calls on the benchmark tree, each for nothing). Its --verify lists each path's attributes
 * once for the ACLs and the user attributes both: the JDK's view listed them again (5,838 flistxattr(2) and as many opens
 * for a tree of 4,819 files and 1,019 directories).
 */
class RestoredAclsTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void thisJvmReachesThem() {
        assertThat(PermissionAttributes.unavailable()).as("the tests run on Java 22 or later, with the java22 classes").isNull();
    }

    /** Restores {@code snap} into {@code target}, and returns the paths whose ACLs it wrote. */
    private static Map<Path, Boolean> restore(Repository repo, SnapshotRef snap, Path target) {
        Map<Path, Boolean> written = new ConcurrentHashMap<>();
        Restorer restorer = new Restorer(repo, 2);
        restorer.aclWrites = (p, attributes, directory) -> {
            written.put(p, directory);
            PermissionAttributes.writeAcls(p, attributes, directory);
        };
        RestoreResult r = restorer.restore(snap, target, List.of(), true);
        assertThat(r.ok()).as(r.toString()).isTrue();
        return written;
    }

    @Test
    void aRestoreIntoATargetItMadeWritesTheAclsThatAreAndRemovesNone() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path secret = Files.writeString(data.resolve("app.env"), "x\n");
        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:rw", secret.toString());
        Files.writeString(Files.createDirectories(data.resolve("sub")).resolve("plain.txt"), "y\n");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Map<Path, Boolean> written = restore(repo, snap, tmp.resolve("out"));
            assertThat(written).containsOnlyKeys(tmp.resolve("out/data/app.env"));
            assertThat(TestTrees.acl(tmp.resolve("out/data/app.env"))).isEqualTo(TestTrees.acl(secret));
        }
    }

    @Test
    void aVerifiedRestoreListsEachPathOnceAndComparesItsAclsAndUserAttributes() throws Exception {
        Path data = TestTrees.attributedTree(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Path out = tmp.resolve("out/data");
            Map<Path, AtomicInteger> listed = new ConcurrentHashMap<>();
            Restorer restorer = new Restorer(repo, 2);
            restorer.listings = p -> {
                listed.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
                return XattrListing.of(p);
            };
            RestoreResult r = restorer.restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(listed).containsOnlyKeys(out, out.resolve("app.env"), out.resolve("other.env"), out.resolve("sub"),
                    out.resolve("sub/plain.txt"));
            assertThat(listed).allSatisfy((path, times) -> assertThat(times.get()).as(path + " listed").isOne());

            // what the one listing is compared by: a user attribute the snapshot lacks, an ACL not set
            Restorer off = new Restorer(repo, 2);
            off.aclWrites = (p, attributes, directory) -> {
                if (p.getFileName().toString().equals("app.env")) {
                    PermissionAttributes.writeAcls(p, attributes, directory);
                    ExtendedAttributes.write(p, Map.of("planted", "eA==")); // "x"
                }
            };
            RestoreResult wrong = off.restore(snap, tmp.resolve("off"), List.of(), true);
            assertThat(String.join("\n", wrong.verifyFailures())).contains("app.env: extended attributes differ from the snapshot")
                    .contains("other.env: POSIX ACLs or file capability differ from the snapshot")
                    .doesNotContain("app.env: POSIX ACLs").doesNotContain("other.env: extended");
        }
    }

    /** Made under a default ACL, each path inherited it: the restore takes it away again, as the snapshot has none. */
    @Test
    void aRestoreUnderADefaultAclRemovesWhatItsPathsInherited() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(Files.createDirectories(data.resolve("sub")).resolve("plain.txt"), "y\n");
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        TestTrees.runOrSkip("setfacl", "-d", "-m", "u:nobody:rwx", shared.toString());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            for (Path target : List.of(shared.resolve("out"), shared)) { // made by the restore, and found there
                restore(repo, snap, target);
                for (String rel : List.of("data", "data/sub", "data/sub/plain.txt")) {
                    assertThat(TestTrees.acl(target.resolve(rel))).as(rel).doesNotContain("nobody");
                }
                TestTrees.deleteTree(target.resolve("data"));
            }
        }
    }

    /**
     * A tree holding an ACL that is a header alone (which the kernel takes as "no ACL") restored the file without one, not a
     * word said; one whose ACL or user attribute was no base64 failed the whole restore ("Illegal base64 character 25"),
     * every other file unwritten. Each is now said with its path, as metadata the target would not take is, and the
     * rest restored; --verify does not report it again.
     */
    @Test
    void aMalformedAclOrAttributeIsReportedWithItsPathAndTheRestRestored() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            byte[] x = "x\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ObjectId blob = repo.saveBlob(BlobType.DATA, x, 0, x.length);
            Node headerAlone = file("empty.env", blob, x.length, null, Map.of(PermissionAttributes.ACCESS_ACL, "AgAAAA==")); // version 2
            Node notBase64 = file("garbled.env", blob, x.length, null, Map.of(PermissionAttributes.ACCESS_ACL, "%%"));
            Node userNotBase64 = file("noted.env", blob, x.length, Map.of("note", "%%"), null);
            Node plain = file("plain.txt", blob, x.length, null, null);
            ObjectId root = repo.saveTree(new Tree(List.of(headerAlone, notBase64, userNotBase64, plain)));
            repo.flush();
            Snapshot s = new Snapshot(java.time.Instant.now(), root, null, List.of("/crafted"), "h", "u", Map.of(), Snapshot.Kind.FULL,
                    null, null, null, "x", "h", null);
            RestoreResult r = new Restorer(repo, 2).restore(new SnapshotRef(repo.saveSnapshot(s), s), tmp.resolve("out"), List.of(), true);

            assertThat(r.files()).isEqualTo(4);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.unapplied()).extracting(u -> u.what() + " " + u.outcome() + ": " + u.reason() + " " + u.first()).containsExactlyInAnyOrder(
                    "POSIX ACLs not set: the snapshot's system.posix_acl_access is malformed: 4 bytes, not a version-2 header and whole"
                            + " 8-byte entries [empty.env]",
                    "POSIX ACLs not set: the snapshot's system.posix_acl_access is malformed: not base64 (Illegal base64 character 25)"
                            + " [garbled.env]",
                    "extended attributes not set: malformed in the snapshot: Illegal base64 character 25 [noted.env]");
            for (String name : List.of("empty.env", "garbled.env", "noted.env", "plain.txt")) {
                assertThat(tmp.resolve("out").resolve(name)).hasContent("x");
            }
        }
    }

    private static Node file(String name, ObjectId blob, long size, Map<String, String> xattrs, Map<String, String> acls) {
        return new Node(name, NodeType.FILE, 0640, 0, 0, 0, 0, 0, 0, size, List.of(blob), null, null, 0, xattrs, 0, acls);
    }
}
