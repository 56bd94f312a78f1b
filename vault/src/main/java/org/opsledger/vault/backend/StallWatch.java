package org.opsledger.vault.backend;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The HTTP client of S3 uploads, around the SDK's: a request whose body makes no progress for the stall window is
 * abandoned (its connection closed), to be sent again by the SDK or given up, while a slow body that keeps moving is let
 * finish however long it takes, as restic, rclone and the aws cli judge a transfer. A PUT bounded by time alone, 60 s and
 * its bytes at 4 KiB/s, held a backup and its lock 2 h 18 min on a store that took 4 MB of a pack and no more (r4's).
 *
 * <p>What the watch sees is what the HTTP client takes of the body, and the socket's buffers take up to {@link #IN_FLIGHT}
 * at once, then more only when half of that has left (a link that moves shows as bursts apart). So the watch follows a
 * link that carries what was taken at the least rate, the floor: each burst keeps it busy for its bytes at the floor
 * (no more than the buffers hold), and the attempt is abandoned when that link has stood idle for the window in all
 * since it was last busy for a whole window. A store that reads nothing is given up after the window and its buffered
 * bytes at the floor; one that stopped answering after the body, likewise; one that trickles below the floor, once its
 * idle time adds up to the window.
 */
final class StallWatch implements SdkHttpClient {

    /** The least rate of an upload that moves (docs/operations.md, "Backups with `opsledger vault`"): 4 KiB/s, a 32 kbit/s link. */
    static final long FLOOR = 4096;
    /**
     * The most of a body taken that may not have left the machine: the socket buffers Linux gives a connection (its
     * default tcp_wmem maximum, 4 MiB; 3.9 MB of a pack went into them on loopback, to a store that read nothing).
     */
    static final long IN_FLIGHT = 4L << 20;

    private static final ScheduledExecutorService WATCH =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("opsledger-s3-stall-watch").factory());

    private final SdkHttpClient http;
    private final Duration window;
    private final long floor;

    /** {@code floor} in bytes a second: {@link #FLOOR}, or more in a test, whose loopback buffers would take minutes at 4 KiB/s. */
    StallWatch(SdkHttpClient http, Duration window, long floor) {
        this.http = http;
        this.window = window;
        this.floor = floor;
    }

    /** The longest an attempt may wait on a store that took its bytes and went silent: the buffers' bytes at the floor, and the window. */
    static Duration longest(Duration window, long floor) {
        return window.plusMillis(IN_FLIGHT * 1000 / floor);
    }

    /** The socket timeout of the client inside: longer than any wait this watch allows, so that the watch is the one to judge. */
    static Duration socketTimeout(Duration window, long floor) {
        return longest(window, floor).plus(window);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (request.contentStreamProvider().isEmpty()) {
            return http.prepareRequest(request);
        }
        Attempt attempt = new Attempt(request);
        ExecutableHttpRequest inner = http.prepareRequest(HttpExecuteRequest.builder().request(request.httpRequest())
                .contentStreamProvider(attempt).metricCollector(request.metricCollector().orElse(null)).build());
        attempt.inner = inner;
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                attempt.start();
                try {
                    HttpExecuteResponse response = inner.call();
                    attempt.stop();
                    return response;
                } catch (IOException | RuntimeException e) {
                    String stalled = attempt.stop();
                    if (stalled != null) {
                        throw new Stalled(stalled, e);
                    }
                    throw e;
                }
            }

            @Override
            public void abort() {
                inner.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return http.clientName();
    }

    @Override
    public void close() {
        http.close();
    }

    /** A request abandoned for want of progress; its message says what was seen (S3Backend names the object and the store). */
    static final class Stalled extends IOException {
        Stalled(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The link at the floor the watch follows (above): the bytes it has yet to carry, and for how long it has been busy and
     * idle. Told the time and the bytes taken at each look, it reads no clock: a test gives it its own.
     */
    static final class Link {
        private final long floor;
        private final long window;
        private long looked;
        private long seen;
        private long backlog;
        private long busy;
        private long idle;

        /** A link at {@code floor} bytes a second, its attempt begun at {@code startedAt} (nanoseconds). */
        Link(long floor, Duration window, long startedAt) {
            this.floor = floor;
            this.window = window.toNanos();
            this.looked = startedAt;
        }

        /** A look at {@code now}, {@code taken} bytes of the body taken since the attempt began: whether it is abandoned. */
        boolean stalled(long now, long taken) {
            long elapsed = now - looked;
            looked = now;
            backlog = Math.min(backlog + Math.max(taken - seen, 0), IN_FLIGHT); // what was taken since the last look
            seen = taken;
            long capacity = floor * elapsed / 1_000_000_000L;
            long carried = Math.min(backlog, capacity);
            backlog -= carried;
            // carried all it could: busy the whole interval (the time worked out back from the bytes fell a hair short of it,
            // truncated, so `busy` never reached a window and every idle moment of the attempt was added up: a re-tester's)
            boolean throughout = capacity > 0 && carried == capacity;
            long working = throughout ? elapsed : carried * 1_000_000_000L / floor;
            busy = throughout ? busy + elapsed : 0;
            idle = busy >= window ? 0 : idle + elapsed - Math.min(working, elapsed);
            return idle >= window;
        }
    }

    /** One attempt of one request: the bytes its body gave, looked at every tenth of the window from the watch's thread. */
    private final class Attempt implements ContentStreamProvider, Runnable {
        private final ContentStreamProvider body;
        private final String which;
        private final long length;
        private volatile ExecutableHttpRequest inner;
        private volatile long taken;
        private volatile long lastTaken;
        private Link link; // the watch's thread's alone
        private ScheduledFuture<?> looks;
        private boolean over;
        private String stalled;

        Attempt(HttpExecuteRequest request) {
            this.body = request.contentStreamProvider().orElseThrow();
            // "attempt=2; max=2", the SDK's own count of this call's attempts
            this.which = request.httpRequest().firstMatchingHeader("amz-sdk-request")
                    .map(h -> h.replaceAll(".*attempt=(\\d+); *max=(\\d+).*", "attempt $1 of $2")).orElse("");
            this.length = request.httpRequest().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
        }

        @Override
        public InputStream newStream() {
            taken = 0;
            return new java.io.FilterInputStream(body.newStream()) {
                @Override
                public int read() throws IOException {
                    return took(super.read(), 1);
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    took(n, n);
                    return n;
                }
            };
        }

        /** Counts {@code bytes} taken when a read returned {@code got} (-1 at the end); returns {@code got}. */
        private int took(int got, int bytes) {
            if (got >= 0 && bytes > 0) {
                taken += bytes;
                lastTaken = System.nanoTime();
            }
            return got;
        }

        @Override
        public String name() {
            return body.name();
        }

        synchronized void start() {
            lastTaken = System.nanoTime();
            link = new Link(floor, window, lastTaken);
            long every = Math.max(window.toMillis() / 10, 10);
            looks = WATCH.scheduleAtFixedRate(this, every, every, TimeUnit.MILLISECONDS);
        }

        /** Ends the watch; what this attempt was abandoned for, or null. */
        synchronized String stop() {
            over = true;
            looks.cancel(false);
            return stalled;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            long bytes = taken;
            if (!link.stalled(now, bytes)) {
                return;
            }
            long silent = (now - lastTaken) / 1_000_000_000L;
            String attempt = which.isEmpty() ? "" : " (" + which + ")";
            abandon(length >= 0 && bytes >= length
                    ? "no answer for " + silent + " s after all " + bytes + " bytes were sent" + attempt + ": check the store's health,"
                            + " and run it again"
                    : "no progress for " + window.toSeconds() + " s sending its " + (length < 0 ? "" : length + " ") + "bytes (" + bytes
                            + " taken, the last " + silent + " s ago" + (which.isEmpty() ? "" : "; " + which) + "): the store stopped"
                            + " taking them, or the link is slower than " + floor / 1024 + " KiB/s; check the store's health and the link,"
                            + " and run it again");
        }

        private synchronized void abandon(String why) {
            if (over || stalled != null) {
                return;
            }
            stalled = why;
            looks.cancel(false);
            inner.abort(); // closes the connection: the thread blocked writing to it or waiting for the answer goes on
        }
    }
}
