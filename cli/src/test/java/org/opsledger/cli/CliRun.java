package org.opsledger.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the real command line, in this JVM, with what it printed (for the CLI tests). */
public record CliRun(int exit, String out, String err) {

    /** {@code vault ARGS AT}: a vault command with the options {@code at} names the repository by (--repo, --password-file). */
    public static CliRun vault(java.util.List<String> at, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("vault"));
        all.addAll(java.util.List.of(args));
        all.addAll(at);
        return of(all.toArray(String[]::new));
    }

    public static CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = OpsLedgerCommand.run(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
