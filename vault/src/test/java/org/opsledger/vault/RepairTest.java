package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.Recoverer;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.LockRecord;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.SnapshotRef;

/** `vault repair`: what check found damaged or missing leaves the repository, what can be saved is, and a backup heals the rest. */
class RepairTest {

    @TempDir
    Path tmp;

    Path data;
    Path repoDir;
    SnapshotRef first;
    IndexEntry victimBlob;
    ObjectId victimId;

    @BeforeEach
    void oneBackup() throws IOException {
        data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("victim.bin"), TestTrees.random(7, 300_000));
        Files.write(data.resolve("bystander.txt"), TestTrees.text(8, 200_000));
        Files.createDirectories(data.resolve("sub"));
        Files.write(data.resolve("sub/other.txt"), TestTrees.text(9, 30_000));
        repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            first = TestTrees.backup(repo, data);
            Node dir = repo.loadTree(first.snapshot().tree()).nodes().getFirst();
            Node victim = repo.loadTree(dir.subtree()).nodes().stream().filter(n -> n.name().equals("victim.bin")).findFirst().orElseThrow();
            victimId = victim.content().getFirst();
            victimBlob = repo.index().get(victimId);
        }
    }

    /**
     * An older keyring put back over the newer one (a rollback with `cp -a old/. r/` after a rotation and a retirement):
     * every file sealed under epoch 2 was "unknown key epoch 2 (damaged, or not the vault's …)", and repair -n said the
     * snapshot files would be lost (a tester's). The message names the older keyring, and repair refuses, changing nothing;
     * the index's message sends the operator to the keyring alone (it said `vault repair` writes the index again: a helper's).
     */
    @Test
    void filesSealedUnderAnEpochNewerThanTheKeyringAreNamedSoAndRepairLeavesThem() throws Exception {
        byte[] olderKeyring = Files.readAllBytes(repoDir.resolve("keyring"));
        try (Repository repo = TestTrees.open(repoDir)) {
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
        }
        Files.write(repoDir.resolve("keyring"), olderKeyring);
        List<Map<String, Long>> before = List.of(files(repoDir.resolve("snapshots")), files(repoDir.resolve("index")), files(repoDir.resolve("data")));
        String why = "sealed under key epoch 2, which this keyring (newest epoch 1) lacks: the keyring was replaced by an older copy"
                + " (a rollback or a merge of copies)? put back the newest `keyring`; repair would count what it seals as lost";
        try (Repository repo = TestTrees.open(repoDir)) { // the index read first
            assertThatThrownBy(repo::index).hasMessageStartingWith("the index cannot be read: index/").hasMessageEndingWith(": " + why);
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.listSnapshots().unreadable()).singleElement().asString().endsWith(": " + why);
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(100, true)).hasMessageStartingWith("repair refused, nothing changed: files are " + why
                    + " (first: ");
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(100, false)).hasMessageStartingWith("repair refused, nothing changed: files are " + why
                    + " (first: ");
        }
        assertThat(List.of(files(repoDir.resolve("snapshots")), files(repoDir.resolve("index")), files(repoDir.resolve("data")))).isEqualTo(before);
        assertThat(repoDir.resolve(Repairer.DAMAGED)).doesNotExist();
    }

    /**
     * `key rotate` on an older keyring put back made a second, different key for the epoch the store already used: what
     * the real one sealed then failed authentication, and repair moved it under damaged/ (a helper's). Rotation and
     * retirement now refuse as repair does, and the keyring stays as it was.
     */
    @Test
    void aRotationOrRetirementOnAnOlderKeyringPutBackIsRefusedAsRepairIs() throws Exception {
        byte[] olderKeyring = Files.readAllBytes(repoDir.resolve("keyring"));
        try (Repository repo = TestTrees.open(repoDir)) {
            new KeyEpochs(repo).rotate();
            Files.write(data.resolve("new.txt"), TestTrees.text(10, 20_000));
            TestTrees.backup(repo, data); // its index file and snapshot are sealed under epoch 2
        }
        byte[] ofEpoch2 = Files.readAllBytes(repoDir.resolve("keyring"));
        Files.write(repoDir.resolve("keyring"), olderKeyring);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new KeyEpochs(repo).rotate()).hasMessageStartingWith("key rotate refused, nothing changed: files are sealed"
                    + " under key epoch 2, which this keyring (newest epoch 1) lacks: the keyring was replaced by an older copy"
                    + " (a rollback or a merge of copies)? put back the newest `keyring`; repair would count what it seals as lost (first: ")
                    .hasMessageEndingWith("; if no newer keyring ever was, that file is not the vault's: move it out of the repository)");
        }
        assertThat(Files.readAllBytes(repoDir.resolve("keyring"))).isEqualTo(olderKeyring);

        Files.write(repoDir.resolve("keyring"), ofEpoch2);
        try (Repository repo = TestTrees.open(repoDir)) { // a keyring of epochs 1 to 3 put back over one of 4
            new KeyEpochs(repo).rotate();
        }
        byte[] ofEpoch3 = Files.readAllBytes(repoDir.resolve("keyring"));
        try (Repository repo = TestTrees.open(repoDir)) {
            new KeyEpochs(repo).rotate();
            Files.write(data.resolve("newer.txt"), TestTrees.text(11, 20_000));
            TestTrees.backup(repo, data);
        }
        Files.write(repoDir.resolve("keyring"), ofEpoch3);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith("key retire refused, nothing changed: files"
                    + " are sealed under key epoch 4, which this keyring (newest epoch 3) lacks");
        }
        assertThat(Files.readAllBytes(repoDir.resolve("keyring"))).isEqualTo(ofEpoch3);
    }

    /**
     * 104 bytes anyone can write, named by their own SHA-256 and naming epoch 5000 in their first four: forget sent the
     * operator to repair, and repair refused, "sealed under key epoch …, which this keyring (newest epoch 1) lacks … put
     * back the newest `keyring`", a keyring that never was; under index/ they stopped every backup (a helper's). A SHA-256
     * proves the bytes whole, not the vault's: only an epoch a later keyring may hold counts as an older keyring put back.
     */
    @Test
    void aPlantedFileNamingAnEpochFarPastTheKeyringsIsDamageThatRepairTakesOut() throws Exception {
        String snapshot = plantedUnder("snapshots", 5000);
        String index = plantedUnder("index", 5000);
        String why = "object names unknown key epoch 5000 (damaged, or not the vault's, unless a key retirement stopped)";
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(repo::index).hasMessage("the index cannot be read: " + index + ": " + why + "; `vault check` names what"
                    + " else is damaged, `vault repair` writes the index again from the packs");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.listSnapshots().unreadable()).singleElement().asString().isEqualTo(snapshot + ": " + why);
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.files()).singleElement().satisfies(f -> {
                assertThat(f.name()).isEqualTo(snapshot);
                assertThat(f.keptAs()).isEqualTo(Repairer.DAMAGED + "/" + snapshot);
            });
            assertThat(r.indexProblems()).singleElement().asString().startsWith(index);
        }
        assertThat(repoDir.resolve(snapshot)).doesNotExist();
        assertThat(repoDir.resolve(index)).doesNotExist();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.listSnapshots().unreadable()).isEmpty();
            assertThat(repo.index().get(victimId)).isEqualTo(victimBlob);
        }
    }

    /**
     * A rollback across two rotations where no file names the first (a prune gathers the journal under the newest epoch):
     * the files of epoch 3 beside a keyring of 1 were taken for damage, and repair moved the newest snapshot under
     * damaged/ and the next prune deleted its data (a re-tester's). Repair refuses, naming a file; so does it for a file
     * planted under a near epoch, whose way out the refusal gives.
     */
    @Test
    void aRollbackAcrossTwoRotationsIsRefusedAsOneAndAFilePlantedSoIsNamed() throws Exception {
        byte[] olderKeyring = Files.readAllBytes(repoDir.resolve("keyring"));
        try (Repository repo = TestTrees.open(repoDir)) {
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).rotate();
            Files.write(data.resolve("new.txt"), TestTrees.text(10, 20_000));
            TestTrees.backup(repo, data); // sealed under epoch 3; nothing under 2
        }
        byte[] ofEpoch3 = Files.readAllBytes(repoDir.resolve("keyring"));
        Files.write(repoDir.resolve("keyring"), olderKeyring);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(100, false)).hasMessageStartingWith("repair refused, nothing changed:"
                    + " files are sealed under key epoch 3, which this keyring (newest epoch 1) lacks");
        }
        try (var snapshots = Files.list(repoDir.resolve("snapshots"))) {
            assertThat(snapshots).hasSize(2);
        }
        assertThat(repoDir.resolve(Repairer.DAMAGED)).doesNotExist();

        Files.write(repoDir.resolve("keyring"), ofEpoch3);
        String planted = plantedUnder("snapshots", 4); // the epoch after the newest, which no keyring ever held
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(100, false)).hasMessageEndingWith("(first: " + planted
                    + "; if no newer keyring ever was, that file is not the vault's: move it out of the repository)");
        }
        Files.delete(repoDir.resolve(planted));
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Repairer(repo, 2).repair(100, false).changed()).isFalse();
        }
    }

    /**
     * Two copies of one repository written apart (a replica mounted where the original was), each rotated once, merged back
     * with `rsync -a`: both keyrings have an epoch 2, with different keys, and the merge kept the other's. Check called the
     * copy's index, snapshot and journal files damaged though each matched its SHA-256 name, `repair --read-data` took its
     * snapshot out of use and left its packs in no index, and the next prune deleted them (a tester's, h2). Check names such a
     * file as sealed under another key for its epoch; repair, prune and key rotate refuse, nothing changed; and a pack of it
     * left in no index (its index file moved out) is refused as an orphan too.
     */
    @Test
    void aCopyWrittenApartUnderItsOwnKeyForAnEpochAndMergedBackIsNamedSoAndNothingOfItIsTakenOutOrDeleted() throws Exception {
        Path replica = tmp.resolve("replica");
        TestTrees.copyTree(repoDir, replica);
        try (Repository repo = TestTrees.open(repoDir)) {
            new KeyEpochs(repo).rotate();
            Files.write(data.resolve("new.txt"), TestTrees.random(10, 50_000));
            TestTrees.backup(repo, data); // its index file, packs and snapshot are sealed under this copy's epoch 2
        }
        Files.delete(data.resolve("new.txt"));
        try (Repository repo = TestTrees.open(replica)) {
            new KeyEpochs(repo).rotate();
            Files.write(data.resolve("other.txt"), TestTrees.random(11, 50_000));
            TestTrees.backup(repo, data);
        }
        try (Stream<Path> s = Files.walk(replica)) { // rsync -a replica/ repo/: the replica's keyring replaces this one's
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, Files.createDirectories(repoDir.resolve(replica.relativize(p).toString()).getParent())
                        .resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Map<String, Long> before = files(repoDir);
        String why = " is sealed under another key for epoch 2 (two keyrings: a copy written apart and merged back?): it matches its"
                + " SHA-256 name, and only the other copy's `keyring` opens it (docs/operations.md, \"File-level copies\")";
        List<String> named = new java.util.ArrayList<>();
        try (Repository repo = TestTrees.open(repoDir)) {
            List<String> errors = new Checker(repo, 2).check(100).errors();
            assertThat(errors).filteredOn(e -> e.contains(why)).hasSizeGreaterThanOrEqualTo(2)
                    .anySatisfy(e -> assertThat(e).startsWith("index/")).anySatisfy(e -> assertThat(e).startsWith("snapshots/"));
            errors.stream().filter(e -> e.contains(why))
                    .forEach(e -> named.add(e.replaceFirst("^journal entry ", "").replaceFirst(":? is sealed .*", "")));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(100, false)).hasMessageStartingWith("repair refused, nothing changed: ")
                    .hasMessageContaining(why).hasMessageEndingWith("; repair would count what it seals as lost (if no copy of this"
                            + " repository was ever written apart, that file is not the vault's: move it out of the repository)");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessageContaining(why).hasMessageNotContaining("vault repair");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new KeyEpochs(repo).rotate()).hasMessageStartingWith("key rotate refused, nothing changed: ")
                    .hasMessageContaining(why);
        }
        assertThat(files(repoDir)).isEqualTo(before);
        // the files check named moved out (as a refusal says to do with a file not the vault's): its packs are in no index, and stay
        Path aside = Files.createDirectories(tmp.resolve("aside"));
        for (String name : named) {
            Files.move(repoDir.resolve(name), aside.resolve(name.substring(name.lastIndexOf('/') + 1)));
        }
        Map<String, Long> data = files(repoDir.resolve("data"));
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessageStartingWith("No orphan pack was deleted: data/")
                    .hasMessageContaining(why);
        }
        assertThat(files(repoDir.resolve("data"))).isEqualTo(data);
    }

    /** Writes 4 bytes naming {@code epoch} and 100 random ones under {@code dir}, named by their SHA-256; returns the name. */
    private String plantedUnder(String dir, int epoch) throws IOException {
        byte[] planted = java.nio.ByteBuffer.allocate(104).putInt(epoch).put(TestTrees.random(12, 100)).array();
        String name = dir + "/" + Sealing.sha256(planted).hex();
        Files.write(repoDir.resolve(name), planted);
        return name;
    }

    /**
     * A blob whose epoch field reads as no epoch a keyring put back could lack (ciphertext read as 1190057687 where two
     * packs' names were swapped; here one flipped bit, 257) is damaged: it was called "the keyring was replaced by an
     * older copy", where the pack is not whole (a helper's).
     */
    @Test
    void aBlobNamingAnEpochFarPastTheKeyringsIsDamagedNotAnOlderKeyring() throws Exception {
        DamagedPackTest.flipOneByte(repoDir.resolve(Repository.packName(victimBlob.pack())), victimBlob.offset() + 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> repo.loadBlob(victimId)).isInstanceOf(org.opsledger.vault.repository.DamagedBlobException.class)
                    .hasMessage("blob " + victimId.shortHex() + " does not open: object names unknown key epoch 257 (damaged, or not"
                            + " the vault's, unless a key retirement stopped)");
        }
    }

    /**
     * One flipped bit in the epoch field of a pack's sealed unit (00 00 00 01 read as 00 00 01 01, epoch 257) beside the right
     * keyring: the pack is damaged, its hash says so, and repair takes it out and salvages the rest. The epoch was counted as
     * an older keyring put back, and `vault repair --read-data` refused, the only repair blocked by a false cause (a helper's).
     */
    @Test
    void aFlippedByteInAPacksEpochFieldIsDamageNotAnOlderKeyring() throws Exception {
        DamagedPackTest.flipOneByte(repoDir.resolve(Repository.packName(victimBlob.pack())), victimBlob.offset() + 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packs()).singleElement().satisfies(p -> {
                assertThat(p.problem()).isEqualTo("content does not match its SHA-256 name");
                assertThat(p.lostBlobs()).containsExactly(victimId.hex());
                assertThat(p.blobsSalvaged()).isEqualTo(2);
            });
        }
        assertThat(repoDir.resolve("damaged/" + victimBlob.pack().hex())).exists();
    }

    @Test
    void aFlippedByteLosesOnlyItsBlobTheRestIsSalvagedAndTheNextBackupHealsTheOldSnapshot() throws Exception {
        DamagedPackTest.flipOneByteOf(repoDir, victimBlob);
        String packName = Repository.packName(victimBlob.pack());
        Object inode = Files.getAttribute(repoDir.resolve(packName), "unix:ino");
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packs()).hasSize(1);
            RepairResult.RepairedPack p = r.packs().getFirst();
            assertThat(p.pack()).isEqualTo(victimBlob.pack().hex());
            assertThat(p.problem()).isEqualTo("content does not match its SHA-256 name");
            assertThat(p.lostBlobs()).containsExactly(victimId.hex());
            assertThat(p.blobsSalvaged()).isEqualTo(2); // bystander.txt and sub/other.txt shared the pack
            assertThat(p.snapshots()).containsExactly(first.shortId());
            assertThat(p.files()).containsExactly("/data/victim.bin");
            assertThat(p.keptAs()).isEqualTo("damaged/" + victimBlob.pack().hex());
        }
        assertThat(repoDir.resolve(packName)).doesNotExist();
        assertThat(repoDir.resolve("damaged/" + victimBlob.pack().hex())).exists();
        // renamed, not copied: a repair on a nearly full disk failed copying it, and could never finish (a helper's)
        assertThat(Files.getAttribute(repoDir.resolve("damaged/" + victimBlob.pack().hex()), "unix:ino")).isEqualTo(inode);
        try (Repository repo = TestTrees.open(repoDir)) {
            CheckResult c = new Checker(repo, 2).check(100);
            assertThat(c.damagedPacks()).isEmpty();
            assertThat(c.errors()).singleElement().asString().contains("/data/victim.bin").contains("missing from the index");
            assertThat(c.warnings()).contains("damaged files kept under damaged/ by `vault repair` (1 pack(s)), never read:"
                    + " delete them when they are no longer needed as evidence");
            assertThat(new Restorer(repo, 2).restore(first, tmp.resolve("some"), List.of("data/bystander.txt", "data/sub"), true).ok()).isTrue();

            SnapshotRef second = TestTrees.backup(repo, data); // victim.bin's blob is not indexed: read and stored again
            assertThat(second.snapshot().summary().filesUnchanged()).as("the other two files are not read again").isEqualTo(2);
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertWholeAgain(repo);
        }
    }

    /** A store whose medium fails to read one range of one file (a bad sector: EIO), whole or in part. */
    private static final class BadSectorBackend extends ForwardingBackend {
        final String file;
        final long badFrom;
        final long badTo;

        BadSectorBackend(Path dir, String file, long badFrom, long badTo) {
            super(new LocalBackend(dir));
            this.file = file;
            this.badFrom = badFrom;
            this.badTo = badTo;
        }

        @Override
        public byte[] read(String name) {
            if (name.equals(file)) {
                throw new org.opsledger.vault.backend.BackendException("cannot read " + name + ": Input/output error", new IOException("EIO"));
            }
            return super.read(name);
        }

        @Override
        public byte[] readRange(String name, long offset, int length) {
            if (name.equals(file) && offset < badTo && offset + length > badFrom) {
                throw new org.opsledger.vault.backend.BackendException("cannot read " + name + ": Input/output error", new IOException("EIO"));
            }
            return super.readRange(name, offset, length);
        }
    }

    @Test
    void aPackTheMediumFailsToReadPartOfIsKeptWithZerosWhereItDidNotReadAndWhatReadsIsSalvaged() throws Exception {
        String packName = Repository.packName(victimBlob.pack());
        byte[] before = Files.readAllBytes(repoDir.resolve(packName));
        long badFrom = victimBlob.offset() + 100;
        BadSectorBackend medium = new BadSectorBackend(repoDir, packName, badFrom, badFrom + 1);
        try (Repository repo = Repository.open(medium, TestTrees.PASSWORD)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            RepairResult.RepairedPack p = r.packs().getFirst();
            assertThat(r.packs()).hasSize(1);
            assertThat(p.lostBlobs()).containsExactly(victimId.hex());
            assertThat(p.blobsSalvaged()).isEqualTo(2);
            assertThat(p.keptAs()).isEqualTo("damaged/" + victimBlob.pack().hex());
            assertThat(p.bytesNotRead()).isEqualTo(Repairer.KEEP_PIECE); // one piece: before, nothing was kept
        }
        assertThat(repoDir.resolve(packName)).doesNotExist();
        byte[] kept = Files.readAllBytes(repoDir.resolve("damaged/" + victimBlob.pack().hex()));
        assertThat(kept).hasSize(before.length);
        int piece = (int) (badFrom / Repairer.KEEP_PIECE) * Repairer.KEEP_PIECE;
        byte[] zeros = new byte[Math.min(Repairer.KEEP_PIECE, before.length - piece)];
        assertThat(java.util.Arrays.copyOfRange(kept, piece, piece + zeros.length)).isEqualTo(zeros);
        assertThat(java.util.Arrays.copyOfRange(kept, 0, piece)).isEqualTo(java.util.Arrays.copyOfRange(before, 0, piece));
        assertThat(java.util.Arrays.copyOfRange(kept, piece + zeros.length, kept.length))
                .isEqualTo(java.util.Arrays.copyOfRange(before, piece + zeros.length, before.length));
        try (Repository repo = TestTrees.open(repoDir)) {
            TestTrees.backup(repo, data); // the lost blob stored again
            assertWholeAgain(repo);
        }
    }

    /**
     * An object store that fails to answer (503 SlowDown after the client's retries, a reset connection) says nothing of
     * the pack: a repair on s3proxy behind a proxy answering 503 deleted the intact pack, kept zeros of it under damaged/
     * and called its blobs lost (a helper's). It now stops before changing anything, and so does check.
     */
    @Test
    void aStoreThatDoesNotAnswerIsNotTakenForDamage() throws Exception {
        String packName = Repository.packName(victimBlob.pack());
        byte[] before = Files.readAllBytes(repoDir.resolve(packName));
        ForwardingBackend throttled = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public byte[] read(String name) {
                return refuse(name, () -> super.read(name));
            }

            @Override
            public byte[] readRange(String name, long offset, int length) {
                return refuse(name, () -> super.readRange(name, offset, length));
            }

            private byte[] refuse(String name, java.util.function.Supplier<byte[]> read) {
                if (name.equals(packName)) {
                    throw new org.opsledger.vault.backend.BackendException("cannot read " + name + ": Please reduce your request rate."
                            + " (SDK Attempt Count: 4)");
                }
                return read.get();
            }

            @Override
            public boolean readFailureIsDamage() {
                return false; // as S3Backend: a failed GET is the store's
            }
        };
        try (Repository repo = Repository.open(throttled, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(100, false)).hasMessageStartingWith("cannot read pack "
                    + victimBlob.pack().hex()).hasMessageContaining("the store failed, not the pack: nothing was taken for damage");
            assertThatThrownBy(() -> new Checker(repo, 2).check(100)).hasMessageContaining("nothing was taken for damage");
        }
        assertThat(Files.readAllBytes(repoDir.resolve(packName))).isEqualTo(before);
        assertThat(repoDir.resolve("damaged")).doesNotExist();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertWholeAgain(repo);
        }
    }

    @Test
    void anAlteredIndexFileIsReplacedByWhatThePacksHeadersSay() throws Exception {
        String index = new LocalBackend(repoDir).list("index").getFirst();
        DamagedPackTest.flipOneByte(repoDir.resolve(index), Files.size(repoDir.resolve(index)) / 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> TestTrees.backup(repo, data)).as("no backup reads a damaged index").isInstanceOf(VaultException.class);
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.indexProblems()).singleElement().asString().contains(index);
            assertThat(r.packsIndexedAgain()).isEqualTo(2); // the data pack and the tree pack
            assertThat(r.packs()).isEmpty();
            assertThat(r.blobsLost()).isZero();
        }
        assertThat(repoDir.resolve(index)).doesNotExist();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).as("the index from the headers alone").isEmpty();
            assertThat(TestTrees.backup(repo, data).snapshot().summary().filesUnchanged()).isEqualTo(3);
            assertWholeAgain(repo);
        }
    }

    /**
     * An index that lies (two of a pack's entries swapped: written with the password, or by a bug) about a pack that is
     * whole: check blames the pack, and repair gave up both blobs though the pack's own authenticated header lists them
     * (a helper's). Repair goes by the header then, and nothing is lost.
     */
    @Test
    void anIndexThatLiesAboutAWholePackLosesNothingToRepair() throws Exception {
        try (Repository repo = TestTrees.open(repoDir)) {
            var byPack = repo.index().byPack();
            List<org.opsledger.vault.index.IndexFile.Pack> packs = new java.util.ArrayList<>();
            for (var e : byPack.entrySet()) {
                List<org.opsledger.vault.pack.PackedBlob> blobs = new java.util.ArrayList<>(e.getValue());
                if (e.getKey().equals(victimBlob.pack())) { // the first two entries swap places, IDs kept
                    var a = blobs.get(0);
                    var b = blobs.get(1);
                    blobs.set(0, new org.opsledger.vault.pack.PackedBlob(a.type(), b.compressed(), b.offset(), b.length(), b.rawLength(), a.id()));
                    blobs.set(1, new org.opsledger.vault.pack.PackedBlob(b.type(), a.compressed(), a.offset(), a.length(), a.rawLength(), b.id()));
                }
                packs.add(org.opsledger.vault.index.Index.toFile(e.getKey(), repo.index().epochOf(e.getKey()), blobs));
            }
            for (String name : repo.backend().list("index")) {
                repo.backend().delete(name);
            }
            repo.writeSealed("index", org.opsledger.vault.crypto.Sealing.Kind.INDEX, new org.opsledger.vault.index.IndexFile(packs));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isNotEmpty();
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.blobsLost()).isZero();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertWholeAgain(repo);
        }
    }

    /**
     * Two data packs whose file names were swapped (an outside tool's mix-up): every blob is whole and authentic in a pack
     * whose own sealed header lists it, and `repair --read-data` salvaged only what the index places in each name, so none,
     * took both out and called both files' blobs lost (a helper's). It salvages what each pack's header lists.
     */
    @Test
    void twoPacksWhoseNamesWereSwappedLoseNothingToRepair() throws Exception {
        Path more = Files.createDirectories(tmp.resolve("more"));
        Files.write(more.resolve("b.bin"), TestTrees.random(11, 50_000));
        SnapshotRef second;
        try (Repository repo = TestTrees.open(repoDir)) {
            second = TestTrees.backup(repo, more);
            ObjectId otherPack = repo.index().get(repo.loadTree(repo.loadTree(second.snapshot().tree()).nodes().getFirst().subtree())
                    .nodes().getFirst().content().getFirst()).pack();
            Path a = repoDir.resolve(Repository.packName(victimBlob.pack()));
            Path b = repoDir.resolve(Repository.packName(otherPack));
            Files.move(a, tmp.resolve("swap"));
            Files.move(b, a);
            Files.move(tmp.resolve("swap"), b);
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packs()).hasSize(2).allMatch(p -> p.blobsSalvaged() > 0);
            assertThat(r.blobsLost()).isZero();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertWholeAgain(repo);
            new Restorer(repo, 2).restore(second, tmp.resolve("out2"), List.of(), true);
            TestTrees.assertSameTree(more, tmp.resolve("out2/more"));
        }
    }

    /**
     * An index entry whose raw length or compression flag is not the pack's header's (a pack intact as its header says):
     * check --read-data called the pack's blob's content not its ID, as if the pack were damaged (a helper's, fuzzed). It
     * says the index and the pack's header disagree, and `repair --read-data` indexes the pack again from its header.
     */
    @Test
    void anIndexEntryWhoseRawLengthOrCompressionIsNotThePacksIsNamedAsTheIndexsDisagreement() throws Exception {
        List<java.util.function.UnaryOperator<org.opsledger.vault.pack.PackedBlob>> lies = List.of(
                b -> new org.opsledger.vault.pack.PackedBlob(b.type(), b.compressed(), b.offset(), b.length(), b.rawLength() + 1, b.id()),
                b -> new org.opsledger.vault.pack.PackedBlob(b.type(), !b.compressed(), b.offset(), b.length(), b.rawLength(), b.id()));
        for (var lie : lies) {
            ObjectId pack;
            try (Repository repo = TestTrees.open(repoDir)) {
                pack = repo.index().get(victimId).pack(); // the repair of the one before stored it again
                List<org.opsledger.vault.index.IndexFile.Pack> packs = new java.util.ArrayList<>();
                repo.index().byPack().forEach((p, blobs) -> packs.add(org.opsledger.vault.index.Index.toFile(p, repo.index().epochOf(p),
                        blobs.stream().map(b -> b.id().equals(victimId) ? lie.apply(b) : b).toList())));
                for (String name : repo.backend().list("index")) {
                    repo.backend().delete(name);
                }
                repo.writeSealed("index", org.opsledger.vault.crypto.Sealing.Kind.INDEX, new org.opsledger.vault.index.IndexFile(packs));
            }
            try (Repository repo = TestTrees.open(repoDir)) {
                assertThat(new Checker(repo, 2).check(100).errors()).singleElement().asString()
                        .startsWith("pack " + pack.hex() + " is damaged (index and pack header disagree): 1 blob(s)");
                RepairResult r = new Repairer(repo, 2).repair(100, false);
                assertThat(r.blobsLost()).isZero();
                assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            }
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertWholeAgain(repo);
        }
    }

    @Test
    void aMissingPackLeavesTheIndexAndTheNextBackupStoresItsBlobsAgain() throws Exception {
        Files.delete(repoDir.resolve(Repository.packName(victimBlob.pack())));
        try (Repository repo = TestTrees.open(repoDir)) {
            // check names what the missing pack hurts, as repair does (a helper's: the pack's name alone)
            assertThat(new Checker(repo, 2).check(0).errors()).contains("pack " + victimBlob.pack().hex() + " is indexed but missing"
                    + " from the repository: 3 blob(s); needed by snapshot(s) " + first.shortId() + "; file(s) /data/bystander.txt,"
                    + " /data/sub/other.txt, /data/victim.bin");
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.packs()).singleElement().satisfies(p -> {
                assertThat(p.problem()).isEqualTo("missing from the repository");
                assertThat(p.lostBlobs()).hasSize(3);
                assertThat(p.blobsSalvaged()).isZero();
                assertThat(p.files()).containsExactly("/data/bystander.txt", "/data/sub/other.txt", "/data/victim.bin");
                assertThat(p.keptAs()).isNull();
            });
            assertThat(new Checker(repo, 2).check(0).errors()).hasSize(3).allMatch(e -> e.contains("missing from the index"));
            TestTrees.backup(repo, data);
            assertWholeAgain(repo);
        }
    }

    /**
     * A missing pack whose blobs only a forgotten snapshot needed (its data not yet pruned; an older index file put back
     * naming a pack a prune deleted): nothing is lost, though repair said "3 blob(s) lost: … forget the snapshots whose
     * sources are gone" and exited 3 (a helper's).
     */
    @Test
    void aMissingPackThatNoSnapshotNeedsIsDroppedAndNothingLost() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.write(other.resolve("kept.txt"), TestTrees.text(10, 50_000));
        try (Repository repo = TestTrees.open(repoDir)) {
            TestTrees.backup(repo, other);
            assertThat(repo.deleteSnapshotUnlessHeld(first.id())).isEqualTo(Repository.Deletion.DELETED);
        }
        Files.delete(repoDir.resolve(Repository.packName(victimBlob.pack())));
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.packs()).singleElement().satisfies(p -> {
                assertThat(p.lostBlobs()).hasSize(3);
                assertThat(r.neededByNone(p)).isTrue();
            });
            assertThat(r.blobsLost()).isZero();
            assertThat(r.blobsDropped()).isEqualTo(3);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A helper's nightly `forget --keep-last 1 --prune` after an index file was lost: prune took the packs it had named
     * for orphans left by a killed backup and deleted them, exit 0, though the snapshot it kept needed their data and
     * `vault repair` would have indexed them again. Prune now reads an unindexed pack's header first and indexes it
     * again when it holds such a blob.
     */
    @Test
    void pruneIndexesAgainAPackWhoseIndexFileWasLostWhenAKeptSnapshotNeedsItsData() throws Exception {
        List<String> firstIndex = new LocalBackend(repoDir).list("index");
        Files.write(data.resolve("new.txt"), TestTrees.text(10, 1_000)); // every tree changes; the old files' data is shared
        Files.write(data.resolve("sub/new.txt"), TestTrees.text(11, 1_000));
        SnapshotRef second;
        try (Repository repo = TestTrees.open(repoDir)) {
            second = TestTrees.backup(repo, data);
        }
        for (String name : firstIndex) {
            Files.delete(repoDir.resolve(name));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            new Forgetter(repo, java.time.ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), java.time.Instant.now());
            var pruned = new Pruner(repo).prune();
            assertThat(pruned.orphanPacksDeleted()).as("the first backup's tree pack: no snapshot needs it now").isEqualTo(1);
            assertThat(pruned.packsRescued()).as("its data pack, indexed again").isEqualTo(1);
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(second, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }

    /**
     * A tester's copy of a repository taken in rsync's order across a prune that repacked: data/ before the prune, index/
     * after it. Its index names the new pack, which the copy lacks, and the old one, which holds the kept snapshot's data,
     * is in no index: prune deleted it as an orphan, exit 0, and a key retirement failed on a missing file. Both refuse now
     * and say to run `vault repair` first (as restic's prune does), check says so too, and after the repair nothing is lost.
     */
    @Test
    void pruneAndRetireRefuseBesideAnIndexedPackThatIsMissingUntilRepairIndexesTheOldOne() throws Exception {
        Path src = tmp.resolve("src3/data");
        Path copy = tmp.resolve("copy");
        SnapshotRef second = copyAcrossARepackingPrune(src, copy);
        List<String> packs = new LocalBackend(copy).list("data");
        try (Repository repo = TestTrees.open(copy)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.contains("pack(s) not in any index")
                    && w.contains("run `vault repair` first") && !w.contains("prune removes them"));
            Node dir = repo.loadTree(second.snapshot().tree()).nodes().getFirst();
            ObjectId missing = repo.index().get(repo.loadTree(dir.subtree()).nodes().getFirst().content().getFirst()).pack();
            assertThat(copy.resolve(Repository.packName(missing))).as("the pack the prune wrote").doesNotExist();
            String refusal = "pack " + missing.hex() + " is indexed but missing from the repository: what it held may be in a pack no"
                    + " index names, which would go as an orphan; run `vault repair` first (it takes the missing pack out of the index"
                    + " and indexes that one again; `vault check` then names what is lost); ";
            assertThatThrownBy(() -> new Pruner(repo).prune()).isInstanceOf(VaultException.class).hasMessage(refusal + "nothing was pruned");
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).isInstanceOf(VaultException.class).hasMessage(refusal + "nothing was retired");
            assertThat(new LocalBackend(copy).list("data")).containsExactlyInAnyOrderElementsOf(packs);
        }
        repairAndPruneLoseNothing(copy, 0, second, src);
    }

    /**
     * The same copy, where the new pack is there but cut to half its size (an interrupted `rsync --partial` leaves it under
     * its name): check without --read-data found nothing, and a prune deleted the old pack, the only whole copy of the
     * data, as an orphan ("2 orphan(s) removed"; a re-tester's). Prune and retire refuse now, deleting nothing, and say to
     * run `vault repair --read-data` first; after it nothing is lost.
     */
    @Test
    void pruneAndRetireRefuseBesideAnIndexedPackCutShortUntilRepairReadsTheData() throws Exception {
        Path src = tmp.resolve("src4/data");
        Path original = tmp.resolve("repo3");
        Path copy = tmp.resolve("copy");
        SnapshotRef second = copyAcrossARepackingPrune(src, copy);
        try (Repository repo = TestTrees.open(copy)) {
            Node dir = repo.loadTree(second.snapshot().tree()).nodes().getFirst();
            ObjectId cut = repo.index().get(repo.loadTree(dir.subtree()).nodes().getFirst().content().getFirst()).pack();
            byte[] whole = Files.readAllBytes(original.resolve(Repository.packName(cut)));
            Files.createDirectories(copy.resolve(Repository.packName(cut)).getParent());
            Files.write(copy.resolve(Repository.packName(cut)), java.util.Arrays.copyOf(whole, whole.length / 2));
            List<String> packs = new LocalBackend(copy).list("data");
            String refusal = "pack " + cut.hex() + " is shorter than its index says (" + whole.length / 2 + " bytes, where the index"
                    + " places a blob up to byte ";
            String what = ", which no index names and which would go as an orphan; run `vault repair --read-data` first (it takes"
                    + " the short pack out of the index and indexes that one again); ";
            assertThatThrownBy(() -> new Pruner(repo).prune()).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith(refusal).hasMessageEndingWith(what + "no orphan pack was deleted");
            assertThat(new LocalBackend(copy).list("data")).containsExactlyInAnyOrderElementsOf(packs);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith(refusal).hasMessageEndingWith(what + "nothing was retired");
            assertThat(new LocalBackend(copy).list("data")).containsAll(packs);
        }
        repairAndPruneLoseNothing(copy, 100, second, src);
    }

    /**
     * One index file with a damaged byte and one pack cut short (an interrupted `rsync --partial`): repair rebuilt the index
     * from the packs' headers, the cut pack's did not read, and it said "nothing was lost", exit 0, while the snapshot's
     * blobs in that pack were in no index; the next prune deleted the pack as an orphan (a tester's, h2). What the snapshot
     * needs and no index holds is lost, named with its snapshot and file, and the pack is kept under damaged/. Then repair
     * called every blob of that pack lost, those before the cut too: each whole one is found by its own seal from the
     * pack's start and salvaged, and only those past the cut are lost.
     */
    @Test
    void aPackCutShortBesideADamagedIndexFileIsKeptAndWhatItHeldBeforeTheCutIsSalvaged() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src5/data"));
        Files.write(src.resolve("big.bin"), TestTrees.random(11, 4_000_000));
        Path dir = tmp.resolve("repo5");
        SnapshotRef snap;
        ObjectId cut;
        Map<ObjectId, IndexEntry> placed = new java.util.HashMap<>();
        try (Repository repo = TestTrees.newRepo(dir)) {
            snap = TestTrees.backup(repo, src);
            Node big = repo.loadTree(repo.loadTree(snap.snapshot().tree()).nodes().getFirst().subtree()).nodes().getFirst();
            cut = repo.index().get(big.content().getFirst()).pack();
            big.content().forEach(b -> placed.put(b, repo.index().get(b)));
        }
        String index = new LocalBackend(dir).list("index").getFirst();
        DamagedPackTest.flipOneByte(dir.resolve(index), 40);
        Path pack = dir.resolve(Repository.packName(cut));
        IndexEntry last = placed.values().stream().max(java.util.Comparator.comparingInt(IndexEntry::offset)).orElseThrow();
        long half = last.offset() + last.length() / 2; // within its last blob: a chunk's length depends on the repository's Gear table
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(pack.toFile(), "rw")) {
            f.setLength(half);
        }
        List<String> beforeTheCut = placed.entrySet().stream().filter(e -> e.getValue().offset() + e.getValue().length() <= half)
                .map(e -> e.getKey().hex()).sorted().toList();
        List<String> pastIt = placed.keySet().stream().map(ObjectId::hex).filter(b -> !beforeTheCut.contains(b)).sorted().toList();
        assertThat(beforeTheCut).as("the cut leaves whole blobs before it").isNotEmpty();
        try (Repository repo = TestTrees.open(dir)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packsUnreadable()).isEmpty();
            assertThat(r.packs()).singleElement().satisfies(p -> {
                assertThat(p.pack()).isEqualTo(cut.hex());
                assertThat(p.problem()).startsWith("in no index, and its header does not read: ");
                assertThat(p.keptAs()).isEqualTo(Repairer.DAMAGED + "/" + cut.hex());
                assertThat(p.blobsSalvaged()).isEqualTo(beforeTheCut.size());
            });
            assertThat(r.unindexed().blobs()).containsExactlyInAnyOrderElementsOf(pastIt);
            assertThat(r.blobsLost()).isEqualTo(pastIt.size());
            assertThat(r.unindexed().snapshots()).containsExactly(snap.shortId());
            assertThat(r.unindexed().files()).containsExactly("/data/big.bin");
            for (String b : beforeTheCut) {
                ObjectId id = ObjectId.parse(b);
                assertThat(repo.index().get(id).pack()).isNotEqualTo(cut);
                assertThat(repo.loadBlob(id)).hasSize(placed.get(id).rawLength());
            }
        }
        assertThat(pack).doesNotExist();
        assertThat(dir.resolve(Repairer.DAMAGED + "/" + cut.hex())).hasSize(half);
        try (Repository repo = TestTrees.open(dir)) {
            TestTrees.backup(repo, src); // stores the lost blobs again
            new Pruner(repo).prune();
            assertThat(dir.resolve(Repairer.DAMAGED + "/" + cut.hex())).as("never an orphan of prune's").exists();
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("out5"), List.of(), true).ok()).isTrue();
            TestTrees.assertSameTree(src, tmp.resolve("out5/data"));
        }
    }

    /**
     * The index file lost, the tree pack cut within its header and the data pack cut in half: no index and no header lists
     * a blob. Each whole tree and each whole blob before the cut is found by its own seal, compressed ones decompressed to
     * their content IDs, trees as trees; the snapshots are walked again below the trees so found, and what they need past
     * the cut is named lost, nothing else.
     */
    @Test
    void packsCutShortWithTheirIndexFileLostGiveBackEachWholeTreeAndBlob() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src6/data"));
        Files.write(src.resolve("notes.txt"), TestTrees.text(12, 6_000_000));
        Files.createDirectories(src.resolve("sub"));
        Files.write(src.resolve("sub/small.txt"), TestTrees.text(13, 2_000));
        Path dir = tmp.resolve("repo6");
        SnapshotRef snap;
        ObjectId treePack;
        ObjectId dataPack;
        List<org.opsledger.vault.pack.PackedBlob> held;
        ObjectId subTree;
        try (Repository repo = TestTrees.newRepo(dir)) {
            snap = TestTrees.backup(repo, src);
            treePack = repo.index().get(snap.snapshot().tree()).pack();
            Node data = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
            subTree = repo.loadTree(data.subtree()).nodes().stream().filter(n -> n.name().equals("sub")).findFirst().orElseThrow().subtree();
            assertThat(repo.index().get(subTree).pack()).isEqualTo(treePack);
            dataPack = repo.index().packs().stream().filter(p -> !p.equals(treePack)).findFirst().orElseThrow();
            assertThat(repo.index().packs()).as("one pack of trees, one of data").hasSize(2);
            held = repo.index().byPack().get(dataPack);
        }
        assertThat(held).as("text is stored compressed").anyMatch(org.opsledger.vault.pack.PackedBlob::compressed);
        assertThat(new LocalBackend(dir).list("index")).singleElement().satisfies(i -> Files.delete(dir.resolve(i)));
        Path trees = dir.resolve(Repository.packName(treePack));
        Path data = dir.resolve(Repository.packName(dataPack));
        long half = Files.size(data) / 2;
        try (java.io.RandomAccessFile t = new java.io.RandomAccessFile(trees.toFile(), "rw");
             java.io.RandomAccessFile d = new java.io.RandomAccessFile(data.toFile(), "rw")) {
            t.setLength(t.length() - 20);
            d.setLength(half);
        }
        List<String> pastTheCut = held.stream().filter(b -> b.offset() + b.length() > half).map(b -> b.id().hex()).sorted().toList();
        List<org.opsledger.vault.pack.PackedBlob> whole = held.stream().filter(b -> b.offset() + b.length() <= half).toList();
        assertThat(whole).isNotEmpty();
        assertThat(pastTheCut).isNotEmpty();
        try (Repository repo = TestTrees.open(dir)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packs()).extracting(RepairResult.RepairedPack::pack).containsExactlyInAnyOrder(treePack.hex(), dataPack.hex());
            assertThat(r.packs()).allMatch(p -> p.problem().startsWith(RepairResult.HEADERLESS));
            assertThat(r.packs()).filteredOn(p -> p.pack().equals(dataPack.hex())).singleElement()
                    .satisfies(p -> assertThat(p.blobsSalvaged()).isEqualTo(whole.size()));
            // below the trees found so: what is past the cut, nothing else
            assertThat(r.unindexed().blobs()).containsExactlyInAnyOrderElementsOf(pastTheCut);
            assertThat(r.unindexed().files()).contains("/data/notes.txt");
            assertThat(r.blobsLost()).isEqualTo(pastTheCut.size());
            for (ObjectId tree : List.of(snap.snapshot().tree(), subTree)) {
                assertThat(repo.index().get(tree).type()).isEqualTo(org.opsledger.vault.pack.BlobType.TREE);
                assertThat(repo.loadTree(tree).nodes()).isNotEmpty();
            }
            for (org.opsledger.vault.pack.PackedBlob b : whole) {
                assertThat(repo.index().get(b.id()).compressed()).isEqualTo(b.compressed());
                assertThat(repo.loadBlob(b.id())).hasSize(b.rawLength());
            }
        }
        try (Repository repo = TestTrees.open(dir)) {
            TestTrees.backup(repo, src); // stores the lost blobs again
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("out6"), List.of(), true).ok()).isTrue();
            TestTrees.assertSameTree(src, tmp.resolve("out6/data"));
        }
    }

    /** After `vault repair` (reading {@code readDataPercent} of the data) and a prune, check finds no error and {@code second} restores whole. */
    private void repairAndPruneLoseNothing(Path copy, double readDataPercent, SnapshotRef second, Path src) throws IOException {
        try (Repository repo = TestTrees.open(copy)) {
            new Repairer(repo, 2).repair(readDataPercent, false);
            new Pruner(repo).prune();
        }
        try (Repository repo = TestTrees.open(copy)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(second, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            TestTrees.assertSameTree(src, tmp.resolve("out/data"));
        }
    }

    /**
     * A tester's file-level copy into {@code copy} of a repository ("repo3") taken in rsync's order across a prune that
     * repacked: data/ before the prune, index/ and snapshots/ after it. Returns the snapshot kept, of {@code src}.
     */
    private SnapshotRef copyAcrossARepackingPrune(Path src, Path copy) throws IOException {
        Files.createDirectories(src); // the tester's: its data pack is repacked
        for (int i = 1; i <= 5; i++) {
            Files.write(src.resolve("s" + i), TestTrees.random(30 + i, 300_000));
        }
        Path original = tmp.resolve("repo3");
        SnapshotRef second;
        try (Repository repo = TestTrees.newRepo(original)) {
            TestTrees.backup(repo, src);
            for (int i = 3; i <= 5; i++) {
                Files.delete(src.resolve("s" + i));
            }
            second = TestTrees.backup(repo, src);
        }
        TestTrees.copyTree(original, copy); // data/ as it was before the prune
        try (Repository repo = TestTrees.open(original)) {
            new Forgetter(repo, java.time.ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), java.time.Instant.now());
            assertThat(new Pruner(repo).prune().packsRepacked()).isPositive();
        }
        for (String dir : List.of("index", "snapshots")) { // the rest after it
            TestTrees.deleteTree(copy.resolve(dir));
            TestTrees.copyTree(original.resolve(dir), copy.resolve(dir));
        }
        return second;
    }

    @Test
    void lostTreesStopPruneWithWhatToDoUntilABackupWritesThemAgain() throws Exception {
        IndexEntry root;
        try (Repository repo = TestTrees.open(repoDir)) {
            root = repo.index().get(first.snapshot().tree());
        }
        DamagedPackTest.flipOneByteOf(repoDir, root);
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packs()).singleElement().satisfies(p -> {
                assertThat(p.lostBlobs()).containsExactly(first.snapshot().tree().hex());
                assertThat(p.files()).containsExactly("/");
                assertThat(p.blobsSalvaged()).isEqualTo(2); // data/ and data/sub/
            });
            assertThatThrownBy(() -> new Pruner(repo).prune()).isInstanceOf(VaultException.class)
                    .hasMessage("snapshot " + first.shortId() + " needs tree " + first.snapshot().tree().shortHex() + ", which no index names:"
                            + " `vault repair` indexes again a pack whose index file was lost; if no pack holds it (`vault check` names"
                            + " its files), back up its sources again, which stores it anew, or forget the snapshot");
            TestTrees.backup(repo, data); // the parent's root is lost: every file compared with nothing, read again
            new Pruner(repo).prune();
            assertWholeAgain(repo);
        }
    }

    @Test
    void aDamagedSnapshotFileLeavesSnapshotsSoForgetAndPruneRunAgainUnlessItIsHeld() throws Exception {
        SnapshotRef second;
        SnapshotRef held;
        try (Repository repo = TestTrees.open(repoDir)) {
            second = TestTrees.backup(repo, data);
            held = TestTrees.backup(repo, data);
            repo.hold(held, "matter 7", "counsel");
        }
        Path secondFile = repoDir.resolve("snapshots/" + second.id().hex());
        Path heldFile = repoDir.resolve("snapshots/" + held.id().hex());
        DamagedPackTest.flipOneByte(secondFile, Files.size(secondFile) / 2);
        DamagedPackTest.flipOneByte(heldFile, Files.size(heldFile) / 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessageContaining("refusing to continue with an incomplete snapshot list");
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.files()).containsExactlyInAnyOrder(
                    new RepairResult.DamagedFile("snapshots/" + second.id().hex(), "does not match its SHA-256 name (damaged or altered)",
                            "damaged/snapshots/" + second.id().hex(),
                            "its root tree's ID was in it: `vault recover`, before a prune, makes a snapshot of the trees no snapshot references"),
                    new RepairResult.DamagedFile("snapshots/" + held.id().hex(), "does not match its SHA-256 name (damaged or altered)",
                            null, "left in place, held (holds/" + held.id().hex() + "): its data stays, and forget and prune stay stopped,"
                            + " until the hold is released (`vault release " + held.id().shortHex() + "` works on it)"));
            assertThat(r.snapshotsLost()).isEqualTo(1);
            assertThat(r.changed()).isTrue();
        }
        assertThat(secondFile).doesNotExist();
        assertThat(repoDir.resolve("damaged/snapshots/" + second.id().hex())).exists();
        assertThat(heldFile).exists();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Pruner(repo).prune()).as("the held one still stops it")
                    .hasMessageContaining(held.id().hex());
            assertThat(repo.heldUnreadable(held.id().hex().substring(0, 8))).contains(held.id());
            assertThat(repo.heldUnreadable(first.id().hex().substring(0, 8))).as("readable: found as a snapshot").isEmpty();
            repo.release(held.id(), null);
            assertThat(new Repairer(repo, 2).repair(0, false).snapshotsLost()).isEqualTo(1);
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(first.id());
            new Pruner(repo).prune();
            CheckResult c = new Checker(repo, 2).check(100);
            assertThat(c.errors()).isEmpty();
            assertThat(c.warnings()).contains("damaged files kept under damaged/ by `vault repair` (2 snapshot file(s)), never read:"
                    + " delete them when they are no longer needed as evidence");
            assertThat(new Repairer(repo, 2).repair(100, false).changed()).isFalse();
        }
    }

    @Test
    void recoverWritesOneSnapshotOfTheTreesALostSnapshotFileLeft() throws Exception {
        Files.write(data.resolve("later.txt"), TestTrees.text(11, 50_000));
        SnapshotRef second;
        try (Repository repo = TestTrees.open(repoDir)) {
            second = TestTrees.backup(repo, data);
            assertThat(new Recoverer(repo).recover(false).trees()).as("every tree is referenced").isEmpty();
        }
        Path file = repoDir.resolve("snapshots/" + second.id().hex());
        DamagedPackTest.flipOneByte(file, Files.size(file) / 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Repairer(repo, 2).repair(0, false).snapshotsLost()).isEqualTo(1);
            Map<String, Long> before = files(repoDir);
            Recoverer.Recovered dry = new Recoverer(repo).recover(true);
            assertThat(dry.trees()).containsExactly(second.snapshot().tree().hex());
            assertThat(dry.snapshot()).isNull();
            assertThat(files(repoDir)).as("a dry run writes nothing").isEqualTo(before);

            Recoverer.Recovered r = new Recoverer(repo).recover(false);
            assertThat(r.trees()).containsExactly(second.snapshot().tree().hex());
            assertThat(r.snapshot().snapshot().tags()).containsEntry(Recoverer.TAG, "vault recover");
            assertThat(r.snapshot().snapshot().recordLacks()).as("what the lost file said of them is lost with it")
                    .containsExactly("data owner", "classification", "retention");
            assertThat(new Restorer(repo, 2).restore(r.snapshot(), tmp.resolve("rec"), List.of(), true).ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("rec/" + second.snapshot().tree().shortHex() + "/data"));
            assertThat(new Recoverer(repo).recover(false).trees()).as("recovered once").isEmpty();
            new Pruner(repo).prune();
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    @Test
    void aDamagedHoldRecordIsReplacedByOneThatKeepsTheHoldInForce() throws Exception {
        try (Repository repo = TestTrees.open(repoDir)) {
            repo.hold(first, "matter 9", "counsel");
        }
        Path hold = repoDir.resolve("holds/" + first.id().hex());
        DamagedPackTest.flipOneByte(hold, Files.size(hold) / 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Forgetter(repo, java.time.ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), java.time.Instant.now()))
                    .hasMessageContaining("holds/" + first.id().hex() + " fails authentication");
            assertThat(new Checker(repo, 2).check(0).errors()).containsExactly("holds/" + first.id().hex() + " fails authentication (damaged or altered)");
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.files()).containsExactly(new RepairResult.DamagedFile("holds/" + first.id().hex(), "fails authentication (damaged or altered)",
                    "damaged/holds/" + first.id().hex(), "the hold stays in force under a new record (`vault hold` the snapshot again to record its reason)"));
            assertThat(r.changed()).isTrue();
            assertThat(r.snapshotsLost()).isZero();
        }
        assertThat(repoDir.resolve("damaged/holds/" + first.id().hex())).exists();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.holds().get(first.id()).reason()).startsWith("the hold record was damaged; kept in force by `vault repair` on ")
                    .endsWith(" (the damaged record is damaged/holds/" + first.id().hex() + ")");
            new Forgetter(repo, java.time.ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), java.time.Instant.now());
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(first.id());
            assertThat(new Repairer(repo, 2).repair(0, false).changed()).isFalse();
        }
    }

    @Test
    void aDamagedCondemnedRecordIsDroppedAndItsPackIndexedAgainSoPruneRunsAgain() throws Exception {
        Path record = condemnVictimsPack();
        DamagedPackTest.flipOneByte(record, Files.size(record) / 2);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessageContaining("fails authentication");
            assertThat(new Checker(repo, 2).check(0).errors()).containsExactly("condemned/" + record.getFileName() + " fails authentication (damaged or altered)");
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.files()).containsExactly(new RepairResult.DamagedFile("condemned/" + record.getFileName(), "fails authentication (damaged or altered)",
                    "damaged/condemned/" + record.getFileName(), "its pack is indexed again (the next prune condemns it again if nothing needs it)"));
            assertThat(r.packsIndexedAgain()).isEqualTo(1);
        }
        assertThat(record).doesNotExist();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Pruner(repo).prune().packsDeleted()).isPositive();
            CheckResult c = new Checker(repo, 2).check(100);
            assertThat(c.errors()).isEmpty();
            assertThat(c.warnings()).contains("damaged files kept under damaged/ by `vault repair` (1 condemned record(s)), never read:"
                    + " delete them when they are no longer needed as evidence");
        }
    }

    /**
     * A condemned record that opens but has no pack stopped prune with a bare NullPointerException, and one whose epoch is
     * no number stopped check and prune with Jackson's words naming no file (a helper's): both name the record, prune says
     * that `vault repair` removes it, and repair does, as it does a damaged one.
     */
    @Test
    void aCondemnedRecordThatDoesNotParseIsNamedByPruneAndCheckAndRepairDropsIt() throws Exception {
        String name = "condemned/" + condemnVictimsPack().getFileName();
        try (Repository repo = TestTrees.open(repoDir)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = repo.readSealed(name, Sealing.Kind.CONDEMNED, Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> pack = (Map<String, Object>) record.get("pack");
            pack.put("epoch", "x");
            for (Map<String, Object> malformed : List.of(Map.of("condemnedAt", record.get("condemnedAt")), record)) {
                repo.writeSealedAs(name, Sealing.Kind.CONDEMNED, malformed);
                String why = name + " does not parse as the format says (" + (malformed == record
                        ? "its field pack.epoch is not of the type the format says" : "no pack ID") + ")";
                assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessage(why + ": `vault repair` removes it");
                assertThat(new Checker(repo, 2).check(0).errors()).containsExactly(why);
            }
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.packsIndexedAgain()).isEqualTo(1);
            assertThat(new Pruner(repo).prune().packsDeleted()).isPositive();
        }
    }

    /** victim.bin forgotten, and its pack condemned by a prune beside a running backup: the condemned record. */
    private Path condemnVictimsPack() throws Exception {
        Files.delete(data.resolve("victim.bin"));
        try (Repository repo = TestTrees.open(repoDir)) {
            TestTrees.backup(repo, data);
            new Forgetter(repo, java.time.ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), java.time.Instant.now());
            try (Repository other = TestTrees.open(repoDir); SharedLock backup = other.lock("backup")) {
                assertThat(new Pruner(repo).prune().packsWaiting()).as("kept while a backup runs").isPositive();
            }
        }
        try (Stream<Path> s = Files.list(repoDir.resolve("condemned"))) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void aDryRunReportsTheSameAndWritesNothing() throws Exception {
        DamagedPackTest.flipOneByteOf(repoDir, victimBlob);
        Map<String, Long> before = files(repoDir);
        RepairResult dry;
        try (Repository repo = TestTrees.open(repoDir)) {
            dry = new Repairer(repo, 2).repair(100, true);
        }
        assertThat(files(repoDir)).isEqualTo(before);
        assertThat(dry.dryRun()).isTrue();
        try (Repository repo = TestTrees.open(repoDir)) {
            RepairResult done = new Repairer(repo, 2).repair(100, false);
            assertThat(done.packs()).isEqualTo(dry.packs());
            assertThat(new Repairer(repo, 2).repair(100, false).changed()).as("nothing left to repair").isFalse();
        }
    }

    /**
     * A refusal names how old a lock of another host is and when `vault unlock` may remove it: one a kill -9 or a power
     * cut left there counts as live until then, and the operator told only "run it again when nothing else runs" had no
     * way to know whether to wait or to go and look (a re-tester's). A lock of a process seen running here needs neither.
     */
    @Test
    void aRefusalSaysHowOldAnotherHostsLockIsAndWhenUnlockRemovesIt() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        new LocalBackend(repoDir).write("locks/web-1", VaultJson.write(new LockRecord("backup", "web-1", 4711,
                now.minusSeconds(3600), now.minusSeconds(3 * 60 + 5), null)));
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(0, false)).isInstanceOf(VaultException.class)
                    .hasMessage("a backup on web-1 (pid 4711, its lock refreshed 3 min ago; if that process is gone, `vault unlock`"
                            + " removes the lock 10 min after its last refresh) is working in the repository, and a repair runs alone:"
                            + " run it again when nothing else runs");
        }
        Files.delete(repoDir.resolve("locks/web-1"));
        try (Repository other = TestTrees.open(repoDir); Repository repo = TestTrees.open(repoDir); SharedLock backup = other.lock("backup")) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(0, false)).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("a backup on ").hasMessageContaining(" (pid " + ProcessHandle.current().pid() + ", user "
                            + org.opsledger.vault.OsUser.nameOf(org.opsledger.vault.OsUser.uid()) + ") is working");
        }
    }

    @Test
    void repairAndKeyRetirementRunAlonePruneWaitsForThem() throws Exception {
        try (Repository repo = TestTrees.open(repoDir)) {
            new KeyEpochs(repo).rotate();
        }
        try (Repository other = TestTrees.open(repoDir); Repository repo = TestTrees.open(repoDir)) {
            try (SharedLock backup = other.lock("backup")) {
                assertThatThrownBy(() -> new Repairer(repo, 2).repair(0, false)).isInstanceOf(VaultException.class)
                        .hasMessageStartingWith("a backup on ")
                        .hasMessageEndingWith(" is working in the repository, and a repair runs alone: run it again when nothing else runs");
                assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).isInstanceOf(VaultException.class)
                        .hasMessageEndingWith(" is working in the repository, and a retire runs alone: run it again when nothing else runs");
                assertThatThrownBy(() -> new Recoverer(repo).recover(false)).isInstanceOf(VaultException.class)
                        .hasMessageEndingWith(" is working in the repository, and a recover runs alone: run it again when nothing else runs");
                assertThat(new Pruner(repo).prune().packsCondemned()).as("prune goes on beside a backup").isZero();
            }
            try (SharedLock repair = other.lock("repair")) {
                assertThatThrownBy(() -> new Pruner(repo).prune()).isInstanceOf(VaultException.class)
                        .hasMessageStartingWith("a repair on ").hasMessageEndingWith(" runs alone in the repository: prune when it has finished");
                // a backup started after the repair looked for locks would go on beside it unseen (a helper's): refused
                assertThatThrownBy(() -> TestTrees.backup(repo, data)).isInstanceOf(VaultException.class)
                        .hasMessageStartingWith("a repair on ").hasMessageEndingWith(" runs alone in the repository: backup when it has finished");
            }
            assertThat(repo.locks().live()).as("the refused ones left no lock").isEmpty();
            assertThat(new KeyEpochs(repo).retire(1)).isNotNull();
        }
    }

    /** A store that stops taking writes after a number of them, as a repair killed there leaves it. */
    private static final class DyingBackend extends ForwardingBackend {
        int writesLeft;

        DyingBackend(Path dir, int writes) {
            super(new LocalBackend(dir));
            this.writesLeft = writes;
        }

        private void alive() {
            if (writesLeft-- <= 0) {
                throw new VaultException("killed");
            }
        }

        @Override
        public void write(String name, byte[] data, int off, int len) {
            alive();
            super.write(name, data, off, len);
        }

        @Override
        public void delete(String name) {
            alive();
            super.delete(name);
        }
    }

    @Test
    void killedAfterAnyWriteARepairRunAgainFinishesIt() throws Exception {
        DamagedPackTest.flipOneByteOf(repoDir, victimBlob);
        SnapshotRef second;
        try (Repository repo = TestTrees.open(repoDir)) {
            second = TestTrees.backup(repo, data);
            repo.hold(first, "matter 3", "counsel");
        }
        Path secondFile = repoDir.resolve("snapshots/" + second.id().hex());
        DamagedPackTest.flipOneByte(secondFile, Files.size(secondFile) / 2);
        Path hold = repoDir.resolve("holds/" + first.id().hex());
        DamagedPackTest.flipOneByte(hold, Files.size(hold) / 2);
        Path pristine = tmp.resolve("pristine");
        TestTrees.copyTree(repoDir, pristine);
        boolean finished = false;
        int writes = 0;
        for (; !finished; writes++) {
            assertThat(writes).as("a repair makes a handful of writes").isLessThan(40);
            Path dir = tmp.resolve("killed-" + writes);
            TestTrees.copyTree(pristine, dir);
            try (Repository repo = Repository.open(new DyingBackend(dir, writes), TestTrees.PASSWORD)) {
                new Repairer(repo, 2).repair(100, false);
                finished = true;
            } catch (VaultException killed) {
                assertThat(killed.getMessage()).isEqualTo("killed");
            }
            assertThat(dir.resolve("holds/" + first.id().hex())).as("the hold is never without a record").exists();
            try (Repository repo = TestTrees.open(dir)) {
                repo.locks().unlock(true); // the killed repair's lock, as `vault unlock --remove-all` removes it
                new Repairer(repo, 2).repair(100, false);
                CheckResult c = new Checker(repo, 2).check(100);
                assertThat(c.errors()).as("after %d writes", writes).singleElement().asString().contains("/data/victim.bin: blob");
                assertThat(new Restorer(repo, 2).restore(first, tmp.resolve("out-" + writes), List.of("data/bystander.txt", "data/sub"), true).ok()).isTrue();
                assertThat(repo.holds()).containsOnlyKeys(first.id());
                assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(first.id());
            }
        }
        // killed after each of its writes (twelve here): the lock, the damaged snapshot file's deletion, the hold record's
        // copy and new record, the salvaged blobs' pack and its index file, the index without the damaged pack and the old
        // index files' deletion, the damaged pack's deletion, the lock's release (the damaged snapshot file and pack are
        // renamed under damaged/ on a local disk, which no kill leaves half done)
        assertThat(writes).isGreaterThan(10);
    }

    /** check --read-data finds nothing, and the first snapshot restores whole and verified. */
    private void assertWholeAgain(Repository repo) throws IOException {
        assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        assertThat(new Restorer(repo, 2).restore(first, tmp.resolve("out"), List.of(), true).ok()).isTrue();
        TestTrees.assertSameTree(data, tmp.resolve("out/data"));
    }

    private static Map<String, Long> files(Path root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis() ^ Files.size(p));
            }
        }
        return out;
    }
}
