package org.opsledger.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code opsledger} command. Each subcommand is one class in this package or below it. */
@Command(name = "opsledger",
        mixinStandardHelpOptions = true,
        versionProvider = OpsLedgerCommand.Version.class,
        description = "OpsLedger: the operations system of record for IS.012 and the ECOMP policy.")
public final class OpsLedgerCommand implements CommandPath.Parent {

    @Override
    public Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("server", ServerCommand::new);
        commands.put("vault", org.opsledger.cli.vault.VaultCommand::new);
        commands.put("audit", org.opsledger.cli.audit.AuditCommand::new);
        commands.put("discovery", org.opsledger.cli.discovery.DiscoveryCommand::new);
        return commands;
    }

    /** The system property the {@code --by} options default to ({@code ${sys:opsledger.by}}): who runs the command. */
    public static final String BY_DEFAULT = "opsledger.by";

    public static void main(String[] args) {
        // one output and one journal whatever locale the JVM options give (-Duser.language=tr: "modıfıed", Arabic-Indic
        // digits in the journal; a tester's): the calls name Locale.ROOT too, for a library user
        java.util.Locale.setDefault(java.util.Locale.ROOT);
        Stdout.install();
        Runnable ended = () -> { };
        if (args.length > 0 && "vault".equals(args[0])) {
            ended = org.opsledger.cli.vault.VaultCommand.stoppable(args); // a signal from here on says what it stopped
            try {
                HeapWatch.start(2_000, System.err); // a vault command's heap is sized to its bounds (the launcher)
            } catch (OutOfMemoryError e) { // no thread to start (a task limit): its line, not a stack trace (a tester's)
                System.exit(Ending.with(Ending.of(e).orElseThrow(), System.err::println));
            }
        }
        int exit;
        try {
            exit = Stdout.ended(run(ExactArguments.of(args)), System.err);
        } finally {
            ended.run();
        }
        System.exit(exit);
    }

    /** Runs the command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        try {
            args = ArgumentFiles.expand(args); // before "--" only (picocli's own expansion is off)
        } catch (CliException e) {
            System.err.println("opsledger: " + e.getMessage());
            return e.exitCode();
        }
        String noDashes = org.opsledger.cli.vault.VaultCommand.commandNotAfterDashes(args);
        if (noDashes != null) {
            System.err.println("opsledger: " + noDashes);
            return 2;
        }
        // the --by defaults name the OS user (picocli's ${sys:…}): one without a passwd entry as "uid N", not "?"; and who
        // logged in, "root (login op1)" through sudo, as the journal does
        System.setProperty(BY_DEFAULT, org.opsledger.vault.OsUser.withLogin());
        CommandLine cmd = CommandPath.build(new OpsLedgerCommand(), args);
        cmd.setExpandAtFiles(false);
        OneLineErrors oneLine = new OneLineErrors();
        cmd.setExecutionExceptionHandler(oneLine);
        cmd.setParameterExceptionHandler(oneLine);
        // a path argument carrying bytes that are not UTF-8 (ExactArguments) names those bytes
        cmd.registerConverter(java.nio.file.Path.class, org.opsledger.vault.snapshot.FileNames::pathOf);
        versionEverywhere(cmd); // every help page offers -V: `vault --version` printed nothing, exit 0
        paragraphs(cmd);
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) { // picocli hands exceptions to OneLineErrors, errors come here
            return Ending.with(Ending.of(e).orElseThrow(), cmd.getErr()::println);
        } catch (LinkageError e) { // zstd-jni's library, unpacked to a noexec or full /tmp (hardened hosts): a stack trace (helpers')
            if (Ending.outOfMemoryIn(e) != null) { // the heap ran out while it loaded: not a load problem
                return Ending.with(Ending.of(e).orElseThrow(), cmd.getErr()::println);
            }
            String line = OneLineErrors.cannotLoad(e);
            Ending.because(line, 1);
            cmd.getErr().println("opsledger: " + line);
            return 1;
        } catch (StackOverflowError e) { // a tree deeper than the stack holds: it printed 1,024 lines of stack (a helper's)
            String line = "a directory tree deeper than this JVM's stack holds: run again with OPSLEDGER_JAVA_OPTS=-Xss64m";
            Ending.because(line, 1);
            cmd.getErr().println("opsledger: " + line);
            return 1;
        }
    }

    /**
     * A command's description is written in the source as lines of about 120 characters, which picocli prints each on a
     * line of its own after wrapping it at 80: `upgrade --help` broke "(`vault" / "journal`)" mid-phrase (a helper's). A
     * line that ends without ending its sentence is joined to the next; one that starts with spaces (an example) stays.
     */
    private static void paragraphs(CommandLine line) {
        var usage = line.getCommandSpec().usageMessage();
        java.util.List<String> joined = new java.util.ArrayList<>();
        for (String part : usage.description()) {
            String last = joined.isEmpty() ? null : joined.getLast();
            if (last != null && !part.startsWith(" ") && !last.startsWith(" ") && ".:;)!?".indexOf(last.charAt(last.length() - 1)) < 0) {
                joined.set(joined.size() - 1, last + " " + part);
            } else {
                joined.add(part);
            }
        }
        usage.description(joined.toArray(String[]::new));
        line.getSubcommands().values().forEach(OpsLedgerCommand::paragraphs);
    }

    private static void versionEverywhere(CommandLine line) {
        if (line.getCommandSpec().versionProvider() == null && line.getCommandSpec().version().length == 0) {
            line.getCommandSpec().versionProvider(new Version());
        }
        line.getSubcommands().values().forEach(OpsLedgerCommand::versionEverywhere);
    }

    /**
     * "opsledger 0.1.0-SNAPSHOT (commit 83d680ed…, built 2026-12-06T19:02:11Z)": every build of a day said 0.1.0-SNAPSHOT, and
     * which journal fields a host's prune keeps is a matter of its commit (docs/operations.md, "Format"; h4's repro-2).
     * The commit is "unknown" in a build from sources without git, and ends "+modified" in one of a changed work tree.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OpsLedgerCommand.class.getPackage().getImplementationVersion();
            java.util.Properties build = new java.util.Properties();
            try (var in = OpsLedgerCommand.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    build.load(in);
                }
            } catch (java.io.IOException unread) {
                // named unknown below
            }
            return new String[] {"opsledger " + (v == null ? "development build" : v) + " (commit " + build.getProperty("commit", "unknown")
                    + ", built " + build.getProperty("built", "unknown") + ")"};
        }
    }
}
