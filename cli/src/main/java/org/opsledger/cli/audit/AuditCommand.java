package org.opsledger.cli.audit;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code opsledger audit}: the tamper-evident audit log (ECOMP 6.3, 6.4, 7; docs/audit-format.md). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check the tamper-evident audit log: save its key, checkpoints and entries; verify them offline; prove one entry.",
        subcommands = {VerifyCommand.class, ProveCommand.class, KeyCommand.class, CheckpointCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
