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

    /** The attributes of a file or directory (symlinks have none in this namespace); empty when the filesystem has none. */
    public static Map<String, String> read(Path p) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return Map.of();
        }
        try {
            var names = view.list();
            if (names.isEmpty()) {
                return Map.of();
            }
            Map<String, String> out = new TreeMap<>();
            for (String name : names) {
                ByteBuffer b = ByteBuffer.allocate(view.size(name));
                view.read(name, b);
                out.put(name, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), b.position())));
            }
            return out;
        } catch (IOException | UnsupportedOperationException e) {
            return Map.of(); // a filesystem without user xattrs, or one that refuses them here: nothing to keep
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
