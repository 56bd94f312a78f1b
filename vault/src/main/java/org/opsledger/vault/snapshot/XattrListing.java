package org.opsledger.vault.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.IoReason;

/**
 * One listing of a file's or directory's extended attributes, never following a symlink, from which both its {@code user.}
 * attributes ({@link ExtendedAttributes#readEach(XattrListing)}) and its ACLs and capability
 * ({@link PermissionAttributes#read(XattrListing)}) are read: each listed the path on its own, and a backup or a
 * {@code restore --verify} listed every file and directory twice (llistxattr(2), then the JDK's view opened it for an
 * flistxattr(2) of its own). Where the JVM reaches libc ({@link NativeXattrs}, Java 22+) it is one llistxattr of every
 * namespace and each value one lgetxattr; on Java 21 the JDK's view lists and reads the {@code user.} names alone.
 *
 * @param names           every attribute name listed, full ({@code user.owner}), decoded as UTF-8 (U+FFFD for bytes that are
 *                        not); empty when the path has none or could not be listed, but for those found {@code byName}
 * @param why             why the path could not be listed, or null (listed, or a filesystem without extended attributes)
 * @param permissionsByName whether, the path not listed, each ACL and capability name ({@link PermissionAttributes#NAMES})
 *                        was asked for by name, {@code names} holding those it has: only its {@code user.} names are unknown
 */
public record XattrListing(Path path, List<String> names, String why, boolean permissionsByName) {

    static final String USER = "user.";

    /** A listing that gave its names, or failed ({@code why}) with none found by name. */
    public XattrListing(Path path, List<String> names, String why) {
        this(path, names, why, false);
    }

    /**
     * Lists the path's attributes, once. Where they cannot be listed, the ACLs and capability are asked for by their names:
     * a file whose attribute names add up to more than the 64 KiB one listing returns (E2BIG: tmpfs holds more) lost them
     * with its {@code user.} ones, and the warning named the ACLs alone (a tester's).
     */
    public static XattrListing of(Path p) {
        if (NativeXattrs.unavailable() == null) {
            try {
                return new XattrListing(p, NativeXattrs.list(p), null);
            } catch (IOException e) {
                String why = IoReason.of(e);
                if (why.equals("Operation not supported")) {
                    return new XattrListing(p, List.of(), null);
                }
                why = why.equals("Argument list too long") ? "their names add up to more than the 64 KiB one listing returns (" + why + ")" : why;
                List<String> found = new java.util.ArrayList<>();
                try {
                    for (String name : PermissionAttributes.NAMES) {
                        if (NativeXattrs.get(p, name) != null) {
                            found.add(name);
                        }
                    }
                } catch (IOException notByName) {
                    return new XattrListing(p, List.of(), why);
                }
                return new XattrListing(p, List.copyOf(found), why, true);
            }
        }
        UserDefinedFileAttributeView view = userView(p);
        try {
            return new XattrListing(p, view == null ? List.of() : view.list().stream().map(USER::concat).toList(), null);
        } catch (IOException | UnsupportedOperationException e) {
            return new XattrListing(p, List.of(), null); // the JDK reaches no other namespace to say why: none kept, as before
        }
    }

    /**
     * The value of a name the listing gave, or null when the path has it no more (removed since it was listed). A name not
     * UTF-8 is listed with U+FFFD in place of its bytes and cannot be read by that name: an IOException.
     */
    byte[] value(String name) throws IOException {
        byte[] value = NativeXattrs.unavailable() == null ? NativeXattrs.get(path, name) : userValue(name);
        if (value == null && name.indexOf('\uFFFD') >= 0) {
            throw new FileSystemException(path.toString(), null, "no attribute of the name " + name + " as UTF-8 gives it");
        }
        return value;
    }

    /** Through the JDK's view (Java 21): a {@code user.} attribute's value, or null when it is no longer listed. */
    private byte[] userValue(String name) throws IOException {
        UserDefinedFileAttributeView view = userView(path);
        if (view == null || !name.startsWith(USER)) {
            return null;
        }
        String user = name.substring(USER.length());
        try {
            ByteBuffer b = ByteBuffer.allocate(view.size(user));
            view.read(user, b);
            return Arrays.copyOf(b.array(), b.position());
        } catch (IOException e) {
            if (listed(view, user)) {
                throw e;
            }
            return null; // removed since it was listed
        }
    }

    private static boolean listed(UserDefinedFileAttributeView view, String name) {
        try {
            return view.list().contains(name);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether the listing names a {@code user.} attribute that {@code kept} (a node's, names without "user.") lacks, or two
     * that read as one, or failed: what a backup of the file would warn of, or store, that {@code kept} does not say.
     */
    public boolean namesUserAttributesBeyond(Map<String, String> kept) {
        if (why != null) { // not listed: what its user. attributes are is not known
            return true;
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name.startsWith(USER) && (!seen.add(name) || kept == null || !kept.containsKey(name.substring(USER.length())))) {
                return true;
            }
        }
        return false;
    }

    private static UserDefinedFileAttributeView userView(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }
}
