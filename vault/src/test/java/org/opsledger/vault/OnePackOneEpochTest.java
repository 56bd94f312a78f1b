package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * docs/vault-format.md §6: all blobs of one pack share one epoch, its header's and its index entry's. A `key rotate` on
 * the Repository object a backup was using, while the backup's pack was open, made a pack of blobs sealed under epochs
 * 1, 1, 1, 2, 2, 2 whose header and index said 2; check --read-data called it sound, and `key retire 1` left those
 * blobs and destroyed their key: ≈3 MiB of the backup lost (a helper's).
 */
class OnePackOneEpochTest {

    @TempDir
    Path tmp;

    @Test
    void aRotationWhileAPackIsOpenLeavesThatPackUnderItsEpochAndTheNextUnderTheNew() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            save(repo, 1, 3);
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            save(repo, 4, 3);
            repo.flush();
            assertThat(epochsOfPacks(repo)).containsExactlyInAnyOrder(List.of(1, 1, 1, 1), List.of(2, 2, 2, 2));
        }
    }

    /**
     * Another process's rotation, read by this one while its pack is open (a journal entry reads the keyring as stored,
     * and so does a blob of the new epoch read meanwhile): the same.
     */
    @Test
    void anotherProcesssRotationReadWhileAPackIsOpenLeavesThatPackUnderItsEpoch() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository backingUp = TestTrees.open(dir); Repository rotating = TestTrees.open(dir)) {
            save(backingUp, 1, 3);
            assertThat(new KeyEpochs(rotating).rotate()).isEqualTo(2);
            backingUp.refreshKeys();
            assertThat(backingUp.keys().currentEpoch()).isEqualTo(2);
            save(backingUp, 4, 3);
            backingUp.flush();
            assertThat(epochsOfPacks(backingUp)).containsExactlyInAnyOrder(List.of(1, 1, 1, 1), List.of(2, 2, 2, 2));
        }
    }

    /**
     * Jobs sharing the object save blobs while rotations come: a blob sealed under an epoch older than the open pack's is
     * sealed again under the pack's, one under a newer closes the pack. Whatever the interleaving, every pack is of one epoch.
     */
    @Test
    void jobsSavingBesideRotationsWriteEachPackUnderOneEpoch() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            java.util.concurrent.ExecutorService jobs = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                int job = j;
                done.add(jobs.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        byte[] b = TestTrees.random(1000L * job + i, 20_000);
                        repo.saveBlob(BlobType.DATA, b, 0, b.length);
                    }
                }));
            }
            for (int r = 0; r < 5; r++) {
                new KeyEpochs(repo).rotate();
            }
            for (var f : done) {
                f.get();
            }
            jobs.shutdown();
            repo.flush();
            assertThat(epochsOfPacks(repo)).isNotEmpty().allSatisfy(epochs -> assertThat(Set.copyOf(epochs)).hasSize(1));
        }
    }

    /** Such a pack, as earlier builds wrote it: check --read-data names it damaged, and repair --read-data seals its blobs again. */
    @Test
    void checkNamesAPackOfBlobsOfTwoEpochsAndRepairSealsThemAgain() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        byte[] content = TestTrees.random(7, 5000);
        Files.write(data.resolve("a.bin"), content);
        Path dir = tmp.resolve("repo");
        ObjectId mixed;
        try (Repository repo = TestTrees.newRepo(dir)) {
            SnapshotRef s = TestTrees.backup(repo, data);
            ObjectId dataDir = repo.loadTree(s.snapshot().tree()).nodes().getFirst().subtree();
            ObjectId blob = repo.loadTree(dataDir).nodes().getFirst().content().getFirst();
            assertThat(new KeyEpochs(repo).rotate()).isEqualTo(2);
            mixed = packOfTwoEpochs(repo, blob);
            Index index = repo.freshIndex();
            ObjectId old = index.get(blob).pack();
            try (org.opsledger.vault.repository.SharedLock lock = repo.lock("prune")) {
                repo.replaceIndex(lock, index, Set.of(old), repo.indexFiles()); // the blob is found in the mixed pack alone
                index = repo.freshIndex();
                index.add(mixed, 2, repo.packHeader(mixed).blobs());
                repo.replaceIndex(lock, index, Set.of(), repo.indexFiles());
            }
            repo.backend().delete(Repository.packName(old));
        }
        try (Repository repo = TestTrees.open(dir)) {
            CheckResult r = new Checker(repo, 2).check(100);
            assertThat(r.errors()).singleElement().asString().startsWith("pack " + mixed.hex() + " is damaged (1 blob(s) sealed under key"
                    + " epoch 1, its header under epoch 2: retiring epoch 1 would destroy their key; `vault repair --read-data` seals them"
                    + " again): 1 blob(s); needed by snapshot(s) ");
            new Repairer(repo, 2).repair(100, false);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(repo.backend().exists(Repository.packName(mixed))).as("moved under damaged/").isFalse();
            new KeyEpochs(repo).retire(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(repo.snapshots().getFirst(), tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(tmp.resolve("out/data/a.bin")).hasBinaryContent(content);
        }
    }

    /** Data blobs {@code seed}, {@code seed + 1}, … of 200 KB each, saved (not flushed). */
    private static void save(Repository repo, int seed, int n) {
        for (int i = seed; i < seed + n; i++) {
            byte[] b = TestTrees.random(i, 200_000);
            repo.saveBlob(BlobType.DATA, b, 0, b.length);
        }
    }

    /** Each pack's header epoch, then the epoch each of its blobs is sealed under; checked against the index too. */
    private static List<List<Integer>> epochsOfPacks(Repository repo) {
        Index index = repo.freshIndex();
        List<List<Integer>> out = new ArrayList<>();
        for (ObjectId p : index.packs()) {
            byte[] pack = repo.backend().read(Repository.packName(p));
            List<Integer> epochs = new ArrayList<>(List.of(PackReader.epoch(pack)));
            assertThat(index.epochOf(p)).isEqualTo(PackReader.epoch(pack));
            for (PackedBlob b : PackReader.header(pack, repo::dataKey)) {
                epochs.add(Sealing.epochOf(pack, b.offset()));
            }
            out.add(epochs);
        }
        return out;
    }

    /** A pack whose header says epoch 2 and whose one blob, {@code blob}, is sealed under epoch 1: an earlier build's. */
    private static ObjectId packOfTwoEpochs(Repository repo, ObjectId blob) {
        byte[] plain = repo.loadBlob(blob);
        byte[] sealed = Sealing.seal(repo.dataKey(1), 1, Sealing.Kind.BLOB, plain);
        Backend.Upload upload = repo.backend().upload();
        PackWriter w = new PackWriter(BlobType.DATA, upload, repo.dataKey(2), 2);
        w.add(blob, false, plain.length, sealed, 0, sealed.length);
        ObjectId id = w.finish();
        upload.commit(Repository.packName(id));
        return id;
    }
}
