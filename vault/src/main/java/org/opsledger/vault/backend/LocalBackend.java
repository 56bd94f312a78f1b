package org.opsledger.vault.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.snapshot.NodeType;

/**
 * A repository in a local directory: temporary file, fsync, atomic rename, fsync of the directory; unlink, fsync of
 * the directory (a power cut undoes an unlink, or a directory just made, whose directory was not fsynced).
 *
 * <p>Files are created 0600 and directories 0700, as restic does: the key slots are the master key
 * wrapped by each password, and any local user who can read them can guess passwords offline. A
 * repository root the operator made group-writable (a shared group for several hosts' backup users,
 * often with setgid) gets 0660 and 0770 instead; the umask can only take bits away (with 022 the
 * group reads and does not write: such setups run with 002).
 */
public final class LocalBackend implements Backend {

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> GROUP_FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-rw----"));
    private static final FileAttribute<Set<PosixFilePermission>> GROUP_DIR = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxrwx---"));

    private final Path root;
    private final DiskCalls diskCalls;
    /** Whether the root is group-writable, read at the first write: then files and directories are the group's too. */
    private volatile Boolean shared;

    public LocalBackend(Path root) {
        this(root, DiskCalls.NONE);
    }

    /** A repository at {@code root} that tells {@code diskCalls} of each unlink and directory fsync as it makes it (a test's). */
    public LocalBackend(Path root, DiskCalls diskCalls) {
        this.root = root.toAbsolutePath().normalize();
        this.diskCalls = diskCalls;
    }

    /**
     * The calls whose order decides what a power cut leaves, told as they are made: a directory keeps, through a cut, the
     * entries it held at its last {@code fsync} (a file's own bytes are {@code fsync}ed before it is renamed into place).
     * A test's model of the disk; {@link #NONE} otherwise.
     */
    public interface DiskCalls {
        DiskCalls NONE = new DiskCalls() {
        };

        /** {@code file} is about to be unlinked. */
        default void unlinking(Path file) {
        }

        /** {@code dir} was {@code fsync}ed: what was made and removed in it so far survives a power cut. */
        default void synced(Path dir) {
        }
    }

    public Path root() {
        return root;
    }

    private boolean shared() {
        Boolean s = shared;
        if (s == null) {
            try {
                s = Files.getPosixFilePermissions(root).contains(PosixFilePermission.GROUP_WRITE);
            } catch (IOException | UnsupportedOperationException e) {
                s = false;
            }
            shared = s;
        }
        return s;
    }

    /**
     * The files under {@code dir} that users other than the owner can read (the group too, unless the
     * repository is shared with a group), each as "name (mode)": {@code check} warns of key slots so.
     */
    public List<String> readableByOthers(String dir) {
        List<String> out = new ArrayList<>();
        for (String name : list(dir)) {
            try {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(path(name), LinkOption.NOFOLLOW_LINKS);
                if (p.contains(PosixFilePermission.OTHERS_READ) || !shared() && p.contains(PosixFilePermission.GROUP_READ)) {
                    out.add(name + " (" + PosixFilePermissions.toString(p) + ")");
                }
            } catch (IOException | UnsupportedOperationException e) {
                // gone since the listing, or no modes to read
            }
        }
        return out;
    }

    /**
     * Whether this process may read a file (access(2): its user, groups and capabilities); one it may not,
     * a replica copied by root and read by a service user, or one pack left root's 0600 by a copy, passed `vault check`,
     * which reads no pack without --read-data, and the restore then failed on it (a tester's).
     */
    public boolean readableByThisProcess(String name) {
        return Files.isReadable(path(name));
    }

    private FileAttribute<Set<PosixFilePermission>> fileMode() {
        return shared() ? GROUP_FILE : PRIVATE_FILE;
    }

    private FileAttribute<Set<PosixFilePermission>> dirMode() {
        return shared() ? GROUP_DIR : PRIVATE_DIR;
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path path(String name) {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new BackendException("file name escapes the repository: " + name);
        }
        return p;
    }

