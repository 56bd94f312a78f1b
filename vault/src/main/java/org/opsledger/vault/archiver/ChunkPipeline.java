package org.opsledger.vault.archiver;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.BufferPool;
import org.opsledger.vault.repository.BlobsAdded;
import org.opsledger.vault.repository.Repository;

/**
 * The backup pipeline over all cores: one thread reads and cuts chunks (the caller for a stream,
 * the pipeline's own reader thread for files, one file after the other), the workers hash,
 * compress and seal them. The reader waits when {@link #budgetBytes} of chunks, or
 * {@link #maxChunks} chunks, are cut and not yet sealed: memory stays bounded however large the
 * files and however many small ones (docs/vault-format.md §7).
 */
final class ChunkPipeline implements AutoCloseable {

    /** Bytes of cut, unsealed chunks: four average chunks per worker, and at least one maximal chunk. */
    static int budgetBytes(int threads) {
        return Math.max(BufferPool.sizeOf(Chunker.MAX_SIZE), threads * 4 * Chunker.AVG_SIZE);
    }

    /** Chunks cut and not yet sealed, whatever their size (small files are one small chunk each). */
    static int maxChunks(int threads) {
        return threads * 8;
    }

    private final Repository repo;
    /** What this backup's workers and trees stored: its snapshot's bytesAdded and blobsAdded. */
    private final BlobsAdded added;
    private final ExecutorService workers;
    private final ExecutorService reader;
    private final int budget;
    private final Semaphore bytes;
    private final Semaphore chunks;
    /** The first failure of a worker: the reader stops cutting once a backup cannot succeed. */
    private final AtomicReference<Throwable> failed = new AtomicReference<>();
    /** Run once, on the worker, when the first one fails: what feeds the reader can be stopped (a dump program). */
    private volatile Runnable whenFailed = () -> { };

    /**
     * {@code action} runs once a worker has failed (the store refused a pack): a reader blocked on a stream that the
     * failure cannot interrupt (a dump program's pipe, a program that pauses) is then freed by ending what feeds it. A
     * `--stdin-from-command` backup went on reading a dump for as long as the program ran after its upload had failed.
     */
    void whenFailed(Runnable action) {
        whenFailed = action;
    }

    /** The first failure of a worker, or null: what a read that failed after it (its feeder ended for it) is reported as. */
    Throwable failure() {
        return failed.get();
    }
    /** The most chunk bytes and chunks ever cut and not yet sealed at once (tests check the bound with them). */
    private final java.util.concurrent.atomic.AtomicLong inFlightBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong peakBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger inFlightChunks = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peakChunks = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * The reader's buffer: one read of at most 1 MiB. The cut runs over each piece as it arrives
     * ({@link Chunker.Cutter}) and the piece is copied into the chunk being assembled, so no buffer
     * holds a maximal chunk ahead. Only the reading thread uses it (files: the reader thread; a stream: its caller).
     */
    private final byte[] buffer = new byte[Chunker.READ_SIZE];

