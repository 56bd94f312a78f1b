package org.opsledger.vault.archiver;

import java.util.concurrent.atomic.AtomicLong;

/** Counters a progress display reads while a backup runs. */
public final class BackupProgress {
    public final AtomicLong files = new AtomicLong();
    public final AtomicLong dirs = new AtomicLong();
    public final AtomicLong filesUnchanged = new AtomicLong();
    public final AtomicLong bytesRead = new AtomicLong();
    public final AtomicLong skipped = new AtomicLong();
}
