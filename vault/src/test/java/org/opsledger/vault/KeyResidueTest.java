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

    /**
     * A helper's regressions of the overwrite: a hard-linked copy of the repository (cp -al, rsnapshot) shares the keyring's
     * inode, and a rotation overwrote the copy's keyring with it; and a keyring.shredding left by a rotation killed between
     * its link and its rename is the keyring in use, which the next rotation overwrote first. Neither is overwritten now.
     */
    @Test
    void aKeyringWithAnotherNameIsNeverOverwritten() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        byte[] original = Files.readAllBytes(dir.resolve("keyring"));
        Path copy = Files.createLink(tmp.resolve("copy-of-keyring"), dir.resolve("keyring")); // the hard-linked copy's
        try (Repository repo = TestTrees.open(dir)) {
            new KeyEpochs(repo).rotate();
        }
        assertThat(Files.readAllBytes(copy)).as("the copy's keyring as it was").isEqualTo(original);

        Files.createLink(dir.resolve("keyring.shredding"), dir.resolve("keyring")); // killed between link and rename
        byte[] inUse = Files.readAllBytes(dir.resolve("keyring"));
        try (Repository repo = TestTrees.open(dir)) {
            new KeyEpochs(repo).rotate();
        }
        assertThat(Files.readAllBytes(copy)).isEqualTo(original);
        assertThat(dir.resolve("keyring.shredding")).doesNotExist();
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.keys().currentEpoch()).isEqualTo(3);
        }
        assertThat(inUse).isNotEmpty();

        try (Repository repo = TestTrees.open(dir)) { // a removed slot the hard-linked copy holds too: that copy keeps it
            String bob = repo.addKeySlot("bob's password".toCharArray(), TestTrees.FAST_KDF, "bob");
            byte[] slot = Files.readAllBytes(dir.resolve("keys").resolve(bob));
            Path copied = Files.createLink(tmp.resolve("copy-of-bob"), dir.resolve("keys").resolve(bob));
            repo.removeKeySlot(bob);
            assertThat(Files.readAllBytes(copied)).isEqualTo(slot);
        }
    }
}
