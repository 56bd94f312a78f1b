package org.opsledger.cli.audit;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code opsledger audit export}: saves the log's entries as JSON lines (docs/audit-format.md 3) for {@code audit verify}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Save the audit log's entries (JSON lines, leaf order) to a file for `audit verify`.")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Option(names = {"-o", "--out"}, required = true, description = "File to write (replaced if it exists).")
    Path out;

    @Option(names = "--from", defaultValue = "0", description = "First leaf (default 0; verify needs 0).")
    long from;

    @Option(names = "--to", description = "One past the last leaf (default: the latest checkpoint's size).")
    Long to;

    @Override
    public Integer call() {
        if (from < 0 || (to != null && to < from)) {
            throw new CliException("--from must be 0 or more and --to at least --from", 2);
        }
        String query = "?from=" + from + (to == null ? "" : "&to=" + to);
        long lines = server.connect().download("/api/v1/audit/export" + query, out);
        System.out.println("saved " + lines + " entries to " + out);
        return 0;
    }
}
