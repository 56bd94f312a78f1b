package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;

/**
 * Many small blobs (a mail spool, a source tree): packs and index files hold at most {@link PackWriter#MAX_BLOBS}
 * blobs each, as a backup writes them and as a rewrite of the whole index (prune, retire, repair) writes them, so
 * that one index file is written and read in bounded memory (docs/vault-format.md §7). Before, a backup kept
 * every new blob's index entry as JSON strings until it ended and wrote them as one file: a first backup of
 * 200,000 small files ran out of memory in the launcher's heap.
 */
class IndexFilesBoundTest {

    static final int BLOBS = 2 * PackWriter.MAX_BLOBS + 5_000;

    @TempDir
    Path tmp;

    @Test
    void packsAndIndexFilesNameAtMostTheirBoundOfBlobs() {
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            storeTiny(repo, 0, BLOBS);
            assertBounded(repo, 3);
            assertThat(repo.index().size()).isEqualTo(BLOBS);
            assertThat(repo.index().packs()).hasSize(3); // full at MAX_BLOBS blobs, not at 16 MiB

            try (org.opsledger.vault.repository.SharedLock lock = repo.lock("prune")) {
                repo.replaceIndex(lock, repo.freshIndex(), Set.of(), repo.backend().list("index")); // as prune rewrites it
            }
            assertBounded(repo, 3);
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.index().size()).isEqualTo(BLOBS);
            CheckResult r = new Checker(repo, 2).check(100);
            assertThat(r.errors()).isEmpty();
            assertThat(r.packsRead()).isEqualTo(3);
        }
    }

    @Test
    void formatThreeCompressesIndexFilesAndReadsJsonOnesBesideThem() throws Exception {
        Path json = tmp.resolve("format2");
        TestTrees.newRepo(json).close();
        TestTrees.setFormatVersion(json, RepositoryConfig.VERSION, 2); // as a build of format 2 made it
        Path zstd = tmp.resolve("format3");
        TestTrees.newRepo(zstd).close();
        long jsonBytes = storeAndMeasureIndex(json, 0, 5_000);
        long zstdBytes = storeAndMeasureIndex(zstd, 0, 5_000);
        assertThat(zstdBytes).isLessThan(jsonBytes * 6 / 10); // hex IDs, repeated names: ≈40 %

        TestTrees.setFormatVersion(json, 2, 3); // the same repository under format 3: new index files are compressed, old ones still read
        assertThat(storeAndMeasureIndex(json, 5_000, 10_000)).isBetween(jsonBytes + 1, jsonBytes + jsonBytes * 6 / 10);
        try (Repository repo = TestTrees.open(json)) {
            assertThat(repo.index().size()).isEqualTo(10_000);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }


    /** Stores blobs {@code from} to {@code to} (4 bytes each) and returns the bytes of all index files afterwards. */
    private static long storeAndMeasureIndex(Path dir, int from, int to) throws Exception {
        try (Repository repo = TestTrees.open(dir)) {
            storeTiny(repo, from, to);
        }
        try (Stream<Path> files = Files.list(dir.resolve("index"))) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Blobs {@code from} to {@code to}, 4 bytes each (the number), stored and flushed. */
    private static void storeTiny(Repository repo, int from, int to) {
        for (int i = from; i < to; i++) {
            byte[] tiny = ByteBuffer.allocate(4).putInt(i).array();
            repo.saveBlob(BlobType.DATA, tiny, 0, tiny.length);
        }
        repo.flush();
    }

    private static void assertBounded(Repository repo, int files) {
        List<String> names = repo.backend().list("index");
        assertThat(names).hasSize(files);
        int total = 0;
        for (String name : names) {
            Index one = new Index();
            repo.readIndexFile(name, repo.backend().read(name), one);
            assertThat(one.size()).as(name).isBetween(1, PackWriter.MAX_BLOBS);
            total += one.size();
        }
        assertThat(total).isEqualTo(BLOBS);
    }
}
