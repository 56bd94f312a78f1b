package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A `backup --stdin-from-command` that is stopped (SIGTERM, Ctrl-C) or fails leaves no process of its command running: a
 * process forked by the program's own SIGTERM handler after the vault had listed the program's descendants, or one that had
 * left the tree before, was reparented to init and ran on after the backup said it had stopped the command (a tester's,
 * session 40); a child of a program that exited non-zero ran on too, and kept the backup reading while it wrote. Each
 * process of the command here writes its pid to a file of the test's as it starts; each must be gone once the backup has
 * returned (two minutes at most, for a machine under load), and a process of no run, or of another, still there.
 */
class StoppedCommandLeavesNothingRunningTest {

    @TempDir
    Path tmp;

    /** The file each process of the command writes its pid to. */
    private Path pids;
    /** sleep's argument (600 s and digits of this test's own): every process of the command holds it or the file's path. */
    private String nap;
    private final List<Process> started = new ArrayList<>();

    /**
     * The program: it writes its pid, starts one process that leaves its tree at once (a daemon's double fork) and one that
     * stays, and on SIGTERM or SIGINT starts another as it exits (a cleanup child), as a dump tool told to stop may.
     */
    private static final String STOPPED = """
            pids=$1 nap=$2
            napping() { sh -c 'echo $$ >> "$0"; exec sleep "$1"' "$pids" "$nap" & }
            echo $$ >> "$pids"
            (napping)
            trap 'napping; exit 143' TERM INT
            sh -c 'trap "" TERM; echo $$ >> "$0"; exec sleep "$1"' "$pids" "$nap" &
            echo dump
            napping
            wait
            """;

    @BeforeEach
    void repository() throws Exception {
        pids = tmp.resolve("pids");
        nap = "600." + ProcessHandle.current().pid() + System.nanoTime() % 1_000_000;
        assertThat(vault("init", "--kdf-iterations", "100000").start().waitFor()).isZero();
    }

