package org.opsledger.vault.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * libc's llistxattr, lgetxattr and lsetxattr on one path, never following a symlink: the extended attributes the JDK does
 * not reach (its view lists the {@code user.} namespace alone). This is the Java 21 class, for a JVM without the foreign
 * function API (java.lang.foreign, final from Java 22): it reaches none. The vault jar is Multi-Release, and on Java 22 and
 * later its {@code META-INF/versions/22} class of this name (vault/src/main/java22) calls libc.
 */
final class NativeXattrs {

    private NativeXattrs() {
    }

    /** Why this JVM cannot reach them, or null when it can. */
    static String unavailable() {
        return "this JVM (Java " + Runtime.version().feature() + ") has no foreign function API: run the vault on Java 22 or newer";
    }

    /** The attribute names of the path. */
    static List<String> list(Path p) throws java.io.IOException {
        throw new UnsupportedOperationException(unavailable());
    }

    /** The attribute's value, or null when the path has none of that name. */
    static byte[] get(Path p, String name) throws java.io.IOException {
        throw new UnsupportedOperationException(unavailable());
    }

    /** Sets the attribute. */
    static void set(Path p, String name, byte[] value) throws java.io.IOException {
        throw new UnsupportedOperationException(unavailable());
    }

    /** Removes the attribute; none of that name, or a filesystem without extended attributes, is no error. */
    static void remove(Path p, String name) throws java.io.IOException {
        throw new UnsupportedOperationException(unavailable());
    }
}
