package org.opsledger.vault.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opsledger.vault.IoReason;

/**
 * A file's or directory's POSIX ACLs ({@code system.posix_acl_access}, {@code system.posix_acl_default}) and file capability
 * ({@code security.capability}): the extended attributes that grant access beyond the mode bits, which the JDK does not
 * reach (docs/vault-format.md §8, {@link Node#permissionXattrs}). Values are the kernel's bytes, kept as base64 under their
 * full names, apart from the {@code user.} attributes of {@link ExtendedAttributes}: a user may set
 * {@code user.security.capability} on her own file, and it is never applied as a capability. Read (from the path's one
 * {@link XattrListing}, the {@code user.} attributes' too) and written through libc ({@link NativeXattrs}), never following
 * a symlink; on a JVM without the foreign function API (Java 21) neither.
 */
public final class PermissionAttributes {

    public static final String ACCESS_ACL = "system.posix_acl_access";
    public static final String DEFAULT_ACL = "system.posix_acl_default";
    public static final String CAPABILITY = "security.capability";
    /** The names kept, and the only ones a restore sets, whatever a tree holds. */
    public static final List<String> NAMES = List.of(ACCESS_ACL, DEFAULT_ACL, CAPABILITY);
    /** The ACLs, set after the mode: setting the access ACL writes its mask into the group bits, which the recorded mode holds. */
    public static final List<String> ACLS = List.of(ACCESS_ACL, DEFAULT_ACL);
    /** The repository format that keeps them (docs/adr/0007: a build of format 5 would read past the field). */
    public static final int FORMAT = 6;

    private PermissionAttributes() {
    }

    /** Why this JVM can neither read nor set them, or null when it can. */
    public static String unavailable() {
        return NativeXattrs.unavailable();
    }

    /**
     * The attributes of a file or directory (name → base64), empty when it has none; {@code why} says what could not be read.
     */
    public record Read(Map<String, String> attributes, String why) {
    }

    /** {@link #read(XattrListing)} of the path's listing. */
    public static Read read(Path p) {
        return read(XattrListing.of(p));
    }

    /**
     * The attributes of a file's or directory's listing: a read of each kept name it holds (found by name where the path
     * could not be listed). A filesystem without extended attributes has none; one removed between the listing and its
     * read is not kept.
     */
    public static Read read(XattrListing listing) {
        if (listing.why() != null && !listing.permissionsByName()) {
            return new Read(Map.of(), listing.why());
        }
        Map<String, String> out = null;
        for (String name : NAMES) {
            if (!listing.names().contains(name)) {
                continue;
            }
            try {
                byte[] value = listing.value(name);
                if (value != null) {
                    out = out == null ? new TreeMap<>() : out;
                    out.put(name, Base64.getEncoder().encodeToString(value));
                }
            } catch (IOException e) {
                return new Read(out == null ? Map.of() : out, name + ": " + IoReason.of(e));
            }
        }
        return new Read(out == null ? Map.of() : out, null);
    }

    /**
     * Sets the ACLs a node records on the file or directory just restored, after its mode, and removes one it does not
     * record (inherited from the target's default ACL at its creation: it would grant what the source did not).
     */
    public static void writeAcls(Path p, Map<String, String> attributes, boolean directory) throws IOException {
        for (String name : ACLS) {
            String value = attributes == null ? null : attributes.get(name);
            if (value != null) {
                NativeXattrs.set(p, name, Base64.getDecoder().decode(value));
            } else if (directory || name.equals(ACCESS_ACL)) { // a file has no default ACL
                NativeXattrs.remove(p, name);
            }
        }
    }

    /**
     * Whether the directory may have a default ACL, which what is made in it inherits: it has one, or it could not be
     * read (a filesystem without extended attributes has none).
     */
    public static boolean mayHaveDefaultAcl(Path dir) {
        try {
            return NativeXattrs.get(dir, DEFAULT_ACL) != null;
        } catch (IOException e) {
            return !IoReason.of(e).equals("Operation not supported");
        }
    }

    /**
     * The ACLs of {@code attributes} that are not a POSIX ACL as the kernel lists one (name → why), which a restore does not
     * set: no base64, or not its extended attribute's layout, {@code posix_acl_xattr.h}: a 4-byte header of version 2, then
     * one or more 8-byte entries. A tree is the repository's, and a damaged or hostile one held either: the one failed
     * the whole restore (Illegal base64 character), the other, a header alone, the kernel takes as "no ACL" and the file
     * was restored without one, not a word said (a tester's). Entries the kernel refuses are its EINVAL, reported so.
     */
    public static Map<String, String> malformedAcls(Map<String, String> attributes) {
        Map<String, String> out = new TreeMap<>();
        for (String name : ACLS) {
            String value = attributes == null ? null : attributes.get(name);
            if (value == null) {
                continue;
            }
            byte[] acl;
            try {
                acl = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                out.put(name, "not base64 (" + e.getMessage() + ")");
                continue;
            }
            int version = acl.length < 4 ? -1 : (acl[0] & 0xff) | (acl[1] & 0xff) << 8 | (acl[2] & 0xff) << 16 | (acl[3] & 0xff) << 24;
            if (version != POSIX_ACL_XATTR_VERSION || acl.length < 4 + ACL_ENTRY || (acl.length - 4) % ACL_ENTRY != 0) {
                out.put(name, acl.length + " bytes, not a version-2 header and whole 8-byte entries");
            }
        }
        return out;
    }

    /** {@code POSIX_ACL_XATTR_VERSION} of linux/posix_acl_xattr.h, the header's little-endian 32 bits. */
    private static final int POSIX_ACL_XATTR_VERSION = 2;
    /** An entry: tag (16 bits), permissions (16 bits), ID (32 bits). */
    private static final int ACL_ENTRY = 8;

    /** Whether the node records any ACL. */
    public static boolean hasAcls(Map<String, String> attributes) {
        return attributes != null && ACLS.stream().anyMatch(attributes::containsKey);
    }

    /** Sets the file capability a node records, last: the kernel clears it on a write and on a chown. */
    public static void writeCapability(Path p, Map<String, String> attributes) throws IOException {
        String value = attributes == null ? null : attributes.get(CAPABILITY);
        if (value != null) {
            NativeXattrs.set(p, CAPABILITY, Base64.getDecoder().decode(value));
        }
    }
}
