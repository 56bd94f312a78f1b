package org.opsledger.cli.vault;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code opsledger vault}: encrypted, deduplicated backups with legal holds and key epochs. */
@Command(name = "vault", mixinStandardHelpOptions = true,
        description = "Encrypted, deduplicated backups with legal holds, key rotation and copies to long-term storage (IS.012 6.6).",
        subcommands = {InitCommand.class, BackupCommand.class, SnapshotsCommand.class, LsCommand.class, RestoreCommand.class,
                CheckCommand.class, ForgetCommand.class, PruneCommand.class, StatsCommand.class, HoldCommand.class,
                ReleaseCommand.class, CopyCommand.class, TierCommand.class, KeyCommand.class, CommandLine.HelpCommand.class})
public final class VaultCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
