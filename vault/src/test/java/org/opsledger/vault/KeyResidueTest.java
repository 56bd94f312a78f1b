package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;

/**
 * A key slot removed and a keyring replaced (rotate, retire) leave no readable copy on a local disk's free blocks: a
 * helper carved a removed operator's slot and the keyring before a rotation from a disposed repository's ext4 image, put
 * them back, and restored with the removed password. Each is overwritten in place now, as disposal overwrites: read
 * through a descriptor opened on it before, the old file holds random bytes afterwards, not the old ones.
 */
class KeyResidueTest {

    @TempDir
    Path tmp;

    @Test
    void aRemovedSlotAndAReplacedKeyringAreOverwrittenInPlace() throws Exception {
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            String alice = repo.addKeySlot("alice's password".toCharArray(), TestTrees.FAST_KDF, "alice");
            Path slot = dir.resolve("keys").resolve(alice);
            byte[] slotBytes = Files.readAllBytes(slot);
            byte[] keyringBytes = Files.readAllBytes(dir.resolve("keyring"));
            try (FileChannel oldSlot = FileChannel.open(slot, StandardOpenOption.READ);
                 FileChannel oldKeyring = FileChannel.open(dir.resolve("keyring"), StandardOpenOption.READ)) {
                repo.removeKeySlot(alice);
                new KeyEpochs(repo).rotate();
                assertThat(read(oldSlot)).hasSameSizeAs(slotBytes).isNotEqualTo(slotBytes);
                assertThat(read(oldKeyring)).hasSameSizeAs(keyringBytes).isNotEqualTo(keyringBytes);
            }
            assertThat(slot).doesNotExist();
            assertThat(dir.resolve("keyring.shredding")).doesNotExist();
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.keys().currentEpoch()).isEqualTo(2);
        }
    }

    private static byte[] read(FileChannel ch) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) ch.size());
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // until full
        }
        return b.array();
    }
}
