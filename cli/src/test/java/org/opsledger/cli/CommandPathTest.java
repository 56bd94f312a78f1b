package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line is built only down the path the arguments name; help, usage and suggestions stay whole. */
class CommandPathTest {

    private static final String[] VAULT_COMMANDS = {"init", "backup", "snapshots", "ls", "diff", "find", "restore", "dump", "check", "journal", "due", "decommission", "repair", "recover", "forget", "prune", "unlock",
            "stats", "hold", "release", "amend", "rewrite", "copy", "tier", "key", "upgrade", "dispose", "help"};

    @Test
    void helpListsEveryCommand() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("server", "vault", "audit", "discovery", "help");
        CliRun vault = CliRun.of("vault", "--help");
        assertThat(vault.exit()).isZero();
        for (String name : VAULT_COMMANDS) {
            assertThat(vault.out()).containsPattern("(?m)^  " + name + " ");
        }
        assertThat(vault.out()).as("the launcher's training workload is not a user's command").doesNotContain("train-cache");
        assertThat(CliRun.of("help", "vault").out()).contains("Usage: opsledger vault", "restore");
        assertThat(CliRun.of("vault", "help", "backup").out()).contains("Usage: opsledger vault backup");
    }

    /**
     * Which commit a host runs decides what its prune keeps of the journal (keySlot and login: h4's repro-2), and every build
     * of a day said "opsledger 0.1.0-SNAPSHOT": --version names the build's commit ("unknown" without git) and time.
     */
    @Test
    void theVersionNamesTheBuildsCommitAndTime() {
        assertThat(CliRun.of("--version").out().strip()).matches("opsledger (\\S+|development build) \\(commit ([0-9a-f]{40}(\\+modified)?|unknown),"
                + " built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)");
    }

    @Test
    void everyCommandPrintsTheVersionItsHelpOffers() {
        String version = CliRun.of("--version").out();
        assertThat(version).startsWith("opsledger ");
        assertThat(CliRun.of("vault", "--version").out()).isEqualTo(version); // printed nothing before
        assertThat(CliRun.of("vault", "backup", "-V").out()).isEqualTo(version);
        assertThat(CliRun.of("vault", "key", "add", "--version").out()).isEqualTo(version);
    }

    @Test
    void aNamedCommandRunsWithItsFullName() {
        CliRun run = CliRun.of("vault", "backup", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: opsledger vault backup", "--stdin-from-command");
        assertThat(CliRun.of("audit", "verify", "--help").out()).contains("Usage: opsledger audit verify");
    }

    @Test
    void onlyThePathTheArgumentsNameIsBuilt() {
        picocli.CommandLine line = CommandPath.build(new OpsLedgerCommand(), new String[] {"vault", "backup", "--json"});
        assertThat(line.getSubcommands().keySet()).containsExactlyInAnyOrder("vault", "help");
        assertThat(line.getSubcommands().get("vault").getSubcommands().keySet()).containsExactlyInAnyOrder("backup", "help");
        picocli.CommandLine whole = CommandPath.build(new OpsLedgerCommand(), new String[] {"vault", "--help"});
        assertThat(whole.getSubcommands().get("vault").getSubcommands().keySet()).hasSize(VAULT_COMMANDS.length + 1); // + train-cache
    }

    @Test
    void eachCommandsFirstLineIsASentenceOfItsOwn() {
        // `vault --help` lists each command with the first line of its description: a sentence cut there misleads
        picocli.CommandLine whole = CommandPath.build(new OpsLedgerCommand(), new String[] {"vault", "--help"});
        whole.getSubcommands().get("vault").getSubcommands().forEach((name, command) -> {
            String[] description = command.getCommandSpec().usageMessage().description();
            if (!name.equals("help")) {
                assertThat(description[0]).as(name).endsWith(".");
            }
        });
    }

    /** picocli prints each line of a description on its own: one that ended mid-phrase broke the help there (a helper's). */
    @Test
    void aHelpPageBreaksLinesOnlyWhereTheTextDoes() {
        String help = CliRun.of("vault", "upgrade", "--help").out();
        assertThat(help.replace("\n", " ").replaceAll(" +", " ")).contains("(`vault journal`); 5: what later builds of format 4 added, which its first builds misread (docs/adr/0007). Builds of an older format");
        assertThat(help).doesNotContainPattern("`vault\n");
        assertThat(CliRun.of("vault", "dump", "--help").out()).contains("\n  vault dump latest app.sql | psql app\n");
    }

    @Test
    void aTypoIsRefusedWithSuggestions() {
        CliRun run = CliRun.of("vault", "backupp");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument", "did you mean: vault backup").hasLineCount(1);
        CliRun top = CliRun.of("vaultt");
        assertThat(top.exit()).isEqualTo(2);
        assertThat(top.err()).contains("vault", "`opsledger --help` lists the commands").hasLineCount(1);
    }

    @Test
    void aCommandLineThatDoesNotParseIsOneLineNotTheWholeUsage() {
        // picocli printed the usage after the reason: 60 lines for `vault backup`, the reason scrolled away
        CliRun unknown = CliRun.of("vault", "backup", "--bogus", "/tmp");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("opsledger: Unknown option: '--bogus' (`opsledger vault backup --help` lists the options)\n");
        CliRun tag = CliRun.of("vault", "backup", "/tmp", "--tag");
        assertThat(tag.exit()).isEqualTo(2);
        assertThat(tag.err()).startsWith("opsledger: Missing required parameter for option '--tag' (K=V)").hasLineCount(1);
        CliRun notATag = CliRun.of("vault", "backup", "--tag", "bad", "/tmp");
        assertThat(notATag.exit()).isEqualTo(2);
        assertThat(notATag.err()).isEqualTo("opsledger: --tag bad: a tag is NAME=VALUE, a name and a value of one line each, without"
                + " control characters\n");
        CliRun number = CliRun.of("vault", "backup", "--threads", "x", "/tmp");
        assertThat(number.err()).contains("'--threads'", "'x' is not an int").hasLineCount(1);
    }
}
