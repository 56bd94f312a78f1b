package org.opsledger.vault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