    /** {@code added} counts what the pipeline stores: the backup's, not the repository object's, which other jobs share. */
    ChunkPipeline(Repository repo, int threads, BlobsAdded added) {
        this.repo = repo;
        this.added = added;
        this.workers = Executors.newFixedThreadPool(threads, daemon("vault-seal"));
        this.reader = Executors.newSingleThreadExecutor(daemon("vault-read"));
        this.budget = budgetBytes(threads);
        this.bytes = new Semaphore(budget);
        this.pool = new BufferPool(budget);
        this.chunks = new Semaphore(maxChunks(threads));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** What the backup stored so far; its trees are counted in it too. */
    BlobsAdded added() {
        return added;
    }

    /** The workers, for other work of the backup (saving trees) that must not wait behind the reader. */
    ExecutorService workers() {
        return workers;
    }

    /** A stream's content, cut on the calling thread; the future completes when every chunk is saved. */
    CompletableFuture<Content> split(InputStream in) throws IOException {
        List<CompletableFuture<ObjectId>> parts = new ArrayList<>();
        Chunker.Cutter cutter = repo.chunker().cutter();
        long size = 0;
        Chunk c = null;
        try {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                org.opsledger.vault.Cancelled.check("the backup"); // close() interrupts the reader: it stops within a read, not a file
                size += n;
                for (int p = 0; p < n; ) {
                    if (c == null) {
                        // a file's remaining length sizes the buffer of its next chunk (one chunk for a small file)
                        c = begin((long) n - p + Math.max(0, in.available()));
                    }
                    int take = cutter.scan(buffer, p, n - p);
                    c.append(buffer, p, take);
                    p += take;
                    if (cutter.cut()) {
                        parts.add(submit(c));
                        c = null;
                    }
                }
            }
            if (c != null) {
                parts.add(submit(c));
                c = null;
            }
        } finally {
            if (c != null) { // the read failed part-way: the chunk being cut is dropped
                release(c.buf, c.weight);
            }
        }
        long total = size;
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> new Content(parts.stream().map(CompletableFuture::join).toList(), total));
    }

    /** Runs {@code read} on the reader thread, after the files handed over before it. */
    <T> CompletableFuture<T> onReader(ReaderTask<T> read) {
        CompletableFuture<CompletableFuture<T>> started = CompletableFuture.supplyAsync(() -> {
            try {
                return read.run();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, reader);
        return started.thenCompose(f -> f);
    }

    @FunctionalInterface
    interface ReaderTask<T> {
        CompletableFuture<T> run() throws IOException;
    }

    /** The chunk being cut: its bytes so far, in a buffer whose size counts against {@link #budget}. */
    private final class Chunk {
        byte[] buf;
        int len;
        int weight;

        Chunk(int capacity) {
            buf = alloc(capacity);
            weight = buf.length;
        }

        void append(byte[] b, int off, int n) {
            if (len + n > buf.length) {
                // grown by doubling: acquire the difference, the old buffer goes back to the spares
                int capacity = Math.min(Chunker.MAX_SIZE, Math.max(len + n, 2 * buf.length));
                acquireBytes(weightOf(capacity) - weight);
                byte[] bigger = alloc(capacity);
                System.arraycopy(buf, 0, bigger, 0, len);
                giveBack(buf);
                buf = bigger;
                weight = bigger.length;
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }
    }

    /** Starts a chunk: waits until fewer than {@link #maxChunks} are in flight and its buffer fits the budget. */
    private Chunk begin(long remaining) {
        Throwable f = failed.get();
        if (f != null) {
            throw f instanceof VaultException v ? v : new VaultException("backup failed: " + f, f);
        }
        // most chunks of a large file are 0.5–2 MiB: one 2 MiB buffer, grown for the few longer ones
        int capacity = (int) Math.max(1, Math.min(remaining, 2L * Chunker.AVG_SIZE));
        try {
            chunks.acquire();
        } catch (InterruptedException e) {
            throw new org.opsledger.vault.Cancelled("the backup", e); // abandoned (close), or its job cancelled: stop cutting
        }
        try {
            acquireBytes(weightOf(capacity));
        } catch (VaultException e) {
            chunks.release();
            throw e;
        }
        peakChunks.accumulateAndGet(inFlightChunks.incrementAndGet(), Math::max);
        return new Chunk(capacity);
    }

    private void acquireBytes(int n) {
        try {
            bytes.acquire(n);
        } catch (InterruptedException e) {
            throw new org.opsledger.vault.Cancelled("the backup", e);
        }
        peakBytes.accumulateAndGet(inFlightBytes.addAndGet(n), Math::max);
    }

    /** Bytes of the buffer {@link #alloc} gives for {@code capacity}. */
    private static int weightOf(int capacity) {
        return BufferPool.sizeOf(capacity);
    }

    /** A buffer for {@code capacity} bytes: exact below 64 KiB, else a reused one of a few sizes ({@link BufferPool}). */
    private byte[] alloc(int capacity) {
        return pool.take(capacity);
    }

    private void giveBack(byte[] b) {
        pool.give(b);
    }

    private void release(byte[] b, int weight) {
        giveBack(b); // first: the reader waiting for these bytes finds the buffer
        inFlightBytes.addAndGet(-weight);
        inFlightChunks.decrementAndGet();
        bytes.release(weight);
        chunks.release();
    }

    private CompletableFuture<ObjectId> submit(Chunk c) {
        byte[] copy = c.buf;
        int len = c.len;
        int weight = c.weight;
        return CompletableFuture.supplyAsync(() -> {
            try {
                return repo.saveBlob(BlobType.DATA, copy, 0, len, added);
            } catch (RuntimeException | Error e) {
                if (failed.compareAndSet(null, e)) {
                    whenFailed.run();
                }
                throw e;
            } finally {
                release(copy, weight);
            }
        }, workers);
    }

    /** Chunk buffers given back, for the next chunks: at most {@link #budgetBytes} kept. */
    private final BufferPool pool;

    long peakBytesInFlight() {
        return peakBytes.get();
    }

    int peakChunksInFlight() {
        return peakChunks.get();
    }

    /** The chunk IDs of one file or stream, in order, and its length. */
    record Content(List<ObjectId> ids, long size) {
    }

    @Override
    public void close() {
        reader.shutdownNow();
        workers.shutdownNow();
    }
}
