package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;

/**
 * A prune reads each index file and each snapshot file from the store once: its later looks (after listing the snapshots,
 * before deleting, after) list them again and read only the new ones. It read each index file 7 times and each snapshot
 * twice, 5,066 requests for 2,000 objects of an S3 store (a helper's).
 */
class PruneReadsOnceTest {

    @TempDir
    Path tmp;

    @Test
    void aPruneReadsEachIndexAndSnapshotFileOnce() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            for (int i = 0; i < 5; i++) {
                Files.write(data.resolve("f" + i + ".bin"), TestTrees.random(i, 200_000));
                TestTrees.backup(repo, data);
                Files.delete(data.resolve("f" + i + ".bin"));
            }
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(null, 2, 0, 0, 0), Instant.now());
        }
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        ForwardingBackend counting = ForwardingBackend.countingReads(repoDir, reads, "index/", "snapshots/");
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            PruneResult r = new Pruner(repo, 0).prune();

            assertThat(r.packsDeleted()).as("the forgotten snapshots' packs go, and the index is written anew").isPositive();
            assertThat(reads.keySet()).anyMatch(n -> n.startsWith("index/")).anyMatch(n -> n.startsWith("snapshots/"));
            assertThat(reads).as("each file read from the store once").allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1));
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }
    /**
     * A prune reads each journal file once: it read every file for holds before it condemned anything (HoldHistory), then
     * every segment again to survey them and every one-entry file again to gather them (Journal#compact), a journal of
     * years twice a night (session 39). What the first read saw is gathered.
     */
    @Test
    void aPruneReadsEachJournalFileOnce() throws Exception {
        Path repoDir = tmp.resolve("repo");
        long entries;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            org.opsledger.vault.journal.Journal journal = new org.opsledger.vault.journal.Journal(repo);
            for (int i = 0; i < 40; i++) {
                journal.record(org.opsledger.vault.journal.JournalEntry.of(org.opsledger.vault.journal.JournalEntry.Operation.CHECK,
                        org.opsledger.vault.journal.JournalEntry.Outcome.OK, Instant.now(), java.util.List.of(), java.util.List.of(), false,
                        0, "checked " + i));
                if (i % 10 == 9) {
                    journal.compact(); // a segment each ten: a night's prune
                }
            }
            for (int i = 0; i < 3; i++) { // the day's runs since
                journal.record(org.opsledger.vault.journal.JournalEntry.of(org.opsledger.vault.journal.JournalEntry.Operation.CHECK,
                        org.opsledger.vault.journal.JournalEntry.Outcome.OK, Instant.now(), java.util.List.of(), java.util.List.of(), false,
                        0, "today " + i));
            }
            entries = journal.read().total();
        }
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        ForwardingBackend counting = ForwardingBackend.countingReads(repoDir, reads, "journal/");
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            java.util.List<String> before = repo.backend().list("journal");
            PruneResult r = new Pruner(repo, 0).prune();

            assertThat(r.journalEntriesCompacted()).as("the day's runs gathered").isEqualTo(3);
            assertThat(reads.keySet()).as("every file read").containsExactlyInAnyOrderElementsOf(before);
            assertThat(reads).as("each journal file read from the store once").allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1));
            org.opsledger.vault.journal.Journal.Listing after = new org.opsledger.vault.journal.Journal(repo).read();
            assertThat(after.unreadable()).isEmpty();
            assertThat(after.total()).as("every entry kept, once").isEqualTo(entries);
        }
    }

    /**
     * A prune that condemns nothing still gathers many index files into as few as the index needs: one per backup stayed
     * for good where nothing is forgotten (a long-term tier, held snapshots), 4,002 after a prune (a helper's).
     */
    @Test
    void aPruneThatCondemnsNothingGathersManyIndexFiles() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            for (int i = 0; i < Pruner.INDEX_FILES_LEFT + 4; i++) {
                Files.write(data.resolve("f" + i + ".txt"), TestTrees.text(i, 1_000));
                TestTrees.backup(repo, data);
            }
            assertThat(repo.indexFiles()).hasSize(Pruner.INDEX_FILES_LEFT + 4);
            PruneResult r = new Pruner(repo, 0).prune();
            assertThat(r.packsCondemned()).isZero();
            assertThat(repo.indexFiles()).hasSize(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            new org.opsledger.vault.restorer.Restorer(repo, 2).restore(repo.findSnapshot("latest"), tmp.resolve("out"), java.util.List.of(), true);
            assertThat(Files.readString(tmp.resolve("out/data/f0.txt"))).isEqualTo(Files.readString(data.resolve("f0.txt")));
        }
        try (Repository repo = TestTrees.open(repoDir)) { // and a prune with few files leaves them
            Files.write(data.resolve("new.txt"), TestTrees.text(99, 1_000));
            TestTrees.backup(repo, data);
            new Pruner(repo, 0).prune();
            assertThat(repo.indexFiles()).hasSize(2);
        }
    }
    /**
     * Packs of more than 8,192 small blobs fill an index file each, as the rewrite writes them: counted by blobs alone, 24
     * such packs "needed" 14 files, and every prune wrote all 24 anew under new names and deleted the old (a re-tester's).
     */
    @Test
    void aPruneLeavesIndexFilesThatHoldOneLargePackEach() throws Exception {
        int packs = 24;
        int blobsEach = 9_000;
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            for (int p = 0; p < packs; p++) {
                java.util.List<org.opsledger.vault.snapshot.Node> files = new java.util.ArrayList<>();
                for (int i = 0; i < blobsEach; i++) {
                    byte[] bytes = (p + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    files.add(new org.opsledger.vault.snapshot.Node("f" + i, org.opsledger.vault.snapshot.NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0,
                            bytes.length, java.util.List.of(repo.saveBlob(org.opsledger.vault.pack.BlobType.DATA, bytes, 0, bytes.length)), null, null));
                }
                var tree = repo.saveTree(new org.opsledger.vault.snapshot.Tree(files));
                repo.flush(); // a data pack of 9,000 blobs and a tree pack under one index file
                repo.saveSnapshot(new org.opsledger.vault.snapshot.Snapshot(Instant.now(), tree, null, java.util.List.of("/srv"), "mail",
                        "root", Map.of(), org.opsledger.vault.snapshot.Snapshot.Kind.FULL, null, null, null, "x", "mail", null));
            }
            java.util.List<String> before = repo.indexFiles();
            new Pruner(repo, 0).prune();
            assertThat(repo.indexFiles()).as("none written anew: the index needs as many").containsExactlyInAnyOrderElementsOf(before);
        }
    }
}
