package org.opsledger.vault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.Sealing;

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
}
