package org.opsledger.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Standard output that remembers why it stopped taking bytes. A PrintStream swallows the error of a failed write and
 * only answers {@code checkError()}, so `vault dump latest app.sql > /restore/app.sql` on a disk that filled said
 * "stdout was closed", as if its reader had gone; the operator needs to hear that the disk is full.
 */
public final class Stdout {

    private static volatile IOException failure;
    /** Whether a line of the command's has said why stdout failed ({@link #whyClosed}): the end does not say it again. */
    private static volatile boolean said;
    /** What the command did, as its journal entry says it (ok or incomplete); null while it did nothing it recorded. */
    private static volatile String done;

    private Stdout() {
    }

    /** Replaces System.out by the same stream over file descriptor 1 that keeps the reason of a failed write. */
    static void install() {
        OutputStream fd = new FileOutputStream(FileDescriptor.out);
        OutputStream keeping = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    fd.write(b, off, len);
                } catch (IOException e) {
                    failure = e;
                    throw e;
                }
            }
        };
        System.setOut(new PrintStream(new BufferedOutputStream(keeping, 8192), true, System.out.charset()));
    }

    /**
     * One line on why stdout failed, for the {@code what} being written ("dump", "output"): its reader went away (a
     * closed pipe, or nothing known), or the operating system's reason (a full disk under a redirection).
     */
    public static String whyClosed(String what) {
        said = true;
        IOException e = failure;
        String reason = e == null ? null : e.getMessage();
        if (reason == null || reason.contains("Broken pipe")) {
            return "stdout was closed before the " + what + " ended";
        }
        return "cannot write the " + what + " to stdout: " + reason.strip();
    }

    /**
     * The command recorded {@code line} as what it did (its journal entry, ok or incomplete): should its report not be
     * written, the end says this line, and the command's exit code stands, as the journal has it.
     */
    public static void did(String line) {
        done = line;
    }

    /**
     * The exit code once the command's output is flushed, and the line on stderr should stdout have failed unsaid (a
     * PrintStream keeps its failures to itself): `vault snapshots --json > report.json` on a full disk left an empty file
     * and exit 0, and `vault due --json` with an alarm exit 3 and not a word (h1's repro-3). A command the journal records as done keeps
     * its code, and the line says what it did (a backup's report lost with exit 1 was run again by a wrapper: a second
     * snapshot, the first one's ID lost, and a journal saying exit 0; h1's repro-4); any other done command (0, or 3 with
     * warnings its report listed) exits 1, and one that failed keeps its code, its own line said.
     */
    static int ended(int exit, java.io.PrintStream err) {
        System.out.flush();
        if (!System.out.checkError() || said) {
            return exit;
        }
        String why = whyClosed("output");
        if (done != null && (exit == 0 || exit == 3)) {
            TerminalText shown = TerminalText.over(err); // as the command's own lines
            shown.println("opsledger: " + done + "; its report could not be written: " + why);
            shown.flush();
            return exit;
        }
        err.println("opsledger: " + why + (exit == 3 ? "; it ended with warnings (exit 3), which the report listed" : ""));
        return exit == 0 || exit == 3 ? 1 : exit;
    }
}
