package org.opsledger.vault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.ForwardingBackend;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.LocalBackend;

/** What a process that is ending may still commit under its lock (the shutdown hook calls release()). */
class SharedLockTest {

    @TempDir
    Path tmp;

    @Test
    void commitsWhileHeldAndRefusesOnceReleased() {
        LocalBackend backend = new LocalBackend(tmp);
        SharedLock lock = new SharedLock(backend, "backup");
        assertThat(backend.list("locks")).hasSize(1);
        assertThat(lock.whileHeld(() -> "saved")).isEqualTo("saved");

        lock.release(); // as the shutdown hook does on SIGTERM or Ctrl-C
        assertThat(backend.list("locks")).as("the lock file is gone").isEmpty();
        assertThatThrownBy(() -> lock.whileHeld(() -> "saved"))
                .isInstanceOf(VaultException.class).hasMessageContaining("nothing was committed");
        lock.close(); // the main thread's close after the hook: nothing more to do, no error
        assertThat(backend.list("locks")).isEmpty();
    }

    /**
     * A job cancelled (Thread.interrupt) while it takes its lock: the write failed after its rename (the directory's fsync
     * interrupted), and the lock file stayed; one of this JVM counts as live whatever its age, so repair and unlock
     * refused until the JVM exited (a helper's). No file stays, and the thread is still interrupted.
     */
    @Test
    void aLockWhoseWriteFailedAfterItsRenameLeavesNoLockFile() {
        LocalBackend local = new LocalBackend(tmp);
        ForwardingBackend failingAfterTheRename = new ForwardingBackend(local) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                super.write(name, data, off, len);
                Thread.currentThread().interrupt();
                throw new Cancelled("writing " + name, null);
            }
        };
        try {
            assertThatThrownBy(() -> new SharedLock(failingAfterTheRename, "backup")).isInstanceOf(Cancelled.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(local.list("locks")).isEmpty();
    }

    /**
     * A backup stopped (SIGSTOP, a suspended VM) for longer than a prune waits before taking its lock for stale: the
     * prune may have deleted what it stored (a helper's prune did, and the backup, resumed, saved a snapshot naming a
     * tree no pack held). Once its lock went that long unrefreshed it commits nothing, whether or not a refresh
     * has run since it resumed.
     */
    @Test
    void aLockThatWentUnrefreshedForNearlyTheStaleTimeCommitsNothingEvenOnceRefreshedAgain() {
        LocalBackend backend = new LocalBackend(tmp);
        long[] now = {0};
        try (SharedLock lock = new SharedLock(backend, "backup", () -> now[0])) {
            now[0] += SharedLock.REFRESH.toNanos();
            lock.refresh();
            now[0] += SharedLock.REFRESH.toNanos(); // minutes of normal work: refreshed every minute
            assertThat(lock.whileHeld(() -> "saved")).isEqualTo("saved");

            now[0] += SharedLock.LAPSE.toNanos(); // stopped
            assertThatThrownBy(() -> lock.whileHeld(() -> "saved")).isInstanceOf(VaultException.class)
                    .hasMessage("this backup's lock went 5 min 0 s without a refresh (the process was stopped, or the store out of"
                            + " reach): a prune may have taken it for stale and deleted data it stored; nothing was committed: run it again");
            lock.refresh(); // resumed: the refresher's missed run comes first
            assertThatThrownBy(() -> lock.whileHeld(() -> "saved")).hasMessageContaining("nothing was committed");
        }
    }

    /**
     * A lock another process removed as stale (its clock 6 minutes ahead, or this host suspended, which the monotonic
     * clock does not count): the backup saved a snapshot whose data that prune had deleted (a helper's). Its refresh no
     * longer writes the file again, and it commits nothing.
     */
    @Test
    void aLockAnotherProcessRemovedAsStaleIsNotWrittenAgainAndCommitsNothing() {
        LocalBackend backend = new LocalBackend(tmp);
        try (SharedLock lock = new SharedLock(backend, "backup")) {
            assertThat(lock.whileHeld(() -> "saved")).isEqualTo("saved");
            new Locks(backend).unlock(true); // as a prune removes a lock it takes for stale
            lock.refresh();
            assertThat(backend.list("locks")).as("not written again").isEmpty();
            assertThatThrownBy(() -> lock.whileHeld(() -> "saved")).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("this backup's lock file locks/")
                    .hasMessageEndingWith(" was removed by another process, which took it for stale (a host's clock further off than"
                            + " 5 minutes, this host suspended, or `vault unlock --remove-all`): a prune may have deleted data it refers to;"
                            + " nothing was committed: run it again");
        }
    }

    /**
     * Stale is ten minutes without a refresh by the reader's clock: five of silence and five of clock skew. A prune whose
     * clock ran 4 min 40 s ahead took a backup's lock refreshed a minute before for stale (one figure served for both).
     * A holder this process sees running is live whatever its times say.
     */
    @Test
    void aLockIsStaleAfterFiveMinutesOfSilenceAndTheClockSkewAndNeverWhileItsProcessRunsHere() {
        LocalBackend backend = new LocalBackend(tmp);
        java.time.Instant now = java.time.Instant.now();
        backend.write("locks/skewed", org.opsledger.vault.VaultJson.write(new LockRecord("backup", "other-host", 7,
                now.minusSeconds(20 * 60), now.minusSeconds(9 * 60), null))); // 9 min ago by this clock: 4 of silence, 5 of skew
        backend.write("locks/gone", org.opsledger.vault.VaultJson.write(new LockRecord("backup", "other-host", 8,
                now.minusSeconds(3600), now.minusSeconds(10 * 60 + 1), null)));
        backend.write("locks/here", org.opsledger.vault.VaultJson.write(new LockRecord("backup", "this-host", ProcessHandle.current().pid(),
                now.minusSeconds(7200), now.minusSeconds(3600), LockHolder.current()))); // this process, its clock an hour behind
        Locks locks = new Locks(backend);
        assertThat(locks.live()).extracting(LockRecord::pid).containsExactlyInAnyOrder(7L, ProcessHandle.current().pid());
        assertThat(locks.removeStale()).isEqualTo(1);
        assertThat(backend.list("locks")).containsExactlyInAnyOrder("locks/skewed", "locks/here");
    }

    /**
     * A store that fails to delete the lock file fails nothing done under it: a backup whose snapshot was saved exited 1,
     * journalled as failed, when the DELETE of its lock answered 503 (a helper's). The file is left, to go stale.
     */
    @Test
    void aLockFileTheStoreFailsToDeleteFailsNothingDoneUnderIt() {
        LocalBackend local = new LocalBackend(tmp);
        org.opsledger.vault.backend.Backend backend = new org.opsledger.vault.ForwardingBackend(local) {
            @Override
            public void delete(String name) { // as an S3 store answering 503 to the DELETE
                throw new org.opsledger.vault.backend.BackendException("cannot delete " + name + ": Please reduce your request rate.");
            }
        };
        String saved;
        try (SharedLock lock = new SharedLock(backend, "backup")) {
            saved = lock.whileHeld(() -> "saved");
        }
        assertThat(saved).isEqualTo("saved");
        assertThat(backend.list("locks")).as("left behind, as a killed process leaves one").hasSize(1);
    }

    /**
     * A lock whose DELETE the store failed (down, 503) was live for as long as the JVM ran, since its process runs: a
     * server's repair and key retirement refused for good (a helper's). This process counts it as let go, and removes it
     * at its next lock once the store deletes again.
     */
    @Test
    void aLockFileTheStoreFailedToDeleteIsNotLiveToThisProcessAndGoesAtItsNextLock() {
        LocalBackend local = new LocalBackend(tmp);
        boolean[] down = {true};
        org.opsledger.vault.backend.Backend backend = deletes(local, name -> down[0]
                ? new org.opsledger.vault.backend.BackendException("cannot delete " + name + ": the store is out of reach") : null);
        new SharedLock(backend, "backup").close();
        assertThat(local.list("locks")).hasSize(1);
        Locks locks = new Locks(backend);
        assertThat(locks.live()).as("let go by this process").isEmpty();

        down[0] = false;
        try (SharedLock next = new SharedLock(backend, "repair")) {
            locks.removeAbandoned(); // as Repository.lock does
            assertThat(local.list("locks")).as("only the new lock").hasSize(1);
        }
        assertThat(local.list("locks")).isEmpty();
    }

    /**
     * A job cancelled (Thread.interrupt) while its lock's DELETE runs on S3: close() threw Cancelled and the file stayed,
     * live for as long as the JVM ran (a helper's). The delete is tried again with the interrupt put aside, and the
     * thread is interrupted still.
     */
    @Test
    void anInterruptDuringTheDeleteOfTheLockFileLeavesNoLockFile() {
        LocalBackend local = new LocalBackend(tmp);
        boolean[] interruptedOnce = {false};
        org.opsledger.vault.backend.Backend backend = deletes(local, name -> {
            if (interruptedOnce[0]) {
                return null;
            }
            interruptedOnce[0] = true;
            Thread.currentThread().interrupt(); // the cancel arrives while the DELETE is sent
            return new Cancelled("deleting " + name, new java.io.InterruptedIOException());
        });
        SharedLock lock = new SharedLock(backend, "backup");
        try {
            lock.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(local.list("locks")).isEmpty();
    }

    @Test
    void releaseWaitsForACommitInProgress() throws Exception {
        LocalBackend backend = new LocalBackend(tmp);
        SharedLock lock = new SharedLock(backend, "backup");
        var inCommit = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                inCommit.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lock.release();
        });
        hook.start();
        boolean lockSeenThroughout = lock.whileHeld(() -> {
            inCommit.countDown();
            try {
                hook.join(200); // the release cannot pass while the commit runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !backend.list("locks").isEmpty();
        });
        hook.join();
        assertThat(lockSeenThroughout).isTrue();
        assertThat(backend.list("locks")).isEmpty();
    }

    /** {@code local}, whose delete of a name throws what {@code failure} gives for it, or deletes it when that is null. */
    private static org.opsledger.vault.backend.Backend deletes(LocalBackend local, java.util.function.Function<String, RuntimeException> failure) {
        return new org.opsledger.vault.ForwardingBackend(local) {
            @Override
            public void delete(String name) {
                RuntimeException e = failure.apply(name);
                if (e != null) {
                    throw e;
                }
                super.delete(name);
            }
        };
    }

    /**
     * A lock taken once the JVM is going down (a tier stopped by SIGTERM between two snapshots, going on to the next one's
     * lock) failed with the JVM's own "Shutdown in progress", which the command printed as its error (a helper's). It
     * says the process is ending now, and leaves no lock file. Run in a child JVM: only an ending JVM refuses a hook.
     */
    @Test
    void aLockTakenWhileTheProcessIsEndingSaysSoAndLeavesNoFile() throws Exception {
        Path repo = tmp.resolve("repo");
        org.opsledger.vault.TestTrees.newRepo(repo).close();
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"), org.opsledger.vault.CrashChild.class.getName(),
                "lock-while-ending", repo.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.waitFor()).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("REFUSED") || l.startsWith("LOCKED")))
                .containsExactly("REFUSED interrupted: the process is ending: no backup lock was taken; nothing was done under it");
        assertThat(new LocalBackend(repo).list("locks")).isEmpty();
    }
}
