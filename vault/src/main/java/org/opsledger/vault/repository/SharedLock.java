package org.opsledger.vault.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.Backend;

/**
 * A shared lock file, refreshed every 60 s; other backups ignore it, prune's delete phase respects it.
 *
 * <p>A process stopped by SIGTERM or Ctrl-C removes its lock file on the way out (a shutdown hook), so a
 * prune after it need not wait ten minutes for the lock to go stale. The work itself goes on until the JVM
 * halts: whatever it must only do while other processes see the lock (writing the snapshot that references
 * what it stored) goes through {@link #whileHeld}, which the hook waits for and which refuses once the lock
 * is gone.
 *
 * <p>A lock not refreshed for {@link Locks#STALE_AFTER} is stale to a prune, which may then delete what the process
 * stored. So a process whose lock went unrefreshed for nearly that long, less the clock skew allowed (stopped with
 * SIGSTOP, the store out of reach) commits nothing afterwards, even once its refreshes resume: {@link #whileHeld}
 * refuses. Nor does one whose lock file another process removed as stale (a clock further off than the skew allowed, a
 * host suspended, which the monotonic clock does not count): a refresh does not write the lock file again once it is
 * gone, and {@link #whileHeld} looks for it before it commits.
 */
public final class SharedLock implements AutoCloseable {

    /** How often the lock file is written again. */
    static final Duration REFRESH = Duration.ofSeconds(60);
    /** A gap between two writes of the lock file this long, or longer, and a prune may have judged it stale. */
    static final Duration LAPSE = Locks.STALE_AFTER.minus(Locks.CLOCK_SKEW).minus(REFRESH);

    /** What a lock refuses with once its process is ending (SIGTERM, Ctrl-C): the JVM's own "Shutdown in progress" said nothing. */
    private static final String ENDING = "interrupted: the process is ending";

    private final Backend backend;
    private final String name;
    private final LockRecord record;
    private final ScheduledExecutorService refresher;
    private final Thread onExit = new Thread(() -> {
        try {
            release();
        } catch (RuntimeException e) {
            // the store cannot be reached on the way out: the lock goes stale in ten minutes
        }
    }, "vault-lock-release");
    /** Written under this object's monitor; read without it by {@link #released()}, which a commit under it may call. */
    private volatile boolean released;
    /** Its job closed it ({@link #close}): it ended, nothing more is written under it. */
    private volatile boolean closed;
    /** The lock file was gone when a refresh came to write it again: another process removed it as stale. */
    private volatile boolean removedByAnother;
    private final LongSupplier nanoClock;
    /** When the last write of the lock file that succeeded began (its content's time), by {@link #nanoClock}. */
    private volatile long writtenAt; // written under this monitor
    /** The longest gap between two such writes so far ({@link #whileHeld} also counts the time since the last). */
    private volatile long longestGap; // written under this monitor
    /** The batch of {@link #deletions}, closed before the lock file goes; null when none was asked for. */
    private Backend.Deletions deletions; // guarded by this

    SharedLock(Backend backend, String kind) {
        this(backend, kind, System::nanoTime);
    }

