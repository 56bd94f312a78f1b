package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.history.Finder;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

class FindTest {

    @TempDir
    Path tmp;

    @Test
    void namesEveryPathWhoseNameMatchesInEachSnapshotAndSearchesASharedSubtreeOnce() throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("src/etc"));
        Files.createDirectories(etc.resolve("nginx/sites"));
        Files.writeString(etc.resolve("nginx/nginx.conf"), "worker_processes 4;");
        Files.writeString(etc.resolve("nginx/sites/default.conf"), "server {}");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost");
        for (int i = 0; i < 50; i++) {
            Files.createDirectories(etc.resolve("unchanged/d" + i));
            Files.writeString(etc.resolve("unchanged/d" + i + "/f"), "same");
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef monday = TestTrees.backup(repo, etc);
            Files.writeString(etc.resolve("nginx/nginx.conf"), "worker_processes 8;"); // the change someone made
            SnapshotRef tuesday = TestTrees.backup(repo, etc);

            List<Finder.Hit> hits = find(repo, "*.conf", List.of(monday, tuesday));
            assertThat(hits).extracting(h -> h.snapshot().shortId() + " " + h.path()).containsExactly(
                    monday.shortId() + " /etc/nginx/nginx.conf", monday.shortId() + " /etc/nginx/sites/default.conf",
                    tuesday.shortId() + " /etc/nginx/nginx.conf", tuesday.shortId() + " /etc/nginx/sites/default.conf");
            assertThat(hits.get(0).node().content()).isNotEqualTo(hits.get(2).node().content()); // the change shows
            assertThat(hits.get(1).node().content()).isEqualTo(hits.get(3).node().content());

            // a subtree's hits are kept by its ID and given to every snapshot that holds it, each with its own paths
            List<Finder.Hit> inThirty = find(repo, "f", Collections.nCopies(30, tuesday));
            assertThat(inThirty).hasSize(30 * 50);
            assertThat(inThirty.get(50 * 29 + 49).path()).isEqualTo("/etc/unchanged/d9/f"); // names sort as strings: d0, d1, d10…
            assertThatThrownBy(() -> new Finder(repo, "[")).isInstanceOf(VaultException.class).hasMessageStartingWith("[ is not a glob pattern");
        }
    }

    @Test
    void aSearchWithMoreHitsThanItRemembersForgetsOldTreesAndStillNamesEveryHitInOrder() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
            ObjectId blob = repo.saveBlob(BlobType.DATA, bytes, 0, bytes.length);
            int dirs = 30;
            int perDir = 1_000; // 30,000 hits in distinct trees: more than Finder keeps
            List<Node> top = new ArrayList<>();
            for (int d = 0; d < dirs; d++) {
                List<Node> files = new ArrayList<>();
                for (int f = 0; f < perDir; f++) {
                    files.add(new Node(String.format("f%04d-%02d.log", f, d), NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, bytes.length,
                            List.of(blob), null, null));
                }
                top.add(new Node(String.format("d%02d", d), NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, 0, null,
                        repo.saveTree(new Tree(files)), null));
            }
            ObjectId root = repo.saveTree(new Tree(top));
            repo.flush();
            Snapshot s = new Snapshot(Instant.now(), root, null, List.of("/logs"), "h", "u", Map.of(), Snapshot.Kind.FULL,
                    null, null, null, "x", "h", null);
            SnapshotRef ref = new SnapshotRef(repo.saveSnapshot(s), s);

            List<Finder.Hit> hits = find(repo, "*.log", List.of(ref, ref, ref));
            assertThat(dirs * perDir).isGreaterThan(Finder.MAX_LEADS);
            assertThat(hits).hasSize(3 * dirs * perDir);
            for (int round = 0; round < 3; round++) {
                int base = round * dirs * perDir;
                assertThat(hits.get(base).path()).isEqualTo("/d00/f0000-00.log");
                assertThat(hits.get(base + perDir).path()).isEqualTo("/d01/f0000-01.log");
                assertThat(hits.get(base + dirs * perDir - 1).path()).isEqualTo("/d29/f0999-29.log");
            }
            assertThat(find(repo, "f0999-*", List.of(ref))).extracting(Finder.Hit::path).hasSize(dirs).first()
                    .isEqualTo("/d00/f0999-00.log");
        }
    }

    private static List<Finder.Hit> find(Repository repo, String glob, List<SnapshotRef> snapshots) {
        List<Finder.Hit> hits = new ArrayList<>();
        long found = new Finder(repo, glob).find(snapshots, hits::add);
        assertThat(found).isEqualTo(hits.size());
        return hits;
    }
}
