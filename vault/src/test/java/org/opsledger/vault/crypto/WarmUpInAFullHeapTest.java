package org.opsledger.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The crypto warm-up runs on a thread of its own beside the command; in a heap the command has filled, the warm-up's own
 * allocations can be the ones that run out. Its stack trace then came before the command's one-line "out of memory" (the
 * project's CI: VaultOutOfMemoryTest, a backup in a 12 MiB heap). Its work must end quietly there: a thread's uncaught
 * error is what printed the trace. Shown to fail (THREW) with the warm-up catching GeneralSecurityException alone.
 *
 * <p>The work runs on the child's main thread, in a heap full before it starts, so its first allocation fails every time.
 * Racing the warm-up's own thread against a second filling of the heap (this test's first form) let the warm-up finish
 * first in a third of the runs, here as on the CI, and the check that the heap was full then failed the test.
 */
class WarmUpInAFullHeapTest {

    @Test
    void aWarmUpThatRunsOutOfMemoryReturnsQuietly() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xmx16m",
                "-cp", System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("the warm-up ran out of memory (FULL) and returned").isEqualTo("FULL RETURNED\n");
    }

    /**
     * Runs the warm-up once while there is room, so that every class it uses is loaded and initialised (a class whose
     * initialiser ran out of memory would fail later with another error), then fills the heap until not even 16 bytes
     * fit and runs it again.
     */
    public static final class Child {
        private static final Object[] HELD = new Object[1 << 16];
        private static int held;

        public static void main(String[] args) {
            Runnable warmUp = Sealing.warmUpTask(true, true);
            warmUp.run();
            fill();
            boolean full = !room();
            boolean threw = false;
            try {
                warmUp.run();
            } catch (Throwable t) {
                threw = true;
            }
            for (int i = 0; i < held; i++) {
                HELD[i] = null; // not Arrays.fill: loading a class takes room there is not
            }
            System.out.print((full ? "FULL" : "NOT FULL") + (threw ? " THREW" : " RETURNED") + "\n");
        }

        /** Allocates until not even 16 bytes fit, holding each. */
        private static void fill() {
            for (int size = 1 << 20; size >= 16 && held < HELD.length - 1; ) {
                try {
                    HELD[held++] = new byte[size];
                } catch (OutOfMemoryError e) {
                    held--;
                    size /= 2;
                }
            }
        }

        private static boolean room() {
            try {
                HELD[held] = new byte[16];
                HELD[held] = null;
                return true;
            } catch (OutOfMemoryError e) {
                return false;
            }
        }
    }
}
