package org.opsledger.vault;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * pidfd_open(2) and pidfd_send_signal(2) through libc's syscall(2) (glibc names them only from 2.36), by the foreign
 * function API, final from Java 22: compiled with release 22 beside the vault's Java 21 classes, and loaded by
 * {@link ProcessSignals} only on a JVM of 22 or later. Unavailable where native access is not enabled (the jar's
 * manifest enables it): the JDK would print its warning on the command's stderr.
 */
final class ForeignPidfds implements ProcessSignals.Calls {

    /** The numbers of the two calls, alike on every architecture from Linux 5.3 (x86-64, arm64). */
    private static final long PIDFD_SEND_SIGNAL = 424;
    private static final long PIDFD_OPEN = 434;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN;
    private static final MethodHandle SEND;
    private static final MethodHandle CLOSE;
    private static final String UNAVAILABLE;

    static {
        MethodHandle open = null;
        MethodHandle send = null;
        MethodHandle close = null;
        String why = null;
        if (!ForeignPidfds.class.getModule().isNativeAccessEnabled()) {
            why = "native access is not enabled for the vault (--enable-native-access=ALL-UNNAMED; the jar's manifest enables it)";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                open = linker.downcallHandle(libc.find("syscall").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errno, Linker.Option.firstVariadicArg(1));
                send = linker.downcallHandle(libc.find("syscall").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                        errno, Linker.Option.firstVariadicArg(1));
                close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                try (Arena arena = Arena.ofConfined()) { // the kernel has them: a pidfd of this process
                    MemorySegment state = arena.allocate(CALL_STATE);
                    long fd = (long) open.invokeExact(state, PIDFD_OPEN, (int) ProcessHandle.current().pid(), 0);
                    if (fd < 0) {
                        why = "this kernel has no pidfd_open(2) (errno " + (int) ERRNO.get(state, 0L) + "; Linux 5.3 or newer has it)";
                    } else {
                        int closed = (int) close.invokeExact((int) fd);
                    }
                }
            } catch (Throwable e) { // no libc with these calls (not Linux)
                why = "pidfd calls are not reachable from this JVM (" + e + ")";
            }
        }
        OPEN = open;
        SEND = send;
        CLOSE = close;
        UNAVAILABLE = why;
    }

    ForeignPidfds() {
    }

    @Override
    public String unavailable() {
        return UNAVAILABLE;
    }

    @Override
    public boolean send(ProcessHandle h, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long fd = (long) OPEN.invokeExact(state, PIDFD_OPEN, (int) h.pid(), 0);
            if (fd < 0) {
                return false; // ESRCH: no process holds the number
            }
            try {
                // the descriptor names the process that held the number as it was opened: the handle's, when that one runs
                // still (its start time); else another's, which is not signalled
                if (!h.isAlive()) {
                    return false;
                }
                long sent = (long) SEND.invokeExact(state, PIDFD_SEND_SIGNAL, (int) fd, signal, MemorySegment.NULL, 0);
                return sent == 0; // EPERM: another user's; ESRCH: ended since
            } finally {
                int closed = (int) CLOSE.invokeExact((int) fd);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("pidfd_send_signal: " + e, e);
        }
    }
}
