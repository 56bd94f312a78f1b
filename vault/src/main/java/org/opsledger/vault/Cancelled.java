package org.opsledger.vault;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;

/**
 * The operation was cancelled: its thread was interrupted ({@code Thread.interrupt}, {@code Future.cancel(true)},
 * {@code ExecutorService.shutdownNow}), as a server's backup service cancels a job. Never damage and never a store's
 * failure: a read the interrupt broke off ({@code ClosedByInterruptException}) said nothing of the file, and a cancelled
 * repair moved every snapshot to damaged/ and emptied the index, which the next prune took for no data needed (a helper's).
 * The repository is left as a killed process leaves it, or better; the thread's interrupt flag stays set.
 */
public final class Cancelled extends VaultException {

    public Cancelled(String what, Throwable cause) {
        super(what + " cancelled (its thread was interrupted): nothing was taken for damage; run it again to finish it", cause);
        Thread.currentThread().interrupt(); // kept set for the caller that cancelled, whatever cleared it on the way
    }

    /** Whether {@code e}, or what caused it, is an interruption of the thread, not a failure of the store or damage. */
    public static boolean caused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Cancelled || t instanceof ClosedByInterruptException || t instanceof FileLockInterruptionException
                    || t instanceof InterruptedIOException && !(t instanceof java.net.SocketTimeoutException) // a timeout is the store's
                    || t instanceof InterruptedException
                    || t instanceof software.amazon.awssdk.core.exception.AbortedException) { // the AWS SDK's, for a call the interrupt ended
                return true;
            }
        }
        return false;
    }

    /**
     * Throws {@code e} as a cancellation when it is one, or when this thread was interrupted (a failure seen then says
     * nothing of the repository); else returns, and the caller may take it for damage. The first line of every catch
     * that decides "damaged", "unreadable" or "does not read".
     */
    public static void passOn(Throwable e, String what) {
        if (e instanceof Cancelled c) {
            throw c;
        }
        if (caused(e) || Thread.currentThread().isInterrupted()) {
            throw new Cancelled(what, e);
        }
    }

    /**
     * {@link java.util.concurrent.CompletableFuture#join}, which ignores an interrupt, but a cancellation when the waiting
     * thread is interrupted: a backup cancelled 150 ms in read and stored all 64 MiB of its file first, and a restore or
     * check went on to return success (a helper's). Its caller's {@code finally} then ends the workers (shutdownNow).
     * Fails as {@code join} does otherwise, with a {@link java.util.concurrent.CompletionException}.
     */
    public static <T> T join(java.util.concurrent.CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            throw new Cancelled(what, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(e.getCause());
        }
    }

    /** Throws a cancellation when this thread was interrupted: where a job moves to its next file, blob or step, and before it writes what it found. */
    public static void check(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Cancelled(what, null);
        }
    }
}
