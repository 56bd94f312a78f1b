package org.opsledger.cli.vault;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.opsledger.cli.CommandPath;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code opsledger vault}: encrypted, deduplicated backups with legal holds and key epochs. */
@Command(name = "vault", mixinStandardHelpOptions = true,
        description = "Encrypted, deduplicated backups with legal holds, key rotation and copies to long-term storage (IS.012 6.6).")
public final class VaultCommand implements Runnable, CommandPath.Parent {

    @Override
    public Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("init", InitCommand::new);
        commands.put("backup", BackupCommand::new);
        commands.put("snapshots", SnapshotsCommand::new);
        commands.put("ls", LsCommand::new);
        commands.put("diff", DiffCommand::new);
        commands.put("find", FindCommand::new);
        commands.put("restore", RestoreCommand::new);
        commands.put("dump", DumpCommand::new);
        commands.put("check", CheckCommand::new);
        commands.put("journal", JournalCommand::new);
        commands.put("due", DueCommand::new);
        commands.put("decommission", DecommissionCommand::new);
        commands.put("repair", RepairCommand::new);
        commands.put("recover", RecoverCommand::new);
        commands.put("forget", ForgetCommand::new);
        commands.put("prune", PruneCommand::new);
        commands.put("unlock", UnlockCommand::new);
        commands.put("stats", StatsCommand::new);
        commands.put("hold", HoldCommand::new);
        commands.put("release", ReleaseCommand::new);
        commands.put("amend", AmendCommand::new);
        commands.put("rewrite", RewriteCommand::new);
        commands.put("copy", CopyCommand::new);
        commands.put("tier", TierCommand::new);
        commands.put("key", KeyCommand::new);
        commands.put("upgrade", UpgradeCommand::new);
        commands.put("dispose", DisposeCommand::new);
        commands.put("train-cache", TrainCommand::new); // hidden: the launcher's start-up cache workload
        return commands;
    }

    /**
     * At a vault command's start (main): the stop signals are the vault's from then on ({@link StopSignal}), and one says
     * what it stopped. One that came as the repository opened (its password read, its key derived), before the command's
     * journal took them, was the JVM's: exit 143 and not a line (a tester's soak). What the command registers to say later
     * (its journal's line, a backup's) is said instead; run the returned end as the command ends: then nothing is said.
     */
    public static Runnable stoppable(String[] args) {
        StopSignal.install();
        String command = args.length > 1 && !args[1].startsWith("-") ? args[1] : "vault";
        return Output.whenStopped(() -> "opsledger: " + command + " stopped by " + Output.stoppedBy() + " before it ended")::close;
    }

    /**
     * Why {@code args}, a whole command line, cannot run: `vault backup --stdin-from-command` with no `--` before its command,
     * whose options picocli then took for the vault's (`pg_dump -h db hr` printed the vault's help, exit 0, no backup, no
     * journal entry; `… echo hi --full` made `--full` the vault's: a tester's); null when it can (read before picocli).
     */
    public static String commandNotAfterDashes(String[] args) {
        if (args.length < 2 || !"vault".equals(args[0]) || !"backup".equals(args[1])) {
            return null;
        }
        boolean fromCommand = false;
        for (String a : args) {
            if (a.equals("--")) {
                return null;
            }
            fromCommand |= a.equals("--stdin-from-command");
        }
        return fromCommand ? "--stdin-from-command runs the words after --: put the command there (`--stdin-from-command"
                + " --stdin-name hr.sql -- pg_dump -h db hr`); without --, its options would be taken for the vault's" : null;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
