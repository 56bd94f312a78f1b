package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * `copy` and `tier` of N snapshots copy them in batches (Copier#copyEach): each snapshot took a lock in both repositories,
 * each lock listed index/, each commit listed snapshots/, and each flush wrote an index file into the target, so the work
 * grew as N² (a tier of 2,000 one-file snapshots took 64 s of CPU, 250 took 4.1 s: a helper's).
 */
class CopyBatchesTest {

    @TempDir
    Path tmp;

    @Test
    void aCopyOfManySnapshotsWritesAFewIndexFilesInTheTargetNotOnePerSnapshot() throws Exception {
        Path near = sourceOf(24, "near");
        try (Repository source = TestTrees.open(near); Repository target = TestTrees.newRepo(tmp.resolve("long"))) {
            List<Copier.Copied> copied = new ArrayList<>();
            new Copier(source, target).copyEach(source.snapshots(), copied::add, batch -> { });
            assertThat(copied).hasSize(24).noneMatch(c -> c.copy().madeBefore());
            assertThat(target.snapshots()).hasSize(24);
            assertThat(target.backend().list("index")).as("index files in the target").hasSizeLessThanOrEqualTo(2);
            assertThat(new Checker(target, 2).check(100).errors()).isEmpty();
        }
    }

    @Test
    void aTierOfManySnapshotsWritesAFewIndexFilesInTheLongTermRepository() throws Exception {
        Path near = sourceOf(24, "near");
        try (Repository nearLine = TestTrees.open(near); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            List<Tiering.Moved> moved = new Tiering(nearLine, far).move(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1));
            assertThat(moved).hasSize(24).allMatch(Tiering.Moved::forgottenNearLine);
            assertThat(nearLine.snapshots()).isEmpty();
            assertThat(far.backend().list("index")).as("index files in the long-term repository").hasSizeLessThanOrEqualTo(2);
            assertThat(new Checker(far, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * The listings of index/ and snapshots/ (and the other directories but locks/) a copy and a tier make, in both
     * repositories, do not grow with N. locks/, which holds a lock file per command running, is listed as each snapshot is
     * committed (no snapshot is written beside a dispose).
     */
    @Test
    void theListingsOfACopyAndATierDoNotGrowWithTheirSnapshots() throws Exception {
        assertThat(listingsOf(24, false)).as("a copy of 24 snapshots, against one of 8").isEqualTo(listingsOf(8, false));
        assertThat(listingsOf(24, true)).as("a tier of 24 snapshots, against one of 8").isEqualTo(listingsOf(8, true));
    }

    /**
     * A copy killed (SIGKILL) between two batches keeps the batch it committed: the next run finds that copy made before,
     * copies the rest, and leaves one copy of each snapshot in a target that checks clean.
     */
    @Test
    void aCopyKilledBetweenBatchesKeepsWhatItCommitted() throws Exception {
        Path near = sourceOf(4, "near");
        Path far = tmp.resolve("far");
        TestTrees.newRepo(far).close();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), "copy",
                near.toString(), far.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        assertThat(out.readLine()).isEqualTo("READY");
        String line = out.readLine();
        while (line != null && !line.equals("COMMITTING")) { // the JVM's warnings aside
            line = out.readLine();
        }
        assertThat(line).as("the second batch about to commit").isEqualTo("COMMITTING");
        child.destroyForcibly().waitFor();
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        try (Repository source = TestTrees.open(near); Repository target = TestTrees.open(far)) {
            List<SnapshotRef> committed = target.snapshots();
            assertThat(committed).as("the first batch").hasSize(1);
            assertThat(new Checker(target, 2).check(100).errors()).isEmpty();
            List<Copier.Copied> copied = new ArrayList<>();
            new Copier(source, target).copyEach(source.snapshots(), copied::add, batch -> { });
            assertThat(copied).hasSize(4);
            assertThat(copied).filteredOn(c -> c.copy().madeBefore()).extracting(c -> c.copy().snapshot().id())
                    .containsExactly(committed.getFirst().id());
            assertThat(target.snapshots()).hasSize(4);
            assertThat(target.snapshots().stream().map(s -> s.snapshot().tags().get(Copier.COPIED_FROM)).distinct()).hasSize(4);
            assertThat(new Checker(target, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A batch ends once the copy itself stored {@code batchBytes} in the target: a backup into the same target object
     * beside it, as a server's pool runs one, ended it early (the object's total, read at the batch's start and after each
     * snapshot, counted the backup's blobs: h1's). The backup runs whole while the copy reads the second snapshot's data.
     */
    @Test
    void aBackupBesideTheCopyOnTheTargetObjectDoesNotEndTheBatch() throws Exception {
        Path near = tmp.resolve("near");
        Path data = Files.createDirectories(tmp.resolve("src-near"));
        String secondsPack = null;
        try (Repository repo = TestTrees.newRepo(near)) {
            for (int i = 0; i < 3; i++) {
                java.util.Set<String> before = new java.util.HashSet<>(repo.backend().list("data"));
                Files.write(data.resolve("f.bin"), TestTrees.random(i, 200_000));
                TestTrees.backup(repo, data);
                if (i == 1) {
                    secondsPack = repo.backend().list("data").stream().filter(n -> !before.contains(n))
                            .max(java.util.Comparator.comparingLong(repo.backend()::size)).orElseThrow(); // its data pack, not its tree's
                }
            }
        }
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.write(other.resolve("big.bin"), TestTrees.random(9, 3_000_000));
        java.util.concurrent.atomic.AtomicReference<Repository> beside = new java.util.concurrent.atomic.AtomicReference<>();
        String hooked = secondsPack;
        ForwardingBackend source = new ForwardingBackend(new LocalBackend(near)) {
            private void besideOnce(String name) {
                Repository target;
                if (name.equals(hooked) && (target = beside.getAndSet(null)) != null) {
                    java.util.concurrent.CompletableFuture.runAsync(() -> TestTrees.backup(target, other)).join();
                }
            }

            @Override
            public byte[] read(String name) {
                besideOnce(name);
                return super.read(name);
            }

            @Override
            public byte[] readRange(String name, long offset, int length) {
                besideOnce(name);
                return super.readRange(name, offset, length);
            }
        };
        try (Repository from = Repository.open(source, TestTrees.PASSWORD); Repository target = TestTrees.newRepo(tmp.resolve("far"))) {
            beside.set(target);
            List<Integer> batches = new ArrayList<>();
            new Copier(from, target, 1_000_000).copyEach(from.snapshots(), c -> { }, batch -> batches.add(batch.size()));

            assertThat(beside.get()).as("the backup ran beside the copy").isNull();
            assertThat(batches).as("the copy stored 0.4 MB of its 1 MB batch").containsExactly(3);
            assertThat(target.snapshots()).hasSize(4);
            assertThat(new Checker(target, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A batch counts what its first snapshot stores: three snapshots of 0.6 MB each, a batch of 1 MB, end in a batch of two
     * and one; the bytes were read after the first had stored its own, and all three went in one batch of 1.8 MB.
     */
    @Test
    void aBatchCountsTheBytesItsFirstSnapshotStores() throws Exception {
        Path near = tmp.resolve("near-big");
        Path data = Files.createDirectories(tmp.resolve("src-near-big"));
        try (Repository repo = TestTrees.newRepo(near)) {
            for (int i = 0; i < 3; i++) {
                Files.write(data.resolve("f.bin"), TestTrees.random(20 + i, 600_000));
                TestTrees.backup(repo, data);
            }
        }
        try (Repository from = TestTrees.open(near); Repository target = TestTrees.newRepo(tmp.resolve("far-big"))) {
            List<Integer> batches = new ArrayList<>();
            new Copier(from, target, 1_000_000).copyEach(from.snapshots(), c -> { }, batch -> batches.add(batch.size()));

            assertThat(batches).containsExactly(2, 1);
            assertThat(target.snapshots()).hasSize(3);
        }
    }

    /** A near-line repository of {@code n} snapshots, each of one small file of its own. */
    private Path sourceOf(int n, String name) throws Exception {
        Path dir = tmp.resolve(name + n);
        Path data = Files.createDirectories(tmp.resolve("src-" + name + n));
        try (Repository repo = TestTrees.newRepo(dir)) {
            for (int i = 0; i < n; i++) {
                Files.write(data.resolve("f.bin"), TestTrees.random(i, 2_000));
                TestTrees.backup(repo, data);
            }
        }
        return dir;
    }

    /** The listings of each directory in both repositories as {@code n} snapshots are copied (or tiered) into a new target. */
    private Map<String, Integer> listingsOf(int n, boolean tier) throws Exception {
        Path near = sourceOf(n, tier ? "tier" : "copy");
        Map<String, Integer> listings = new ConcurrentHashMap<>();
        try (Repository source = Repository.open(counting(near, "near ", listings), TestTrees.PASSWORD)) {
            Path far = tmp.resolve("far-" + near.getFileName());
            TestTrees.newRepo(far).close();
            try (Repository target = Repository.open(counting(far, "far ", listings), TestTrees.PASSWORD)) {
                if (tier) {
                    assertThat(new Tiering(source, target).move(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1))).hasSize(n);
                } else {
                    new Copier(source, target).copyEach(source.snapshots(), c -> { }, batch -> { });
                }
                assertThat(target.snapshots()).hasSize(n);
            }
        }
        listings.keySet().removeIf(d -> d.endsWith(" locks"));
        return new java.util.TreeMap<>(listings);
    }

    /** The local store at {@code dir}, counting its listings by directory, each named with {@code prefix}. */
    private static ForwardingBackend counting(Path dir, String prefix, Map<String, Integer> listings) {
        return new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public List<String> list(String d) {
                listings.merge(prefix + d, 1, Integer::sum);
                return super.list(d);
            }

            @Override
            public java.util.SortedMap<String, Long> listSizes(String d) {
                listings.merge(prefix + d, 1, Integer::sum);
                return super.listSizes(d);
            }
        };
    }
}
