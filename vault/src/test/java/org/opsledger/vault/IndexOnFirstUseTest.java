package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;

/**
 * The repository reads its index files on first use: a command that reads no blob (snapshots,
 * key list) never loads the index, and check holds one index, its own, not two.
 */
class IndexOnFirstUseTest {

    @TempDir
    Path tmp;

    @Test
    void listingSnapshotsReadsNoIndexAndCheckReadsTheIndexOnce() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 300_000));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
            Files.write(data.resolve("b.txt"), TestTrees.text(2, 100_000));
            TestTrees.backup(repo, data);
        }
        AtomicInteger indexListings = new AtomicInteger();
        AtomicInteger indexFileReads = new AtomicInteger();
        ForwardingBackend counting = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                if (dir.equals("index")) {
                    indexListings.incrementAndGet();
                }
                return super.list(dir);
            }

            @Override
            public byte[] read(String name) {
                if (name.startsWith("index/")) {
                    indexFileReads.incrementAndGet();
                }
                return super.read(name);
            }
        };
        int indexFiles = new LocalBackend(repoDir).list("index").size();
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            assertThat(repo.snapshots()).hasSize(2);
            assertThat(indexListings).as("opening and listing snapshots read no index").hasValue(0);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(indexListings).as("check reads the index files once, into its own index").hasValue(1);
            assertThat(indexFileReads).as("each file read once: its SHA-256 name checked, then opened").hasValue(indexFiles);
            assertThat(repo.index().size()).isPositive(); // and the repository's own still loads on first use
            assertThat(indexListings).hasValue(2);
        }
    }
}
