package org.opsledger.cli.vault;

import java.util.Optional;
import sun.misc.Signal;

/**
 * Which signal is stopping the JVM: SIGTERM (a scheduler's timeout, {@code systemctl stop}, {@code kill}), SIGINT
 * (Ctrl-C) or SIGHUP (its terminal closed). The JVM's own handlers exit alike for the three (status 128 + the signal's
 * number, shutdown hooks run) without telling the hooks which; these do the same and remember it, so that a journal
 * entry written as the JVM goes down says what stopped the command and the status a shell reports (IS.012 6.6.5).
 */
final class StopSignal {

    private static final String[] STOPPING = {"TERM", "INT", "HUP"};
    private static volatile Signal received;
    private static boolean installed;

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
                    received = s;
                    System.exit(128 + s.getNumber());
                });
            } catch (IllegalArgumentException notHere) {
                // no such signal here, or the JVM keeps it (-Xrs): its own handler stays
            }
        }
    }

    /** The signal that is stopping the JVM, if one is. */
    static Optional<Signal> received() {
        return Optional.ofNullable(received);
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
