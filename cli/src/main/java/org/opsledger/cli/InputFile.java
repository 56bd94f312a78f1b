package org.opsledger.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.opsledger.vault.snapshot.NodeType;

/**
 * A file named on the command line to be read (--files-from, --exclude-file, --password-file, an @argfile), opened so. A
 * FIFO is legitimate, a program writes to it (`--password-file <(pass show vault)`, `--files-from <(find …)`), and its
 * open waits until one does: with none the command waited for ever, before it said a word (an engineer's note). When the
 * open has not returned after {@link #NOTICE_AFTER}, one line on stderr says what it waits for, and it goes on waiting;
 * a stop signal ends it with its usual line ({@link org.opsledger.cli.vault.VaultCommand#stoppable}).
 */
public final class InputFile {

    /** How long an open of a FIFO goes on before the line that says it waits for a writer. */
    static final Duration NOTICE_AFTER = Duration.ofSeconds(2);

    private InputFile() {
    }

    /** {@code file} opened for reading; {@code option} names it in the notice ("--password-file", "the argument file @F"). */
    public static InputStream open(Path file, String option) throws IOException {
        if (!isFifo(file)) {
            return Files.newInputStream(file);
        }
        boolean[] opened = {false};
        Thread notice = Thread.ofVirtual().name("fifo-notice").start(() -> {
            try {
                Thread.sleep(NOTICE_AFTER);
            } catch (InterruptedException openedMeanwhile) {
                return;
            }
            synchronized (opened) {
                if (!opened[0]) {
                    TerminalText.over(System.err).println("opsledger: waiting for a writer on FIFO " + TerminalText.path(file)
                            + " (" + option + ")");
                }
            }
        });
        try {
            return Files.newInputStream(file);
        } finally {
            synchronized (opened) {
                opened[0] = true;
            }
            notice.interrupt();
        }
    }

    /** Whether {@code file} is a FIFO (or a pipe, /dev/fd/N of `<(…)`), by a stat through links, which opens nothing. */
    private static boolean isFifo(Path file) {
        try {
            return NodeType.ofMode((Integer) Files.getAttribute(file, "unix:mode")) == NodeType.FIFO;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // the open says what is wrong
        }
    }
}
