package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.pack.BufferPool;

class BufferPoolTest {

    @Test
    void aChunkAndItsSealedUnitShareASizeAndBuffersComeBackWithinTheLimit() {
        for (int len : new int[] {1, 65_535, 65_536, 256 * 1024, 1 << 20, 2 << 20, Chunker.MAX_SIZE}) {
            assertThat(BufferPool.sizeOf(len)).as("len %d", len).isGreaterThanOrEqualTo(len)
                    .isEqualTo(BufferPool.sizeOf(Math.max(len, Math.min(len + Sealing.OVERHEAD, BufferPool.sizeOf(len)))));
        }
        assertThat(BufferPool.sizeOf((2 << 20) + Sealing.OVERHEAD)).isEqualTo(BufferPool.sizeOf(2 << 20)); // not the 4 MiB size
        assertThat(BufferPool.sizeOf(Chunker.MAX_SIZE + Sealing.OVERHEAD)).isEqualTo(BufferPool.sizeOf(Chunker.MAX_SIZE));

        BufferPool pool = new BufferPool(5 << 20);
        byte[] a = pool.take(1_500_000);
        byte[] b = pool.take(1_200_000);
        byte[] c = pool.take(1_900_000);
        assertThat(a).hasSize(BufferPool.sizeOf(1_500_000));
        pool.give(a);
        pool.give(b);
        pool.give(c); // over the 5 MiB limit: left to the collector
        assertThat(pool.take(1_000_000)).isSameAs(a);
        assertThat(pool.take(1_000_000)).isSameAs(b);
        assertThat(pool.take(1_000_000)).isNotSameAs(c);
        pool.give(new byte[3_000_000]); // not one of the pool's sizes: never kept
        assertThat(pool.take(3_000_000)).hasSize(BufferPool.sizeOf(3_000_000));
    }
}
