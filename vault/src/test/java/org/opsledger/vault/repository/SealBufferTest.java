package org.opsledger.vault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.pack.BlobType;

class SealBufferTest {

    @Test
    void theSealingBufferHoldsZstdsWorstCaseAndTheUnitOverhead() {
        for (int len : new int[] {0, 1, 63, 64, 4096, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 1 << 20, Chunker.MAX_SIZE}) {
            assertThat(Repository.sealedBound(len)).as("len %d", len)
                    .isGreaterThanOrEqualTo((int) Zstd.compressBound(len) + Sealing.OVERHEAD)
                    .isGreaterThanOrEqualTo(len + Sealing.OVERHEAD);
        }
        assertThat(Repository.SEAL_BUFFER_MAX).isEqualTo(Repository.sealedBound(Chunker.MAX_SIZE));
    }

    /**
     * A server's pool threads store blobs through a Repository, which is then closed: they keep no sealing buffer (each
     * kept one of up to {@link Repository#SEAL_BUFFER_MAX} in a static thread-local, 135 MiB on 16 idle threads: a
     * helper's), nor a zstd context of its (closed with it).
     */
    @Test
    void aClosedRepositoryLeavesNoSealingBufferOnThePoolThreadsThatStoredBlobs(@TempDir Path tmp) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long before = heapInUse();
            try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
                List<Future<?>> stored = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    long seed = i;
                    stored.add(pool.submit(() -> {
                        byte[] b = TestTrees.random(seed, 6 << 20);
                        return repo.saveBlob(BlobType.DATA, b, 0, b.length);
                    }));
                }
                for (Future<?> f : stored) {
                    f.get();
                }
                repo.flush();
            }
            assertThat(heapInUse() - before).as("heap the idle pool threads keep, of %d buffers of 6 MiB", threads)
                    .isLessThan(12L << 20);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long heapInUse() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