    @AfterEach
    void endWhatRunsStill() throws Exception {
        started.forEach(Process::destroyForcibly);
        if (Files.exists(pids)) {
            for (long pid : listed()) {
                if (ours(pid)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    @Test
    void aBackupStoppedBySigtermLeavesNoProcessOfItsCommand() throws Exception {
        List<Process> others = notTheRuns();
        Process backup = backupOf(STOPPED, false);
        awaitPids(4, backup);
        backup.destroy(); // SIGTERM
        assertThat(backup.waitFor(2, TimeUnit.MINUTES)).as("ended").isTrue();
        assertThat(backup.exitValue()).isEqualTo(143);
        assertNoneRuns();
        List<String> said = said();
        assertThat(said).contains("opsledger: backup stopped by SIGTERM before it ended: no snapshot was written");
        // one line names what had to be killed: the process that ignores SIGTERM at least (the fourth that wrote its pid,
        // or another: the order they start in is theirs)
        assertThat(said.stream().filter(l -> l.startsWith("opsledger: stopping the command, ")).toList()).singleElement().asString()
                .startsWith("opsledger: stopping the command, killed what of the command SIGTERM had not ended: ")
                .containsPattern("\\bsleep \\(pid (" + String.join("|", listed().stream().map(Object::toString).toList()) + ")\\)")
                .doesNotContain("could not end");
        // IS.012 6.6.5: the run's entry says it too (it was on stderr alone)
        String line = said.stream().filter(l -> l.startsWith("opsledger: stopping the command, ")).findFirst().orElseThrow();
        assertThat(backupEntry().get("detail").asString()).isEqualTo("stopped by SIGTERM before it ended; " + line.substring("opsledger: ".length()));
        assertThat(others).as("a process of no run and one of another run").allMatch(Process::isAlive);
    }

    /** Ctrl-C on a terminal: SIGINT to the whole group, the command's processes with the backup. */
    @Test
    void aBackupStoppedByCtrlCLeavesNoProcessOfItsCommand() throws Exception {
        List<Process> others = notTheRuns();
        Process backup = backupOf(STOPPED, true);
        awaitPids(4, backup);
        assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + backup.pid()).start().waitFor()).isZero();
        assertThat(backup.waitFor(2, TimeUnit.MINUTES)).as("ended").isTrue();
        assertThat(backup.exitValue()).isEqualTo(130);
        assertThat(said()).contains("opsledger: backup stopped by SIGINT (Ctrl-C) before it ended: no snapshot was written");
        assertNoneRuns();
        assertThat(others).as("a process of no run and one of another run").allMatch(Process::isAlive);
    }

    /**
     * A program that exits non-zero while a child it started writes on, and another it started runs on with the output
     * closed: the backup read on for as long as the child wrote, and the other ran on after it. Both are ended as the
     * program's failure is known, and the backup fails naming it.
     */
    @Test
    void aFailedProgramsChildrenAreEndedWithTheBackup() throws Exception {
        List<Process> others = notTheRuns();
        Process backup = backupOf("""
                pids=$1 nap=$2
                echo $$ >> "$pids"
                sh -c 'echo $$ >> "$0"; while :; do echo more; sleep 1; done' "$pids" &
                (sh -c 'echo $$ >> "$0"; exec sleep "$1"' "$pids" "$nap" > /dev/null &)
                while [ "$(wc -l < "$pids")" -lt 3 ]; do sleep 0.1; done
                exit 4
                """, false);
        assertThat(backup.waitFor(2, TimeUnit.MINUTES)).as("not left reading what the child writes").isTrue();
        assertThat(backup.exitValue()).isEqualTo(1);
        assertThat(said()).contains("opsledger: command sh exited with status 4; no snapshot was written");
        assertThat(listed()).hasSize(3);
        assertNoneRuns();
        assertThat(others).as("a process of no run and one of another run").allMatch(Process::isAlive);
    }

    /**
     * A program that exits 0 once its output is written, leaving a child running in its tree and one that left it (an
     * `ssh -f` tunnel, a wrapper's background child, their output closed; one ignores SIGTERM): they ran on after "saved",
     * and nothing said so. The snapshot is saved (exit 0), each is ended and named in a warning on stderr, and the run's
     * journal entry says it after its summary.
     */
    @Test
    void aSavedBackupEndsAndNamesWhatItsCommandLeftRunning() throws Exception {
        List<Process> others = notTheRuns();
        Process backup = backupOf("""
                pids=$1 nap=$2
                echo $$ >> "$pids"
                sh -c 'trap "" TERM; echo $$ >> "$0"; exec sleep "$1"' "$pids" "$nap" > /dev/null &
                while [ "$(wc -l < "$pids")" -lt 2 ]; do sleep 0.1; done
                (sh -c 'echo $$ >> "$0"; exec sleep "$1"' "$pids" "$nap" > /dev/null &)
                while [ "$(wc -l < "$pids")" -lt 3 ]; do sleep 0.1; done
                echo dump
                """, false);
        assertThat(backup.waitFor(2, TimeUnit.MINUTES)).as("ended").isTrue();
        assertThat(backup.exitValue()).as(String.join("\n", said())).isZero();
        assertNoneRuns();
        List<Long> left = listed().subList(1, 3); // the one that ignores SIGTERM first
        List<String> said = said();
        List<String> warned = said.stream().filter(l -> l.startsWith("opsledger: warning: the command left ")).toList();
        assertThat(warned).as(String.join("\n", said)).hasSize(1);
        String line = warned.getFirst();
        assertThat(line).containsPattern("left sleep \\(pid (" + left.get(0) + "|" + left.get(1) + ")\\), sleep \\(pid ("
                        + left.get(0) + "|" + left.get(1) + ")\\) running after its output ended: each asked to end \\(SIGTERM\\); "
                        + "killed what of the command SIGTERM had not ended: sleep \\(pid " + left.get(0) + "\\)$");
        JsonNode entry = backupEntry();
        assertThat(entry.get("outcome").asString()).isEqualTo("ok");
        assertThat(entry.get("detail").asString()).startsWith("snapshot ").endsWith("; " + line.substring("opsledger: ".length()));
        assertThat(others).as("a process of no run and one of another run").allMatch(Process::isAlive);
    }

    /**
     * A process of the run the vault may not signal (another user's, as `-- sudo -u postgres pg_dump` runs one) is named
     * "could not end", with the command that ends it, on stderr and in the journal, and the backup fails. The vault runs
     * as root here, without CAP_KILL (setpriv), which is what lets root signal every process; the program's child becomes
     * nobody (CAP_SETUID stays) and is signalled as a non-root vault's user would signal another user's.
     */
    @Test
    void aProcessTheVaultMayNotSignalIsNamedAndFailsTheBackup() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root") && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "runs as root, with setpriv (util-linux)");
        Process backup = backupOf("""
                pids=$1 nap=$2
                echo $$ >> "$pids"
                setpriv --reuid=nobody --regid=nogroup --clear-groups sleep "$nap" > /dev/null &
                echo $! >> "$pids"
                until grep -q '^Uid:[[:space:]]*65534[[:space:]]' /proc/$!/status; do sleep 0.1; done
                echo dump
                exit 4
                """, false, "setpriv", "--bounding-set", "-kill", "--inh-caps", "-kill", "--");
        assertThat(backup.waitFor(2, TimeUnit.MINUTES)).as("ended").isTrue();
        assertThat(backup.exitValue()).as(String.join("\n", said())).isEqualTo(1);
        long nobodys = listed().get(1);
        assertThat(ours(nobodys)).as("another user's, that the vault may not signal: it runs on").isTrue();
        String expected = "stopping the command, could not end /usr/bin/sleep (pid " + nobodys + ", user nobody) (a program of another user?): "
                + "end it as that user (sudo kill " + nobodys + ")";
        assertThat(said()).contains("opsledger: command sh exited with status 4; no snapshot was written", "opsledger: " + expected);
        JsonNode entry = backupEntry();
        assertThat(entry.get("outcome").asString()).isEqualTo("failed");
        assertThat(entry.get("detail").asString()).isEqualTo("command sh exited with status 4; no snapshot was written; " + expected);
    }

    /** The journal's one backup entry. */
    private JsonNode backupEntry() throws Exception {
        Path out = tmp.resolve("journal.json");
        Process journal = vault("journal", "--operation", "backup", "--json").redirectOutput(out.toFile()).start();
        assertThat(journal.waitFor(2, TimeUnit.MINUTES)).isTrue();
        JsonNode entries = org.opsledger.vault.VaultJson.MAPPER.readTree(Files.readString(out)).get("entries");
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private Process backupOf(String script, boolean ownSession) throws Exception {
        return backupOf(script, ownSession, new String[0]);
    }

    /**
     * `vault backup --stdin-from-command -- sh SCRIPT PIDS NAP`, in a session of its own when {@code ownSession} (setsid),
     * run by {@code through} (setpriv and its options) when given.
     */
    private Process backupOf(String script, boolean ownSession, String... through) throws Exception {
        Path program = Files.writeString(tmp.resolve("dump.sh"), script);
        ProcessBuilder pb = vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", program.toString(),
                pids.toString(), nap);
        if (ownSession) {
            pb.command().addFirst("setsid"); // its group is the command's and the backup's alone, as a terminal's
        }
        pb.command().addAll(0, List.of(through));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private ProcessBuilder vault(String... args) {
        // native access enabled as the jar's manifest enables it: the run's processes signalled by pidfd (ProcessSignals)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", args[0],
                "--repo", tmp.resolve("repo").toString()));
        command.addAll(List.of(args).subList(1, args.length));
        // stderr to a file: a pipe would be held open by any process left running
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("stderr").toFile());
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "nothing left");
        return pb;
    }

    /**
     * Two processes that are none of the run's, started before it is stopped: one of no run, one carrying another run's
     * marker. Neither may be ended.
     */
    private List<Process> notTheRuns() throws Exception {
        ProcessBuilder noRun = new ProcessBuilder("sleep", nap);
        noRun.environment().remove(CommandProcesses.MARKER);
        ProcessBuilder anotherRun = new ProcessBuilder("sleep", nap);
        anotherRun.environment().put(CommandProcesses.MARKER, "0123456789abcdef0123456789abcdef");
        List<Process> others = List.of(noRun.start(), anotherRun.start());
        started.addAll(others);
        return others;
    }

    /** Waits (two minutes at most) until {@code n} processes of the command have written their pid. */
    private void awaitPids(int n, Process backup) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while ((!Files.exists(pids) || listed().size() < n) && backup.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(listed()).as(String.join("\n", said())).hasSizeGreaterThanOrEqualTo(n);
    }

    /** Each process of the command that wrote its pid is gone, two minutes at most after the backup returned. */
    private void assertNoneRuns() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (long pid : listed()) {
            while (ours(pid) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ours(pid)).as("process " + pid + " of the command runs on after the backup: " + commandLine(pid)).isFalse();
        }
    }

    /** The pids the command's processes wrote, as far as they are written. */
    private List<Long> listed() throws IOException {
        return Files.readAllLines(pids).stream().filter(l -> l.matches("[0-9]+")).map(Long::valueOf).toList();
    }

    /**
     * Whether {@code pid} runs one of this test's processes: alive and no zombie (one killed and reparented to an init that
     * does not reap stays one), its command line holding the nap or this test's directory (not a process that took the
     * pid since).
     */
    private boolean ours(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String line = commandLine(pid);
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z' && (line.contains(nap) || line.contains(tmp.toString()));
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
            return "(gone)";
        }
    }

    private List<String> said() throws IOException {
        return Files.readAllLines(tmp.resolve("stderr"));
    }
}