    SharedLock(Backend backend, String kind, LongSupplier nanoClock) {
        this.backend = backend;
        this.nanoClock = nanoClock;
        this.name = "locks/" + Repository.randomName();
        Instant now = Instant.now();
        this.record = new LockRecord(kind, Repository.hostname(), ProcessHandle.current().pid(), now, now, LockHolder.current());
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vault-lock-refresh");
            t.setDaemon(true);
            return t;
        });
        // the hook first: once the JVM is ending this throws, and no lock file is written that nothing would remove
        try {
            Runtime.getRuntime().addShutdownHook(onExit);
        } catch (IllegalStateException ending) { // a signal stopped the command as it went on to its next lock (tier, copy)
            refresher.shutdownNow();
            throw new VaultException(ENDING + ": no " + kind + " lock was taken; nothing was done under it");
        }
        synchronized (this) { // a hook that runs now waits for the file, then removes it
            try {
                writtenAt = nanoClock.getAsLong();
                backend.write(name, VaultJson.write(record));
            } catch (RuntimeException e) {
                try {
                    release(); // a write can fail after its rename (the directory's fsync interrupted): the file is there
                } catch (RuntimeException notThere) {
                    // goes stale in ten minutes, as a killed process's
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException ending) {
                    // the hook finds the lock released
                }
                throw e;
            }
            HELD.add(this);
            // in the block: a hook that runs once the file is written finds the refresh scheduled, and cancels it
            refresher.scheduleAtFixedRate(() -> {
                try {
                    refresh();
                } catch (RuntimeException e) {
                    // a failed refresh is retried next minute; an exception here would cancel every later refresh
                }
            }, REFRESH.toSeconds(), REFRESH.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Writes the lock file again, with the time now, unless another process has removed it. */
    void refresh() {
        long at = nanoClock.getAsLong();
        if (removedByAnother || !backend.exists(name)) {
            removedByAnother = true; // written again, it would hide that a prune took it for stale
            return;
        }
        backend.write(name, VaultJson.write(record.refreshedAt(Instant.now())));
        lookedSinceWritten = false;
        synchronized (this) {
            longestGap = Math.max(longestGap, at - writtenAt);
            writtenAt = at;
        }
    }

    /**
     * Writes the lock file again ({@link #refresh}) when another look at the other locks came since it was last written:
     * each look then follows a write of this one, as the first look follows the lock's taking. sshfs keeps a directory's
     * listing 20 s (its dcache_timeout) but forgets it when a file is written there through it: a prune's look before it
     * deleted, a second after its first, was served the listing of the first, without the lock of a backup begun between.
     */
    void writeAgainBeforeLooking() {
        if (lookedSinceWritten && !released) {
            refresh();
        }
        lookedSinceWritten = true;
    }

    /** A look at the other locks came since the lock file was last written ({@link #writeAgainBeforeLooking}). */
    private volatile boolean lookedSinceWritten;

    /** The lock file's name, "locks/<id>". */
    String name() {
        return name;
    }

    public Instant started() {
        return record.started();
    }

    /** What the lock is held for: "backup", "prune", "repair", … */
    public String kind() {
        return record.kind();
    }

    /**
     * Runs {@code commit} while the lock file is certainly there: a process ending (SIGTERM, Ctrl-C) removes
     * its lock only before or after it, and once the lock is gone this refuses, so nothing is committed that a
     * prune, no longer seeing the lock, may have deleted the data of.
     */
    public synchronized <T> T whileHeld(Supplier<T> commit) {
        requireHeld();
        return commit.get();
    }

    /**
     * Refuses as {@link #whileHeld} does; false, not refused, when its job has closed the lock (it stands for nothing written
     * after) and the process is not ending. An index file is written only while a lock of the jobs of its Repository object
     * stands that has stood since its packs were written (Repository#writeIndexFile).
     */
    boolean requireHeldUnlessClosed() { // not under this monitor: a commit under it may wait for the index file's writer
        if (!closed || ending) {
            requireHeld();
            return true;
        }
        return false;
    }

    private void requireHeld() {
        if (released || ending) {
            throw new VaultException(ENDING + " and has released its lock; nothing was committed");
        }
        if (removedByAnother || !backend.exists(name)) {
            removedByAnother = true;
            throw new VaultException("this " + record.kind() + "'s lock file " + name + " was removed by another process, which took it"
                    + " for stale (a host's clock further off than " + Locks.CLOCK_SKEW.toMinutes() + " minutes, this host suspended, or"
                    + " `vault unlock --remove-all`): a prune may have deleted data it refers to; nothing was committed: run it again");
        }
        long gap = Math.max(longestGap, nanoClock.getAsLong() - writtenAt);
        if (gap >= LAPSE.toNanos()) {
            Duration d = Duration.ofNanos(gap);
            throw new VaultException("this " + record.kind() + "'s lock went " + d.toMinutes() + " min " + d.toSecondsPart()
                    + " s without a refresh (the process was stopped, or the store out of reach): a prune may have taken it"
                    + " for stale and deleted data it stored; nothing was committed: run it again");
        }
    }

    /**
     * Deletions made under this lock, each in a {@link #whileHeld} commit, durable together ({@link Backend#deletions}): when
     * the batch is closed, or before the lock file goes, whichever comes first. A process a signal stops names in its
     * journal entry, written once {@link #releaseAllOnTheWayOut} has let its locks go, only what a power cut no longer
     * brings back: a forget's entry named snapshots whose unlinks were not yet fsynced, and a forget stopped seconds before
     * a power cut left them there, the journal saying they were removed.
     */
    public synchronized Backend.Deletions deletions() {
        if (deletions != null) {
            throw new IllegalStateException("one batch of deletions per lock");
        }
        Backend.Deletions batch = backend.deletions();
        deletions = batch;
        return new Backend.Deletions() {
            @Override
            public void delete(String name) {
                synchronized (SharedLock.this) {
                    batch.delete(name);
                }
            }

            @Override
            public void close() {
                synchronized (SharedLock.this) { // the hook's release closes it too, from its own thread
                    batch.close();
                }
            }
        };
    }

    /**
     * Lock files of this process whose delete failed (the store out of reach): the process has let them go, so this JVM
     * counts none as live ({@link Locks}) and removes them at its next lock or unlock. One of a running process counts as
     * live whatever its age, and a job's lock left by a cancel or an outage refused repair and unlock for as long as a
     * server's JVM ran (a helper's).
     */
    static final java.util.Set<Abandoned> ABANDONED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A lock file {@code name} in the store at {@code location} that this process could not delete. */
    record Abandoned(String location, String name) {
    }

    /** {@link #releaseAllOnTheWayOut} was called: {@link #whileHeld} refuses, whatever lock it is called on. */
    private static volatile boolean ending;

    /** The locks this process has taken and not released. */
    private static final java.util.Set<SharedLock> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Releases every lock this process holds, each once the commit under it ({@link #whileHeld}) has ended, as their own
     * hooks do on the way out: a command's journal entry, written as a stop signal ends the JVM, reads what was committed
     * only after this, and nothing is committed after it; what was deleted under a lock ({@link #deletions}) is durable
     * by then. (The entry was written beside a tier's commits, which went on
     * until the locks' hooks let them go, and the long-term journal named fewer copies than were committed: a re-tester's.)
     */
    public static void releaseAllOnTheWayOut() {
        ending = true; // a lock taken meanwhile, not yet among them, commits nothing either
        for (SharedLock lock : HELD) {
            try {
                lock.release();
            } catch (RuntimeException e) {
                // the store cannot be reached on the way out: the lock goes stale in ten minutes, as its hook leaves it
            }
        }
    }

    /** Whether the lock was released: its job has ended, or its process is ending. */
    boolean released() {
        return released;
    }

    /** Makes what was deleted under the lock durable, then removes the lock file, once; later {@link #whileHeld} calls refuse. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        HELD.remove(this);
        refresher.shutdownNow();
        try {
            if (deletions != null) {
                deletions.close();
            }
        } finally {
            deleteLockFile();
        }
    }

    /** Deletes the lock file, the thread's interrupt put aside meanwhile. */
    private void deleteLockFile() {
        // the thread's interrupt put aside meanwhile, and one that comes during the DELETE tried again once: a cancelled
        // job's lock file stayed, and one of this JVM counts as live whatever its age (a helper's)
        boolean interrupted = false;
        try {
            for (int attempt = 1; ; attempt++) {
                interrupted |= Thread.interrupted();
                try {
                    backend.delete(name);
                    return;
                } catch (RuntimeException e) {
                    interrupted |= Thread.interrupted(); // a Cancelled sets it again
                    if (attempt == 1 && Cancelled.caused(e)) {
                        continue;
                    }
                    ABANDONED.add(new Abandoned(backend.location(), name));
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Removes the lock file. A store that fails to delete it does not fail the work done under it: a backup whose snapshot
     * was saved exited 1 and was journalled as failed when the DELETE of its lock answered 503 (a helper's). The file left
     * counts as let go to this JVM ({@link #ABANDONED}), which removes it at its next lock or unlock; `check` lists it.
     */
    @Override
    public void close() {
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException ending) {
            // the hook is running or about to: it releases the lock, and release() does it only once
        }
        try {
            release();
        } catch (VaultException e) {
            // left behind, as a killed process leaves one ({@link #ABANDONED}); a cancellation keeps the thread's flag set
        }
    }
}
