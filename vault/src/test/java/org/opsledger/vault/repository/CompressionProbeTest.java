package org.opsledger.vault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.Vault;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;

/** Which blobs are stored compressed (docs/vault-format.md §6): the probe samples the whole blob, not its start. */
class CompressionProbeTest {

    @TempDir
    Path tmp;

    @Test
    void aBlobWhoseStartIsPackedButWhoseRestIsTextIsCompressed() {
        byte[] text = "quarterly numbers, region north, approved by the change board\n".repeat(20_000)
                .getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[1 << 20];
        new Random(11).nextBytes(random);
        byte[] packedStart = new byte[1 << 20];
        System.arraycopy(random, 0, packedStart, 0, 96 * 1024); // e.g. an archive's packed first entry
        System.arraycopy(text, 0, packedStart, 96 * 1024, packedStart.length - 96 * 1024);

        try (Repository repo = Vault.init(tmp.resolve("r").toString(), TestTrees.PASSWORD, TestTrees.FAST_KDF, "t")) {
            ObjectId mixed = repo.saveBlob(BlobType.DATA, packedStart, 0, packedStart.length);
            ObjectId noise = repo.saveBlob(BlobType.DATA, random, 0, random.length);
            ObjectId plain = repo.saveBlob(BlobType.DATA, text, 0, 1 << 20);
            repo.flush();
            assertThat(repo.index().get(mixed).compressed()).as("packed start, text after").isTrue();
            assertThat(repo.index().get(mixed).length()).isLessThan(packedStart.length / 2);
            assertThat(repo.index().get(noise).compressed()).as("random throughout").isFalse();
            assertThat(repo.index().get(plain).compressed()).as("text throughout").isTrue();
            assertThat(repo.loadBlob(mixed)).isEqualTo(packedStart);
        }
    }
}
