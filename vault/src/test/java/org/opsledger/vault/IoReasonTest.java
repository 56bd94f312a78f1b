package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed file operation in words, from the exceptions the JDK really throws: not the path a second time. */
class IoReasonTest {

    @TempDir
    Path tmp;

    private static String reasonOf(ThrowingRunnable r) {
        try {
            r.run();
        } catch (IOException e) {
            return IoReason.of(e);
        }
        throw new AssertionError("no exception");
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws IOException;
    }

    @Test
    void aMissingAnExistingAndAWrongKindOfFileAreNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThat(reasonOf(() -> Files.readString(tmp.resolve("missing")))).isEqualTo("no such file");
        assertThat(reasonOf(() -> Files.createFile(file))).isEqualTo("already exists");
        assertThat(reasonOf(() -> Files.list(file).close())).isEqualTo("not a directory");
        assertThat(reasonOf(() -> Files.readString(tmp))).isEqualTo("Is a directory");
        assertThat(reasonOf(() -> Files.createDirectory(file.resolve("under")))).isEqualTo("Not a directory");
    }

    @Test
    void aProgramThatCannotStartIsNotNamedTwice() {
        assertThat(reasonOf(() -> new ProcessBuilder(tmp.resolve("no-such-program").toString()).start()))
                .isEqualTo("No such file or directory");
        // the form of JDKs before 21's
        assertThat(IoReason.of(new IOException("Cannot run program \"pg_dump\": error=13, Permission denied"))).isEqualTo("Permission denied");
        assertThat(IoReason.of(new IOException("disk on fire "))).isEqualTo("disk on fire");
    }
}
