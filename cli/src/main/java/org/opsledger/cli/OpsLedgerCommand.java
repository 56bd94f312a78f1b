package org.opsledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code opsledger} command. Each subcommand is one class in this package or below it. */
@Command(name = "opsledger",
        mixinStandardHelpOptions = true,
        versionProvider = OpsLedgerCommand.Version.class,
        description = "OpsLedger: the operations system of record for IS.012 and the ECOMP policy.",
        subcommands = {ServerCommand.class, org.opsledger.cli.vault.VaultCommand.class, org.opsledger.cli.audit.AuditCommand.class,
                org.opsledger.cli.discovery.DiscoveryCommand.class,
                CommandLine.HelpCommand.class})
public final class OpsLedgerCommand {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        CommandLine cmd = new CommandLine(new OpsLedgerCommand());
        cmd.setExecutionExceptionHandler(new OneLineErrors());
        return cmd.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OpsLedgerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"opsledger " + (v == null ? "development build" : v)};
        }
    }
}
