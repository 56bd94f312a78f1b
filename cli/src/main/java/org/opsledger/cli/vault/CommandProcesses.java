package org.opsledger.cli.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.ProcessSignals;

/**
 * The processes of one `backup --stdin-from-command` run, and their end when the backup is stopped or fails: the program,
 * every process it started, and every process that carries the run's marker, {@value #MARKER}=128 random bits in hex,
 * which the program is given and its processes inherit. A process forked by the program's own SIGTERM handler after the
 * vault had listed the program's descendants (`trap 'cleanup &' TERM`, a dump tool that starts a cleanup child when told to
 * stop), or one that had left the tree before (`(daemon &)`, setsid), is reparented to init, nobody's descendant: it ran on,
 * holding the database and writing to a FIFO nobody read, after the backup had said it stopped the command (a tester's,
 * session 40). The marker finds it in /proc/PID/environ. Another run's marker differs, so nothing of another run, nor
 * anything else, is ended; and a process of the vault's user reads its own processes' environments even where /proc shows
 * it no other (hidepid), which are all it may signal. A process group (setsid) was weighed and left: the program would lose
 * its terminal, where sudo and pg_dump ask for a password (a group of its own without a session leaves it in the
 * background, stopped as it reads the terminal), and a process that makes a session of its own leaves the group all the
 * same; a cgroup needs root. What the marker cannot find is a process that clears its environment (`env -i`; sudo's
 * env_reset, whose program is another user's, which sudo ends on the SIGTERM it relays) or writes over the memory /proc
 * shows of it (a server setting its process title), once it has left the program's tree. Each is signalled through
 * {@link ProcessSignals}, by a pidfd where Linux has one: a number listed, then signalled by kill(1), reached whatever
 * process had taken it meanwhile.
 */
final class CommandProcesses {

    /** The name of the variable that marks a run's processes. */
    static final String MARKER = "OPSLEDGER_RUN";

    /** How long the command's processes have to end on SIGTERM before they are killed. */
    static final long TERM_GRACE_MILLIS = 1_000;

    /**
     * How many times the run's processes are listed again after a kill: a process asked to end may start another as it
     * ends (its cleanup), which is asked in turn; the last round's are killed without asking.
     */
    static final int ROUNDS = 4;

    /** The most processes a line names; the rest are counted. */
    private static final int NAMED = 8;

    private final String marker;
    private final byte[] entry;
    private final AtomicReference<Process> program = new AtomicReference<>();
    /** Whether the run was ended (or is being ended): once. Guarded by this. */
    private boolean ended;
    /** The line its end said, without its "opsledger: "; null while it said none. Guarded by this. */
    private String said;

    private CommandProcesses(String marker) {
        this.marker = marker;
        this.entry = (MARKER + "=" + marker).getBytes(StandardCharsets.US_ASCII);
    }

    /** The processes of the run {@code pb} starts: its environment gets the run's marker. */
    static CommandProcesses marking(ProcessBuilder pb) {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        CommandProcesses run = new CommandProcesses(HexFormat.of().formatHex(random));
        pb.environment().put(MARKER, run.marker);
        return run;
    }

    /** The program, once started. */
    void started(Process p) {
        program.set(p);
    }

    /**
     * Ends every process of the run, once (a second call waits for the first to finish, and returns what it said): each
     * stopped (SIGSTOP) as it is found, then asked to end (SIGTERM) and let run a second to take it, then killed; listed
     * again after, and what appeared meanwhile (a cleanup child forked on the SIGTERM) ended so in turn, {@link #ROUNDS} at
     * most. Asked first: `-- sudo -u postgres pg_dump hr` ran on, orphaned, after a non-root backup was stopped, as sudo
     * relays neither SIGSTOP nor SIGKILL and the vault's user may not signal postgres's process; sudo relays SIGTERM (a
     * tester's). What had to be killed, and what is still there after (another user's, that the vault's user may not
     * signal), is said in one line on stderr, which is returned (without its "opsledger: ") for the run's journal entry:
     * it was said on stderr alone, and the journal of a stopped backup kept no trace of the processes it killed (IS.012
     * 6.6.5: complete backup records).
     */
    Optional<String> end() {
        return end(false);
    }

    /**
     * Ends what the run left running once its output was read to its end and its program exited 0 (an `ssh -f` tunnel,
     * a wrapper's background child holding the database): as {@link #end()}, and each named, as a warning, in the line
     * returned. They ran on after "saved", and a nightly job's piled up (docs/operations.md, "Backups with `opsledger
     * vault`", says why they are ended rather than left).
     */
    Optional<String> endLeftBehind() {
        return end(true);
    }

