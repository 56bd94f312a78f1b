package org.opsledger.vault.snapshot;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * libc's llistxattr, lgetxattr, lsetxattr and lremovexattr on one path, never following a symlink, through the foreign
 * function API, final from Java 22: compiled with release 22 beside the vault's Java 21 classes, and loaded by
 * {@link NativeXattrs} only on a JVM of 22 or later. Paths are handed over as the file system's bytes
 * ({@link FileNames#bytesOf}), names and values as given.
 */
final class ForeignXattrs implements NativeXattrs.Calls {

    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ERANGE = 34;
    private static final int ENODATA = 61;
    private static final int EOPNOTSUPP = 95;

    private static final String UNAVAILABLE;

    static {
        String why = null;
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            for (String call : List.of("llistxattr", "lgetxattr", "lsetxattr", "lremovexattr", "strerror")) {
                libc.find(call).orElseThrow();
            }
            if (!ForeignXattrs.class.getModule().isNativeAccessEnabled()) {
                Downcalls.LLISTXATTR.type(); // linked now: where native access is denied it fails here, and this JVM reaches none
            }
        } catch (RuntimeException | Error e) { // no libc with these calls (not Linux), or native access denied
            Throwable cause = e instanceof ExceptionInInitializerError init && init.getCause() != null ? init.getCause() : e;
            why = "libc's extended attribute calls are not reachable from this JVM (" + cause + ")";
        }
        UNAVAILABLE = why;
    }

    /**
     * The calls' downcall handles, linked at the first call: linking generates classes, which the JIT then compiles, on
     * the main thread of every backup, and an unchanged re-run whose parent vouches for every attribute makes no call
     * (docs/performance.md, "Forty-first session"). The symbols and native access are checked when the class loads
     * ({@link #UNAVAILABLE}): with access enabled, linking these descriptors does not fail.
     */
    private static final class Downcalls {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle LLISTXATTR;
        static final MethodHandle LGETXATTR;
        static final MethodHandle LSETXATTR;
        static final MethodHandle LREMOVEXATTR;
        static final MethodHandle STRERROR;

        static {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            ValueLayout size = ValueLayout.JAVA_LONG; // size_t and ssize_t on the 64-bit Linux the vault runs on
            LLISTXATTR = linker.downcallHandle(libc.find("llistxattr").orElseThrow(),
                    FunctionDescriptor.of(size, ValueLayout.ADDRESS, ValueLayout.ADDRESS, size), errno);
            LGETXATTR = linker.downcallHandle(libc.find("lgetxattr").orElseThrow(),
                    FunctionDescriptor.of(size, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, size), errno);
            LSETXATTR = linker.downcallHandle(libc.find("lsetxattr").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, size,
                            ValueLayout.JAVA_INT), errno);
            LREMOVEXATTR = linker.downcallHandle(libc.find("lremovexattr").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), errno);
            STRERROR = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)),
                            ValueLayout.JAVA_INT));
            linked = true;
        }

        private Downcalls() {
        }
    }

    /** Whether {@link Downcalls} is linked: set by its initialiser. */
    private static volatile boolean linked;

    ForeignXattrs() {
    }

    /** Why this JVM cannot reach them, or null when it can. */
    @Override
    public String unavailable() {
        return UNAVAILABLE;
    }

    @Override
    public boolean linked() {
        return linked;
    }

    /** The attribute names of the path. */
    @Override
    public List<String> list(Path p) throws IOException {
        reachable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = path(arena, p);
            MemorySegment state = arena.allocate(Downcalls.CALL_STATE);
            for (int attempt = 0; ; attempt++) {
                long n = (long) Downcalls.LLISTXATTR.invokeExact(state, path, MemorySegment.NULL, 0L);
                if (n < 0) {
                    throw failure(p, errno(state));
                }
                if (n == 0) {
                    return List.of();
                }
                MemorySegment buf = arena.allocate(n);
                long got = (long) Downcalls.LLISTXATTR.invokeExact(state, path, buf, n);
                if (got < 0 && errno(state) == ERANGE && attempt < 3) {
                    continue; // one was added between the two calls
                }
                if (got < 0) {
                    throw failure(p, errno(state));
                }
                List<String> names = new ArrayList<>();
                byte[] bytes = buf.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE);
                for (int start = 0, i = 0; i < bytes.length; i++) {
                    if (bytes[i] == 0) {
                        names.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
                return names;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The attribute's value, or null when the path has none of that name. */
    @Override
    public byte[] get(Path p, String name) throws IOException {
        reachable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = path(arena, p);
            MemorySegment attribute = arena.allocateFrom(name);
            MemorySegment state = arena.allocate(Downcalls.CALL_STATE);
            for (int attempt = 0; ; attempt++) {
                long n = (long) Downcalls.LGETXATTR.invokeExact(state, path, attribute, MemorySegment.NULL, 0L);
                if (n < 0 && errno(state) == ENODATA) {
                    return null;
                }
                if (n < 0) {
                    throw failure(p, errno(state));
                }
                if (n == 0) {
                    return new byte[0];
                }
                MemorySegment buf = arena.allocate(n);
                long got = (long) Downcalls.LGETXATTR.invokeExact(state, path, attribute, buf, n);
                if (got < 0 && errno(state) == ERANGE && attempt < 3) {
                    continue; // it grew between the two calls
                }
                if (got < 0 && errno(state) == ENODATA) {
                    return null;
                }
                if (got < 0) {
                    throw failure(p, errno(state));
                }
                return buf.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets the attribute. */
    @Override
    public void set(Path p, String name, byte[] value) throws IOException {
        reachable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Downcalls.CALL_STATE);
            MemorySegment v = value.length == 0 ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_BYTE, value);
            int r = (int) Downcalls.LSETXATTR.invokeExact(state, path(arena, p), arena.allocateFrom(name), v, (long) value.length, 0);
            if (r != 0) {
                throw failure(p, errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Removes the attribute; none of that name, or a filesystem without extended attributes, is no error. */
    @Override
    public void remove(Path p, String name) throws IOException {
        reachable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Downcalls.CALL_STATE);
            int r = (int) Downcalls.LREMOVEXATTR.invokeExact(state, path(arena, p), arena.allocateFrom(name));
            if (r != 0 && errno(state) != ENODATA && errno(state) != EOPNOTSUPP) { // none there, or none the filesystem could hold
                throw failure(p, errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void reachable() {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException(UNAVAILABLE);
        }
    }

    /** The path as a C string of the file system's bytes. */
    private static MemorySegment path(Arena arena, Path p) {
        String s = p.toString();
        byte[] bytes = s.indexOf('\uFFFD') < 0 ? s.getBytes(StandardCharsets.UTF_8) : FileNames.bytesOf(p);
        MemorySegment out = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return out; // allocate() zeroes: the last byte is the NUL
    }

    private static int errno(MemorySegment state) {
        return (int) Downcalls.ERRNO.get(state, 0L);
    }

    /** The JDK's exceptions for what it would throw itself, with the system's words ("Operation not supported"). */
    private static IOException failure(Path p, int errno) {
        String reason = strerror(errno);
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(p.toString());
            case EACCES, EPERM -> new AccessDeniedException(p.toString(), null, reason);
            default -> new FileSystemException(p.toString(), null, reason);
        };
    }

    private static String strerror(int errno) {
        try {
            return ((MemorySegment) Downcalls.STRERROR.invokeExact(errno)).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
