package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Dumper;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A restore, dump or check as a user who may not write to the store (an auditor's read-only account, a write-protected
 * replica) reads without a lock, and a prune or key retire on another host beside it deletes the packs it read: but only
 * after it wrote what they held into new packs and a new index (vault-format.md §10, §3). The reader that finds a pack gone
 * reads the index again and goes on; a restore failed halfway, and a check called a sound repository's packs missing
 * (a tester's). The other command runs from a hook on the store, as the reader first reads a pack.
 */
class ReadsWithoutALockTest {

    @TempDir
    Path tmp;

    private static final String MOVED = "packs this %s read were removed meanwhile (a prune, key retire or repair on another host)";

    /**
     * The repository at {@code dir} as a read-only account sees it: no lock file can be written. {@code other} runs once,
     * before the first look at data/ that {@code reads} names ("range": a blob's range, as restore and dump read data;
     * "read": a pack read whole, as trees are read; "stream": a pack read as a stream, as check --read-data reads it;
     * "list": the listing of the packs, as check lists them after reading the index).
     */
    private Repository readOnly(String reads, Runnable other) {
        AtomicBoolean ran = new AtomicBoolean();
        Repository repo = Repository.open(new ForwardingBackend(new LocalBackend(dir)) {
            private void hook(String name, String how) {
                if (name.startsWith("data") && how.equals(reads) && ran.compareAndSet(false, true)) {
                    other.run();
                }
            }

            @Override
            public byte[] read(String name) {
                hook(name, "read");
                return super.read(name);
            }

            @Override
            public java.util.SortedMap<String, Long> listSizes(String dir) {
                hook(dir, "list");
                return super.listSizes(dir);
            }

            @Override
            public List<String> list(String dir) {
                hook(dir, "list");
                return super.list(dir);
            }

            @Override
            public byte[] readRange(String name, long offset, int length) {
                hook(name, "range");
                return super.readRange(name, offset, length);
            }

            @Override
            public java.io.InputStream stream(String name) {
                hook(name, "stream");
                streamed.merge(name, 1, Integer::sum);
                return local.stream(name);
            }

            @Override
            public void write(String name, byte[] data, int off, int len) {
                if (name.startsWith("locks/")) {
                    throw new BackendException("cannot write " + name + ": Read-only file system");
                }
                super.write(name, data, off, len);
            }
        }, TestTrees.PASSWORD);
        repo.onNotice(notices::add);
        return repo;
    }

    private Path data;
    private Path dir;
    /** The snapshot of a.bin alone. */
    private SnapshotRef aOnly;
    /** What the reader said on the way ({@link Repository#onNotice}). */
    private final List<String> notices = new CopyOnWriteArrayList<>();
    /** How many times the reader read each pack as a stream, by name. */
    private final java.util.Map<String, Integer> streamed = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * a.bin and b.bin backed up in one pack, then a.bin alone, the first snapshot forgotten: a prune with --max-unused 0
     * copies a.bin's blob into a new pack and deletes the old one.
     */
    @BeforeEach
    void aPackAPruneRepacks() throws Exception {
        data = Files.createDirectories(tmp.resolve("src/data"));
        dir = tmp.resolve("repo");
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 100_000));
        Files.write(data.resolve("b.bin"), TestTrees.random(2, 100_000));
        try (Repository repo = TestTrees.newRepo(dir)) {
            SnapshotRef both = TestTrees.backup(repo, data);
            Files.delete(data.resolve("b.bin"));
            aOnly = TestTrees.backup(repo, data);
            Forgetter f = new Forgetter(repo, ZoneOffset.UTC);
            f.remove(f.plan(List.of(both), Instant.now()), id -> { });
        }
    }

    /** Runs a prune with --max-unused 0 at {@code dir}, counting the packs it deleted into {@code deleted}. */
    private static Runnable prune(Path dir, AtomicInteger deleted) {
        return () -> {
            try (Repository admin = TestTrees.open(dir)) {
                deleted.addAndGet(new Pruner(admin, 0).prune().packsDeleted());
            }
        };
    }

    @Test
    void aRestoreWithoutALockReadsWhatAPruneMovedFromWhereTheIndexNowPlacesIt() throws Exception {
        AtomicInteger deleted = new AtomicInteger();
        try (Repository repo = readOnly("range", prune(dir, deleted))) {
            RestoreResult r = new Restorer(repo, 2).restore(repo.findSnapshot(aOnly.id().hex()), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(repo.readWithoutLock()).isTrue();
        }
        assertThat(deleted.get()).as("the prune deleted the pack the restore planned to read").isPositive();
        TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        assertThat(notices).filteredOn(n -> n.startsWith(MOVED.formatted("restore"))).hasSize(1);
    }

    @Test
    void aDumpWithoutALockReadsWhatAPruneMovedFromWhereTheIndexNowPlacesIt() throws Exception {
        AtomicInteger deleted = new AtomicInteger();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Repository repo = readOnly("range", prune(dir, deleted))) {
            new Dumper(repo).dump(repo.findSnapshot(aOnly.id().hex()), "/data/a.bin", out);
        }
        assertThat(deleted.get()).isPositive();
        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(data.resolve("a.bin")));
        assertThat(notices).filteredOn(n -> n.startsWith(MOVED.formatted("dump"))).hasSize(1);
    }

    /**
     * With --read-data, a pack gone as it is read (the check runs again, and reads no pack it read whole before again);
     * without, one gone between the index read and the listing of data/.
     */
    @ParameterizedTest
    @CsvSource({"stream, 100", "list, 0"})
    void aCheckWithoutALockBesideAPruneCallsNoMovedPackMissing(String reads, double readDataPercent) throws Exception {
        AtomicInteger deleted = new AtomicInteger();
        CheckResult c;
        try (Repository repo = readOnly(reads, prune(dir, deleted))) {
            c = new Checker(repo, 2).check(readDataPercent);
        }
        assertThat(deleted.get()).isPositive();
        assertThat(c.errors()).isEmpty();
        assertThat(c.damagedPacks()).isEmpty();
        assertThat(notices).filteredOn(n -> n.startsWith(MOVED.formatted("check"))).hasSize(1);
        assertThat(streamed).allSatisfy((pack, times) -> assertThat(times).as(pack).isOne());
    }

    /** A pack really missing (deleted by hand, no index written since) is still damage to a check without a lock. */
    @Test
    void aCheckWithoutALockStillNamesAPackThatIsReallyMissing() throws Exception {
        Path[] gone = {null};
        CheckResult c;
        try (Repository repo = readOnly("stream", () -> {
            try (var packs = Files.walk(dir.resolve("data"))) {
                gone[0] = packs.filter(Files::isRegularFile).filter(p -> {
                    try {
                        return Files.size(p) > 150_000; // the data pack, not a tree's
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).findFirst().orElseThrow();
                Files.delete(gone[0]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            c = new Checker(repo, 2).check(100);
        }
        assertThat(c.damagedPacks()).singleElement().satisfies(d -> {
            assertThat(d.pack()).isEqualTo(gone[0].getFileName().toString());
            assertThat(d.problem()).isEqualTo(Checker.MISSING);
        });
        assertThat(notices).noneMatch(n -> n.startsWith(MOVED.formatted("check")));
    }

    /**
     * A key rotation and the retirement of epoch 1 beside a restore without a lock that opened the repository before
     * either: every pack is sealed again under epoch 2 as a new pack and the old ones deleted. The restore reads the index
     * again and opens the new packs with the keyring as stored: as it reads a file's data, or its first tree.
     */
    @ParameterizedTest
    @ValueSource(strings = {"range", "read"})
    void aRestoreWithoutALockReadsWhatAKeyRetirementSealedAgain(String reads) throws Exception {
        int[] rewritten = {0};
        try (Repository repo = readOnly(reads, () -> {
            try (Repository admin = TestTrees.open(dir)) {
                new KeyEpochs(admin).rotate();
                rewritten[0] = new KeyEpochs(admin).retire(1).packsRewritten();
            }
        })) {
            RestoreResult r = new Restorer(repo, 2).restore(repo.findSnapshot(aOnly.id().hex()), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.verifyFailures()).isEmpty();
        }
        assertThat(rewritten[0]).isPositive();
        TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        assertThat(notices).filteredOn(n -> n.startsWith(MOVED.formatted("restore"))).hasSize(1);
    }
}
