package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A job cancelled with {@code Thread.interrupt()} ({@code Future.cancel(true)}, {@code shutdownNow()}), as a server's
 * backup service cancels one, throws {@link Cancelled}, changes nothing a kill would not, and is never read as damage: a
 * cancelled repair moved every snapshot to damaged/ and emptied the index, and the next prune deleted every pack (a helper's).
 */
class CancellationTest {

    @TempDir
    Path tmp;

    Path repoDir;

    @BeforeEach
    void threeBackups() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            for (int i = 0; i < 3; i++) {
                Files.write(data.resolve("file" + i + ".bin"), TestTrees.random(i, 100_000));
                TestTrees.backup(repo, data);
            }
        }
    }

    @AfterEach
    void clearTheInterrupt() {
        Thread.interrupted(); // for the next test on this thread
    }

    /** The local store, the thread that reads interrupted just before its {@code nth} read of a name under {@code prefix}. */
    private Repository openInterruptedAtRead(String prefix, int nth) {
        AtomicInteger seen = new AtomicInteger();
        ForwardingBackend interrupting = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith(prefix) && seen.incrementAndGet() == nth) {
                    Thread.currentThread().interrupt();
                }
                return super.read(name);
            }
        };
        return Repository.open(interrupting, TestTrees.PASSWORD);
    }

    private List<String> files(String dir) throws IOException {
        Path d = repoDir.resolve(dir);
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).map(p -> repoDir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aRepairInterruptedAtASnapshotThrowsCancelledAndMovesNothing() throws IOException {
        List<String> snapshots = files("snapshots");
        List<String> index = files("index");
        assertThat(snapshots).hasSize(3);
        try (Repository repo = openInterruptedAtRead("snapshots/", 2)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(0, false)).isInstanceOf(Cancelled.class)
                    .hasMessageContaining("cancelled (its thread was interrupted)");
            assertThat(Thread.interrupted()).as("the interrupt flag stays set").isTrue();
        }
        assertThat(files("snapshots")).isEqualTo(snapshots);
        assertThat(files("index")).isEqualTo(index);
        assertThat(files("damaged")).isEmpty();
    }

    @Test
    void aRepairInterruptedAtAnIndexFileThrowsCancelledAndLeavesTheIndex() throws IOException {
        List<String> index = files("index");
        try (Repository repo = openInterruptedAtRead("index/", 1)) {
            assertThatThrownBy(() -> new Repairer(repo, 2).repair(0, false)).isInstanceOf(Cancelled.class);
        }
        Thread.interrupted();
        assertThat(files("index")).isEqualTo(index);
        assertThat(files("damaged")).isEmpty();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    @Test
    void aCheckInterruptedAtASnapshotThrowsCancelledNotAnError() {
        try (Repository repo = openInterruptedAtRead("snapshots/", 1)) {
            assertThatThrownBy(() -> new Checker(repo, 2).check(0)).isInstanceOf(Cancelled.class);
        }
    }

    @Test
    void aCheckInterruptedAtAPackThrowsCancelledNotDamage() {
        try (Repository repo = openInterruptedAtRead("data/", 2)) {
            assertThatThrownBy(() -> new Checker(repo, 2).check(100)).isInstanceOf(Cancelled.class);
        }
    }

    @Test
    void aListingOnAnInterruptedThreadThrowsCancelledNotUnreadableSnapshots() {
        try (Repository repo = TestTrees.open(repoDir)) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(repo::listSnapshots).isInstanceOf(Cancelled.class);
        }
    }

    @Test
    void aPruneInterruptedAtASnapshotThrowsCancelledAndDeletesNothing() throws IOException {
        List<String> packs = files("data");
        try (Repository repo = openInterruptedAtRead("snapshots/", 1)) {
            assertThatThrownBy(() -> new Pruner(repo).prune()).isInstanceOf(Cancelled.class);
        }
        Thread.interrupted();
        assertThat(files("data")).isEqualTo(packs);
        assertThat(files("condemned")).isEmpty();
    }

    /**
     * Cancelled as its first pack is stored, a backup of one 64 MiB file stops there: it went on to read and store all of
     * it, waiting on its workers with a join that ignores the interrupt, then failed writing its index (a helper's).
     */
    @Test
    void aBackupCancelledAtItsFirstPackStopsThereNotAtTheEndOfItsFile() throws IOException {
        Path big = Files.createDirectories(tmp.resolve("big"));
        Files.write(big.resolve("64MiB.bin"), TestTrees.random(9, 64 << 20));
        Thread job = Thread.currentThread();
        AtomicInteger packs = new AtomicInteger();
        ForwardingBackend cancelling = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                super.write(name, data, off, len);
                if (name.startsWith("data/") && packs.incrementAndGet() == 1) {
                    job.interrupt(); // Future.cancel(true) on the job's thread, from the worker that stored the pack
                }
            }
        };
        try (Repository repo = Repository.open(cancelling, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> TestTrees.backup(repo, big)).isInstanceOf(Cancelled.class);
        }
        Thread.interrupted();
        assertThat(packs.get()).as("packs stored (all 3 full ones of the file, before)").isLessThan(3);
        assertThat(files("snapshots")).hasSize(3);
    }

    /** Cancelled while its workers write the files, a restore throws: it returned success, its thread still interrupted (a helper's). */
    @Test
    void aRestoreCancelledWhileItsWorkersWriteThrowsCancelledNotSuccess() {
        Thread job = Thread.currentThread();
        AtomicInteger reads = new AtomicInteger();
        ForwardingBackend cancelling = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (name.startsWith("data/") && reads.incrementAndGet() == 1) {
                    job.interrupt(); // from the worker that reads the first pack
                }
                return super.readRange(name, offset, length);
            }
        };
        try (Repository repo = Repository.open(cancelling, TestTrees.PASSWORD)) {
            SnapshotRef latest = repo.findSnapshot("latest");
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(latest, tmp.resolve("out"), List.of(), false))
                    .isInstanceOf(Cancelled.class);
            assertThat(reads.get()).isPositive();
        }
    }

    /**
     * A lock file whose read the interrupt broke off is no unreadable lock: ignored so, a running backup's lock let a
     * prune delete the packs that backup was writing its snapshot's data into.
     */
    @Test
    void aLockWhoseReadWasInterruptedIsNotIgnoredButCancelled() {
        try (Repository other = TestTrees.open(repoDir); SharedLock backup = other.lock("backup");
             Repository repo = openInterruptedAtRead("locks/", 1)) {
            assertThatThrownBy(() -> repo.locks().live()).isInstanceOf(Cancelled.class);
        }
    }
}
