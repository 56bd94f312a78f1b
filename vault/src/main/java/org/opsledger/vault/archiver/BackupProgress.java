package org.opsledger.vault.archiver;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Counters a progress display reads while a backup runs, and the warnings of an incomplete backup. */
public final class BackupProgress {
    public final AtomicLong files = new AtomicLong();
    public final AtomicLong dirs = new AtomicLong();
    public final AtomicLong filesUnchanged = new AtomicLong();
    /** Bytes of the files backed up, counted as each file ends: the snapshot's summary. */
    public final AtomicLong bytesRead = new AtomicLong();
    /** Bytes read so far, counted as they are read: what a progress line shows (a large file moved it only at its end). */
    public final AtomicLong bytesReading = new AtomicLong();
    /** FIFOs and device nodes backed up. */
    public final AtomicLong specials = new AtomicLong();
    /** Directories left out for a tag file they hold (--exclude-if-present, --exclude-caches). */
    public final AtomicLong excludedByTag = new AtomicLong();
    /** Directories on another filesystem than the backup paths', kept empty with --one-file-system. */
    public final AtomicLong mountPointsNotCrossed = new AtomicLong();
    /** Sockets met and left out: the program that listens on one makes it again. */
    public final AtomicLong socketsSkipped = new AtomicLong();
    /** Files kept though they changed while they were read ({@link #keptChanged}). */
    public final AtomicLong changedWhileRead = new AtomicLong();
    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> repositoryDamage = new ConcurrentLinkedQueue<>();
    private volatile java.nio.file.Path repositoryLeftOut;
    private volatile boolean committing;
    private volatile String notKeptOnThisJvm;

    /** {@code in}, counting into {@link #bytesReading} what is read from it. */
    java.io.InputStream counting(java.io.InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws java.io.IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesReading.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws java.io.IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    bytesReading.addAndGet(n);
                }
                return n;
            }
        };
    }

    /** A path that vanished or could not be read: left out of the snapshot, the backup goes on. */
    public void warn(String message) {
        warnings.add(message);
    }

    /**
     * A file kept though it changed while it was read: a warning, of a file the snapshot holds (not left out of it), counted
     * apart so that `vault due` tells it from one left out (Snapshot.Summary#changedWhileRead).
     */
    void keptChanged(String message) {
        changedWhileRead.incrementAndGet();
        warn(message);
    }

    /** The repository lies inside a backed-up path: it was left out (a backup never holds its own repository). */
    void repositoryLeftOut(java.nio.file.Path p) {
        repositoryLeftOut = p;
    }

    /**
     * What this JVM could not look at in any file (POSIX ACLs and file capabilities on Java 21), or null: said once, on
     * stderr, with the exit code unchanged, as it is no file's and would make every backup of such a host incomplete.
     */
    public String notKeptOnThisJvm() {
        return notKeptOnThisJvm;
    }

    void notKeptOnThisJvm(String what) {
        notKeptOnThisJvm = what;
    }

    private final ConcurrentLinkedQueue<String> noChangeTime = new ConcurrentLinkedQueue<>();

    /** Names the first path the walk met on a filesystem that keeps no change time, and that filesystem. */
    void noChangeTime(String path) {
        noChangeTime.add(path);
    }

    /**
     * The first path on each filesystem the backup met that keeps no change time (FAT, exFAT), with its type: a file
     * rewritten there at its size with its mtime put back is missed until --full. Said once, the exit code unchanged: no
     * file's fault, and every backup of such a stick would be incomplete.
     */
    public List<String> noChangeTime() {
        return List.copyOf(noChangeTime);
    }

    /** Where the repository was met and left out, or null. */
    public java.nio.file.Path repositoryLeftOut() {
        return repositoryLeftOut;
    }

    /**
     * The snapshot's record is being written: the commit, which once begun runs to its end whatever stops the process
     * (the lock's hook waits for it). Unless that write fails, the backup is saved, whatever comes after (its journal entry).
     */
    void committing() {
        committing = true;
    }

    /** Whether the snapshot's record is being written, or is written. */
    public boolean isCommitting() {
        return committing;
    }

    /** Damage to the repository a backup met (not to its sources: the snapshot is whole), said as it was met. */
    void repositoryDamaged(String message) {
        repositoryDamage.add(message);
    }

    /** What {@link #repositoryDamaged} was told, one line each: a backup that met any ends incomplete (exit 3). */
    public List<String> repositoryDamage() {
        return List.copyOf(repositoryDamage);
    }

    /** What was left out, one line per path; empty for a complete snapshot. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
