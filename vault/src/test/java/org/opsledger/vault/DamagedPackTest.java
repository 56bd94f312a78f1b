package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.SnapshotRef;

class DamagedPackTest {

    @TempDir
    Path tmp;

    @Test
    void oneFlippedByteIsNamedWithItsPackSnapshotAndFileAndOtherFilesStillRestore() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("victim.bin"), TestTrees.random(7, 300_000));
        Files.write(data.resolve("bystander.txt"), TestTrees.text(8, 200_000));
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        IndexEntry victimBlob;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
            Node dir = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
            Node victim = repo.loadTree(dir.subtree()).nodes().stream().filter(n -> n.name().equals("victim.bin")).findFirst().orElseThrow();
            victimBlob = repo.index().get(victim.content().getFirst());
        }
        flipOneByteOf(repoDir, victimBlob);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(0).ok()).as("structure alone does not read pack data").isTrue();
            CheckResult r = new Checker(repo, 2).check(100);
            assertThat(r.ok()).isFalse();
            assertThat(r.damagedPacks()).hasSize(1);
            CheckResult.DamagedPack d = r.damagedPacks().getFirst();
            assertThat(d.pack()).isEqualTo(victimBlob.pack().hex());
            assertThat(d.snapshots()).containsExactly(snap.shortId());
            assertThat(d.files()).containsExactly("/data/victim.bin");
            assertThat(r.errors()).anyMatch(e -> e.contains(victimBlob.pack().hex()) && e.contains("/data/victim.bin"));

            RestoreResult ok = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of("data/bystander.txt"), true);
            assertThat(ok.ok()).isTrue();
            assertThat(Files.readAllBytes(tmp.resolve("out/data/bystander.txt"))).isEqualTo(TestTrees.text(8, 200_000));
            try {
                new Restorer(repo, 2).restore(snap, tmp.resolve("out2"), List.of("data/victim.bin"), false);
                throw new AssertionError("restoring the damaged file must fail");
            } catch (VaultException expected) {
                assertThat(expected.getMessage()).contains("fails authentication");
            }
        }
    }

    /**
     * A pack cut to half its size (an interrupted `rsync --partial`, a full disk on the copy): check without --read-data said
     * "no errors were found", exit 0, and a restore then failed on a short read (a tester's, h2). The listing check makes
     * gives the size: the pack is damaged, named with the file that needs its blobs past the cut, and no byte is read.
     */
    @Test
    void aPackCutShortIsDamagedToACheckThatReadsNoData() throws Exception {
        CutPack c = aPackCutInHalf();
        try (Repository repo = TestTrees.open(c.repoDir())) {
            CheckResult r = new Checker(repo, 2).check(0);
            assertThat(r.packsRead()).isZero();
            assertThat(r.damagedPacks()).singleElement().satisfies(d -> {
                assertThat(d.pack()).isEqualTo(c.last().pack().hex());
                assertThat(d.problem()).startsWith("shorter than its index says (" + c.size() + " bytes, where the index places a blob up to byte ");
                assertThat(d.blobs()).contains(c.lastId().hex());
                assertThat(d.snapshots()).containsExactly(c.snap().shortId());
                assertThat(d.files()).containsExactly("/data/big.bin");
            });
            assertThat(r.errors()).anyMatch(e -> e.startsWith("pack " + c.last().pack().hex() + " is damaged (shorter than its index says ("));
        }
    }

    /**
     * The same pack to a check that reads it: its header, at the pack's end, is gone with the rest, and check --read-data
     * named the header's trailer ("header: pack trailer has wrong magic or version"), not the cut, sending the operator
     * after a damaged header. It says what the check without --read-data says.
     */
    @Test
    void aPackCutShortIsCutShortToACheckThatReadsItsData() throws Exception {
        CutPack c = aPackCutInHalf();
        try (Repository repo = TestTrees.open(c.repoDir())) {
            String structure = new Checker(repo, 2).check(0).damagedPacks().getFirst().problem();
            CheckResult r = new Checker(repo, 2).check(100);
            assertThat(r.damagedPacks()).singleElement().satisfies(d -> {
                assertThat(d.pack()).isEqualTo(c.last().pack().hex());
                assertThat(d.problem()).isEqualTo(structure);
                assertThat(d.files()).containsExactly("/data/big.bin");
            });
        }
    }

    /**
     * The same pack cut by 20 bytes: its blobs are whole, its header is not. check --read-data named the trailer; it says
     * the pack is cut within its header.
     */
    @Test
    void aPackCutWithinItsHeaderIsCutShortToACheckThatReadsItsData() throws Exception {
        CutPack c = aPackCut(size -> size - 20);
        try (Repository repo = TestTrees.open(c.repoDir())) {
            CheckResult r = new Checker(repo, 2).check(100);
            assertThat(r.damagedPacks()).singleElement().satisfies(d -> assertThat(d.problem()).isEqualTo("shorter than its index says ("
                    + c.size() + " bytes, where its blobs end at byte " + (c.last().offset() + c.last().length()) + " and their header and"
                    + " the trailer at byte " + (c.size() + 20) + "): cut within its header"));
        }
    }

    /**
     * The cut pack's index file lost too: check's warning of packs in no index said "prune removes them, or indexes again one
     * that holds data a snapshot needs, as `vault repair` does", and of the cut one "(in no index; prune removes it)", where
     * a prune deletes it, its header unread, with what the snapshot needs in it, and a repair keeps it and saves what it
     * holds. Repair is named first, as the docs say.
     */
    @Test
    void aPackInNoIndexWhoseHeaderDoesNotReadIsLeftToRepairNotPrune() throws Exception {
        CutPack c = aPackCutInHalf();
        assertThat(new org.opsledger.vault.backend.LocalBackend(c.repoDir()).list("index")).singleElement()
                .satisfies(i -> Files.delete(c.repoDir().resolve(i)));
        try (Repository repo = TestTrees.open(c.repoDir())) {
            List<String> warnings = new Checker(repo, 2).check(100).warnings();
            assertThat(warnings).contains("2 pack(s) not in any index (left by an interrupted backup or prune; or their index file was lost):"
                    + " run `vault repair` first, which indexes again one that holds data a snapshot needs, then prune removes the rest");
            assertThat(warnings).anyMatch(w -> w.startsWith(Repository.packName(c.last().pack()) + ": ") && w.endsWith(" (in no index:"
                    + " `vault repair` keeps it and saves what it holds while a snapshot lacks data, else prune removes it)"));
        }
    }

    /**
     * Packs in no index while a backup runs (its lock live, its index file written only as it goes on): check advised `vault
     * repair` for a pack a still-running backup wrote, beside a soak's backups (h3's, finding 2). It names the running jobs
     * first and to check again once they have ended.
     */
    @Test
    void packsInNoIndexBesideARunningBackupAreNotSentToRepairFirst() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/running"));
        Files.write(data.resolve("a"), TestTrees.random(7, 100_000));
        Path dir = tmp.resolve("running");
        try (Repository first = TestTrees.newRepo(dir)) {
            TestTrees.backup(first, data);
        }
        for (String i : new org.opsledger.vault.backend.LocalBackend(dir).list("index")) {
            Files.delete(dir.resolve(i)); // as a backup's packs are before it writes their index file
        }
        try (Repository backing = TestTrees.open(dir); org.opsledger.vault.repository.SharedLock running = backing.lock("backup");
             Repository repo = TestTrees.open(dir)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.contains(" pack(s) not in any index (")
                    && w.contains(": 1 backup(s) or prune(s) are running now (their locks are live), whose packs are indexed as they go on:"
                    + " check again once they have ended, and if packs are still named then, run `vault repair` first"));
        }
    }

    /** A backup of one 4 MB file whose pack is then cut to half its size (an interrupted `rsync --partial`). */
    private CutPack aPackCutInHalf() throws Exception {
        return aPackCut(size -> size / 2);
    }

    private CutPack aPackCut(java.util.function.LongUnaryOperator keep) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("big.bin"), TestTrees.random(5, 4_000_000));
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        org.opsledger.vault.crypto.ObjectId lastId;
        IndexEntry last;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
            Node big = repo.loadTree(repo.loadTree(snap.snapshot().tree()).nodes().getFirst().subtree()).nodes().getFirst();
            lastId = big.content().stream().max(java.util.Comparator.comparingInt(b -> repo.index().get(b).offset())).orElseThrow();
            last = repo.index().get(lastId);
        }
        Path pack = repoDir.resolve(Repository.packName(last.pack()));
        long kept = keep.applyAsLong(Files.size(pack));
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.setLength(kept);
        }
        return new CutPack(repoDir, snap, lastId, last, kept);
    }

    private record CutPack(Path repoDir, SnapshotRef snap, org.opsledger.vault.crypto.ObjectId lastId, IndexEntry last, long size) {
    }

    /**
     * A tester's copy, taken while a backup ended, lacked the pack of its snapshot's trees and the pack of its data: check
     * said of the data pack "needed by no snapshot", though it held all of the snapshot's files. What is below a tree that
     * cannot be read is not known: check names the snapshots it could not walk instead.
     */
    @Test
    void aMissingPackBelowATreeThatCannotBeReadIsNotSaidToBeNeededByNoSnapshot() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(3, 300_000));
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        IndexEntry tree;
        IndexEntry blob;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
            tree = repo.index().get(snap.snapshot().tree());
            Node dir = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
            blob = repo.index().get(repo.loadTree(dir.subtree()).nodes().getFirst().content().getFirst());
        }
        assertThat(blob.pack()).as("trees and data are packed apart").isNotEqualTo(tree.pack());
        Files.delete(repoDir.resolve(Repository.packName(tree.pack())));
        Files.delete(repoDir.resolve(Repository.packName(blob.pack())));
        try (Repository repo = TestTrees.open(repoDir)) {
            CheckResult r = new Checker(repo, 2).check(0);
            assertThat(r.errors()).anyMatch(e -> e.startsWith("pack " + blob.pack().hex() + " is indexed but missing from the repository: ")
                    && e.endsWith(" blob(s); needed by no snapshot whose trees could be read; snapshot(s) " + snap.shortId() + " could not be walked"));
            assertThat(r.damagedPacks()).filteredOn(d -> d.pack().equals(blob.pack().hex())).singleElement()
                    .satisfies(d -> assertThat(d.unwalked()).containsExactly(snap.shortId()));
        }
    }

    @Test
    void damageSharedBySeveralSnapshotsIsNamedInEachOfThem() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("victim.bin"), TestTrees.random(7, 300_000));
        Files.createDirectories(data.resolve("sub"));
        Files.write(data.resolve("sub/bystander.txt"), TestTrees.text(8, 200_000));
        Path repoDir = tmp.resolve("repo");
        List<SnapshotRef> snaps = new java.util.ArrayList<>();
        IndexEntry victimBlob;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snaps.add(TestTrees.backup(repo, data));
            snaps.add(TestTrees.backup(repo, data)); // the same trees
            Files.write(data.resolve("late.txt"), TestTrees.text(9, 1000));
            snaps.add(TestTrees.backup(repo, data)); // a new tree for data/
            Node dir = repo.loadTree(snaps.getFirst().snapshot().tree()).nodes().getFirst();
            Node victim = repo.loadTree(dir.subtree()).nodes().stream().filter(n -> n.name().equals("victim.bin")).findFirst().orElseThrow();
            victimBlob = repo.index().get(victim.content().getFirst());
        }
        flipOneByteOf(repoDir, victimBlob);
        try (Repository repo = TestTrees.open(repoDir)) {
            CheckResult r = new Checker(repo, 2).check(100);
            assertThat(r.damagedPacks()).hasSize(1);
            // the walk skips a tree it found whole in an earlier snapshot, never one that holds damage
            assertThat(r.damagedPacks().getFirst().snapshots()).containsExactlyInAnyOrderElementsOf(snaps.stream().map(SnapshotRef::shortId).toList());
            assertThat(r.damagedPacks().getFirst().files()).containsExactly("/data/victim.bin");
        }
    }

    @Test
    void anIndexOrSnapshotFileAlteredInPlaceIsNamed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.txt"), TestTrees.text(3, 50_000));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        String index = new org.opsledger.vault.backend.LocalBackend(repoDir).list("index").getFirst();
        String snapshot = new org.opsledger.vault.backend.LocalBackend(repoDir).list("snapshots").getFirst();
        for (String name : List.of(index, snapshot)) {
            flipOneByte(repoDir.resolve(name), Files.size(repoDir.resolve(name)) / 2);
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            CheckResult r = new Checker(repo, 2).check(0);
            assertThat(r.errors()).contains(index + " does not match its SHA-256 name (damaged or altered)",
                    snapshot + " does not match its SHA-256 name (damaged or altered)");
        }
    }

    /** Flips one bit in the middle of a blob, in its pack file. */
    /**
     * A pack no index names whose sealed header gives a blob type none of the two (re-sealed with the repository's keys):
     * every prune and repair stopped with "unknown blob type 5", naming no pack, and check --read-data said nothing of it
     * (a helper's, fuzzed). It is a damaged pack: check --read-data and repair name it, and prune removes it as it does
     * any pack in no index whose header does not read.
     */
    @Test
    void aPackInNoIndexWhoseHeaderGivesAnUnknownBlobTypeIsNamedAndLeftToPrune() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.txt"), TestTrees.text(3, 10_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            byte[] pack = repo.backend().read(Repository.packName(repo.index().packs().iterator().next()));
            int headerLength = java.nio.ByteBuffer.wrap(pack, pack.length - PackWriter.TRAILER, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            int headerStart = pack.length - PackWriter.TRAILER - headerLength;
            int epoch = Sealing.epochOf(pack, headerStart);
            byte[] header = Sealing.open(repo.dataKey(epoch), Sealing.Kind.PACK_HEADER, pack, headerStart, headerLength);
            header[0] = 5; // the first entry's blob type
            byte[] sealed = Sealing.seal(repo.dataKey(epoch), epoch, Sealing.Kind.PACK_HEADER, header);
            byte[] forged = java.nio.ByteBuffer.allocate(headerStart + sealed.length + PackWriter.TRAILER).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .put(pack, 0, headerStart).put(sealed).putInt(sealed.length).put(pack, pack.length - PackWriter.TRAILER + 4, PackWriter.TRAILER - 4)
                    .array();
            String name = Repository.packName(Sealing.sha256(forged));
            repo.backend().write(name, forged);
            String named = name + ": pack header entry has unknown blob type 5";

            CheckResult checked = new Checker(repo, 2).check(100);
            assertThat(checked.errors()).isEmpty();
            assertThat(checked.warnings()).contains(named + " (in no index: `vault repair` keeps it and saves what it holds while a"
                    + " snapshot lacks data, else prune removes it)");
            assertThat(new Repairer(repo, 2).repair(100, false).packsUnreadable()).containsExactly(named);
            assertThat(new Pruner(repo).prune().orphanPacksDeleted()).isEqualTo(1);
            assertThat(repo.backend().exists(name)).isFalse();
            assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true).ok()).isTrue();
        }
    }

    static void flipOneByteOf(Path repoDir, IndexEntry blob) throws java.io.IOException {
        flipOneByte(repoDir.resolve(Repository.packName(blob.pack())), blob.offset() + blob.length() / 2);
    }

    static void flipOneByte(Path file, long at) throws java.io.IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }
}
