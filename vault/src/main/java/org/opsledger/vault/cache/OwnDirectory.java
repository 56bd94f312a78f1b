package org.opsledger.vault.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opsledger.vault.OsUser;

/**
 * A directory of the cache opened once, and everything in it reached through that open handle ({@code openat}), never
 * by its path again, no link followed: another user who may rename or replace a directory on the way (a root she made
 * first in /tmp, a team-writable parent) cannot turn a deletion or a write of the cache onto a file elsewhere. Every
 * directory opened is checked on its handle (fstat) to be this user's; a subdirectory also to be 0700, as the cache
 * makes them.
 */
final class OwnDirectory implements Closeable {

    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR = PosixFilePermissions.asFileAttribute(PRIVATE);
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /** Why a root is not used as the cache's: one line for the operator. */
    static final class Refused extends IOException {
        Refused(String why) {
            super(why);
        }
    }

    private final Path path;
    private final SecureDirectoryStream<Path> handle;
    private final FileTime modified;

    private OwnDirectory(Path path, SecureDirectoryStream<Path> handle, FileTime modified) {
        this.path = path;
        this.handle = handle;
        this.modified = modified;
    }

    /** The path it was opened at: for messages and tests only, never to reach a file. */
    Path path() {
        return path;
    }

    /** When it was last modified, as it was when opened. */
    FileTime modified() {
        return modified;
    }

    /**
     * The cache's root, made (0700) if absent, opened without following a link, when no one but this user, or root above
     * it, can change what it holds: it is this user's and not writable by others, and each directory above it (links
     * resolved) is this user's or root's and writable by no one else, or sticky (/tmp). The launcher trusts app/ so.
     */
    static OwnDirectory root(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new Refused("it is /");
        }
        Files.createDirectories(absolute, PRIVATE_DIR);
        Path real = parent.toRealPath();
        for (Path p = real; p != null; p = p.getParent()) {
            long uid = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (uid != 0 && uid != OsUser.uid() || (mode & 022) != 0 && (mode & 01000) == 0) {
                throw new Refused(p + " above it is " + (uid != 0 && uid != OsUser.uid() ? "another user's (" + OsUser.nameOf(uid) + ")"
                        : "writable by others") + ", who could put another directory in its place");
            }
        }
        if (Files.isSymbolicLink(absolute)) {
            throw new Refused("it is a symbolic link");
        }
        try (DirectoryStream<Path> above = Files.newDirectoryStream(real)) {
            if (!(above instanceof SecureDirectoryStream<Path> secure)) {
                throw new Refused("this system cannot open a directory without following links");
            }
            OwnDirectory opened = open(secure, absolute, absolute.getFileName().toString());
            PosixFileAttributes a = opened.attributes();
            if (!a.owner().equals(me())) {
                opened.close();
                throw new Refused("it is another user's (" + a.owner().getName() + ")");
            }
            if (a.permissions().stream().anyMatch(OTHERS_WRITE::contains)) {
                opened.close();
                throw new Refused("others may write to it (mode " + PosixFilePermissions.toString(a.permissions()) + ")");
            }
            return opened;
        }
    }

    private static OwnDirectory open(SecureDirectoryStream<Path> in, Path path, String name) throws IOException {
        SecureDirectoryStream<Path> h = in.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        try {
            return new OwnDirectory(path, h, attributesOf(h).lastModifiedTime());
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private PosixFileAttributes attributes() throws IOException {
        return attributesOf(handle);
    }

    private static PosixFileAttributes attributesOf(SecureDirectoryStream<Path> h) throws IOException {
        return h.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
    }

    /** This process's user, looked up once (each lookup may ask NSS: LDAP, SSSD). */
    private static volatile UserPrincipal me;

    private static UserPrincipal me() throws IOException {
        UserPrincipal m = me;
        if (m == null) { // by its number: the JDK takes one the passwd database does not name as the uid (UnixUserPrincipals)
            me = m = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(Long.toString(OsUser.uid()));
        }
        return m;
    }

    /**
     * The subdirectory {@code name}, made 0700 first when {@code make}; null when it is not there, and refused when it is
     * not a directory of this user's of mode 0700 (one the cache did not make: never changed, never written to).
     */
    OwnDirectory sub(String name, boolean make) throws IOException {
        if (make) {
            try { // no mkdirat in java.nio: by path, below a root no one else may change; at worst an empty directory
                Files.createDirectory(path.resolve(name), PRIVATE_DIR);
            } catch (FileAlreadyExistsException there) {
                // made before
            }
        }
        OwnDirectory d;
        try {
            d = open(handle, path.resolve(name), name);
        } catch (java.nio.file.NoSuchFileException none) {
            return null;
        }
        PosixFileAttributes a = d.attributes();
        if (!a.owner().equals(me()) || !a.permissions().equals(PRIVATE)) {
            d.close();
            throw new IOException(d.path + " is not a 0700 directory of this user's");
        }
        return d;
    }

    /** The attributes of {@code name} in it, a link's own. */
    BasicFileAttributes attributesOf(String name) throws IOException {
        return handle.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    }

    /** Marks {@code name} modified now (a link is not followed). */
    void touch(String name, FileTime now) throws IOException {
        handle.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(now, null, null);
    }

    /** The bytes of regular file {@code name}, at most {@code most}; null when it is not a regular file or larger. */
    byte[] read(String name, long most) throws IOException {
        try (SeekableByteChannel in = handle.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            long size = in.size();
            if (size > most) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && in.read(b) >= 0) {
                // whole
            }
            return b.hasRemaining() ? null : b.array();
        }
    }

    /** Writes {@code bytes} to {@code partial} here (0600, a new file), then renames it to {@code name} in {@code into}: whole or not at all. */
    void writeWhole(String partial, byte[] bytes, OwnDirectory into, String name) throws IOException {
        Set<OpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            try (SeekableByteChannel out = handle.newByteChannel(Path.of(partial), create, PRIVATE_FILE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            handle.move(Path.of(partial), into.handle, Path.of(name));
        } catch (IOException | RuntimeException e) {
            delete(partial);
            throw e;
        }
    }

    /** Deletes file {@code name} here (a link itself, never what it names); false when it was not there or not deleted. */
    boolean delete(String name) {
        try {
            handle.deleteFile(Path.of(name));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Deletes empty directory {@code name} here; false when it is not one. */
    boolean deleteDirectory(String name) {
        try {
            handle.deleteDirectory(Path.of(name));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The names in it now. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        try (SecureDirectoryStream<Path> again = handle.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) { // a stream lists once
            for (Path p : again) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            // what was read
        }
        return names;
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (IOException e) {
            // nothing to keep
        }
    }
}
