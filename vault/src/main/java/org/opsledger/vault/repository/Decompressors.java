package org.opsledger.vault.repository;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Idle zstd decompression contexts, shared by all threads: creating one per blob cost more than
 * decompressing a small tree (a quarter of a cold unchanged re-run's tree loading). A pool rather
 * than a thread-local, so contexts of finished pool threads are reused, not leaked (native memory).
 */
public final class Decompressors {

    private static final ConcurrentLinkedQueue<ZstdDecompressCtx> IDLE = new ConcurrentLinkedQueue<>();
    private static final int MAX_IDLE = 8;

    private Decompressors() {
    }

    /** A context ready for a new frame; give it back with {@link #release}. */
    public static ZstdDecompressCtx borrow() {
        ZstdDecompressCtx ctx = IDLE.poll();
        if (ctx == null) {
            return new ZstdDecompressCtx();
        }
        ctx.reset();
        return ctx;
    }

    /** Returns a context to the pool; one that failed ({@code ok} false) is closed, never reused. */
    public static void release(ZstdDecompressCtx ctx, boolean ok) {
        if (ok && IDLE.size() < MAX_IDLE) {
            IDLE.offer(ctx);
        } else {
            ctx.close();
        }
    }

    /** One whole frame, {@code in[inOff, inOff + inLen)}, into {@code out[0, capacity)}; returns the bytes it held. */
    static int decompress(byte[] in, int inOff, int inLen, byte[] out, int capacity) {
        ZstdDecompressCtx ctx = borrow();
        boolean ok = false;
        try {
            int n = ctx.decompressByteArray(out, 0, capacity, in, inOff, inLen);
            ok = true;
            return n;
        } finally {
            release(ctx, ok);
        }
    }
}
