package org.opsledger.cli;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Ends a vault command that does little but collect garbage in a full heap as it would end out of memory (one line,
 * exit 4), instead of letting the serial collector go on for minutes first: a first backup of 600,000 small files in
 * the launcher's 64 MiB heap collected for ≈100 s before it ran out (docs/performance.md, "Fourteenth session"). The
 * launcher runs a backup, copy or tier that ends so again in twice the heap, and keeps what it stored. A daemon
 * thread looks once a second, from a few seconds after the start (the management classes cost ≈50 ms to load,
 * which a short command should not pay): {@link #SECONDS} looks in a row that find at least {@link #GC_SHARE} of
 * the time spent collecting and the old generation {@link #FULL} after its last collection end the command. The
 * JVM's own notifications were no use: their thread hardly ran while the collector took the CPU.
 */
final class HeapWatch {

    static final double FULL = 0.95;
    static final double GC_SHARE = 0.5;
    static final int SECONDS = 3;

    private HeapWatch() {
    }

    /** Watches on a daemon thread from {@code delayMillis} on. */
    static void start(long delayMillis, PrintStream err) {
        start(delayMillis, err, HeapWatch::watch);
    }

    /** What the thread runs: {@link #watch}, or in a test what fails as it can. */
    interface Watch {
        void watch(PrintStream err, String ended) throws InterruptedException;
    }

    /**
     * Runs {@code watch} on a daemon thread from {@code delayMillis} on. Its lines are made before the heap can be
     * full; if the watch itself runs out of memory (looking allocates a little), the heap is full and the command ends
     * as the watch would have ended it, not with the thread's stack trace: a backup of a directory of 100,000 files in
     * the launcher's heap printed one, and went on unwatched.
     */
    static void start(long delayMillis, PrintStream err, Watch watch) {
        String line = "opsledger: " + OneLineErrors.outOfMemory();
        String ended = line + " (ended after " + SECONDS + " s of collecting in a full heap)";
        Ending.Reason why = Ending.outOfMemoryReason(); // made now: the catch below runs in a full heap
        Thread.ofPlatform().daemon().name("heap-watch").start(() -> {
            try {
                // System.exit asks the logger of java.lang.Runtime whether to log the call: made first in a full heap, it
                // printed "Runtime.exit(4) logging failed: Java heap space" and "Could not initialize class
                // jdk.internal.logger.SurrogateLogger" (a helper's). Made here (≈25 ms, beside the command, not before it)
                // and at once: made after the delay, in a heap a command had filled by then, it failed itself and the exit
                // said "Could not initialize class jdk.internal.logger.BootstrapLogger$DetectBackend" (the CI of 2e83c903).
                System.getLogger("java.lang.Runtime").isLoggable(System.Logger.Level.DEBUG);
                Thread.sleep(delayMillis);
                watch.watch(err, ended);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (OutOfMemoryError e) {
                try {
                    if (Ending.firstToSayOutOfMemory()) {
                        err.println(line);
                        err.flush();
                    }
                } catch (OutOfMemoryError again) {
                    // the line did not fit either (it printed as the thread's stack trace): the exit code says it
                }
                Ending.because(why);
                System.exit(OneLineErrors.OUT_OF_MEMORY);
            }
        });
    }

    /** Looks once a second until the heap is found thrashing (then ends the JVM); returns at once when there is no old generation with a maximum. */
    static void watch(PrintStream err, String ended) throws InterruptedException {
        MemoryPoolMXBean old = null;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && pool.getUsage().getMax() > 0 && (name.contains("Old") || name.contains("Tenured"))) {
                old = pool;
            }
        }
        if (old == null) {
            return;
        }
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        long max = old.getUsage().getMax();
        long lastGc = gcMillis(collectors);
        long lastAt = System.nanoTime();
        int streak = 0;
        while (true) {
            Thread.sleep(1_000);
            long gc = gcMillis(collectors);
            long at = System.nanoTime();
            double share = (gc - lastGc) / ((at - lastAt) / 1e6);
            lastGc = gc;
            lastAt = at;
            var afterCollection = old.getCollectionUsage();
            boolean full = afterCollection != null && afterCollection.getUsed() >= FULL * max;
            streak = full && share >= GC_SHARE ? streak + 1 : 0;
            if (streak >= SECONDS) {
                Ending.outOfMemory();
                if (Ending.firstToSayOutOfMemory()) {
                    err.println(ended);
                    err.flush();
                }
                System.exit(OneLineErrors.OUT_OF_MEMORY); // as a TERM would: the shutdown hooks release the repository's lock
            }
        }
    }

    /** Allocates nothing of its own (no stream): it runs once a second in a heap that may be full. */
    private static long gcMillis(List<GarbageCollectorMXBean> collectors) {
        long millis = 0;
        for (int i = 0; i < collectors.size(); i++) { // no iterator either
            millis += Math.max(0, collectors.get(i).getCollectionTime());
        }
        return millis;
    }
}
