package org.opsledger.vault.repository;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one job stored through a {@link Repository} object: the blobs it added and their sealed bytes, as its snapshot's
 * summary records them (IS.012 6.6.5.1) and a prune's result. Handed to each save of the job's, from any of its threads.
 * The object's totals, read before and after, were no job's: one shared by jobs on a server's pool counted a backup's
 * blobs in the other's snapshot, and in a prune's repacking beside it (a tester's). A blob the repository already had
 * counts for no one; one two jobs save at once counts for the one that stored it.
 */
public final class BlobsAdded {
    private final AtomicLong blobs = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** A stored blob of {@code sealedBytes} in its pack. */
    void add(long sealedBytes) {
        bytes.addAndGet(sealedBytes);
        blobs.incrementAndGet();
    }

    public long blobs() {
        return blobs.get();
    }

    /** The blobs' bytes as stored: compressed and sealed. */
    public long bytes() {
        return bytes.get();
    }
}
