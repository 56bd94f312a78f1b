package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A signal goes to the process a handle names, and to no other that took its number since: a --stdin-from-command run's
 * end listed its processes' numbers, then signalled them by kill(1), and a number the kernel had given to another process
 * meanwhile was that one's. The number is made to be taken again here: the child JVM runs in a PID namespace of its own
 * (unshare, as root), where nothing else starts a process, and sets the next number the kernel gives
 * (/proc/sys/kernel/ns_last_pid) to the ended process's. Each case runs in that JVM, with native access enabled as the
 * CLI's jar enables it: the signals go by pidfd. Shown to fail (the new process stopped and killed) with send() signalling
 * by number, kill(1) as CommandProcesses did.
 */
class ProcessSignalsTest {

    @Test
    void aNumberAnotherProcessTookIsNotSignalled() throws Exception {
        String out = runChild("reused");
        assertThat(out).contains("PIDFD yes", "REUSED yes", "ENDED BY 143");
    }

    @Test
    void aProcessIsStoppedContinuedAndEnded() throws Exception {
        String out = runChild("signals");
        assertThat(out).contains("PIDFD yes", "STOPPED T", "CONTINUED S", "TERMINATED yes");
    }

    private static String runChild(String what) throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root") && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "runs as root, with unshare (util-linux)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), what).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as("the child JVM, output:\n" + out).isZero();
        return out;
    }

    /** Runs in the child JVM, PID 1 of its namespace. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            System.out.println("PIDFD " + (ProcessSignals.unavailable() == null ? "yes" : ProcessSignals.unavailable()));
            if (args[0].equals("reused")) {
                Process ended = new ProcessBuilder("sleep", "600").start();
                ProcessHandle handle = ended.toHandle();
                long pid = ended.pid();
                ended.destroyForcibly();
                ended.waitFor(); // reaped: its number free
                Process taker = null;
                for (int i = 0; i < 20 && (taker == null || taker.pid() != pid); i++) {
                    if (taker != null) {
                        taker.destroyForcibly();
                        taker.waitFor();
                    }
                    Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), Long.toString(pid - 1));
                    taker = new ProcessBuilder("sleep", "600").start();
                }
                System.out.println("REUSED " + (taker.pid() == pid ? "yes" : "no: " + taker.pid() + " for " + pid));
                ProcessSignals.send(ProcessSignals.SIGSTOP, List.of(handle));
                ProcessSignals.send(ProcessSignals.SIGKILL, List.of(handle));
                // then its own SIGTERM, through its own handle: what ends it says which came (a SIGKILL sent before is
                // fatal as it is sent, 137; a SIGSTOP alone would hold the SIGTERM, and the wait run out)
                taker.destroy();
                System.out.println("ENDED BY " + (taker.waitFor(2, TimeUnit.MINUTES) ? taker.exitValue() : "nothing, stopped"));
                taker.destroyForcibly();
            } else {
                Process p = new ProcessBuilder("sleep", "600").start();
                ProcessHandle h = p.toHandle();
                ProcessSignals.send(ProcessSignals.SIGSTOP, List.of(h));
                System.out.println("STOPPED " + awaitState(p.pid(), 'T'));
                ProcessSignals.send(ProcessSignals.SIGCONT, List.of(h));
                System.out.println("CONTINUED " + awaitState(p.pid(), 'S'));
                ProcessSignals.send(ProcessSignals.SIGTERM, List.of(h));
                System.out.println("TERMINATED " + (p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 143 ? "yes" : "no"));
            }
        }

        /** The process's state once it is {@code wanted}, two minutes at most, or as it is then. */
        private static char awaitState(long pid, char wanted) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (state(pid) != wanted && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return state(pid);
        }

        private static char state(long pid) throws Exception {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        }
    }
}
