package org.opsledger.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The crypto warm-up runs on a thread of its own beside the command; in a heap the command has filled, the warm-up's own
 * allocations can be the ones that run out. Its stack trace then came before the command's one-line "out of memory" (the
 * project's CI: VaultOutOfMemoryTest, a backup in a 12 MiB heap). Here the heap is full before the warm-up starts, so its
 * first allocation fails every time: nothing may be printed. Shown to fail (the thread's OutOfMemoryError printed) with the
 * warm-up catching GeneralSecurityException alone.
 */
class WarmUpInAFullHeapTest {

    @Test
    void aWarmUpThatRunsOutOfMemoryPrintsNothing() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xmx16m",
                "-cp", System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("the warm-up ran out of memory (FULL) and said nothing").isEqualTo("FULL\nDONE\n");
    }

    /**
     * Fills its heap but for a reserve, lets the reserve go to start the warm-up, and fills what is left at once, before
     * the warm-up (at the lowest priority, its key and MAC to make first) gets far: its next allocation then fails. Where
     * a loaded machine let the warm-up finish first, the test passes without proving anything; it cannot fail by it.
     */
    public static final class Child {
        private static final Object[] HELD = new Object[1 << 16];
        private static int held;
        private static byte[] reserve;

        public static void main(String[] args) throws Exception {
            Sealing.sha256(new byte[1], 0, 1); // the class and its providers loaded while there is room
            reserve = new byte[256 << 10];
            fill();
            reserve = null; // room for the thread and the lookup below
            Sealing.warmUp(true);
            Thread warmUp = null;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                warmUp = t.getName().equals("vault-crypto-warmup") ? t : warmUp;
            }
            fill();
            boolean full = !room();
            if (warmUp != null) {
                warmUp.join(TimeUnit.MINUTES.toMillis(2));
            }
            java.util.Arrays.fill(HELD, null);
            System.out.print((full ? "FULL" : "NOT FULL") + "\nDONE\n");
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
