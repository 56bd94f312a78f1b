package org.opsledger.vault.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opsledger.vault.IoReason;

/**
 * Extended attributes of the {@code user.} namespace, the ones the JDK reaches on Linux (through
 * {@link UserDefinedFileAttributeView}); {@code security.*}, {@code system.*} (POSIX ACLs, SELinux
 * labels) and {@code trusted.*} are not read. Values are kept as base64 in the tree. A symlink is
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

    /**
     * The attributes of a file or directory, each that reads kept: one that cannot be read leaves out itself only (it
     * left out all of them, backup said nothing and restore --verify 'verified': a helper's), and one removed between the
     * listing and its read is not kept. The JDK decodes a listed name that is not UTF-8 with U+FFFD and cannot read it
     * by that name; the tree keeps names as UTF-8 text, so such an attribute cannot be kept either.
     */
    public static Read readEach(Path p) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return new Read(Map.of(), 0, null);
        }
        List<String> names;
        try {
            names = view.list();
        } catch (IOException | UnsupportedOperationException e) {
            return new Read(Map.of(), 0, null); // a filesystem without user xattrs, or one that refuses them here: nothing to keep
        }
        Map<String, String> out = new TreeMap<>();
        int leftOut = 0;
        String why = null;
        for (String name : names) {
            if (out.containsKey(name)) { // a name not UTF-8 that decodes as one listed beside it ("caf\xe9" and "caf\uFFFD"): the
                leftOut++;               // second read gave the first's value, and the attribute was dropped silently (a re-tester's)
                why = why != null ? why : NOT_UTF_8;
                continue;
            }
            try {
                ByteBuffer b = ByteBuffer.allocate(view.size(name));
                view.read(name, b);
                out.put(name, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), b.position())));
            } catch (IOException | UnsupportedOperationException e) {
                if (name.indexOf('\uFFFD') < 0 && !listed(view, name)) {
                    continue; // removed since it was listed
                }
                leftOut++;
                if (why == null) {
                    why = name.indexOf('\uFFFD') >= 0 ? NOT_UTF_8 : IoReason.of(e);
                }
            }
        }
        return new Read(out.isEmpty() ? Map.of() : out, leftOut, why);
    }

    /** Whether the attribute is still listed: one whose read failed because it was removed is not. */
    private static boolean listed(UserDefinedFileAttributeView view, String name) {
        try {
            return view.list().contains(name);
        } catch (IOException e) {
            return false;
        }
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
