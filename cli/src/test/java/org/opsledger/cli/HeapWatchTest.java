package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A heap that stays full after collection after collection ends the command in one line and exit 4, before the
 * collector has spent minutes and the heap runs out: a child JVM in the launcher's collector keeps its old generation
 * full and collecting until the watch ends it.
 */
class HeapWatchTest {

    /** Runs {@code main} in a JVM of its own with {@code jvmOptions}; asserts it ends within {@code seconds}, exit 4: → its output. */
    private static String endsWithExitFour(Class<?> main, int seconds, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(4);
        return out;
    }

    @Test
    void aHeapThatStaysFullEndsTheCommandWithExitFourBeforeItRunsOut() throws Exception {
        String out = endsWithExitFour(Child.class, 120, "-XX:+UseSerialGC", "-Xmx24m");
        assertThat(out.lines().toList()).as(out).singleElement().asString()
                .startsWith("opsledger: out of memory in a heap of").endsWith("(ended after 3 s of collecting in a full heap)");
    }

    @Test
    void aWatchThatRunsOutOfMemoryItselfEndsTheCommandInOneLineNotWithItsStackTrace() throws Exception {
        String out = endsWithExitFour(WatchOutOfMemory.class, 60, "-Xmx64m");
        assertThat(out).as(out).doesNotContain("Exception in thread", "at org.opsledger");
        assertThat(out.lines().toList()).as(out).singleElement().asString().startsWith("opsledger: out of memory in a heap of");
    }

    /**
     * The main thread and the heap watch's ran out of memory together: each printed the line, so the operator read it
     * twice (a helper's). Whoever is first says it; the other only ends the command.
     */
    @Test
    void theMainThreadAndTheWatchRunningOutTogetherSayItOnce() throws Exception {
        String out = endsWithExitFour(BothOutOfMemory.class, 60, "-Xmx64m");
        assertThat(out.lines().toList()).as(out).singleElement().asString().startsWith("opsledger: out of memory in a heap of");
    }

    /**
     * System.exit asks the logger of java.lang.Runtime whether to log the call: made first in a full heap, it printed two JDK
     * lines after ours, "Runtime.exit(4) logging failed: Java heap space" and "Could not initialize class …" (a helper's).
     */
    @Test
    void aCommandEndedInAFullHeapSaysItsOneLineAlone() throws Exception {
        String out = endsWithExitFour(FullWhenEnded.class, 60, "-XX:+UseSerialGC", "-Xmx24m");
        assertThat(out.lines().toList()).as(out).singleElement().asString().startsWith("opsledger: out of memory in a heap of");
    }

    /** A watch that ends the command with the heap full but for a few KiB, all the rest live. */
    public static final class FullWhenEnded {
        static final List<Object> KEPT = new ArrayList<>();

        public static void main(String[] args) throws InterruptedException {
            HeapWatch.start(0, System.err, (err, ended) -> {
                try {
                    while (true) {
                        KEPT.add(new byte[1024]);
                    }
                } catch (OutOfMemoryError e) {
                    for (int i = 0; i < 8; i++) {
                        KEPT.remove(KEPT.size() - 1); // 8 KiB: room for our line, not for making a logger
                    }
                    throw e;
                }
            });
            Thread.sleep(30_000);
            System.exit(99);
        }
    }

    /** The main thread's command fails out of memory (a worker's, wrapped), then the watch's looking does too. */
    public static final class BothOutOfMemory {
        public static void main(String[] args) throws InterruptedException {
            java.util.concurrent.CountDownLatch mainSaidIt = new java.util.concurrent.CountDownLatch(1);
            HeapWatch.start(0, System.err, (err, ended) -> {
                mainSaidIt.await();
                throw new OutOfMemoryError("Java heap space");
            });
            int exit = new OneLineErrors().handleExecutionException(new RuntimeException(new OutOfMemoryError("Java heap space")),
                    new picocli.CommandLine(new OpsLedgerCommand()), null);
            mainSaidIt.countDown();
            Thread.sleep(30_000); // the watch ends the JVM
            System.exit(exit);
        }
    }

    /** A watch whose own looking runs out of memory, as it can in a heap the command has filled; the main thread waits. */
    public static final class WatchOutOfMemory {
        public static void main(String[] args) throws InterruptedException {
            HeapWatch.start(0, System.err, (err, ended) -> {
                throw new OutOfMemoryError("Java heap space");
            });
            Thread.sleep(30_000);
            System.exit(99);
        }
    }

    /**
     * Fills the old generation to {@link #KEPT_SHARE} of its maximum and then allocates pieces that live a while (a ring
     * of 1 MiB), so that each young collection promotes into a full old generation and a full collection follows: the
     * heap stays full and the collector takes most of the time (≈85 % here) for as long as the watch lets it, and never
     * runs out. It kept small pieces among much garbage until it ran out, as an index that grows does; but a look of the
     * watch that came late under load found the heap out already (the CI of 2e83c903: the watch's own looking ran out of
     * memory, so the command ended as out of memory without "ended after 3 s"), so the test asked of the clock what
     * it asks of the watch. Ends with 99 if the watch has not ended it within a minute.
     */
    public static final class Child {
        static final double KEPT_SHARE = 0.965;
        static final List<byte[]> KEPT = new ArrayList<>(); // static: a local the JIT finds unused is collected

        public static void main(String[] args) {
            HeapWatch.start(0, System.err);
            MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP && (p.getName().contains("Old") || p.getName().contains("Tenured")))
                    .findFirst().orElseThrow();
            long max = old.getUsage().getMax();
            while (old.getCollectionUsage().getUsed() < KEPT_SHARE * max) {
                for (int i = 0; i < 256; i++) {
                    KEPT.add(new byte[1024]);
                }
                System.gc();
            }
            byte[][] ring = new byte[1024][];
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            for (long n = 0; (n & 0xffff) != 0 || System.nanoTime() < until; n++) {
                ring[(int) (n % ring.length)] = new byte[1024];
            }
            System.err.println("the watch did not end it");
            System.exit(99);
        }
    }
}
