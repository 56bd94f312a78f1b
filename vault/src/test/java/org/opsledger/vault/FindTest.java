package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.history.Finder;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

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

            List<Finder.Hit> hits = new Finder(repo, "*.conf").find(List.of(monday, tuesday));
            assertThat(hits).extracting(h -> h.snapshot().shortId() + " " + h.path()).containsExactly(
                    monday.shortId() + " /etc/nginx/nginx.conf", monday.shortId() + " /etc/nginx/sites/default.conf",
                    tuesday.shortId() + " /etc/nginx/nginx.conf", tuesday.shortId() + " /etc/nginx/sites/default.conf");
            assertThat(hits.get(0).node().content()).isNotEqualTo(hits.get(2).node().content()); // the change shows
            assertThat(hits.get(1).node().content()).isEqualTo(hits.get(3).node().content());

            // a subtree's hits are kept by its ID and given to every snapshot that holds it, each with its own paths
            List<Finder.Hit> inThirty = new Finder(repo, "f").find(java.util.Collections.nCopies(30, tuesday));
            assertThat(inThirty).hasSize(30 * 50);
            assertThat(inThirty.get(50 * 29 + 49).path()).isEqualTo("/etc/unchanged/d9/f"); // names sort as strings: d0, d1, d10…
            assertThatThrownBy(() -> new Finder(repo, "[")).isInstanceOf(VaultException.class).hasMessageStartingWith("[ is not a glob pattern");
        }
    }
}
