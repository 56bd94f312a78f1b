package org.opsledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Bad input on the command line gets one line on stderr and a non-zero exit, never a stack trace.
 * Set {@code OPSLEDGER_DEBUG=1} to see the trace.
 */
final class OneLineErrors implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cmd.getErr().println("opsledger: " + message.lines().findFirst().orElse(message));
        if (System.getenv("OPSLEDGER_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return ex instanceof CliException ce ? ce.exitCode() : 1;
    }
}
