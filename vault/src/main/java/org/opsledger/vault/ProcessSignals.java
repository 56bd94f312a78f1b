package org.opsledger.vault;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Signals to the processes {@link ProcessHandle}s name, and to no other that took one's number since. A number read from
 * /proc and signalled later (kill(1) with it, as a --stdin-from-command run's end did) reached whatever process held it
 * then: one that had ended and whose number the kernel had given to another, in the window between the listing and the
 * kill. Where Linux has them (5.3 on) the signal goes through a pidfd, pidfd_open(2) then pidfd_send_signal(2), by the
 * foreign function API, final from Java 22, in {@code ForeignPidfds} (vault/src/main/java22, loaded as NativeXattrs loads
 * ForeignXattrs): the descriptor is taken first, the process it names is then checked to be the handle's (its start
 * time, {@link ProcessHandle#isAlive}), and the signal goes to that process or, once it has ended, to none. Without them
 * (Java 21, native access not enabled, which the jar's manifest enables, or an older kernel) SIGTERM and SIGKILL go
 * through {@link ProcessHandle#destroy()} and {@link ProcessHandle#destroyForcibly()}, whose JDK compares the start time
 * just before kill(2), a window of microseconds left open; SIGSTOP and SIGCONT by number through kill(1), to the handles
 * still alive, a window of a fork left open.
 */
public final class ProcessSignals {

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;

    /** What the Java 22 class does. */
    interface Calls {
        /** Why this JVM cannot reach pidfds, or null when it can. */
        String unavailable();

        /** Sends {@code signal} to the process {@code h} names, through a pidfd; false when it had ended or may not be signalled. */
        boolean send(ProcessHandle h, int signal);
    }

    /**
     * The calls, loaded (and linked) at the first signal: a backup whose command left nothing to signal links none
     * (linking generates classes, as ForeignXattrs' did on every backup, docs/performance.md, "Forty-first session").
     */
    private static final class Loaded {
        static final Calls CALLS = load();

        private Loaded() {
        }
    }

    private static Calls load() {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        try {
            return (Calls) Class.forName(ProcessSignals.class.getPackageName() + ".ForeignPidfds").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) { // a jar built without it (on a JDK 21)
            return null;
        }
    }

    private ProcessSignals() {
    }

    /** Why signals go by number here, with the window that leaves ({@link ProcessSignals}), or null when they go by pidfd. */
    public static String unavailable() {
        if (Loaded.CALLS == null) {
            return "this JVM (Java " + Runtime.version().feature() + ") or build reaches no pidfd: run the vault on Java 22 or newer";
        }
        return Loaded.CALLS.unavailable();
    }

    /** Sends {@code signal} (one of this class's) to each process of {@code all} that is still the one its handle names. */
    public static void send(int signal, Collection<ProcessHandle> all) {
        if (all.isEmpty()) {
            return;
        }
        if (unavailable() == null) {
            all.forEach(h -> Loaded.CALLS.send(h, signal));
        } else if (signal == SIGTERM || signal == SIGKILL) {
            all.forEach(signal == SIGTERM ? ProcessHandle::destroy : ProcessHandle::destroyForcibly);
        } else {
            List<String> kill = new ArrayList<>(List.of("kill", "-" + signal));
            all.stream().filter(ProcessHandle::isAlive).forEach(h -> kill.add(Long.toString(h.pid())));
            if (kill.size() == 2) {
                return;
            }
            try {
                ChildProcess.of(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                // no kill(1): they stay as they are
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
