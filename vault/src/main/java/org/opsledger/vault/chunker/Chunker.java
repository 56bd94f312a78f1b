package org.opsledger.vault.chunker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Splits a stream into content-defined chunks; one instance per repository, reentrant across threads. */
public final class Chunker {

    public static final int MIN_SIZE = 512 * 1024;
    public static final int AVG_SIZE = 1024 * 1024;
    public static final int MAX_SIZE = 8 * 1024 * 1024;
    /** 22 one-bits before the average size (harder to cut), 18 after (easier): FastCDC normalisation level 2. */
    static final long MASK_SMALL = topBits(22);
    static final long MASK_LARGE = topBits(18);

    public static final int READ_SIZE = 1024 * 1024;
    /** The buffer {@link #split} needs: two maximal chunks, so that the unread tail is moved at most once per 8 MiB. */
    public static final int BUFFER_SIZE = 2 * MAX_SIZE;

    private final long[] gear = new long[256];

    /** Receives each chunk; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(byte[] buf, int off, int len) throws IOException;
    }

    public Chunker(byte[] gearSeed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(gearSeed, "HmacSHA256"));
            for (int i = 0; i < 256; i++) {
                mac.update("gear".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                mac.update((byte) i);
                gear[i] = ByteBuffer.wrap(mac.doFinal()).getLong();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long topBits(int n) {
        return ((1L << n) - 1) << (64 - n);
    }

    /** Length of the next chunk at {@code buf[off, off+len)}; {@code len} must be ≥ MAX_SIZE unless the stream ends there. */
    public int cut(byte[] buf, int off, int len) {
        if (len <= MIN_SIZE) {
            return len;
        }
        int end = Math.min(len, MAX_SIZE);
        int normal = Math.min(end, AVG_SIZE);
        long h = 0;
        long[] g = gear;
        int i = MIN_SIZE;
        for (; i < normal; i++) {
            h = (h << 1) + g[buf[off + i] & 0xff];
            if ((h & MASK_SMALL) == 0) {
                return i + 1;
            }
        }
        for (; i < end; i++) {
            h = (h << 1) + g[buf[off + i] & 0xff];
            if ((h & MASK_LARGE) == 0) {
                return i + 1;
            }
        }
        return end;
    }

    /**
     * Reads the stream to its end and hands each chunk to the sink. {@code buffer} must hold at least
     * {@link #BUFFER_SIZE} bytes (one per worker thread, reused). Returns the number of bytes read.
     */
    public long split(InputStream in, byte[] buffer, ChunkSink sink) throws IOException {
        if (buffer.length < BUFFER_SIZE) {
            throw new IllegalArgumentException("chunk buffer must hold " + BUFFER_SIZE + " bytes");
        }
        long total = 0;
        int start = 0;
        int limit = 0;
        boolean eof = false;
        while (true) {
            if (!eof && limit - start < MAX_SIZE) {
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, limit - start);
                    limit -= start;
                    start = 0;
                }
                while (limit < buffer.length) {
                    // at most 1 MiB per read: the JDK stages heap reads through a temporary direct buffer of the request's size
                    int n = in.read(buffer, limit, Math.min(READ_SIZE, buffer.length - limit));
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    limit += n;
                    total += n;
                }
            }
            int available = limit - start;
            if (available == 0) {
                return total;
            }
            int n = cut(buffer, start, available);
            sink.accept(buffer, start, n);
            start += n;
        }
    }

    /**
     * The same cut points as {@link #cut}, found over a stream fed in pieces of any size: the caller
     * copies each piece into the chunk being assembled, so no read buffer has to hold a maximal
     * chunk ahead (the backup pipeline reads files in 1 MiB pieces). One per stream, not thread-safe.
     */
    public Cutter cutter() {
        return new Cutter(gear);
    }

    public static final class Cutter {
        private final long[] gear;
        private long h;
        private int pos;
        private boolean cut;

        private Cutter(long[] gear) {
            this.gear = gear;
        }

        /** Bytes of the chunk being cut so far. */
        public int length() {
            return pos;
        }

        /** True when the bytes {@link #scan} just returned end the chunk; {@link #length()} then starts again at 0. */
        public boolean cut() {
            return cut;
        }

        /**
         * How many bytes of {@code buf[off, off+len)} belong to the current chunk: all of them unless
         * a cut point lies inside, in which case the chunk ends after the returned count and {@link #cut()} is true.
         */
        public int scan(byte[] buf, int off, int len) {
            int start = pos;
            int i = 0;
            if (start < MIN_SIZE) {
                i = Math.min(len, MIN_SIZE - start); // bytes before the minimum are not hashed
            }
            long hh = h;
            long[] g = gear;
            int smallEnd = Math.min(len, AVG_SIZE - start);
            for (; i < smallEnd; i++) {
                hh = (hh << 1) + g[buf[off + i] & 0xff];
                if ((hh & MASK_SMALL) == 0) {
                    return ended(i + 1);
                }
            }
            int largeEnd = Math.min(len, MAX_SIZE - start);
            for (; i < largeEnd; i++) {
                hh = (hh << 1) + g[buf[off + i] & 0xff];
                if ((hh & MASK_LARGE) == 0) {
                    return ended(i + 1);
                }
            }
            if (start + i == MAX_SIZE) {
                return ended(i);
            }
            h = hh;
            pos = start + i;
            cut = false;
            return i;
        }

        private int ended(int n) {
            h = 0;
            pos = 0;
            cut = true;
            return n;
        }
    }
}
