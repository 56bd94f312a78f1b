package org.opsledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Bad input on the command line gets one line on stderr and a non-zero exit, never a stack trace.
 * Set {@code OPSLEDGER_DEBUG=1} to see the trace.
 */
final class OneLineErrors implements IExecutionExceptionHandler {

    /** The exit code of a command that ran out of heap: the launcher runs a backup, copy or tier again in twice the heap. */
    static final int OUT_OF_MEMORY = 4;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        boolean outOfMemory = false;
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                message = outOfMemory();
                outOfMemory = true;
            }
        }
        cmd.getErr().println("opsledger: " + TerminalText.escape(message.lines().findFirst().orElse(message)));
        if (System.getenv("OPSLEDGER_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return outOfMemory ? OUT_OF_MEMORY : ex instanceof CliException ce ? ce.exitCode() : 1;
    }

    /**
     * The launcher gives vault commands a small heap (the bounds of docs/vault-format.md §7); a very
     * large repository's index (≈130 bytes per blob) or a restore of very many files can need more, and the
     * operator needs the remedy.
     */
    static String outOfMemory() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory in a heap of " + mib + " MiB (a large repository's index needs ≈130 bytes per blob, a restore"
                + " ≈380 bytes per file); the repository"
                + " is left intact, and what a backup stored is kept: run again with OPSLEDGER_JAVA_OPTS=-Xmx" + Math.max(512, mib * 4) + "m";
    }
}
