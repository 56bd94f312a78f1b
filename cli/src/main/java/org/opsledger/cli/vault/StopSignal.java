package org.opsledger.cli.vault;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * Which signal is stopping the JVM: SIGTERM (a scheduler's timeout, {@code systemctl stop}, {@code kill}), SIGINT
 * (Ctrl-C) or SIGHUP (its terminal closed). The JVM's own handlers exit alike for the three (status 128 + the signal's
 * number, shutdown hooks run) without telling the hooks which; these do the same and remember it, so that a journal
 * entry written as the JVM goes down says what stopped the command and the status a shell reports (IS.012 6.6.5).
 */
final class StopSignal {

    private static final String[] STOPPING = {"TERM", "INT", "HUP"};
    private static final AtomicReference<Signal> RECEIVED = new AtomicReference<>();
    private static boolean installed;
    /** Whether the command's work is being saved or is saved, and what is left is recording it: then a signal does not stop it. */
    private static volatile BooleanSupplier saved = () -> false;
    /** What the command does at once when the first signal is held: says so (the operator at 2 a.m. heard nothing). */
    private static volatile Consumer<Signal> whenHeld = s -> { };
    private static final AtomicReference<Signal> HELD = new AtomicReference<>();

    private StopSignal() {
    }

    /** Puts the handlers in place of the JVM's, once; a signal this platform lacks keeps the JVM's. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        for (String name : STOPPING) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (RECEIVED.get() == null && (HELD.get() != null || saved.getAsBoolean())) {
                        if (HELD.compareAndSet(null, s)) { // the first; Ctrl-C on a terminal comes twice (the launcher passes it on)
                            whenHeld.accept(s);
                        }
                        return;
                    }
                    // the first stop signal wins: each handler runs in a thread of its own, and a HUP then a TERM exited 129 with
                    // the hooks journalling "stopped by SIGTERM", whichever was set last (a re-tester's). Later ones are ignored.
                    if (RECEIVED.compareAndSet(null, s)) {
                        System.exit(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException notHere) {
                // no such signal here, or the JVM keeps it (-Xrs): its own handler stays
            }
        }
    }

    /**
     * From when {@code saved} is true, a signal does not stop the command: its work is being saved or is saved (a backup's
     * snapshot record, whose write runs to its end once begun: the lock's hook waits for it), and it ends as it would,
     * recording it, then says the signal came ({@link #held}). A SIGTERM as a backup wrote its snapshot record or journal
     * entry said "no snapshot was written", exit 143, of a snapshot that was there (a helper's). The first signal held is
     * handed to {@code whenHeld} as it comes, on the signal's thread: the command says at once that it goes on, and why.
     */
    static void holdOnceSaved(BooleanSupplier saved, Consumer<Signal> whenHeld) {
        StopSignal.whenHeld = whenHeld;
        StopSignal.saved = saved;
    }

    /** The signal that came once the command's work was saved ({@link #holdOnceSaved}), if one did. */
    static Optional<Signal> held() {
        return Optional.ofNullable(HELD.get());
    }

    /** The signal that is stopping the JVM, if one is. */
    static Optional<Signal> received() {
        return Optional.ofNullable(RECEIVED.get());
    }

    /**
     * Waits, saying nothing, for the end of the JVM a stop signal is ending: its hooks say and record what stopped the
     * command, and what the command met because of it (a program the backup ended itself) is no failure of its own.
     */
    static void awaitTheEnd() {
        while (received().isPresent()) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // the JVM halts after its hooks: nothing to do before
            }
        }
    }

    /** The status a shell reports for a command that {@code signal} stopped. */
    static int exitCode(Signal signal) {
        return 128 + signal.getNumber();
    }

    /** What stopped a command, in words: "SIGTERM", "SIGINT (Ctrl-C)", "SIGHUP (its terminal closed)". */
    static String describe(Signal signal) {
        return "SIG" + signal.getName() + switch (signal.getName()) {
            case "INT" -> " (Ctrl-C)";
            case "HUP" -> " (its terminal closed)";
            default -> "";
        };
    }
}
