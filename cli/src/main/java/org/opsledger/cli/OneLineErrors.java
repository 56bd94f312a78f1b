package org.opsledger.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Bad input on the command line gets one line on stderr and a non-zero exit, never a stack trace.
 * Set {@code OPSLEDGER_DEBUG=1} to see the trace.
 */
public final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** The exit code of a command that ran out of heap: the launcher runs a backup, copy or tier again in twice the heap. */
    static final int OUT_OF_MEMORY = 4;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        var ending = Ending.of(ex);
        if (ending.isPresent()) {
            Ending.with(ending.get(), cmd.getErr()::println);
        } else {
            String cannotLoad = cannotLoadIn(ex);
            message = cannotLoad != null ? cannotLoad : message;
            // the whole message, escaped: its first line alone named another path when a value in it held a CR or LF, and lost
            // the reason and the remedy after it (`-r "$REPO"$'\r'x` said "no vault repository at $REPO": a helper's). A
            // CliException's message is the CLI's own, its values escaped where they were put in; any other's is not
            cmd.getErr().println("opsledger: " + (ex instanceof CliException ? TerminalText.controls(message) : TerminalText.escape(message)));
        }
        if (System.getenv("OPSLEDGER_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return ending.isPresent() ? ending.get().exitCode() : ex instanceof CliException ce ? ce.exitCode() : 1;
    }

    /**
     * A command line picocli cannot parse: the reason, picocli's suggestion for a typo, and where the options are, on one
     * line, exit 2. picocli's own handler printed the whole usage after the reason (60 lines for `vault backup`), so the
     * reason scrolled out of sight, and for a map option said "Value for option option '--tag'".
     */
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        message = message.replace("option option '", "option '"); // the whole of it, escaped below: a value given may hold a newline
        if (ex instanceof UnmatchedArgumentException unmatched) {
            StringWriter suggestions = new StringWriter();
            UnmatchedArgumentException.printSuggestions(unmatched, new PrintWriter(suggestions, true));
            String suggestion = suggestions.toString().strip().replace(System.lineSeparator(), " ");
            if (!suggestion.isEmpty()) {
                message += "; " + Character.toLowerCase(suggestion.charAt(0)) + suggestion.substring(1);
            }
        }
        cmd.getErr().println("opsledger: " + TerminalText.escape(message) + " (`" + cmd.getCommandSpec().qualifiedName() + " --help` lists the"
                + (cmd.getSubcommands().isEmpty() ? " options)" : " commands)"));
        if (System.getenv("OPSLEDGER_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A class or native library the JVM could not load, with the remedy: zstd-jni unpacks its library to java.io.tmpdir
     * and loads it from there, which fails where /tmp is mounted noexec (a hardened host, CIS 1.1.2) or is full; and
     * any load fails when the process may open too few files (`ulimit -n`: the JVM holds its jars open). Each printed a
     * stack trace, or the noexec advice whatever the reason (a helper's).
     */
    /**
     * {@link #cannotLoad}'s line for the class or library that did not load in {@code failure}'s causes (on a worker thread
     * it comes wrapped), or null (also where the heap ran out while it loaded): the line on stderr, and the one a command's journal entry keeps (a backup's kept "backup
     * failed: java.lang.ExceptionInInitializerError: …"; a tester's).
     */
    public static String cannotLoadIn(Throwable failure) {
        if (Ending.outOfMemoryIn(failure) != null) {
            return null; // out of heap while it loaded: Ending's line, which names the remedy
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LinkageError link) {
                return cannotLoad(link);
            }
        }
        return null;
    }

    static String cannotLoad(LinkageError e) {
        String own = ownClassMissing(e);
        if (own != null) {
            return "cannot load " + own + ", a class of OpsLedger's own: its jar was replaced while this command ran (an upgrade in"
                    + " place, `cp` over it): run the command again; upgrade by installing the new jar under a temporary name, then"
                    + " `mv` it over the old one (docs/operations.md, \"Upgrading an installation\")";
        }
        Throwable deepest = e;
        while (deepest.getCause() != null) {
            deepest = deepest.getCause();
        }
        String why = deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage().lines().findFirst().orElse("");
        String tmp = System.getProperty("java.io.tmpdir");
        if (why.contains("Too many open files")) {
            return "cannot load what the command needs (" + why + "): this process may open too few files (`ulimit -n`): raise"
                    + " the limit to 1024 or more";
        }
        if (why.contains("No space left on device")) {
            return "cannot load zstd-jni's native library (" + why + "): it is unpacked to java.io.tmpdir (" + tmp + "), which is"
                    + " full: free room there, or run again with OPSLEDGER_JAVA_OPTS=-Djava.io.tmpdir=DIR";
        }
        if (why.contains("failed to map segment") && why.contains("Cannot allocate memory")) { // noexec's is "Operation not permitted"
            return "cannot load zstd-jni's native library (" + why + "): the address space this process may reserve is used up"
                    + " (`ulimit -v`, limits.conf `as`): raise the limit, or remove it";
        }
        if (why.contains("Read-only file system")) { // EROFS: not noexec, which the line below guessed (a tester's)
            return "cannot load zstd-jni's native library (" + why + "): it is unpacked to java.io.tmpdir (" + tmp + "), which is"
                    + " on a read-only filesystem: run again with OPSLEDGER_JAVA_OPTS=-Djava.io.tmpdir=DIR, DIR a writable directory"
                    + " on a filesystem that allows executing";
        }
        return "cannot load zstd-jni's native library (" + why + "); it is unpacked to java.io.tmpdir (" + tmp + "), which may be"
                + " mounted noexec: run again with OPSLEDGER_JAVA_OPTS=-Djava.io.tmpdir=DIR, DIR a directory on a filesystem that"
                + " allows executing";
    }

    /**
     * The class of the project's own that {@code e} says is missing, or null. The JVM loads a class from the jar when it is
     * first used: a jar overwritten in place (`cp new.jar opsledger.jar`, the file the JVM holds open rewritten) while a
     * command ran ended it blaming a noexec /tmp (a tester's); a class that is there but failed to initialise ("Could not
     * initialize class …") is not missing.
     */
    private static String ownClassMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ((t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) && t.getMessage() != null) {
                String name = t.getMessage().strip().replace('/', '.');
                if (name.startsWith("org.opsledger.")) {
                    return name;
                }
            }
        }
        return null;
    }

    /**
     * The JVM could not start a thread ({@code e}: "unable to create native thread"): the tasks the process may run are used
     * up, not its heap. The JVM's own warnings then read "pthread_create failed (EAGAIN)".
     */
    static String noThread(OutOfMemoryError e) {
        return "cannot start a thread (" + e.getMessage().lines().findFirst().orElse("") + "): the tasks this process may run"
                + " are used up (systemd's TasksMax=, `ulimit -u`, a cgroup's pids.max), not its memory: raise the limit, or run"
                + " with fewer --threads; the repository is consistent";
    }

    /**
     * The launcher gives vault commands a small heap (the bounds of docs/vault-format.md §7); a very
     * large repository's index (≈130 bytes per blob) or a restore of very many files can need more, and the
     * operator needs the remedy.
     */
    static String outOfMemory() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory in a heap of " + mib + " MiB (the index, the snapshots' records or the journal of a large repository:"
                + " ≈130 bytes per blob, ≈2 KB per snapshot; a restore ≈380 bytes per file); the repository"
                + " is consistent (what a backup stored is kept, what a forget removed stays removed: its lines and `vault journal`"
                + " name it): run again with OPSLEDGER_JAVA_OPTS=-Xmx" + Math.max(512, mib * 4) + "m";
    }
}
