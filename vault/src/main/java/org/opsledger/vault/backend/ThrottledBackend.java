package org.opsledger.vault.backend;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.opsledger.vault.Sleeper;
import org.opsledger.vault.VaultException;

/**
 * A store reached at no more than a given rate: the bytes written (files, packs as they are uploaded) and those read
 * (files, ranges, streams) each pace the command to their limit, so a backup or a copy to an offsite bucket over a
 * site's link in working hours leaves the link to the others ({@code --limit-upload}, {@code --limit-download}, KiB/s,
 * as restic's). Everything else goes to the store as it is.
 */
public final class ThrottledBackend extends DelegatingBackend {

    /**
     * Paces a stream of bytes to {@code bytesPerSecond}: each call waits until the bytes before it, at that rate, have
     * had their time, allowing a burst of a second's worth after an idle spell.
     */
    public static final class Rate {
        private final long bytesPerSecond;
        private final java.util.function.LongSupplier clock;
        private final Sleeper sleeper;
        private long next; // guarded by this: when the bytes taken so far have had their time
        /** Counted down once the limit is {@link #lift lifted}: a wait under way ends then, not when its time is up. */
        private final CountDownLatch lifted;

        public Rate(long bytesPerSecond) {
            this(bytesPerSecond, System::nanoTime, new CountDownLatch(1));
        }

        /** A rate on a test's clock, waiting with its {@code sleeper} (a lift then ends no wait under way). */
        public Rate(long bytesPerSecond, java.util.function.LongSupplier clock, Sleeper sleeper) {
            this(bytesPerSecond, clock, sleeper, new CountDownLatch(1));
        }

        /** Waits until the time is up or the limit is lifted. */
        private Rate(long bytesPerSecond, java.util.function.LongSupplier clock, CountDownLatch lifted) {
            this(bytesPerSecond, clock, nanos -> lifted.await(nanos, TimeUnit.NANOSECONDS), lifted);
        }

        private Rate(long bytesPerSecond, java.util.function.LongSupplier clock, Sleeper sleeper, CountDownLatch lifted) {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("a rate is at least one byte a second, got " + bytesPerSecond);
            }
            this.bytesPerSecond = bytesPerSecond;
            this.clock = clock;
            this.sleeper = sleeper;
            this.lifted = lifted;
            this.next = clock.getAsLong() - 1_000_000_000L;
        }

        /** Waits until {@code bytes} more may pass; at once when the limit is {@link #lift lifted}. */
        public void take(long bytes) {
            if (lifted.getCount() == 0) {
                return;
            }
            long wait;
            synchronized (this) {
                long now = clock.getAsLong();
                next = Math.max(next, now - 1_000_000_000L) + (long) (bytes * 1e9 / bytesPerSecond); // a second's burst at most
                wait = next - now;
            }
            if (wait > 0) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    throw new org.opsledger.vault.Cancelled("a transfer kept to the limit", e);
                }
            }
        }

        /**
         * No more waiting from now on, for anyone, and a wait under way ends: a backup's snapshot record, one write of
         * 55 KiB for 2,000 paths at --limit-upload 1, waited its whole time after a Ctrl-C (a re-tester's).
         */
        void lift() {
            lifted.countDown();
        }
    }

    private final Rate up;
    private final Rate down;

    /**
     * Lifts the limits for what is left of the command: a command stopped by a signal writes its journal entry at once. A
     * restore at --limit-download 1 KiB/s, sent SIGTERM, wrote its entry only after the pack ranges its workers had taken
     * had had their time, over 100 s, and a scheduler's SIGKILL then took the entry with it (a helper's).
     */
    public void lift() {
        if (up != null) {
            up.lift();
        }
        if (down != null) {
            down.lift();
        }
    }

    /** Lifts the limits of {@code store} ({@link #lift()}), when it has any, under any decorator (a cache); whether it had. */
    public static boolean lift(Backend store) {
        if (store instanceof ThrottledBackend limited) {
            limited.lift();
            return true;
        }
        return store instanceof DelegatingBackend decorated && lift(decorated.store);
    }

    /** @param up, down the limits, or null for none */
    public ThrottledBackend(Backend store, Rate up, Rate down) {
        super(store);
        this.up = up;
        this.down = down;
    }

    /** {@code store} with these limits in bytes a second (0: none); {@code store} itself when there are none. */
    public static Backend limit(Backend store, long upBytesPerSecond, long downBytesPerSecond) {
        if (upBytesPerSecond <= 0 && downBytesPerSecond <= 0) {
            return store;
        }
        return new ThrottledBackend(store, upBytesPerSecond > 0 ? new Rate(upBytesPerSecond) : null,
                downBytesPerSecond > 0 ? new Rate(downBytesPerSecond) : null);
    }

    private static void take(Rate rate, long bytes) {
        if (rate != null && bytes > 0) {
            rate.take(bytes);
        }
    }

    @Override
    public byte[] read(String name) {
        byte[] b = store.read(name);
        take(down, b.length);
        return b;
    }

    @Override
    public byte[] readRange(String name, long offset, int length) {
        take(down, length);
        return store.readRange(name, offset, length);
    }

    @Override
    public void readRange(String name, long offset, int length, byte[] into) {
        take(down, length);
        store.readRange(name, offset, length, into);
    }

    @Override
    public InputStream stream(String name) {
        return new FilterInputStream(store.stream(name)) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                take(down, b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                take(down, n);
                return n;
            }
        };
    }

    @Override
    public void write(String name, byte[] data, int off, int len) {
        take(up, len);
        store.write(name, data, off, len);
    }

    @Override
    public Upload upload() {
        Upload upload = store.upload();
        return new Upload() {
            @Override
            public void write(byte[] data, int off, int len) {
                take(up, len);
                upload.write(data, off, len);
            }

            @Override
            public void commit(String name) {
                upload.commit(name);
            }

            @Override
            public void close() {
                upload.close();
            }
        };
    }
}
