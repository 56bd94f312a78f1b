package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A heap that stays full after collection after collection ends the command in one line and exit 4, before the
 * collector has spent minutes and the heap runs out: a child JVM in the launcher's collector keeps what it allocates
 * in small pieces, as an index that grows does; an {@link OutOfMemoryError} reaching it would end it with 99.
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
        assertThat(out.lines().filter(l -> l.startsWith("opsledger:")).toList()).as(out).singleElement().asString()
                .contains("out of memory in a heap of", "ended after 3 s of collecting in a full heap");
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

    /** Keeps small pieces among much garbage until the watch ends it. */
    public static final class Child {
        public static void main(String[] args) {
            HeapWatch.start(0, System.err);
            List<byte[]> kept = new ArrayList<>();
            try {
                while (true) {
                    kept.add(new byte[256]); // 256 bytes kept per 64 KiB allocated: the heap fills over many collections
                    for (int i = 0; i < 16; i++) {
                        byte[] garbage = new byte[4096];
                        garbage[kept.size() % 4096] = 1;
                    }
                }
            } catch (OutOfMemoryError e) {
                kept = null;
                try {
                    Thread.sleep(5_000); // the watch may be ending the JVM already: its exit code stands
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                System.err.println("ran out of memory first");
                System.exit(99);
            }
        }
    }
}
