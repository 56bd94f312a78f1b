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
            try {
                new Restorer(repo, 2).restore(ref, tmp.resolve("target"), List.of(), false);
            } catch (VaultException expected) {
                assertThat(expected.getMessage()).contains("cannot create");
            }
            assertThat(Files.exists(outside.resolve("x.txt"))).isFalse();
            assertThatThrownBy(() -> new Dumper(repo).dump(ref, "/", OutputStream.nullOutputStream()))
                    .as("nor a tar archive for an extracting tar to write through").isInstanceOf(VaultException.class)
                    .hasMessageContaining("refused the name d, twice under /");
        }
    }

    private static Node file(String name, ObjectId blob, int size) {
        return new Node(name, NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, size, List.of(blob), null, null);
    }
}
