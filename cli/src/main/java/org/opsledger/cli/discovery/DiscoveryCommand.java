package org.opsledger.cli.discovery;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code opsledger discovery}: network discovery scans into the inventory (IS.012 6.3.2; docs/inventory.md). */
@Command(name = "discovery", mixinStandardHelpOptions = true,
        description = "Send network discovery scans to the server's inventory.",
        subcommands = {ImportCommand.class, CommandLine.HelpCommand.class})
public final class DiscoveryCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
