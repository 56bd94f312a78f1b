package org.opsledger.vault.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * libc's llistxattr, lgetxattr, lsetxattr and lremovexattr on one path, never following a symlink: the extended attributes
 * the JDK does not reach (its view lists the {@code user.} namespace alone). The calls go through the foreign function API,
 * final from Java 22, in {@code ForeignXattrs} (vault/src/main/java22, compiled with release 22 into the same jar), which
 * this class loads only on a JVM of 22 or later; on Java 21 it reaches none, and says so. It was a Multi-Release jar's
 * {@code META-INF/versions/22} class, which the launcher's {@code -Djdk.util.jar.enableMultiRelease=false} (zstd-jni's
 * switch to its JNI binding) and its ahead-of-time cache passed over: every backup through the
 * launcher said Java 25 had no foreign function API and kept no ACL (the lead's, trying the build).
 */
final class NativeXattrs {

    /** What the Java 22 class does. */
    interface Calls {
        /** Why this JVM cannot reach the calls, or null when it can. */
        String unavailable();

        /** Whether the calls are linked yet: at the first one made, not when the class loads. */
        boolean linked();

        List<String> list(Path p) throws IOException;

        byte[] get(Path p, String name) throws IOException;

        void set(Path p, String name, byte[] value) throws IOException;

        void remove(Path p, String name) throws IOException;
    }

    private static final Calls CALLS = load();

    private static Calls load() {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        try {
            return (Calls) Class.forName(NativeXattrs.class.getPackageName() + ".ForeignXattrs").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) { // a jar built without it (on a JDK 21)
            return null;
        }
    }

    private NativeXattrs() {
    }

    /** Why this JVM cannot reach them, or null when it can. */
    static String unavailable() {
        if (CALLS == null) {
            return Runtime.version().feature() < 22
                    ? "this JVM (Java " + Runtime.version().feature() + ") has no foreign function API: run the vault on Java 22 or newer"
                    : "this build of the vault was made on a JDK older than 22, without its foreign function calls: build it on JDK 22 or newer";
        }
        return CALLS.unavailable();
    }

    /** Whether this JVM linked the calls: none made, none linked. */
    static boolean linked() {
        return CALLS != null && CALLS.linked();
    }

    /** The attribute names of the path. */
    static List<String> list(Path p) throws IOException {
        return calls().list(p);
    }

    /** The attribute's value, or null when the path has none of that name. */
    static byte[] get(Path p, String name) throws IOException {
        return calls().get(p, name);
    }

    /** Sets the attribute. */
    static void set(Path p, String name, byte[] value) throws IOException {
        calls().set(p, name, value);
    }

    /** Removes the attribute; none of that name, or a filesystem without extended attributes, is no error. */
    static void remove(Path p, String name) throws IOException {
        calls().remove(p, name);
    }

    private static Calls calls() {
        if (CALLS == null) {
            throw new UnsupportedOperationException(unavailable());
        }
        return CALLS;
    }
}
