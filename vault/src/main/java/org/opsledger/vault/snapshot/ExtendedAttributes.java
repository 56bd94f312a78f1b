package org.opsledger.vault.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.opsledger.vault.IoReason;

/**
 * Extended attributes of the {@code user.} namespace, read from the path's one {@link XattrListing} (which
 * {@link PermissionAttributes} reads its ACLs from too) and written through the JDK's {@link UserDefinedFileAttributeView};
 * the other {@code security.*}, {@code system.*} (SELinux labels) and {@code trusted.*} are not kept.
 * Values are kept as base64 in the tree. A symlink is
 * never followed: a file swapped for one between the walk and this read (or a restored file swapped
 * for one by another user of the target directory) must not lend, or receive, another file's attributes.
 */
public final class ExtendedAttributes {

    private ExtendedAttributes() {
    }

    /**
     * The attributes of a file or directory that could be read, and how many listed ones could not be ({@code leftOut},
     * for the first of them {@code why}: null when none was left out).
     */
    public record Read(Map<String, String> attributes, int leftOut, String why) {
    }

    private static final String NOT_UTF_8 = "its name is not UTF-8, the text the repository keeps names in (rename it to keep it)";

    /** The attributes of a file or directory (symlinks have none in this namespace); empty when the filesystem has none. */
    public static Map<String, String> read(Path p) {
        return readEach(p).attributes();
    }

    /** {@link #readEach(XattrListing)} of the path's listing. */
    public static Read readEach(Path p) {
        return readEach(XattrListing.of(p));
    }

    /**
     * The {@code user.} attributes of a file's or directory's listing, each that reads kept: one that cannot be read leaves
     * out itself only (it left out all of them, backup said nothing and restore --verify 'verified': a helper's), and one
     * removed between the listing and its read is not kept. A listed name that is not UTF-8 is decoded with U+FFFD and
     * cannot be read by that name; the tree keeps names as UTF-8 text, so such an attribute cannot be kept either. A
     * listing that failed has none: a filesystem without user xattrs, or one that refuses them here.
     */
    public static Read readEach(XattrListing listing) {
        Map<String, String> out = new TreeMap<>();
        int leftOut = 0;
        String why = null;
        for (String full : listing.names()) {
            if (!full.startsWith(XattrListing.USER)) {
                continue;
            }
            String name = full.substring(XattrListing.USER.length());
            if (out.containsKey(name)) { // a name not UTF-8 that decodes as one listed beside it ("caf\xe9" and "caf\uFFFD"): the
                leftOut++;               // second read gave the first's value, and the attribute was dropped silently (a re-tester's)
                why = why != null ? why : NOT_UTF_8;
                continue;
            }
            try {
                byte[] value = listing.value(full);
                if (value != null) { // else removed since it was listed
                    out.put(name, Base64.getEncoder().encodeToString(value));
                }
            } catch (IOException | UnsupportedOperationException e) {
                leftOut++;
                if (why == null) {
                    why = name.indexOf('\uFFFD') >= 0 ? NOT_UTF_8 : IoReason.of(e);
                }
            }
        }
        return new Read(out.isEmpty() ? Map.of() : out, leftOut, why);
    }

    /** Sets each attribute on a file or directory that was just restored. */
    public static void write(Path p, Map<String, String> attributes) throws IOException {
        if (attributes == null || attributes.isEmpty()) {
            return;
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new java.nio.file.FileSystemException(p.toString(), null, "the filesystem has no extended attributes");
        }
        for (var e : attributes.entrySet()) {
            view.write(e.getKey(), ByteBuffer.wrap(Base64.getDecoder().decode(e.getValue())));
        }
    }
}
