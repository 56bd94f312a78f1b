package org.opsledger.cli;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Why the command is ending when it is neither its own end nor a signal: the heap ran out (the heap watch or the main
 * thread), or the stack did. The shutdown hooks read it: a journal entry then says so, with the command's exit code, and
 * the line a hook says on a signal is not said (an out-of-memory ending was journalled as "stopped by a signal", exit
 * 143, or not at all, and the backup said it was stopped by a signal: a helper's).
 */
public final class Ending {

    /** The one line the command ended with, and its exit code. */
    public record Reason(String line, int exitCode) {
    }

    private static volatile Reason reason;
    private static final AtomicBoolean outOfMemorySaid = new AtomicBoolean();

    private Ending() {
    }

    /** The heap ran out: the line {@link OneLineErrors#outOfMemory} says, exit 4. */
    static void outOfMemory() {
        because(outOfMemoryReason());
    }

    /** The reason of an out-of-memory ending, made before the heap is full (the heap watch's thread holds one). */
    static Reason outOfMemoryReason() {
        return new Reason(OneLineErrors.outOfMemory(), OneLineErrors.OUT_OF_MEMORY);
    }

    /**
     * True the first time it is asked, false after: whoever asks first prints the out-of-memory line (the main thread and
     * the heap watch's ran out together and each printed it, a helper's). Allocates nothing: asked in a full heap.
     */
    static boolean firstToSayOutOfMemory() {
        return outOfMemorySaid.compareAndSet(false, true);
    }

    /** Allocates nothing: said in a full heap. */
    static void because(Reason why) {
        reason = why;
    }

    static void because(String line, int exitCode) {
        reason = new Reason(line, exitCode);
    }

    public static Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * The reason {@code failure} is: out of memory when an OutOfMemoryError is among its causes (a worker's, wrapped), or,
     * when that error is the JVM's "unable to create native thread", the task limit: exit 1, which the launcher does not
     * run again in a larger heap (under systemd's TasksMax=32 a backup was told its heap was too small, four times, in
     * doubling heaps: a tester's).
     */
    public static Optional<Reason> of(Throwable failure) {
        OutOfMemoryError e = outOfMemoryIn(failure);
        return e == null ? Optional.empty() : Optional.of(e.getMessage() != null && e.getMessage().contains("unable to create native thread")
                ? new Reason(OneLineErrors.noThread(e), 1)
                : outOfMemoryReason());
    }

    /**
     * The OutOfMemoryError among {@code failure}'s causes (itself included), or null: a worker's comes wrapped, and one
     * thrown while a class or zstd-jni's library loaded comes inside the LinkageError, which said "cannot load zstd-jni's
     * native library (Java heap space) … mounted noexec", exit 1, of a heap too small (CI, VaultOutOfMemoryTest).
     */
    public static OutOfMemoryError outOfMemoryIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError e) {
                return e;
            }
        }
        return null;
    }

    /**
     * Ends with {@code why}: the hooks journal it, its line is said once (by whoever says it first: the main thread and the
     * heap watch's may end together) to {@code err}, and its exit code is returned.
     */
    static int with(Reason why, java.util.function.Consumer<String> err) {
        because(why);
        if (firstToSayOutOfMemory()) {
            err.accept("opsledger: " + why.line());
        }
        return why.exitCode();
    }
}
