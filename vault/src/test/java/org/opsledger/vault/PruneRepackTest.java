package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

class PruneRepackTest {

    @TempDir
    Path tmp;

    @Test
    void aHalfUnusedPackIsRepackedAndItsSpaceFreedWhileTheLiveFileStillRestores() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("keep.bin"), TestTrees.random(1, 5_000_000));
        Files.write(data.resolve("drop.bin"), TestTrees.random(2, 5_000_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            TestTrees.backup(repo, data);
            Files.delete(data.resolve("drop.bin"));
            SnapshotRef later = TestTrees.backup(repo, data);
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(null, 1, 0, 0, 0), Instant.now());
            long before = repo.backend().list("data").stream().mapToLong(repo.backend()::size).sum();

            PruneResult r = new Pruner(repo).prune();

            assertThat(r.packsRepacked()).isPositive();
            assertThat(r.packsDeleted()).isPositive();
            long after = repo.backend().list("data").stream().mapToLong(repo.backend()::size).sum();
            assertThat(before - after).as("drop.bin's 5 MB are freed").isGreaterThan(4_900_000);
            assertThat(r.bytesRepacked()).as("keep.bin's 5 MB, written again").isBetween(5_000_000L, 5_100_000L);
            assertThat(r.bytesFreed()).as("what the repository lost, not what it deleted").isEqualTo(r.bytesDeleted() - r.bytesRepacked())
                    .isBetween(before - after - 10_000, before - after + 10_000);
            assertThat(repo.backend().list("condemned")).isEmpty();
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(new Restorer(repo, 2).restore(later, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(Files.readAllBytes(tmp.resolve("out/data/keep.bin"))).isEqualTo(TestTrees.random(1, 5_000_000));
        }
    }

    /**
     * A prune beside a backup on one object: the backup's blobs, stored while the prune repacked, were counted in its
     * bytesRepacked (a tester's: megabytes, with no pack repacked). The backup runs whole while the prune reads the pack
     * it repacks; the prune still says keep.bin's 5 MB, and the backup its own.
     */
    @Test
    void aBackupBesideThePruneOnOneObjectIsNotCountedAsRepacked() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("keep.bin"), TestTrees.random(1, 5_000_000));
        Files.write(data.resolve("drop.bin"), TestTrees.random(2, 5_000_000));
        Path other = Files.createDirectories(tmp.resolve("other/data"));
        Files.write(other.resolve("new.bin"), TestTrees.random(3, 3_000_000));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        AtomicReference<Repository> beside = new AtomicReference<>();
        AtomicReference<SnapshotRef> besideBackup = new AtomicReference<>();
        ForwardingBackend store = new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public byte[] read(String name) {
                byte[] bytes = super.read(name);
                Repository r;
                if (name.startsWith("data/") && bytes.length > 1_000_000 && (r = beside.getAndSet(null)) != null) { // a data pack: the repack
                    besideBackup.set(CompletableFuture.supplyAsync(() -> TestTrees.backup(r, other)).join());
                }
                return bytes;
            }
        };
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) {
            TestTrees.backup(repo, data);
            Files.delete(data.resolve("drop.bin"));
            TestTrees.backup(repo, data);
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(null, 1, 0, 0, 0), Instant.now());
            beside.set(repo);

            PruneResult r = new Pruner(repo).prune();

            assertThat(besideBackup.get()).as("the backup ran during the repack").isNotNull();
            assertThat(r.packsRepacked()).isPositive();
            assertThat(r.bytesRepacked()).as("keep.bin's 5 MB, not the backup's 3 MB beside").isBetween(5_000_000L, 5_100_000L);
            assertThat(besideBackup.get().snapshot().summary().bytesAdded()).as("new.bin's 3 MB").isBetween(3_000_000L, 3_100_000L);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }
}
