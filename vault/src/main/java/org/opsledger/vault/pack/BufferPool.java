package org.opsledger.vault.pack;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reused buffers for blobs in flight (the backup's chunks, the sealed blobs {@code check} reads), in a
 * few sizes: 256 KiB, 2 MiB, 4 MiB and 8 MiB, each with {@link #SLACK} bytes more so that a sealed
 * unit of a chunk fits the same size as the chunk; below 64 KiB and above 8 MiB + 64 B a buffer is
 * exactly as long as asked and not kept. Megabyte arrays allocated per blob outlive a young collection while they
 * wait for a worker, and the old generation filled with dead ones; a free list per power of two kept
 * the sizes of small files no longer asked for (the bench backup allocated ≈1 GB of chunk buffers).
 * At most {@code keepBytes} are kept; when that is full, spares of the other sizes go first.
 */
public final class BufferPool {

    /** Smaller buffers are allocated exactly and left to the young generation. */
    public static final int POOLED_FROM = 64 * 1024;
    /** Room beyond each power of two: a sealed unit is 32 bytes longer than its plaintext. */
    static final int SLACK = 64;
    /** Larger buffers (a tree blob of a huge directory) are allocated exactly. */
    public static final int POOLED_UP_TO = 8 * 1024 * 1024 + SLACK;

    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<byte[]>[] free = new ConcurrentLinkedQueue[24];
    private final AtomicLong freeBytes = new AtomicLong();
    private final long keepBytes;

    public BufferPool(long keepBytes) {
        this.keepBytes = keepBytes;
        for (int i = 0; i < free.length; i++) {
            free[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /** The log2 of the pooled buffer that holds {@code len} bytes (less the slack): 256 KiB, 2 MiB, else the power of two. */
    static int sizeClass(int len) {
        int pow2 = 32 - Integer.numberOfLeadingZeros(Math.max(1, len - SLACK) - 1);
        return pow2 <= 18 ? 18 : Math.max(21, pow2);
    }

    private static boolean pooled(int len) {
        return len >= POOLED_FROM && len <= POOLED_UP_TO;
    }

    /** The length of the buffer {@link #take} gives for {@code len} bytes. */
    public static int sizeOf(int len) {
        return pooled(len) ? (1 << sizeClass(len)) + SLACK : len;
    }

    /** A buffer of {@link #sizeOf}{@code (len)} bytes. */
    public byte[] take(int len) {
        if (!pooled(len)) {
            return new byte[len];
        }
        int c = sizeClass(len);
        byte[] b = free[c].poll();
        if (b == null) {
            return new byte[(1 << c) + SLACK];
        }
        freeBytes.addAndGet(-b.length);
        return b;
    }

    /** Gives a buffer back for later blobs (one of another length is left to the collector). */
    public void give(byte[] b) {
        if (!pooled(b.length) || b.length != sizeOf(b.length)) {
            return;
        }
        int c = sizeClass(b.length);
        // over the limit: spares of the other sizes go first (the sizes in use now are the ones worth keeping)
        for (int i = free.length - 1; i >= 0 && freeBytes.get() + b.length > keepBytes; i--) {
            for (byte[] x; i != c && freeBytes.get() + b.length > keepBytes && (x = free[i].poll()) != null; ) {
                freeBytes.addAndGet(-x.length);
            }
        }
        if (freeBytes.addAndGet(b.length) <= keepBytes) {
            free[c].offer(b);
        } else {
            freeBytes.addAndGet(-b.length); // enough kept: left to the collector
        }
    }
}
