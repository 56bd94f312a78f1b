package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.Pruner;
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

    /**
     * On a versioned bucket `key remove` said only "removed key slot …" while the bucket kept the slot as a noncurrent
     * version, which the departed operator's password opened with the current keyring (a tester's repro-1; key retire and
     * dispose said so): the removal asks the store, as they do, and its result, journal line and JSON name what stays.
     * The store answers as a versioned bucket does (S3BackendTest asks a local endpoint answering as S3 does); on one
     * that keeps no old versions nothing is added.
     */
    @Test
    void aSlotRemovedFromAStoreKeepingOldVersionsSaysWhatStays() throws Exception {
        String kept = "the bucket ops has versioning Enabled";
        for (boolean versioned : java.util.List.of(true, false)) {
            Path dir = tmp.resolve("repo-" + versioned);
            TestTrees.newRepo(dir).close();
            try (Repository repo = Repository.open(ForwardingBackend.keepingOldVersions(dir, versioned ? kept : null), TestTrees.PASSWORD)) {
                String bob = repo.addKeySlot("bob's password".toCharArray(), TestTrees.FAST_KDF, "bob");
                Repository.KeySlotRemoval removed = repo.removeKeySlot(bob);
                assertThat(removed.slot().id()).isEqualTo(bob);
                assertThat(Repository.KeySlotRemoval.removedIn(removed.removal()))
                        .isEqualTo(new Repository.NamedSlot(bob.substring(0, 8), removed.slot().fingerprint()));
                if (versioned) {
                    String note = kept + ": the noncurrent versions of keys/" + bob + " hold the key until a lifecycle rule expires"
                            + " them (vault-format.md §3)";
                    assertThat(removed.oldVersions()).isEqualTo(note);
                    assertThat(removed.removal()).endsWith("(bob, added on " + Repository.hostname() + " "
                            + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "); but " + note);
                    assertThat(VaultJson.writeString(removed)).contains("\"oldVersions\":\"" + note + "\"");
                } else {
                    assertThat(removed.oldVersions()).isNull();
                    assertThat(removed.removal()).endsWith("(bob, added on " + Repository.hostname() + " "
                            + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ")");
                }
            }
        }
    }

    /**
     * A `key add` or `key rotate` killed before its rename leaves its slot or keyring whole in a {@code .tmp-} file beside
     * where it was going: renamed into place by hand after a `key retire` or a `dispose`, it opened the retired epoch or the
     * disposed repository again (a helper's, with strace stopping each at its rename). A retirement destroys every keyring
     * left so, a disposal every such keyring and slot, and a prune overwrites each before it deletes it.
     */
    @Test
    void aKeyringOrSlotAKilledWriterLeftIsDestroyedWithTheKeys() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(4, 200_000));
        Path dir = tmp.resolve("repo");
        String id;
        try (Repository repo = TestTrees.newRepo(dir)) {
            id = repo.config().id();
            new org.opsledger.vault.archiver.Archiver(repo, new org.opsledger.vault.archiver.BackupProgress()).backup(
                    TestTrees.options(data).withRecord("Payroll office", "Confidential", java.time.LocalDate.now().minusDays(2),
                            java.util.Map.of())); // its retention ended: disposal may destroy it
            Files.copy(dir.resolve("keyring"), dir.resolve(".tmp-rotate-killed")); // epoch 1's key in it
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
        }
        assertThat(dir.resolve(".tmp-rotate-killed")).as("retire destroys it with the key it holds").doesNotExist();

        try (Repository repo = TestTrees.open(dir)) {
            String slot = repo.addKeySlot("dave's password".toCharArray(), TestTrees.FAST_KDF, "dave");
            Files.copy(dir.resolve("keys").resolve(slot), dir.resolve("keys/.tmp-add-killed")); // a slot `key list` never shows
            Files.copy(dir.resolve("keyring"), dir.resolve(".tmp-rotate-killed"));
            repo.removeKeySlot(slot);
            org.opsledger.vault.repository.Disposal.Disposed d = org.opsledger.vault.repository.Disposal.dispose(repo, id, null, "ops",
                    java.time.Instant.now());
            assertThat(d.keyFiles()).as("one slot, the keyring and the two a killed writer left").isEqualTo(4);
        }
        assertThat(dir.resolve("keys/.tmp-add-killed")).doesNotExist();
        assertThat(dir.resolve(".tmp-rotate-killed")).doesNotExist();
    }

    /**
     * `key retire` killed just after its keyring's rename left the keyring it replaced as keyring.shredding, with the retired
     * epoch's key in it: stats said retired, check said nothing, a retirement run again refused (no live epoch) and prune
     * left it (a helper's, with strace holding the process at that rename). Check names it, and the next command that
     * takes a lock overwrites and deletes it; the keyring in use, linked there by one killed before its rename, stays.
     */
    @Test
    void aReplacedKeyringAKilledRetirementLeftIsNamedByCheckAndDestroyedByTheNextCommand() throws Exception {
        Path dir = tmp.resolve("repo");
        byte[] withEpoch1;
        try (Repository repo = TestTrees.newRepo(dir)) {
            new KeyEpochs(repo).rotate();
            withEpoch1 = Files.readAllBytes(dir.resolve("keyring"));
            new KeyEpochs(repo).retire(1);
        }
        Files.write(dir.resolve("keyring.shredding"), withEpoch1); // where the killed retirement left it, renamed away from keyring
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).contains("keyring.shredding is a keyring a killed `key rotate` or"
                    + " `key retire` replaced and left: it holds the keys it had, a retired epoch's too; the next command that writes to"
                    + " the repository (a backup, prune, `key rotate`, `key retire`, `repair`) overwrites and deletes it");
            try (FileChannel left = FileChannel.open(dir.resolve("keyring.shredding"), StandardOpenOption.READ)) {
                assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessage("key epoch 1 was retired already: its key is destroyed, nothing to do");
                assertThat(read(left)).as("overwritten in place").hasSameSizeAs(withEpoch1).isNotEqualTo(withEpoch1);
            }
            assertThat(dir.resolve("keyring.shredding")).doesNotExist();
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("keyring.shredding"));

            Files.createLink(dir.resolve("keyring.shredding"), dir.resolve("keyring")); // one killed between link and rename
            byte[] inUse = Files.readAllBytes(dir.resolve("keyring"));
            new Pruner(repo).prune();
            assertThat(dir.resolve("keyring.shredding")).as("the keyring in use, left to the next replacement").exists();
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("keyring.shredding"));
            assertThat(Files.readAllBytes(dir.resolve("keyring"))).isEqualTo(inUse);
            try (var files = Files.list(dir)) { // taken aside under a name of its own to be looked at, and given its name back
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
            }
        }
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.keys().keyring().epochs().keySet()).containsExactly(2);
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
