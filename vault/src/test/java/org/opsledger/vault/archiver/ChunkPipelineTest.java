package org.opsledger.vault.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

class ChunkPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void aStreamCutOnOneThreadAndSealedByManyGivesTheChunksOfASequentialCutWithinTheBound() throws IOException {
        byte[] data = new byte[48 * 1024 * 1024];
        System.arraycopy(TestTrees.random(7, 24 * 1024 * 1024), 0, data, 0, 24 * 1024 * 1024);
        System.arraycopy(TestTrees.text(8, 16 * 1024 * 1024), 0, data, 24 * 1024 * 1024, 16 * 1024 * 1024);
        // the last 8 MiB stay zero: one maximal chunk, as large as a 1-thread budget
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            List<ObjectId> expected = new ArrayList<>();
            repo.chunker().split(new ByteArrayInputStream(data), new byte[Chunker.BUFFER_SIZE],
                    (b, o, l) -> expected.add(repo.keys().contentId(b, o, l)));
            for (int threads : new int[] {1, 2, 5}) {
                ChunkPipeline.Content c;
                long peakBytes;
                int peakChunks;
                try (ChunkPipeline p = new ChunkPipeline(repo, threads, new org.opsledger.vault.repository.BlobsAdded())) {
                    c = p.split(new ByteArrayInputStream(data)).join();
                    peakBytes = p.peakBytesInFlight();
                    peakChunks = p.peakChunksInFlight();
                }
                assertThat(c.ids()).as("threads %d", threads).isEqualTo(expected);
                assertThat(c.size()).isEqualTo(data.length);
                assertThat(peakBytes).as("bytes in flight, threads %d", threads)
                        .isPositive().isLessThanOrEqualTo(ChunkPipeline.budgetBytes(threads));
                assertThat(peakChunks).isPositive().isLessThanOrEqualTo(ChunkPipeline.maxChunks(threads));
            }
            repo.flush();
            for (ObjectId id : expected) {
                assertThat(repo.index().contains(id)).isTrue();
            }
        }
    }

    @Test
    void manySmallFilesAreBoundedByCountAndTheTreeDoesNotDependOnTheNumberOfWorkers() throws IOException {
        Path data = TestTrees.sample(tmp.resolve("data"));
        for (int i = 0; i < 300; i++) {
            Files.write(data.resolve("docs/small-" + i), TestTrees.random(100 + i, 100 + i * 7));
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef one = new Archiver(repo, new BackupProgress()).backup(options(data, 1));
            SnapshotRef four = new Archiver(repo, new BackupProgress()).backup(options(data, 4).withFull(true));
            assertThat(four.snapshot().tree()).isEqualTo(one.snapshot().tree());
            assertThat(four.snapshot().summary().files()).isEqualTo(306);
        }
        // a reader that fails halfway leaves the file out (a warning) and the rest of the backup goes on
        Archiver.FileOpener failing = (dir, p) -> p.endsWith("big.bin") ? new FailingHalfway(Archiver.FileOpener.DIRECT.open(dir, p))
                : Archiver.FileOpener.DIRECT.open(dir, p);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo2"))) {
            BackupProgress progress = new BackupProgress();
            SnapshotRef s = new Archiver(repo, progress, failing).backup(options(data, 2));
            assertThat(progress.warnings()).singleElement().asString().contains("big.bin");
            assertThat(s.snapshot().summary().files()).isEqualTo(305);
        }
    }

    private static BackupOptions options(Path data, int threads) {
        BackupOptions o = TestTrees.options(data);
        return new BackupOptions(o.paths(), false, o.excludes(), List.of(), o.tags(), null, null, null, true, false, threads);
    }

    /** Returns 6 MiB of the file, then fails as a disk would. */
    private static final class FailingHalfway extends InputStream {
        private final InputStream in;
        private long read;

        FailingHalfway(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read >= 6 * 1024 * 1024) {
                in.close();
                throw new IOException("Input/output error");
            }
            int n = in.read(b, off, (int) Math.min(len, 6 * 1024 * 1024 - read));
            read += Math.max(n, 0);
            return n;
        }
    }
}
