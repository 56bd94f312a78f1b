package org.opsledger.vault.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.opsledger.vault.OsUser;

/**
 * The process that holds a lock, as exactly as Linux tells one process from another: its process table (the
 * kernel's boot ID and the PID namespace: one machine's boot, one container), its user, and the time it started
 * in clock ticks since boot (field 22 of /proc/PID/stat, which no clock change moves). A lock whose holder is
 * certainly gone (killed with SIGKILL, or by the kernel out of memory) is not waited for: a prune, a repair after
 * it need not wait ten minutes for the lock to go stale, nor have the operator remove it by hand.
 *
 * <p>Certainly gone means: the same process table as this process, a holder this process may see (the same user,
 * or this process is root: a /proc mounted with hidepid hides other users' processes), and no process of that ID,
 * or one that started at another time (the ID was reused). Anything else (another host, another container, a lock
 * written before holders were recorded, another user's process) is live until ten minutes without a refresh.
 *
 * @param table     {@code <boot ID>/<PID namespace>}
 * @param uid       the user the process runs as
 * @param startTick when it started, in clock ticks since boot
 */
public record LockHolder(String table, long uid, long startTick) {

    /** This process, or null where /proc does not tell (not Linux). */
    static LockHolder current() {
        return of(ProcessHandle.current().pid(), OsUser.uid());
    }

    /** Process {@code pid} of this process table, running as {@code uid}; null where /proc does not tell. */
    static LockHolder of(long pid, long uid) {
        try {
            return new LockHolder(processTable(), uid, startTickOf(pid));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether process {@code pid}, recorded as this holder, is certainly still running, as seen by {@code here}. */
    boolean certainlyRunning(long pid, LockHolder here) {
        if (here == null || !table.equals(here.table) || (here.uid != 0 && here.uid != uid)) {
            return false;
        }
        try {
            return startTickOf(pid) == startTick;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether process {@code pid}, recorded as this holder, has certainly ended, as seen by {@code here}. */
    boolean certainlyEnded(long pid, LockHolder here) {
        if (here == null || !table.equals(here.table) || (here.uid != 0 && here.uid != uid)) {
            return false;
        }
        try {
            return startTickOf(pid) != startTick;
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: not certainly gone
        }
    }

    private static String processTable() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip() + "/"
                + Files.readSymbolicLink(Path.of("/proc/self/ns/pid"));
    }

    /** Field 22 of /proc/PID/stat; the command name (field 2) is in parentheses and may hold spaces and ')'. */
    private static long startTickOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[19]); // fields 3, 4, … from index 0: field 22 at 19
    }
}
