package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/** One Repository object shared by several jobs in one JVM, as the server's backup service uses it (a helper's). */
class SharedRepositoryTest {

    @TempDir
    Path tmp;

    /** A local store that refuses to write packs while {@code refusing} is set: a full disk, a 503. */
    private static ForwardingBackend refusingPacks(Path dir, AtomicBoolean refusing) {
        return new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                if (refusing.get() && name.startsWith("data/")) {
                    throw new BackendException("cannot write " + name + ": no space left on device");
                }
                super.write(name, data, off, len);
            }
        };
    }

    @Test
    void aFailedPackFailsTheFlushOfEveryJobWhoseBlobsItHeld() {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        AtomicBoolean refusing = new AtomicBoolean();
        try (Repository repo = Repository.open(refusingPacks(dir, refusing), TestTrees.PASSWORD)) {
            byte[] b = TestTrees.random(1, 100_000);
            ObjectId saved = repo.saveBlob(BlobType.DATA, b, 0, b.length); // job B: into the open pack both jobs share
            refusing.set(true);
            assertThatThrownBy(repo::flush).as("job A's flush").hasMessageContaining("no space left");
            refusing.set(false);
            assertThatThrownBy(repo::flush).as("job B's flush: its blob went with A's pack")
                    .isInstanceOf(VaultException.class).hasMessageContaining("could not be written (cannot write data/")
                    .hasMessageContaining("open the repository again");
            assertThatThrownBy(() -> repo.saveBlob(BlobType.DATA, b, 0, b.length)).as("nor is anything stored after")
                    .hasMessageContaining("could not be written");
            try (Repository fresh = TestTrees.open(dir)) {
                assertThat(fresh.index().contains(saved)).isFalse(); // lost, and said so: no snapshot names it
            }
        }
    }

    /**
     * A job cancelled while it writes its pack, alone on the object (a server's backup cancelled with Future.cancel):
     * every later job on the object was refused, "open the repository again" (a helper's). Its lost pack held no other
     * job's blob, and the next job stores and flushes.
     */
    @Test
    void aCancelledJobAloneOnTheObjectLeavesItWorkingForTheNext() {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository repo = TestTrees.open(dir)) {
            try (SharedLock cancelled = repo.lock("backup")) {
                cancelledFlush(repo, TestTrees.random(1, 100_000));
            }
            try (SharedLock next = repo.lock("backup")) {
                byte[] b = TestTrees.random(2, 100_000);
                ObjectId saved = repo.saveBlob(BlobType.DATA, b, 0, b.length);
                repo.flush();
                assertThat(repo.index().contains(saved)).isTrue();
            }
        }
    }

    /**
     * Job A, cancelled while it writes the pack both jobs share, loses job B's blob with it: B's flush fails while B runs
     * (its snapshot would name a blob no pack holds), and job C, which began after, stores it again and flushes.
     */
    @Test
    void aCancelledJobsLostPackFailsTheJobsRunningBesideItAndNoneAfter() {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        byte[] b = TestTrees.random(2, 100_000);
        try (Repository repo = TestTrees.open(dir)) {
            try (SharedLock jobB = repo.lock("backup")) {
                repo.saveBlob(BlobType.DATA, b, 0, b.length); // into the open pack both jobs share
                cancelledJob(repo);
                assertThatThrownBy(repo::flush).as("B's flush: its blob went with A's pack").isInstanceOf(VaultException.class)
                        .hasMessageContaining("could not be written").hasMessageEndingWith("blobs other jobs saved may be in it; run the job again");
            }
            try (SharedLock jobC = repo.lock("backup")) {
                ObjectId saved = repo.saveBlob(BlobType.DATA, b, 0, b.length);
                repo.flush();
                assertThat(repo.index().contains(saved)).as("stored again").isTrue();
            }
        }
    }

    /**
     * A job running at a lost pack is refused its next blob; that blob's in-flight mark stayed, and a later job's save of
     * the same bytes took it for stored: its flush and snapshot succeeded, naming a blob the store never got (a re-tester's).
     */
    @Test
    void aBlobRefusedAfterALostPackIsStoredByTheNextJobThatSavesIt() {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        byte[] x = TestTrees.random(3, 100_000);
        try (Repository repo = TestTrees.open(dir)) {
            try (SharedLock jobB = repo.lock("backup")) {
                cancelledJob(repo);
                assertThatThrownBy(() -> repo.saveBlob(BlobType.DATA, x, 0, x.length)).as("B ran at the loss")
                        .hasMessageContaining("could not be written");
            }
            try (SharedLock jobG = repo.lock("backup")) {
                ObjectId saved = repo.saveBlob(BlobType.DATA, x, 0, x.length);
                repo.flush();
                assertThat(repo.index().contains(saved)).as("stored, not taken for in flight").isTrue();
            }
        }
    }

    /** Job A, under its lock, saves a blob into the open pack the jobs share and is cancelled as it flushes. */
    private static void cancelledJob(Repository repo) {
        try (SharedLock jobA = repo.lock("backup")) {
            cancelledFlush(repo, TestTrees.random(1, 100_000));
        }
    }

    /** A job that saves {@code blob} and is cancelled (its thread interrupted) as it flushes: the pack's write breaks off. */
    private static void cancelledFlush(Repository repo, byte[] blob) {
        repo.saveBlob(BlobType.DATA, blob, 0, blob.length);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(repo::flush).isInstanceOf(Cancelled.class);
        } finally {
            Thread.interrupted();
        }
    }

    /**
     * Job C fills the shared pack, which holds job B's blob, and writes it on its own thread; B's flush meanwhile found no
     * open pack and returned, and then C's write failed: B's blob was in no pack while its snapshot named it.
     */
    @Test
    void aFlushWaitsForAPackAnotherJobIsWritingAndFailsWhenThatPackIsLost() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        CountDownLatch writing = new CountDownLatch(1);
        AtomicReference<Thread> flushOfB = new AtomicReference<>();
        ForwardingBackend store = new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                if (name.startsWith("data/")) { // C's full pack: fails once B's flush has returned or waits for it
                    writing.countDown();
                    Thread b;
                    while ((b = flushOfB.get()) == null || b.getState() != Thread.State.WAITING && b.getState() != Thread.State.TERMINATED) {
                        Thread.onSpinWait();
                    }
                    throw new BackendException("cannot write " + name + ": no space left on device");
                }
                super.write(name, data, off, len);
            }
        };
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) {
            byte[] blobOfB = TestTrees.random(1, 100_000);
            repo.saveBlob(BlobType.DATA, blobOfB, 0, blobOfB.length);
            AtomicReference<Throwable> failureOfC = new AtomicReference<>();
            Thread c = new Thread(() -> {
                try {
                    for (int i = 0; i < 3; i++) { // 18 MiB: the third fills the pack, which C writes
                        byte[] b = TestTrees.random(10 + i, 6 << 20);
                        repo.saveBlob(BlobType.DATA, b, 0, b.length);
                    }
                } catch (RuntimeException e) {
                    failureOfC.set(e);
                }
            });
            c.start();
            writing.await();
            AtomicReference<Throwable> failureOfB = new AtomicReference<>();
            Thread b = new Thread(() -> {
                try {
                    repo.flush();
                } catch (RuntimeException e) {
                    failureOfB.set(e);
                }
            });
            flushOfB.set(b);
            b.start();
            c.join();
            b.join();
            assertThat(failureOfC.get()).hasMessageContaining("no space left");
            assertThat(failureOfB.get()).as("B's flush: its blob was in C's pack").isInstanceOf(VaultException.class)
                    .hasMessageContaining("could not be written (cannot write data/");
        }
    }

    @Test
    void aRestoreBesideABackupOnTheSameObjectRestoresAndTheBackupKeepsItsPacks() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 300_000));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            // the job beside: three blobs of 6 MiB fill a pack, written and known only to the index in memory
            List<ObjectId> saved = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] b = TestTrees.random(10 + i, 6 << 20);
                saved.add(repo.saveBlob(BlobType.DATA, b, 0, b.length));
            }
            assertThat(repo.index().contains(saved.get(0))).as("the first pack is written").isTrue();

            new Restorer(repo, 2).restore(snap, tmp.resolve("target"), List.of(), true);

            TestTrees.assertSameTree(data, tmp.resolve("target/data"));
            assertThat(saved).allMatch(repo.index()::contains);
            repo.flush();
            try (Repository fresh = TestTrees.open(tmp.resolve("repo"))) {
                assertThat(saved).allMatch(fresh.index()::contains);
            }
        }
    }

    /**
     * Two backups of different sources at once on one object, as a server's pool runs them: each snapshot's record counted
     * the other's blobs too (the object's totals, read before and after), 84 MB added of 42 MB read (a tester's). The first
     * opens its file once the second has ended: all the second stores, it stores while the first runs. Each records what
     * the same backup stores alone, into a copy of the repository (same keys: the same chunks).
     */
    @Test
    void twoBackupsAtOnceOnOneObjectEachRecordOnlyWhatTheyStored() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a/data"));
        Path b = Files.createDirectories(tmp.resolve("b/data"));
        Files.write(a.resolve("a.bin"), TestTrees.random(1, 3_000_000));
        Files.write(b.resolve("b.bin"), TestTrees.random(2, 2_000_000));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        TestTrees.copyTree(dir, tmp.resolve("alone"));
        Snapshot.Summary aloneA;
        Snapshot.Summary aloneB;
        try (Repository alone = TestTrees.open(tmp.resolve("alone"))) {
            aloneA = TestTrees.backup(alone, a).snapshot().summary();
            aloneB = TestTrees.backup(alone, b).snapshot().summary();
        }
        CountDownLatch firstReading = new CountDownLatch(1);
        CountDownLatch secondEnded = new CountDownLatch(1);
        Archiver.FileOpener afterTheSecond = waitingAt(p -> true, firstReading, secondEnded);
        try (Repository repo = TestTrees.open(dir)) {
            CompletableFuture<SnapshotRef> first = CompletableFuture.supplyAsync(
                    () -> new Archiver(repo, new BackupProgress(), afterTheSecond).backup(TestTrees.options(a)));
            firstReading.await();
            Snapshot.Summary second = TestTrees.backup(repo, b).snapshot().summary();
            secondEnded.countDown();
            Snapshot.Summary firstSummary = first.join().snapshot().summary();

            assertThat(aloneA.blobsAdded()).as("a.bin's chunks and two trees").isGreaterThan(2);
            assertThat(firstSummary.blobsAdded()).as("the first's blobs").isEqualTo(aloneA.blobsAdded());
            assertThat(firstSummary.bytesAdded()).as("the first's bytes").isEqualTo(aloneA.bytesAdded());
            assertThat(second.blobsAdded()).as("the second's blobs").isEqualTo(aloneB.blobsAdded());
            assertThat(second.bytesAdded()).as("the second's bytes").isEqualTo(aloneB.bytesAdded());
        }
    }

    /** Opens the files a backup reads, waiting at each that {@code at} matches until {@code go}, once it has said so ({@code reached}). */
    private static Archiver.FileOpener waitingAt(java.util.function.Predicate<Path> at, CountDownLatch reached, CountDownLatch go) {
        return (directory, p) -> {
            if (at.test(p)) {
                reached.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            return Archiver.FileOpener.DIRECT.open(directory, p);
        };
    }

    /**
     * Two backups at once on one object, as a server runs them, and the lock file of one of them removed by another process
     * (a prune on a host whose clock ran ahead took it for stale): the other job's lock was there all along, and a prune
     * deletes no pack the object wrote while any of its locks stands, yet the index file its flush wrote was refused for
     * the lock that was not its own, and both jobs failed. Only the job whose lock went fails now.
     */
    @Test
    void aLockRemovedFromUnderOneJobFailsThatJobAloneNotTheOneBesideIt() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a/data"));
        Path b = Files.createDirectories(tmp.resolve("b/data"));
        Files.write(a.resolve("a1.bin"), TestTrees.random(1, 17 << 20)); // fills a pack before a2.bin is opened
        Files.write(a.resolve("a2.bin"), TestTrees.random(2, 100_000));
        Files.write(b.resolve("b.bin"), TestTrees.random(3, 2_000_000));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        CountDownLatch firstWaiting = new CountDownLatch(1);
        CountDownLatch secondEnded = new CountDownLatch(1);
        Archiver.FileOpener waitingAtTheSecondFile = waitingAt(p -> p.getFileName().toString().equals("a2.bin"), firstWaiting, secondEnded);
        try (Repository repo = TestTrees.open(dir)) {
            CompletableFuture<SnapshotRef> first = CompletableFuture.supplyAsync(
                    () -> new Archiver(repo, new BackupProgress(), waitingAtTheSecondFile).backup(TestTrees.options(a)));
            firstWaiting.await();
            List<String> firstsLock = new LocalBackend(dir).list("locks");
            assertThat(firstsLock).hasSize(1);
            Files.delete(dir.resolve(firstsLock.getFirst())); // taken for stale by a prune elsewhere
            SnapshotRef second;
            try {
                second = TestTrees.backup(repo, b);
            } finally {
                secondEnded.countDown();
            }
            assertThatThrownBy(first::join).hasRootCauseInstanceOf(VaultException.class)
                    .rootCause().hasMessageContaining("was removed by another process").hasMessageContaining("nothing was committed");
            try (Repository fresh = TestTrees.open(dir)) {
                assertThat(fresh.snapshots()).extracting(SnapshotRef::id).containsExactly(second.id());
                assertThat(new org.opsledger.vault.checker.Checker(fresh, 2).check(100).errors()).isEmpty();
                new Restorer(fresh, 2).restore(second, tmp.resolve("target"), List.of(), true);
                TestTrees.assertSameTree(b, tmp.resolve("target/data"));
            }
        }
    }

    /**
     * A job that failed on a server's object left a pack written and in no index file yet; with no lock of the object left,
     * the nightly prune deleted it as an orphan, as it should. The next job on the object then wrote an index file naming
     * it: check found the pack missing, and every later prune refused until a repair. A pack the object wrote is indexed
     * only while a lock of the object has stood since it was written; the next job's lock finds none and leaves it out.
     */
    @Test
    void aPackAFailedJobLeftUnindexedThatAPruneDeletedIsNotIndexedByTheNextJob() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("b.bin"), TestTrees.random(3, 2_000_000));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        try (Repository repo = TestTrees.open(dir)) {
            try (SharedLock failed = repo.lock("backup")) {
                for (int i = 0; i < 17; i++) { // a pack written, not yet in an index file, and the job fails: no flush
                    byte[] blob = TestTrees.random(10 + i, 1 << 20);
                    repo.saveBlob(BlobType.DATA, blob, 0, blob.length);
                }
            }
            assertThat(new LocalBackend(dir).list("data")).as("the failed job's pack").isNotEmpty();
            try (Repository nightly = TestTrees.open(dir)) {
                assertThat(new org.opsledger.vault.prune.Pruner(nightly).prune().orphanPacksDeleted()).isPositive();
            }
            SnapshotRef next = TestTrees.backup(repo, data);
            try (Repository fresh = TestTrees.open(dir)) {
                assertThat(new org.opsledger.vault.checker.Checker(fresh, 2).check(100).errors()).isEmpty();
                new Restorer(fresh, 2).restore(next, tmp.resolve("target"), List.of(), true);
                TestTrees.assertSameTree(data, tmp.resolve("target/data"));
            }
        }
    }
}