    private synchronized Optional<String> end(boolean leftBehind) {
        Process p = program.get();
        if (p == null || ended) {
            return Optional.ofNullable(said);
        }
        ended = true;
        Map<ProcessHandle, String> tried = new LinkedHashMap<>(); // each with its name, taken while it ran
        List<ProcessHandle> killed = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Map<ProcessHandle, String> fresh = stopped(tried.keySet());
            if (fresh.isEmpty()) {
                break;
            }
            tried.putAll(fresh);
            if (round < ROUNDS - 1) {
                // each asked to end, and let run to take it (sudo relays it to its program), before the kill
                ProcessSignals.send(ProcessSignals.SIGTERM, fresh.keySet());
                ProcessSignals.send(ProcessSignals.SIGCONT, fresh.keySet());
                awaitEach(fresh.keySet(), TERM_GRACE_MILLIS);
            }
            // the program first (listed first): a shell whose child died first would run its next command; SIGKILL ends a
            // stopped process too
            List<ProcessHandle> left = fresh.keySet().stream().filter(CommandProcesses::running).toList();
            ProcessSignals.send(ProcessSignals.SIGKILL, left);
            killed.addAll(left);
            // and the backup ends after them, not while a kill is still on its way (the fresh-clone CI saw the `sleep 120`
            // still listed as the backup had exited); two seconds at most for them all
            if (!awaitEach(left, 2_000)) {
                break;
            }
        }
        Set<ProcessHandle> notEnded = new LinkedHashSet<>(tried.keySet());
        notEnded.addAll(listed());
        notEnded.removeIf(h -> !running(h));
        killed.removeAll(notEnded);
        List<String> lines = new ArrayList<>();
        if (leftBehind && !tried.isEmpty()) {
            lines.add("the command left " + names(tried.keySet(), h -> tried.get(h) + " (pid " + h.pid() + ")")
                    + " running after its output ended: each asked to end (SIGTERM)");
        }
        if (!killed.isEmpty()) {
            lines.add("killed what of the command SIGTERM had not ended: " + names(killed, h -> tried.get(h) + " (pid " + h.pid() + ")"));
        }
        if (!notEnded.isEmpty()) {
            lines.add("could not end " + names(notEnded, h -> TerminalText.escape(h.info().command().orElse("?")) + " (pid " + h.pid()
                    + h.info().user().map(u -> ", user " + TerminalText.escape(u)).orElse("") + ")")
                    + " (a program of another user?): end it as that user (sudo kill "
                    + String.join(" ", notEnded.stream().map(h -> Long.toString(h.pid())).toList()) + ")");
        }
        if (!lines.isEmpty()) {
            said = (leftBehind ? "warning: " : "stopping the command, ") + String.join("; ", lines);
            Output.say("opsledger: " + said);
        }
        return Optional.ofNullable(said);
    }

    private static String names(Collection<ProcessHandle> all, java.util.function.Function<ProcessHandle, String> name) {
        List<String> named = all.stream().limit(NAMED).map(name).toList();
        return String.join(", ", named) + (all.size() > NAMED ? " and " + (all.size() - NAMED) + " more" : "");
    }

    /**
     * Every running process of the run not in {@code tried}, with its name, each stopped (SIGSTOP), listing again until no
     * new one appears: a stopped process starts no other. A subshell whose `head` ended between the listing and the kill
     * started its `sleep` unseen, which ran on (in CI).
     */
    private Map<ProcessHandle, String> stopped(Set<ProcessHandle> tried) {
        Map<ProcessHandle, String> all = new LinkedHashMap<>();
        for (int round = 0; round < 20; round++) {
            boolean grown = false;
            for (ProcessHandle h : listed()) {
                if (!tried.contains(h) && !all.containsKey(h) && running(h)) {
                    String command = h.info().command().orElse("?");
                    all.put(h, TerminalText.escape(command.substring(command.lastIndexOf('/') + 1)));
                    grown = true;
                }
            }
            ProcessSignals.send(ProcessSignals.SIGSTOP, all.keySet());
            if (!grown && round > 0) {
                break;
            }
        }
        return all;
    }

    /** The program and every process that carries the run's marker, each followed by its descendants. */
    private Set<ProcessHandle> listed() {
        List<ProcessHandle> roots = new ArrayList<>(List.of(program.get().toHandle()));
        roots.addAll(marked());
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            // one found below another is listed with it; a program that has exited is passed over, its number free for
            // another process whose children descendants() would list (its own start time is not compared)
            if (root.isAlive() && all.add(root)) {
                root.descendants().forEach(all::add);
            }
        }
        return all;
    }

    /**
     * The processes whose environment holds the run's marker: those of the vault's user (root's, every one) whose
     * /proc/PID/environ it may read; a zombie's is empty.
     */
    private List<ProcessHandle> marked() {
        List<ProcessHandle> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path pid : proc) {
                // the handle first, and the process it names still there after the read (its start time): one that ended
                // meanwhile and whose number another took is not that other
                ProcessHandle h = ProcessHandle.of(Long.parseLong(pid.getFileName().toString())).orElse(null);
                byte[] environment;
                try {
                    environment = Files.readAllBytes(pid.resolve("environ"));
                } catch (IOException | RuntimeException notOurs) { // another user's, or ended
                    continue;
                }
                if (h != null && holds(environment) && h.isAlive()) {
                    found.add(h);
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // no /proc here: the program's descendants alone
        }
        return found;
    }

    /** Whether {@code environment} (NUL-separated NAME=value entries) holds the marker's entry. */
    private boolean holds(byte[] environment) {
        for (int at = 0; at + entry.length <= environment.length; at++) {
            if ((at == 0 || environment[at - 1] == 0) && (at + entry.length == environment.length || environment[at + entry.length] == 0)
                    && java.util.Arrays.equals(environment, at, at + entry.length, entry, 0, entry.length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code h} runs still: alive, and no zombie (ended, and not yet reaped by its parent, init where a container's
     * does not reap), which ProcessHandle counts alive.
     */
    static boolean running(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int end = stat.lastIndexOf(')'); // the state follows the command's name, which may hold ") "
            return end >= 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z' && h.isAlive();
        } catch (IOException | RuntimeException gone) {
            return h.isAlive();
        }
    }

    /** Waits for every process of {@code all} to end, {@code millis} at most for them all; false when interrupted. */
    private static boolean awaitEach(Collection<ProcessHandle> all, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException notYet) {
                // killed next, or named
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