    /**
     * A file this user may not look at (a repository root copied its files could not reach) is no missing file: Files.exists
     * said false, and a repository another user's cp -r made was "no vault repository at …" (a tester's). Nor is one on a
     * filesystem that does not answer: a dead sshfs mount (ENOTCONN) was "no vault repository at …", and init then said
     * "repository location exists" (a tester's): {@link #unreachable}.
     */
    @Override
    public boolean exists(String name) {
        try {
            Files.readAttributes(path(name), java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (mountedOn == null) {
                mountedOn = deviceOf(root); // the repository's filesystem, as it was found: rootLost
            }
            return true;
        } catch (NoSuchFileException | NotDirectoryException e) {
            return false;
        } catch (java.nio.file.AccessDeniedException e) {
            throw readFailure("read", path(name), e);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * The repository's filesystem did not answer a look (ENOTCONN, ESTALE, EIO, ENODEV: a network or FUSE mount whose
     * server or process went away): never "no repository here".
     */
    private BackendException unreachable(IOException e) {
        return new BackendException("cannot reach the repository at " + root + ": " + IoReason.of(e)
                + " (a network mount that dropped? remount it)", e);
    }

    @Override
    public byte[] read(String name) {
        try (FileChannel ch = openFile(path(name))) {
            long size = ch.size();
            Largest.check(name, size);
            byte[] out = new byte[(int) size];
            readFully(ch, 0, out.length, out, name);
            return out;
        } catch (NoSuchFileException e) {
            throw new MissingFileException(String.valueOf(root), name, e);
        } catch (IOException e) {
            throw readFailure("read", path(name), e);
        }
    }

    @Override
    public byte[] readRange(String name, long offset, int length) {
        byte[] out = new byte[length];
        readRange(name, offset, length, out);
        return out;
    }

    @Override
    public void readRange(String name, long offset, int length, byte[] into) {
        try (FileChannel ch = openFile(path(name))) {
            readFully(ch, offset, length, into, name);
        } catch (NoSuchFileException e) {
            throw new MissingFileException(String.valueOf(root), name, e);
        } catch (IOException e) {
            throw readFailure("read", path(name), e);
        }
    }

    @Override
    public java.io.InputStream stream(String name) {
        try {
            return java.nio.channels.Channels.newInputStream(openFile(path(name), LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            throw new MissingFileException(String.valueOf(root), name, e);
        } catch (IOException e) {
            throw readFailure("read", path(name), e);
        }
    }

    /**
     * {@code p} opened for reading once a stat ({@code how} as the open follows links) says it is a regular file, as every
     * object of a repository is: a FIFO planted under an object's name (config, the keyring, a key slot, a lock, an index,
     * a snapshot) made every command wait for ever in open(2) for a writer, and a device was read as an object. Anything
     * else is refused naming the path ({@link NotAFileException}); the stat opens nothing, so waits for nothing. A FIFO
     * put in its place between the stat and the open would still be waited on: java.nio has no O_NONBLOCK.
     */
    private static FileChannel openFile(Path p, LinkOption... how) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, how);
        if (!a.isRegularFile()) {
            throw new NotAFileException(p, kindOf(p, a, how));
        }
        Set<java.nio.file.OpenOption> options = new java.util.HashSet<>(List.of(how));
        options.add(StandardOpenOption.READ);
        return FileChannel.open(p, options);
    }

    /** What {@code p} is, that is not a regular file: "a FIFO", "a socket", "a directory"… */
    private static String kindOf(Path p, java.nio.file.attribute.BasicFileAttributes a, LinkOption... how) {
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        try {
            NodeType type = NodeType.ofMode((Integer) Files.getAttribute(p, "unix:mode", how));
            return type == null ? "a socket" : switch (type) {
                case FIFO -> "a FIFO";
                case CHARDEV -> "a character device";
                case BLOCKDEV -> "a block device";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "not a regular file";
        }
    }

    private static final int IO_SLICE = 1024 * 1024;

    /** Reads in 1 MiB slices, for the same reason writes are sliced. */
    private static void readFully(FileChannel ch, long offset, int length, byte[] out, String name) throws IOException {
        int done = 0;
        while (done < length) {
            ByteBuffer buf = ByteBuffer.wrap(out, done, Math.min(IO_SLICE, length - done));
            while (buf.hasRemaining()) {
                int n = ch.read(buf, offset + done);
                if (n < 0) {
                    throw new BackendException("short read in " + name + " at " + (offset + done));
                }
                done += n;
            }
        }
    }

    /** The reason in words, or a cancellation: a read the thread's interrupt broke off says nothing of the file (a helper's repair took it for damage). */
    private static VaultException readFailure(String verb, Path p, IOException e) {
        if (Cancelled.caused(e)) {
            return new Cancelled("reading " + p, e);
        }
        if (e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.FileSystemException f
                && "Operation not permitted".equals(f.getReason())) { // EACCES, EPERM: another user's file, never damage
            return new PermissionDeniedException(p.toString(), e);
        }
        return new BackendException("cannot " + verb + " " + p + ": " + IoReason.of(e), e);
    }

    @Override
    public long size(String name) {
        try {
            return Files.size(path(name));
        } catch (IOException e) {
            throw readFailure("stat", path(name), e);
        }
    }

    @Override
    public void write(String name, byte[] data, int off, int len) {
        Path target = path(name);
        Path dir = target.getParent();
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            makeDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileMode())) {
                // 1 MiB slices: the JDK stages a heap write through a temporary direct buffer of the slice's size
                for (int pos = off; pos < off + len; ) {
                    ByteBuffer buf = ByteBuffer.wrap(data, pos, Math.min(IO_SLICE, off + len - pos));
                    while (buf.hasRemaining()) {
                        pos += ch.write(buf);
                    }
                }
                ch.force(true);
            }
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is never read; check reports and prune removes leftovers
            }
            throw writeFailure(target, e);
        }
    }

    /**
     * Renames a written and {@code fsync}ed temporary file to its name atomically, then {@code fsync}s
     * the directory so that the rename survives a crash (a directory just made was made durable by {@link #makeDirectories}).
     */
    private void moveIntoPlace(Path tmp, Path target) throws IOException {
        Path dir = target.getParent();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new BackendException("filesystem at " + dir + " cannot rename atomically", e);
        }
        fsyncDirectory(dir);
    }

    /**
     * Makes {@code dir} and what lies between it and the repository's root, never the root itself, each made one's entry
     * durable ({@link #syncEntriesOf}): a backup whose repository was moved (mv) while it ran made the old path again, its
     * data/a0/ and the journal entry of its failure there, a skeleton beside the moved repository (a tester's).
     */
    private void makeDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        BackendException lost = rootLost(null);
        if (lost != null) {
            throw lost;
        }
        List<Path> madeNow = new ArrayList<>();
        Path made = root;
        for (Path part : root.relativize(dir)) {
            made = made.resolve(part);
            try {
                Files.createDirectory(made, dirMode());
                madeNow.add(made);
            } catch (FileAlreadyExistsException there) {
                if (!Files.isDirectory(made)) {
                    throw there; // a file where a directory belongs
                }
            } catch (NoSuchFileException e) {
                BackendException rootGone = rootLost(e);
                if (rootGone != null) {
                    throw rootGone;
                }
                throw e;
            }
        }
        syncEntriesOf(madeNow);
    }

    /**
     * {@code fsync}s the parent of each directory in {@code made}, the deepest first: a directory just made is named by
     * its parent only, and a power cut took a new repository away whole, its files {@code fsync}ed below it (a helper's).
     * A parent above the repository that this user may enter and write but not read (a group's drop directory, 0733)
     * cannot be opened to be {@code fsync}ed, and init failed there ("permission denied") where it had worked: the
     * directory made in it is {@code fsync}ed instead, which on ext4, XFS and btrfs commits its entry too (their journal
     * commits the creation with it; POSIX promises it only of the parent's fsync). docs/operations.md says what remains.
     */
    private void syncEntriesOf(List<Path> made) throws IOException {
        for (Path dir : made.reversed()) {
            Path parent = dir.getParent();
            try {
                fsyncDirectory(parent);
            } catch (java.nio.file.AccessDeniedException unreadable) {
                if (parent.startsWith(root)) {
                    throw unreadable; // inside the repository: a directory of its own it may not read
                }
                fsyncDirectory(dir);
            }
        }
    }

    /**
     * Why the root is no longer there to write in, or null when it is: gone only when its stat says no such file (or a file
     * in its place); a filesystem that stopped answering otherwise: an sshfs mount that dropped under a backup was "gone
     * (moved or deleted while this command ran)", and the repository was where it was after a remount (a tester's).
     */
    private BackendException rootLost(IOException cause) {
        try {
            boolean there = Files.readAttributes(root, java.nio.file.attribute.BasicFileAttributes.class).isDirectory();
            return there && !unmounted(root) ? null : unmounted(root) ? stoppedAnswering("it is no longer mounted", cause) : gone(cause);
        } catch (NoSuchFileException | NotDirectoryException e) {
            Path up = root.getParent(); // a mount stopped cleanly (sshfs, rclone ended by TERM) leaves its empty mount point
            while (up != null && !Files.isDirectory(up)) {
                up = up.getParent();
            }
            return up != null && unmounted(up) ? stoppedAnswering("it is no longer mounted", cause) : gone(cause);
        } catch (IOException e) {
            return stoppedAnswering(IoReason.of(e), e);
        }
    }

    private BackendException stoppedAnswering(String why, IOException e) {
        return new BackendException("the filesystem of the repository at " + root + " stopped answering (" + why
                + "): remount it, then run the command again; check --read-data confirms nothing was damaged", e);
    }

    /** Whether {@code p} is on another filesystem than the one the repository was found on: its mount is gone. */
    private boolean unmounted(Path p) {
        Long was = mountedOn;
        Long now = deviceOf(p);
        return was != null && now != null && !was.equals(now);
    }

    /** The device the repository was found on, by its first file looked at; null before, or where there are no devices. */
    private volatile Long mountedOn;

    private static Long deviceOf(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:dev")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private BackendException gone(IOException e) {
        return new BackendException("the repository " + root + " is gone (moved or deleted while this command ran)", e);
    }

    /** A rename within the repository's filesystem, atomic and durable (its directory synced), as a write's last step. */
    @Override
    public void move(String from, String to) {
        Path target = path(to);
        try {
            makeDirectories(target.getParent());
            moveIntoPlace(path(from), target);
        } catch (IOException e) {
            throw writeFailure(target, e);
        }
    }

    /**
     * The reason in words, and where: a new pack's temporary file is named as the repository it goes in ("cannot write
     * …/.tmp-eff7…: java.nio.file.AccessDeniedException: …" said neither what nor why: a helper's), and a repository whose
     * root is no longer there as {@link #gone}.
     */
    private VaultException writeFailure(Path target, IOException e) {
        if (Cancelled.caused(e)) {
            return new Cancelled("writing " + target, e); // the thread's job was cancelled, the disk did not fail
        }
        BackendException lost = rootLost(e);
        if (lost != null) { // a new pack's temporary file in the root: a backup beside a mv of the repository said "no such file"
            return lost;
        }
        String why = e.getMessage() != null && e.getMessage().contains("No space") ? "disk full" : org.opsledger.vault.IoReason.of(e);
        String what = target.getFileName().toString().startsWith(".tmp-") ? "a new file in the repository " + root : target.toString();
        return new BackendException("cannot write " + what + ": " + why, e);
    }

    /** Bytes an upload gathers before one write call: a direct buffer, so the JDK does not stage each write through one of its own. */
    static final int UPLOAD_BUFFER = 512 * 1024;
    /** Direct buffers of finished uploads, for the next ones (two uploads are open at once in a backup: one data and one tree pack). */
    private static final java.util.concurrent.BlockingQueue<ByteBuffer> SPARE_UPLOAD_BUFFERS = new java.util.concurrent.ArrayBlockingQueue<>(4);

    /**
     * Streams a file to {@code .tmp-<random>} in the repository's root and, on commit, {@code fsync}s it,
     * renames it into place ({@code ATOMIC_MOVE}) and {@code fsync}s the directory (docs/vault-format.md
     * §2). Not thread-safe: a pack writer calls it under its own lock.
     */
    @Override
    public Upload upload() {
        Path tmp = root.resolve(".tmp-" + UUID.randomUUID());
        FileChannel ch;
        try {
            ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileMode());
        } catch (IOException e) {
            throw writeFailure(tmp, e);
        }
        ByteBuffer spare = SPARE_UPLOAD_BUFFERS.poll();
        ByteBuffer buf = spare != null ? spare : ByteBuffer.allocateDirect(UPLOAD_BUFFER);
        return new Upload() {
            private boolean open = true;

            @Override
            public void write(byte[] data, int off, int len) {
                try {
                    while (len > 0) {
                        int n = Math.min(len, buf.remaining());
                        buf.put(data, off, n);
                        off += n;
                        len -= n;
                        if (!buf.hasRemaining()) {
                            drain();
                        }
                    }
                } catch (IOException e) {
                    throw writeFailure(tmp, e);
                }
            }

            private void drain() throws IOException {
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                buf.clear();
            }

            @Override
            public void commit(String name) {
                Path target = path(name);
                try {
                    drain();
                    ch.force(true);
                    ch.close();
                    makeDirectories(target.getParent());
                    moveIntoPlace(tmp, target);
                } catch (IOException e) {
                    throw writeFailure(target, e);
                } finally {
                    close();
                }
            }

            @Override
            public void close() {
                if (!open) {
                    return;
                }
                open = false;
                buf.clear();
                SPARE_UPLOAD_BUFFERS.offer(buf);
                try {
                    ch.close();
                    Files.deleteIfExists(tmp); // gone already after a commit
                } catch (IOException ignored) {
                    // the temporary file is never read; check reports and prune removes leftovers
                }
            }
        };
    }

    private void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
        diskCalls.synced(dir);
    }

    /**
     * The new file renamed over the old one, as {@link #write} does, the old one's blocks then overwritten: before the
     * rename a second name is linked to the old inode ({@code NAME.shredding}), which keeps it, and {@link #discard} then
     * overwrites and deletes it. One left by a process that died after the rename still holds the old bytes: it is
     * discarded first; one left before the rename is the file in use, and only that name goes.
     */
    @Override
    public void replaceShredding(String name, byte[] data) {
        Path p = path(name);
        String oldName = Backend.shreddingOf(name);
        Path old = path(oldName);
        discardReplaced(name);
        try {
            if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
                delete(oldName); // killed between the link and the rename: it is the file in use, never to be overwritten
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createLink(old, p);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // a filesystem without hard links (FAT, exFAT on a USB disk): replaced as any file is; the medium's
            // disposal (IS.004) covers its free blocks
        }
        write(name, data, 0, data.length);
        if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            discard(oldName);
        }
    }

    /** Not one linked to the file in use by a replacement killed before its rename. */
    @Override
    public String replacedLeftBehind(String name) {
        Path old = path(Backend.shreddingOf(name));
        Path p = path(name);
        try {
            boolean inUse = Files.exists(p, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(old, p);
            return Files.exists(old, LinkOption.NOFOLLOW_LINKS) && !inUse ? Backend.shreddingOf(name) : null;
        } catch (IOException gone) { // removed meanwhile: nothing left
            return null;
        }
    }

    /**
     * A replaced keyring a `key rotate` or `key retire` killed after its rename left held the retired key: stats said
     * retired, check said nothing, a retirement run again refused (no live epoch) and prune left it (a helper's).
     */
    @Override
    public void discardReplaced(String name) {
        Path old = path(Backend.shreddingOf(name));
        if (!Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Taken away under a name no other process knows before it is looked at again and overwritten: between a look by
        // name and an overwrite by name, a `key rotate` beside this command shredded the leftover itself and linked
        // NAME.shredding to the file in use, which the overwrite then destroyed (a re-tester's, with strace: every
        // command then failed "keyring … fails authentication"). A file under that name never becomes the one in use.
        String taken = ".tmp-" + UUID.randomUUID() + "." + Backend.shreddingOf(name);
        try {
            Files.move(old, path(taken), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException gone) { // removed meanwhile, by the command that replaced it or another like this one
            return;
        }
        boolean inUse;
        try {
            inUse = Files.exists(path(name), LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(path(taken), path(name));
        } catch (IOException e) {
            inUse = true; // not known: never overwritten
        }
        if (!inUse) {
            discard(taken);
            return;
        }
        try { // the file in use, linked by a replacement not yet renamed into place: its name back, never over another
            Files.createLink(old, path(taken));
            Files.delete(path(taken));
        } catch (IOException e) {
            // NAME.shredding made again meanwhile: the taken name stays, a second name of a keyring, which the next
            // retirement's sweep of .tmp- files deletes without overwriting (discard: a file with another name)
        }
    }

    /**
     * Overwrites the file's own blocks (the same inode, not a new file renamed over it) with random bytes, {@code fsync}s
     * them, then deletes it. On flash media and copy-on-write filesystems (btrfs, ZFS) the old blocks may survive an
     * overwrite; the medium is then wiped or destroyed per IS.004, as operations.md says.
     */
    /**
     * Overwritten in place and deleted when this is the file's only name; only deleted when another name holds the same
     * bytes: a copy of the repository made with hard links (cp -al, rsnapshot, rsync --link-dest) shares them, and a key
     * rotation overwrote that copy's keyring (a helper's). That copy is a copy of the files that exists, as disposal's
     * documentation says; a disposal overwrites whatever names the file has.
     */
    @Override
    public void discard(String name) {
        Path p = path(name);
        int links = 1;
        try {
            links = ((Number) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no link count here (not a Unix filesystem): the one name it has
        }
        if (links > 1) {
            delete(name);
        } else {
            shred(name);
        }
    }

    @Override
    public void shred(String name) {
        Path p = path(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            java.security.SecureRandom random = new java.security.SecureRandom();
            byte[] noise = new byte[8192];
            long size = ch.size();
            for (long pos = 0; pos < size; pos += noise.length) {
                random.nextBytes(noise);
                ByteBuffer b = ByteBuffer.wrap(noise, 0, (int) Math.min(noise.length, size - pos));
                while (b.hasRemaining()) {
                    ch.write(b, pos + b.position());
                }
            }
            ch.force(true);
        } catch (NoSuchFileException gone) {
            return; // another process overwrote and deleted it meanwhile (a replaced keyring left behind: discardReplaced)
        } catch (IOException e) {
            if (Cancelled.caused(e)) {
                throw new Cancelled("overwriting " + p, e);
            }
            notOverwritten(p, e);
        }
        delete(name); // revocation never fails for want of an overwrite: IS.012 6.6.6.4: the removed password still opened it (a tester's)
    }

    /**
     * The in-place overwrite refused: an rclone mount without --vfs-cache-mode writes refuses any write to an existing file
     * not opened with O_TRUNC ("Operation not permitted"), and `key remove` failed there, the slot kept, its password still
     * opening the repository (a tester's). The file is deleted all the same; said once a command, as its bytes may remain.
     */
    private void notOverwritten(Path p, IOException e) {
        if (!notOverwrittenSaid) {
            notOverwrittenSaid = true;
            notices.accept(p + " was deleted without its bytes overwritten: the filesystem refused a write in place ("
                    + IoReason.of(e) + "; an rclone mount without --vfs-cache-mode writes does, and a copy-on-write, log-structured or"
                    + " network store keeps old blocks anyway): dispose of the medium or remote storage as IS.004 says");
        }
    }

    private volatile boolean notOverwrittenSaid;
    private volatile Consumer<String> notices = notice -> { };

    /** Where this backend says what the command should know as it happens: a key file deleted without its overwrite. */
    public void onNotice(Consumer<String> sink) {
        notices = sink;
    }

    @Override
    public void delete(String name) {
        deleteAll(List.of(name));
    }

    /**
     * Each file unlinked as it is deleted, then each directory they were in {@code fsync}ed once, at the close
     * (docs/vault-format.md §2, "Writes are atomic"): an unlink alone is undone by a power cut.
     */
    @Override
    public Deletions deletions() {
        return new Deletions() {
            private final Set<Path> dirs = new java.util.LinkedHashSet<>();

            @Override
            public void delete(String name) {
                Path at = path(name);
                diskCalls.unlinking(at);
                try {
                    Files.deleteIfExists(at);
                } catch (IOException e) {
                    throw deleteFailure("delete", at, e);
                }
                dirs.add(at.getParent());
            }

            @Override
            public void close() {
                for (java.util.Iterator<Path> it = dirs.iterator(); it.hasNext(); ) {
                    Path dir = it.next();
                    try {
                        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) { // none: never made, nothing was in it
                            fsyncDirectory(dir);
                        }
                    } catch (IOException e) {
                        throw deleteFailure("sync", dir, e);
                    }
                    it.remove();
                }
            }
        };
    }

    private static VaultException deleteFailure(String verb, Path at, IOException e) {
        if (Cancelled.caused(e)) {
            return new Cancelled("deleting " + at, e); // the thread's job was cancelled, the disk did not fail
        }
        return new BackendException("cannot " + verb + " " + at + ": " + IoReason.of(e), e);
    }

    @Override
    public List<String> list(String dir) {
        List<String> names = new ArrayList<>();
        eachFileUnder(dir, p -> names.add(root.relativize(p).toString()));
        names.sort(null);
        return names;
    }

    @Override
    public java.util.SortedMap<String, Long> listSizes(String dir) {
        java.util.SortedMap<String, Long> sizes = new java.util.TreeMap<>();
        eachFileUnder(dir, p -> {
            try {
                sizes.put(root.relativize(p).toString(), Files.size(p));
            } catch (NoSuchFileException gone) {
                // removed since its directory was listed
            } catch (IOException e) {
                throw readFailure("stat", p, e);
            }
        });
        return sizes;
    }

    /**
     * Each file {@link #list} names: what is under {@code dir} (a link followed), but directories, the temporary files of
     * writes under way and dangling links. Not the regular files only: a FIFO or socket in a snapshot's, an index's or a
     * key slot's place was passed over, and check said "checked 0 snapshot(s) … no errors were found", a command "no key
     * slot: it was disposed of"; listed, its read names it ({@link #openFile}).
     */
    private void eachFileUnder(String dir, Consumer<Path> each) {
        Path d = path(dir);
        if (Files.isDirectory(d)) {
            visit(d, p -> {
                if (!p.getFileName().toString().startsWith(".tmp-") && Files.exists(p)) {
                    each.accept(p);
                }
            });
        }
    }

    @Override
    public String refusesNewRepository() {
        Path above = root.getParent(); // the directories above as the kernel resolves them: through a link into a repository
        while (above != null && !Files.exists(above)) {  // is inside it (a re-tester's)
            above = above.getParent();
        }
        try {
            above = above == null ? null : above.toRealPath();
        } catch (IOException e) {
            // as written
        }
        for (Path up = above; up != null; up = up.getParent()) {
            if (Files.isRegularFile(up.resolve("config")) && Files.isRegularFile(up.resolve("keyring")) && Files.isDirectory(up.resolve("keys"))) {
                return "repository location " + root + " is inside the vault repository " + up
                        + ": the commands of each would take the other's files for their own; choose a location outside it";
            }
        }
        return null;
    }

    @Override
    public List<String> unfinishedWrites(String dir) {
        Path d = path(dir);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d, ".tmp-*")) {
            for (Path p : s) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(root.relativize(p).toString());
                }
            }
        } catch (NoSuchFileException | NotDirectoryException gone) {
            return List.of();
        } catch (IOException | DirectoryIteratorException e) {
            throw new BackendException("cannot list " + d + ": " + IoReason.of(e instanceof DirectoryIteratorException x ? x.getCause() : e), e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Temporary files left by a killed writer, last written {@code olderThan} ago or more; they are never read and prune
     * removes them. A younger one may be a running writer's: a prune deleted a starting backup's lock file and a forget's
     * journal entry while each was being written (a helper's).
     */
    public List<Path> leftoverTemporaryFiles(java.time.Duration olderThan) {
        java.time.Instant before = java.time.Instant.now().minus(olderThan);
        List<Path> found = new ArrayList<>();
        visit(root, p -> {
            if (p.getFileName().toString().startsWith(".tmp-")) {
                try {
                    if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                        found.add(p);
                    }
                } catch (IOException gone) {
                    // renamed into place or removed meanwhile
                }
            }
        });
        return found;
    }

    /**
     * Every entry below {@code dir} but directories, not following links. Several hosts write into one repository at
     * once, each write a {@code .tmp-} file renamed into place: an entry or a directory gone by the time it is looked at
     * (Files.walk failed the whole listing on one) is passed over, as a listing a moment later would not have met it.
     */
    private void visit(Path dir, Consumer<Path> entry) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    visit(p, entry);
                } else {
                    entry.accept(p);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException gone) {
            // removed (or replaced) since its parent was listed
        } catch (IOException | DirectoryIteratorException e) {
            throw new BackendException("cannot list " + dir + ": " + IoReason.of(e instanceof DirectoryIteratorException d ? d.getCause() : e), e);
        }
    }

    @Override
    public java.util.Optional<Path> localDirectory() {
        return java.util.Optional.of(root);
    }

    @Override
    public OptionalLong device() {
        Long dev = deviceOf(root);
        return dev == null ? OptionalLong.empty() : OptionalLong.of(dev);
    }

    /** Creates the repository directory; refuses a non-empty one. */
    @Override
    public void createRoot() {
        try {
            try {
                Files.readAttributes(root, java.nio.file.attribute.BasicFileAttributes.class);
            } catch (NoSuchFileException | NotDirectoryException | java.nio.file.AccessDeniedException absentOrRefused) {
                // made below, or refused there with its reason
            } catch (IOException e) {
                throw unreachable(e); // a dead mount said "repository location exists"
            }
            if (Files.exists(root) && (!Files.isDirectory(root) || hasEntries(root))) {
                throw new BackendException("repository location is not an empty directory: " + root);
            }
            if (!Files.exists(root)) { // an existing empty directory keeps the operator's mode
                List<Path> made = new ArrayList<>(); // the root, and each directory above it that is not there either
                for (Path up = root; up != null && !Files.exists(up); up = up.getParent()) {
                    made.addFirst(up);
                }
                Files.createDirectories(root.getParent());
                Files.createDirectory(root, PRIVATE_DIR);
                syncEntriesOf(made);
            }
        } catch (FileAlreadyExistsException e) {
            throw new BackendException("repository location exists: " + root, e);
        } catch (IOException e) {
            throw new BackendException("cannot create " + root + ": " + IoReason.of(e), e);
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
