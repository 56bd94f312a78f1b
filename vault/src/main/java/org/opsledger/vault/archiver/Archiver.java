package org.opsledger.vault.archiver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.Globs;
import org.opsledger.vault.OsUser;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.repository.BlobsAdded;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.PermissionAttributes;
import org.opsledger.vault.snapshot.XattrListing;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * Writes one snapshot of a set of paths, or of a stream, into a repository. Cancelled with {@code Thread.interrupt()}, a
 * backup stops at its next file or read (its reader and workers ended) and throws {@link Cancelled}: no snapshot, its
 * packs so far left as a killed backup leaves them (docs/architecture.md, "A cancelled job").
 */
public final class Archiver {

    /**
     * Opens a file's content for reading, never through a symbolic link: by its name in {@code directory}, the directory
     * the walk listed, open still, or by its path when that is null (a path named on the command line, a file system
     * without openat). Tests use it to make a file vanish or fail at the moment it is read.
     */
    @FunctionalInterface
    public interface FileOpener {
        FileOpener DIRECT = (directory, p) -> directory == null ? Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)
                : Channels.newInputStream(directory.newByteChannel(p.getFileName(), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));

        InputStream open(SecureDirectoryStream<Path> directory, Path file) throws IOException;
    }

    private final Repository repo;
    private final BackupProgress progress;
    private final FileOpener opener;
    /**
     * Lists a file's or directory's extended attributes, once for its POSIX ACLs, capability and {@code user.} attributes.
     * Tests count through it what a backup lists.
     */
    private final Function<Path, XattrListing> listings;
    /** The host's calendar: a snapshot records its UTC offset at its time ({@link Snapshot#timeOffset}). */
    private final java.time.ZoneId zone;

    public Archiver(Repository repo, BackupProgress progress) {
        this(repo, progress, FileOpener.DIRECT);
    }

    public Archiver(Repository repo, BackupProgress progress, FileOpener opener) {
        this(repo, progress, opener, XattrListing::of);
    }

    Archiver(Repository repo, BackupProgress progress, FileOpener opener, Function<Path, XattrListing> listings) {
        this(repo, progress, opener, listings, java.time.ZoneId.systemDefault());
    }

    private Archiver(Repository repo, BackupProgress progress, FileOpener opener, Function<Path, XattrListing> listings, java.time.ZoneId zone) {
        this.repo = repo;
        this.progress = progress;
        this.opener = opener;
        this.listings = listings;
        this.zone = zone;
    }

    /**
     * This archiver with the host's calendar {@code zone}, the one forget counts days in where a snapshot has no offset
     * recorded (the CLI's is the C library's reading of TZ, which the JVM's may not be); the JVM's without it.
     */
    public Archiver inZone(java.time.ZoneId zone) {
        return new Archiver(repo, progress, opener, listings, zone);
    }

    /**
     * The backup's paths, absolute and in the snapshot's order (by name). Refuses, before any repository is opened, a
     * list that no backup could ever take, so a mistyped command line is not recorded as a failed backup of a source
     * that does not exist; a path that is missing is a backup that failed (a mount that is not there at 2 a.m.) and is
     * refused by {@link #backup}.
     */
    public static List<Path> sourcePaths(BackupOptions options) {
        List<Path> paths = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Globs.Glob> excludes = Globs.compile(options.excludes());
        Map<String, byte[]> tags = tagsOf(options.excludeIfPresent());
        for (Path p : options.paths()) {
            Path abs = p.toAbsolutePath().normalize();
            if (abs.getFileName() == null) {
                throw new VaultException("cannot back up the filesystem root itself; name its directories");
            }
            if (!names.add(FileNames.nameOf(abs))) {
                throw new VaultException(paths.contains(abs) ? "the path " + abs + " is given twice"
                        : "two paths end in the same name " + abs.getFileName() + "; back them up separately");
            }
            if (FileNames.nameOf(abs).equals(Restorer.UNFINISHED)) {
                throw new VaultException("the backup path " + abs + ": " + UNRESTORABLE);
            }
            String leftOut = Globs.leftOut(excludes, FileNames.exactOf(abs));
            if (FileNames.exactOf(abs).equals(leftOut)) { // it would be an empty snapshot that looks like a backup
                throw new VaultException("the backup path " + abs + " is itself excluded by --exclude; nothing of it would be backed up");
            }
            // so would a tag file in it: the snapshot held nothing, exit 0, and `vault due` counted it a backup (a tester's)
            String tag = tags.isEmpty() || !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS) ? null : tagIn(abs, tags.keySet().stream()
                    .map(name -> new Named(name, FileNames.resolve(abs, name))).filter(e -> Files.exists(e.path(), LinkOption.NOFOLLOW_LINKS))
                    .toList(), tags, warning -> { }); // a tag that cannot be read is warned of by the walk
            if (tag != null) {
                throw new VaultException("the backup path " + abs + " is itself left out by " + (BackupOptions.CACHE_TAG.startsWith(tag + ":")
                        ? "--exclude-caches" : "--exclude-if-present") + ": it holds " + tag + "; nothing of it would be backed up");
            }
            // a directory above it that a pattern of a path leaves out: it was backed up whole, where restic leaves it out (a helper's)
            if (leftOut != null) {
                throw new VaultException("the backup path " + abs + " is inside " + leftOut + ", which --exclude leaves out;"
                        + " nothing of it would be backed up");
            }
            paths.add(abs);
        }
        paths.sort(Comparator.comparing(FileNames::nameOf));
        return paths;
    }

    /**
     * A backup path its user may not read fails the backup as a missing one does: a directory of mode 000 gave a snapshot
     * of one empty directory, exit 3 as for a file unreadable among thousands, and `vault due` counted it a backup (a
     * helper's, as {@code nobody}). Nothing of the source would be backed up, night after night.
     */
    private static void refuseUnreadable(Path p) {
        try {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (var entries = Files.newDirectoryStream(p)) {
                    entries.iterator().hasNext();
                }
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS).close();
            }
        } catch (java.nio.file.AccessDeniedException e) {
            throw unreadable(p);
        } catch (IOException e) {
            // read as the walk reads it, which reports what it could not
        }
    }

    private static VaultException unreadable(Path p) {
        return new VaultException("cannot read the backup path " + p + ": permission denied; nothing of it would be backed up");
    }

    /**
     * Refuses a backup path that is not there. One under a directory its user may not search (/var/lib/postgresql 0700,
     * another user's home) is there: Files.exists said false, and it failed as "no such file or directory", in the journal
     * too, sending the operator to look for a missing mount (a tester's).
     */
    private static void refuseMissing(Path p) {
        try {
            Files.readAttributes(p.toAbsolutePath().normalize(), java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.AccessDeniedException e) {
            throw unreadable(p);
        } catch (IOException e) {
            throw new VaultException("no such file or directory: " + p);
        }
    }

    /**
     * Where the walk reads a backup path: the path itself, not followed if it is a symbolic link. Such a link is refused:
     * saved as the link alone, `/mnt/snap-latest -> /mnt/snap-2026-12-07` gave a snapshot of 0 files, exit 0, and `vault due`
     * said ok (a tester's). Given with a trailing slash ({@code /mnt/snap-latest/}, which POSIX resolves through the link,
     * as tar does), the directory it points to is read and recorded under the link's path: one source however the link
     * is moved night after night, as tar names its members.
     */
    private static Path walked(Path given) {
        Path abs = given.toAbsolutePath().normalize();
        if (!Files.isSymbolicLink(abs)) {
            return abs;
        }
        String target;
        try {
            target = FileNames.exactOf(abs.getParent().resolve(Files.readSymbolicLink(abs)).normalize());
        } catch (IOException e) {
            throw new VaultException("cannot read the symbolic link " + abs + ": " + org.opsledger.vault.IoReason.of(e));
        }
        if (given.getFileName() == null || !given.getFileName().toString().equals(".")) { // "x/" arrives as x/. (FileNames.pathOf keeps no slash)
            throw new VaultException("the backup path " + abs + " is a symlink to " + target + ": back up that path, or give it as "
                    + abs + "/ to back up what it points to under the link's name");
        }
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            throw new VaultException("no such file or directory: " + abs + "/ (a symlink to " + target + ", which is not there)");
        }
    }

    /**
     * A backup path that is an empty directory where the source's newest snapshot held entries: a snapshot or disk that
     * was not mounted (an lvcreate that failed at 2 a.m.): saved as an incremental of 0 files, exit 0, `vault due` said
     * ok and `forget --keep-last 1` kept it and removed the real ones (a tester's). Refused as a missing path is; with
     * --full it is saved, warned of (exit 3): the way to back up a directory emptied on purpose.
     */
    private void refuseEmptied(List<Path> paths, List<Path> walked, SnapshotRef previous, boolean full) {
        Map<String, Node> before = null;
        for (int i = 0; previous != null && i < paths.size(); i++) {
            if (!emptyDirectory(walked.get(i))) {
                continue;
            }
            if (before == null) {
                if (!repo.hasBlob(previous.snapshot().tree())) {
                    return; // lost: told as the parent's is
                }
                before = byName(repo.loadTree(previous.snapshot().tree()));
            }
            Node was = before.get(FileNames.nameOf(paths.get(i)));
            if (was == null || was.type() != NodeType.DIR || was.subtree() == null || !repo.hasBlob(was.subtree())) {
                continue;
            }
            int held = repo.loadTree(was.subtree()).nodes().size();
            if (held == 0) {
                continue;
            }
            String what = "the backup path " + FileNames.exactOf(paths.get(i)) + " is an empty directory, where snapshot " + previous.shortId()
                    + " of this source holds " + held + " entries";
            if (!full) {
                throw new VaultException(what + " (a snapshot or disk not mounted?): no snapshot was written; mount it, or back it up"
                        + " with --full if it was emptied on purpose");
            }
            progress.warn(what + ": saved empty (--full); if a snapshot or disk was not mounted, mount it and back up again");
        }
    }

    /**
     * A backup path whose every entry the selection left out (`--exclude '/srv/app/*'` typed for `'/srv/app/*&#47;cache'`,
     * an --exclude-if-present file at its top) where the source's newest snapshot held entries there: saved as an
     * incremental of 0 files, exit 0, `due` said ok, and `forget --keep-last 1 --prune` kept it and destroyed the real one
     * (a tester's). Refused as an emptied directory is ({@link #refuseEmptied}), after the walk, which is what tells it;
     * with --full saved and warned of (exit 3). What the walk stored is left to prune.
     */
    private void refuseLeftOutWhole(List<Path> paths, List<Path> walked, List<Node> nodes, SnapshotRef previous, boolean full) {
        if (previous == null || !repo.index().contains(previous.snapshot().tree())) {
            return;
        }
        Map<String, Node> now = byName(new Tree(nodes));
        Map<String, Node> before = null;
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            Node n = now.get(FileNames.nameOf(path));
            if (n == null || n.type() != NodeType.DIR || n.subtree() == null || emptyDirectory(walked.get(i)) // refuseEmptied's
                    || !repo.loadTree(n.subtree()).nodes().isEmpty()) {
                continue;
            }
            if (before == null) {
                before = byName(repo.loadTree(previous.snapshot().tree()));
            }
            Node was = before.get(n.name());
            if (was == null || was.type() != NodeType.DIR || was.subtree() == null || !repo.index().contains(was.subtree())) {
                continue;
            }
            int held = repo.loadTree(was.subtree()).nodes().size();
            if (held == 0) {
                continue;
            }
            String what = "every entry under the backup path " + FileNames.exactOf(path) + " was left out (--exclude, --exclude-if-present, -x),"
                    + " where snapshot " + previous.shortId() + " of this source holds " + held + " entries there";
            if (!full) {
                throw new VaultException(what + ": no snapshot was written; narrow the patterns, or back it up with --full if that"
                        + " is meant");
            }
            progress.warn(what + ": saved empty (--full)");
        }
    }

    private static boolean emptyDirectory(Path p) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.newDirectoryStream(p)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            return false; // read as the walk reads it, which reports what it could not
        }
    }

    /**
     * Backs up the paths; the snapshot is written only after all its data is durable. None is refused: a service's job
     * whose configured list came out empty committed a full snapshot of nothing, a success (a tester's); the CLI refuses
     * it too.
     */
    public SnapshotRef backup(BackupOptions options) {
        if (options.paths().isEmpty()) {
            throw new IllegalArgumentException("nothing to back up: no path given (backupStream backs up a stream)");
        }
        Instant started = Instant.now(); // the time of capture (IS.012 6.6.5.1): when the data began to be read, as restic's
        List<Path> paths = sourcePaths(options);
        options.paths().forEach(Archiver::refuseMissing);
        Map<Path, Path> given = new HashMap<>();
        options.paths().forEach(g -> given.put(g.toAbsolutePath().normalize(), g));
        List<Path> walked = paths.stream().map(p -> walked(given.get(p))).toList(); // in the order of paths, each read there
        walked.forEach(Archiver::refuseUnreadable);
        Map<Long, String> repositoryDevices = repositoryDevices(options.allowSameDevice());
        refuseSameDevice(walked, repositoryDevices);
        InodeKey repository = repositoryDirectory();
        List<Globs.Glob> excludes = Globs.compile(options.excludes());
        for (Path p : walked) {
            if (repository != null && repository.equals(inodeOf(p))) {
                throw new VaultException(p + " is the repository itself; `vault copy` copies snapshots to another repository");
            }
            for (Path up = p.getParent(); repository != null && up != null; up = up.getParent()) {
                if (repository.equals(inodeOf(up))) { // its packs into its own packs: a backup of the backup
                    throw new VaultException(p + " is inside the repository " + up + "; `vault copy` copies snapshots to another repository");
                }
            }
        }
        // the paths exactly, a byte that is not UTF-8 as its escape: as Path::toString (U+FFFD) /srv/caf\xe9 and /srv/caf\xe8
        // were one path, one source for forget and due, and the first backup of one took the other's snapshot as its parent
        List<String> pathStrings = paths.stream().map(FileNames::exactOf).toList();
        String host = Repository.hostname();
        SnapshotRef previous = repo.listSnapshots().readable().stream() // the source's newest: an incremental's parent
                .filter(s -> host.equals(s.snapshot().hostname()) && pathStrings.equals(s.snapshot().paths())
                        && s.snapshot().kind() != Snapshot.Kind.STDIN)
                .reduce((a, b) -> b).orElse(null);
        SnapshotRef parent = options.full() ? null : previous;
        BlobsAdded added = new BlobsAdded(); // this backup's own: the object may be shared by jobs beside it
        try (SharedLock lock = repo.lock("backup");
             ChunkPipeline pipeline = new ChunkPipeline(repo, options.threads(), added)) {
            // the index read once the lock is written: read before it, the lock's catching up listed index/ twice more
            // (a helper's); a parent whose root tree no pack holds (lost: `vault repair`) gives nothing to compare with:
            // every file is read
            boolean parentIndexed = parent == null || repo.hasBlob(parent.snapshot().tree());
            if (!parentIndexed) { // index/ lost: "saved (incremental) … (0 unchanged)", exit 0, everything stored again (a helper's)
                IndexEntry indexed = repo.index().get(parent.snapshot().tree());
                String lost = indexed == null ? "is not in the index (index/ lost or damaged?)" // or its pack gone from data/:
                        : "is in pack " + indexed.pack().shortHex() + ", which is not in data/ (deleted, or lost with a disk?)";
                progress.repositoryDamaged("the parent snapshot " + parent.shortId() + "'s tree " + lost
                        + ": every file was read and stored again; run `vault check`, then `vault repair`");
            }
            Map<String, Node> parentRoot = parent == null || !parentIndexed ? Map.of() : byName(repo.loadTree(parent.snapshot().tree()));
            refuseEmptied(paths, walked, previous, options.full());
            Walk walk = new Walk(pipeline, new Semaphore(ChunkPipeline.maxChunks(options.threads())), excludes, options.full(),
                    repository, options.oneFileSystem() ? devicesOf(walked) : null, options.excludeIfPresent(),
                    parent != null && parent.snapshot().summary() != null && parent.snapshot().summary().vouchesForAttributes(),
                    repositoryDevices);
            List<Node> nodes;
            try (walk) {
                List<CompletableFuture<Node>> roots = new ArrayList<>();
                for (int i = 0; i < paths.size(); i++) {
                    String name = FileNames.nameOf(paths.get(i));
                    CompletableFuture<Node> n = walk.node(walked.get(i), name, parentRoot.get(name), null);
                    if (n != null) {
                        roots.add(n);
                    }
                }
                nodes = join(roots).stream().filter(Objects::nonNull).toList();
            }
            walk.permissionsNotKept();
            ObjectId root = repo.saveTree(new Tree(nodes), added);
            repo.flush();
            refuseLeftOutWhole(paths, walked, nodes, previous, options.full());
            Snapshot s = snapshot(started, options, root, parent == null ? null : parent.id(), pathStrings,
                    options.full() || parent == null ? Snapshot.Kind.FULL : Snapshot.Kind.INCREMENTAL, added, walk.keepPermissions);
            return commit(lock, s);
        }
    }

    /**
     * Backs up a stream (a database dump) as one file. {@code beforeCommit} runs after the stream
     * ended and before the snapshot is written; if it throws, no snapshot is written.
     */
    public SnapshotRef backupStream(InputStream in, String name, BackupOptions options, Runnable beforeCommit) {
        return backupStream(in, name, options, beforeCommit, () -> { });
    }

    /** The longest name a Linux filesystem takes (NAME_MAX), in UTF-8 bytes. */
    public static final int NAME_MAX = 255;

    /**
     * Refuses a stream's name that is not one plain file name a restore can create: a name of 304 bytes was saved, exit 0,
     * and every restore of it failed, "File name too long" (a helper's).
     */
    public static void checkStreamName(String name) {
        if (!Node.isSafeName(name)) {
            throw new VaultException("--stdin-name must be a plain file name, got: " + name);
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new VaultException("--stdin-name is longer than " + NAME_MAX + " bytes, more than a file name can be, got: " + name);
        }
        if (name.equals(Restorer.UNFINISHED)) {
            throw new VaultException(UNRESTORABLE);
        }
    }

    /**
     * A snapshot whose top level holds the name a restore marks an unfinished target with could never be restored: the
     * marker is written first, and the file of that name then "already exists" (a helper's).
     */
    private static final String UNRESTORABLE = Restorer.UNFINISHED + " is the name a restore marks an unfinished target with, at"
            + " its top: a snapshot holding it there could not be restored; back up the directory above it, or name the stream otherwise";

    /**
     * As {@link #backupStream(InputStream, String, BackupOptions, Runnable)}; {@code whenFailed} runs as soon as storing
     * the stream has failed (the store refused a pack), to end what feeds the stream: the read cannot be interrupted.
     */
    public SnapshotRef backupStream(InputStream in, String name, BackupOptions options, Runnable beforeCommit, Runnable whenFailed) {
        return backupStream(() -> in, name, options, beforeCommit, whenFailed);
    }

    /**
     * As {@link #backupStream(InputStream, String, BackupOptions, Runnable, Runnable)}, the stream opened by {@code open}
     * once the backup may run, its repository lock held: a --stdin-from-command program started before the lock was
     * refused (a repair running alone) had already begun its dump, then was killed (a tester's).
     */
    public SnapshotRef backupStream(java.util.function.Supplier<InputStream> open, String name, BackupOptions options, Runnable beforeCommit,
            Runnable whenFailed) {
        checkStreamName(name);
        Instant started = Instant.now();
        Sealing.warmUp(true);
        BlobsAdded added = new BlobsAdded();
        try (SharedLock lock = repo.lock("backup")) {
            InputStream in = open.get();
            List<ObjectId> content;
            long size;
            // this thread reads and cuts chunks while the workers hash, compress and seal them (ChunkPipeline)
            try (ChunkPipeline pipeline = new ChunkPipeline(repo, options.threads(), added)) {
                pipeline.whenFailed(whenFailed);
                try {
                    ChunkPipeline.Content c = join(List.of(pipeline.split(progress.counting(in)))).getFirst();
                    content = c.ids();
                    size = c.size();
                } catch (IOException e) {
                    if (pipeline.failure() instanceof RuntimeException first) {
                        throw first; // the store failed first, and what fed the stream was ended for it
                    }
                    throw new VaultException("reading the stream failed: " + e.getMessage(), e);
                }
            }
            progress.bytesRead.addAndGet(size);
            progress.files.incrementAndGet();
            beforeCommit.run(); // the data's pack goes with the tree's, under one index file: a flush here wrote two (a helper's)
            if (size == 0) { // a wrapper's dump gone elsewhere, a pipe hiding its producer's failure: saved, exit 0, and `due` said ok (a tester's)
                throw new VaultException("the stream " + name + " is empty: no snapshot was written; check the program that writes it"
                        + " (a pipe into --stdin hides its exit status: use --stdin-from-command)");
            }
            long now = java.nio.file.attribute.FileTime.from(Instant.now()).to(java.util.concurrent.TimeUnit.NANOSECONDS); // saturates at 2262, where a product wrapped to 1715 (a helper's)
            Node file = new Node(name, NodeType.FILE, 0600, now, now, 0, 0, 0, 0, size, content, null, null);
            ObjectId root = repo.saveTree(new Tree(List.of(file)), added);
            repo.flush();
            Snapshot s = snapshot(started, options, root, null, List.of(name), Snapshot.Kind.STDIN, added, false);
            return commit(lock, s);
        }
    }

    /** Writes the snapshot's record while the lock is held: the commit, which {@link BackupProgress#isCommitting} tells from its start. */
    private SnapshotRef commit(SharedLock lock, Snapshot s) {
        return new SnapshotRef(lock.whileHeld(() -> {
            progress.committing();
            return repo.saveSnapshot(s);
        }), s);
    }

    /**
     * The snapshot's record; its time is {@code started}, when the backup began to read: a record said the backup's end,
     * minutes or hours after the data it holds was taken (a helper's). {@code attributesListed}: every file's and
     * directory's attributes were listed, or vouched for by the parent ({@link Snapshot.Summary#attributesListed}).
     */
    private Snapshot snapshot(Instant started, BackupOptions o, ObjectId root, ObjectId parent, List<String> paths, Snapshot.Kind kind,
                              BlobsAdded added, boolean attributesListed) {
        String host = Repository.hostname();
        List<String> warnings = progress.warnings();
        return new Snapshot(started, root, parent, paths, host, OsUser.name(), o.tags(), kind,
                o.dataOwner(), o.classification(), o.retainUntil(), repo.backend().location(), host,
                new Snapshot.Summary(progress.files.get(), progress.dirs.get(), progress.bytesRead.get(), added.bytes(),
                        progress.filesUnchanged.get(), added.blobs(), warnings.size(),
                        warnings.isEmpty() ? null : List.copyOf(warnings.subList(0, Math.min(warnings.size(), Snapshot.Summary.EXCEPTIONS_KEPT))),
                        attributesListed ? Boolean.TRUE : null, progress.changedWhileRead.get()),
                zone.getRules().getOffset(started)); // the calendar forget counts its days in
    }

    /** IS.012 6.6.6: backup data must not sit on the same media as the data it protects. */
    private void refuseSameDevice(List<Path> paths, Map<Long, String> repositoryDevices) {
        for (Path p : paths) {
            try {
                long dev = ((Number) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
                if (repositoryDevices.containsKey(dev)) {
                    throw new org.opsledger.vault.SameMediaException("repository " + repo.backend().location() + repositoryDevices.get(dev)
                            + " is on the same device as " + p + " (IS.012 6.6.6); use another disk or pass --allow-same-device");
                }
            } catch (IOException | UnsupportedOperationException e) {
                // no device information: nothing to compare
            }
        }
    }

    /**
     * The devices the repository lies on, none with --allow-same-device or where it has none (S3): its own and, where that
     * is a loop device, the device of the image file behind it (/sys/dev/block/MAJOR:MINOR/loop/backing_file), and so on:
     * a repository on a loop filesystem whose image lay on the backed-up volume was backed up into itself (a tester's).
     * Each maps to how the repository lies there, for the message ("" for its own).
     */
    private Map<Long, String> repositoryDevices(boolean allowed) {
        Map<Long, String> devices = new HashMap<>();
        if (allowed || repo.backend().device().isEmpty()) {
            return devices;
        }
        long dev = repo.backend().device().getAsLong();
        devices.put(dev, "");
        FuseMount fuse = fuseMountOf(dev);
        if (fuse instanceof FuseMount.Local local) { // IS.012 6.6.6: sshfs to localhost, an rclone mount of a local directory
            try {
                dev = ((Number) Files.getAttribute(local.path(), "unix:dev")).longValue();
                devices.putIfAbsent(dev, " (through the FUSE mount " + local.mount() + ")");
            } catch (IOException | RuntimeException e) {
                repo.notice(sameMediaUnjudged(local.mount() + ", whose " + local.path() + " cannot be looked at: " + e.getMessage()));
            }
        } else if (fuse instanceof FuseMount.Unknown unknown) {
            repo.notice(sameMediaUnjudged(unknown.mount()));
        }
        for (int depth = 0; depth < 8; depth++) { // a loop image on a loop filesystem, a few deep at most
            Path backing = Path.of("/sys/dev/block/" + majorMinor(dev) + "/loop/backing_file");
            try {
                Path image = Path.of(Files.readString(backing).strip());
                dev = ((Number) Files.getAttribute(image, "unix:dev")).longValue();
                devices.putIfAbsent(dev, " (on a loop device whose image is " + image + ")");
            } catch (IOException | RuntimeException e) {
                return devices; // not a loop device, or its image unknown: nothing more to compare
            }
        }
        return devices;
    }

    /** The FUSE mount the repository is on, device {@code dev}, or null when it is on none (or no mount table can be read). */
    private FuseMount fuseMountOf(long dev) {
        Path dir = repo.backend().localDirectory().orElse(null);
        try {
            return dir == null ? null : FuseMount.holding(dir, majorMinor(dev), Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException | RuntimeException e) {
            return null; // no mount table: nothing more to compare
        }
    }

    private String sameMediaUnjudged(String mount) {
        return "the repository " + repo.backend().location() + " is on the FUSE mount " + mount + ", whose disk cannot be told:"
                + " whether it is the backed-up paths' own (IS.012 6.6.6) was not checked; pass --allow-same-device where it is known not to be";
    }

    /** The repository's directory when it is local: a backup of a path that holds it leaves it out, as borg does. */
    /** The filesystems the backup paths are on (st_dev), for --one-file-system. */
    private static Set<Long> devicesOf(List<Path> paths) {
        Set<Long> devices = new HashSet<>();
        for (Path p : paths) {
            try {
                devices.add(((Number) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue());
            } catch (IOException e) {
                // a path that cannot be read is reported by the walk
            }
        }
        return devices;
    }

    /** A device number (st_dev) as /sys and /proc/self/mountinfo write it, "MAJOR:MINOR" (glibc's gnu_dev_major, gnu_dev_minor). */
    private static String majorMinor(long dev) {
        return org.opsledger.vault.backend.MountEntry.majorMinor(dev);
    }

    private InodeKey repositoryDirectory() {
        return repo.backend().localDirectory().map(Archiver::inodeOf).orElse(null);
    }

    private static InodeKey inodeOf(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            return new InodeKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
        } catch (IOException | UnsupportedOperationException e) {
            return null; // not there, or no inode numbers: nothing to compare
        }
    }

    private static Map<String, Node> byName(Tree tree) {
        Map<String, Node> m = new HashMap<>();
        for (Node n : tree.nodes()) {
            m.put(n.name(), n);
        }
        return m;
    }

    private static <T> List<T> join(List<CompletableFuture<T>> futures) {
        try {
            Cancelled.join(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)), "the backup");
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                c = u.getCause();
            }
            if (c instanceof VaultException v) {
                throw v;
            }
            if (c instanceof NoSuchFileException n) {
                throw new VaultException("file vanished during backup: " + n.getFile(), n);
            }
            throw new VaultException("backup failed: " + c, c);
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /**
     * Bytes to read after which the crypto warm-up ({@link Sealing#warmUp}) starts: it costs ≈0.3
     * CPU-seconds on the spare core, more than it saves on the few files of a daily incremental.
     */
    static final long WARM_UP_AFTER = 16L << 20;

    /**
     * Reasons a file cannot be read that are the process's, not the file's (EMFILE, ENFILE, ENOMEM): such a file was left
     * out as unreadable, and a directory kept empty, so that under `ulimit -n 160` a backup saved 24 directories empty and
     * `vault due` called the source backed up (a helper's). The backup fails instead.
     */
    private static final java.util.Set<String> PROCESS_LIMITS = java.util.Set.of("Too many open files", "Too many open files in system",
            "Cannot allocate memory");

    /**
     * One traversal: directories on the calling thread, file contents through the pipeline, trees saved by its workers.
     * A directory is listed, and its files opened, only if it is still the one its lstat saw (device and inode): a user
     * who owns a directory on the way could otherwise swap it for a symbolic link to one only root may read between the
     * lstat and the read, and a backup run as root would keep root's file under the user's name (borg opens relative to
     * the directory too).
     */
    private final class Walk implements AutoCloseable {
        private final ChunkPipeline pipeline;
        private final Semaphore inFlight;
        private final List<Globs.Glob> excludes;
        private final boolean full;
        /** The local repository's directory, or null: never backed up into itself. */
        private final InodeKey repository;
        /** With --one-file-system, the backup paths' filesystems: a directory on any other is not entered. Else null. */
        private final Set<Long> devices;
        /** Tag file name → the bytes it must begin with (empty: any): a directory holding one is left out. */
        private final Map<String, byte[]> tags;
        /** The repository's devices, a file met on which fails the backup (IS.012 6.6.6); none with --allow-same-device. */
        private final Map<Long, String> repositoryDevices;

        /** The names of each hard-linked file met so far: the walk adds, the reader settles each first name's read. */
        private final Map<InodeKey, Names> hardLinks = new ConcurrentHashMap<>();
        /** Whether POSIX ACLs and file capabilities are read (this JVM reaches them), and kept (the repository's format does). */
        private final boolean readPermissions = PermissionAttributes.unavailable() == null;
        private final boolean keepPermissions = readPermissions && repo.config().version() >= PermissionAttributes.FORMAT;
        /**
         * Whether the parent snapshot vouches for the attributes of each node it recorded whose ctime has not moved
         * ({@link Snapshot.Summary#vouchesForAttributes}), and they are kept here: such a node is not listed again.
         */
        private final boolean parentVouches;
        /** Files and directories whose ACLs or capability a repository of an older format could not keep, and the first. */
        private final java.util.concurrent.atomic.AtomicLong permissionsLeftOut = new java.util.concurrent.atomic.AtomicLong();
        private volatile Path firstLeftOut;
        /** The devices the walk has met (the walk's thread alone): each one's filesystem type is looked at once. */
        private final Set<Long> devicesMet = new HashSet<>();
        /** Bytes of the files handed to the reader so far (the walk runs on one thread). */
        private long queuedBytes;
        /** The directory whose files the reader thread is opening, open, its path and its identity; the reader thread's alone. */
        private SecureDirectoryStream<Path> readDir;
        private Path readDirPath;
        private Object readDirKey;

        Walk(ChunkPipeline pipeline, Semaphore inFlight, List<Globs.Glob> excludes, boolean full, InodeKey repository,
             Set<Long> devices, List<String> excludeIfPresent, boolean parentVouches, Map<Long, String> repositoryDevices) {
            this.parentVouches = parentVouches && keepPermissions;
            this.pipeline = pipeline;
            this.inFlight = inFlight;
            this.excludes = excludes;
            this.full = full;
            this.repository = repository;
            this.devices = devices;
            this.tags = tagsOf(excludeIfPresent);
            this.repositoryDevices = repositoryDevices;
        }

        /**
         * The extended attributes of a file or directory that read; those that do not are a warning, the rest kept. One whose
         * attributes could not be listed keeps no {@code user.} attribute, and the warning says so, and whether its ACLs and
         * capability, asked for by name, were read ({@link XattrListing#of}): it named the ACLs alone (a tester's).
         */
        private Map<String, String> xattrsOf(XattrListing listed) {
            if (listed.why() != null) {
                progress.warn(listed.path() + ": its extended attributes could not be listed: " + listed.why() + "; "
                        + (listed.permissionsByName() ? "its user.* attributes were left out (its POSIX ACLs and file capability,"
                        + " asked for by name, were read)" : "all of them were left out, user.* attributes, POSIX ACLs and file capability"));
                return Map.of();
            }
            ExtendedAttributes.Read read = ExtendedAttributes.readEach(listed);
            if (read.leftOut() > 0) {
                progress.warn(FileNames.exactOf(listed.path()) + ": " + read.leftOut() + " extended attribute(s) left out: " + read.why());
            }
            return read.attributes();
        }

        /**
         * A file's or directory's POSIX ACLs and capability (IS.012 6.6: backed up "in a secure manner": a restore gives back
         * who may read it, and what a program may do), read for every one, an unchanged file or directory too unless its parent
         * vouches for them ({@link #parentVouches}): they were not read before format 6, and an incremental after `vault upgrade`
         * would keep the parent's none (one llistxattr(2) each, no open). One that cannot be read is a warning. Null when it has none, or where they are not kept (counted for
         * {@link #permissionsNotKept}).
         */
        private Map<String, String> permissionsOf(XattrListing listed) {
            if (listed.why() != null && !listed.permissionsByName()) {
                return null; // not read, which xattrsOf's warning says
            }
            return permissionsOf(listed.path(), readPermissions ? PermissionAttributes.read(listed) : null);
        }

        /** {@link #permissionsOf(XattrListing)} of what {@code read} read of {@code p} (null where they are not read). */
        private Map<String, String> permissionsOf(Path p, PermissionAttributes.Read read) {
            if (read == null) {
                return null;
            }
            if (read.why() != null) {
                progress.warn(FileNames.exactOf(p) + ": POSIX ACLs or file capability left out: " + read.why());
            }
            if (read.attributes().isEmpty()) {
                return null;
            }
            if (!keepPermissions) {
                if (permissionsLeftOut.getAndIncrement() == 0) {
                    firstLeftOut = p;
                }
                return null;
            }
            return read.attributes();
        }

        /** Says once what the backup could not keep of ACLs and capabilities: on this JVM, or in this repository's format. */
        void permissionsNotKept() {
            if (!readPermissions) {
                progress.notKeptOnThisJvm("POSIX ACLs and file capabilities are not kept: " + PermissionAttributes.unavailable());
            } else if (permissionsLeftOut.get() > 0) {
                progress.warn(permissionsLeftOut.get() + " file(s) or directory(ies) with POSIX ACLs or a file capability kept without"
                        + " them (first: " + firstLeftOut + "): this repository's format (" + repo.config().version() + ") cannot hold"
                        + " them; `vault upgrade` it once every host that writes to it runs this build");
            }
        }

        /** Records why a path is left out of the snapshot and returns null (no node). */
        private <T> T skipped(Path p, IOException e) {
            String why = e instanceof NoSuchFileException ? "vanished during backup" : org.opsledger.vault.IoReason.of(e);
            if (PROCESS_LIMITS.contains(why)) { // the process's limit, not the file's fault: every file after it would go too
                throw new VaultException("cannot open " + p + ": " + why + ": a limit of this process or machine (`ulimit -n`"
                        + " open files, memory), not the file; raise it and run the backup again: nothing was committed");
            }
            progress.warn(FileNames.exactOf(p) + ": " + why); // each byte not UTF-8 kept: text shows it as \xHH
            return null;
        }

        /**
         * The node for a path, or null when it is excluded or a socket. {@code dirKey} is the identity of the directory
         * the path was listed in (null for a path named on the command line).
         */
        CompletableFuture<Node> node(Path p, String name, Node parentNode, Object dirKey) {
            if (Globs.matchPathOrName(excludes, p)) {
                return null;
            }
            Map<String, Object> a;
            long statAt = System.currentTimeMillis() * 1_000_000L; // the host's clock before the stat: see racilyClean
            try {
                a = Files.readAttributes(p, STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return skipped(p, e);
            }
            NodeType type = NodeType.ofMode((Integer) a.get("mode"));
            if (type == null) { // a socket: made again by the program that listens on it
                progress.socketsSkipped.incrementAndGet();
                return null;
            }
            Node meta = metadata(name, type, a);
            if (meta.mtime() == Long.MAX_VALUE || meta.mtime() == Long.MIN_VALUE) { // the tree keeps nanoseconds since 1970
                progress.warn(FileNames.exactOf(p) + ": modification time " + a.get("lastModifiedTime") + " is outside 1677–2262, the years a tree"
                        + " keeps; it is stored as " + Instant.EPOCH.plusNanos(meta.mtime()) + " and restored so");
            }
            if ((type == NodeType.DIR || type == NodeType.FILE) && devicesMet.add(meta.device())) {
                noticeNoChangeTime(p);
                refuseOverlayOnRepositoryDevice(p, meta.device());
            }
            // IS.012 6.6.6 below the backup path too: a directory of the repository's disk mounted (or bound) there was backed
            // up onto that disk, exit 0 (a tester's). A file, not a directory: a disk mounted below it that holds the
            // repository alone (its lost+found empty) is backed up without the repository, as before
            if (type == NodeType.FILE && repositoryDevices.containsKey(meta.device())) {
                throw new org.opsledger.vault.SameMediaException("repository " + repo.backend().location() + repositoryDevices.get(meta.device())
                        + " is on the same device as " + FileNames.exactOf(p) + ", met inside a backup path (a mount below it?) (IS.012 6.6.6); leave it out with"
                        + " --exclude or -x, use another disk, or pass --allow-same-device");
            }
            switch (type) {
                case DIR -> {
                    if (repository != null && repository.equals(new InodeKey(meta.device(), meta.inode()))) {
                        progress.repositoryLeftOut(p);
                        return null;
                    }
                    return directory(p, meta, parentNode, a.get("fileKey"));
                }
                case SYMLINK -> {
                    try {
                        String target = FileNames.exactOf(Files.readSymbolicLink(p));
                        return CompletableFuture.completedFuture(new Node(name, NodeType.SYMLINK, meta.mode(), meta.mtime(),
                                meta.ctime(), meta.inode(), meta.device(), meta.uid(), meta.gid(), 0, null, null, target));
                    } catch (IOException e) {
                        return skipped(p, e);
                    }
                }
                case FILE -> {
                    return file(p, meta, parentNode, dirKey, racilyClean(meta.ctime(), statAt));
                }
                default -> {
                    // a FIFO or a device node: its stat is all there is. Never opened, not even for its extended
                    // attributes (the JDK reads those through open(2)): a FIFO blocks until a writer comes, a tape
                    // device rewinds.
                    progress.specials.incrementAndGet();
                    return CompletableFuture.completedFuture(meta);
                }
            }
        }

        /**
         * IS.012 6.6.6: an overlay (a container's root) whose upper directory, where its writes go, lies on the repository's
         * device: its files show the overlay's own device, and were backed up onto the repository's disk (a tester's). The
         * upper directory is read from /proc/self/mountinfo's entry for the device, once per device met.
         */
        private void refuseOverlayOnRepositoryDevice(Path p, long dev) {
            if (repositoryDevices.isEmpty()) {
                return;
            }
            List<String> mounts;
            try {
                mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            } catch (IOException | RuntimeException e) {
                return; // no mount table: nothing to compare
            }
            for (String line : mounts) {
                String[] f = line.split(" ");
                int dash = Arrays.asList(f).indexOf("-");
                if (f.length < 5 || dash < 0 || dash + 3 >= f.length || !f[2].equals(majorMinor(dev)) || !f[dash + 1].equals("overlay")) {
                    continue;
                }
                for (String option : f[dash + 3].split(",")) {
                    if (option.startsWith("upperdir=")) {
                        Path upper = Path.of(option.substring("upperdir=".length()).replace("\\040", " "));
                        try {
                            long upperDev = ((Number) Files.getAttribute(upper, "unix:dev")).longValue();
                            if (repositoryDevices.containsKey(upperDev)) {
                                throw new org.opsledger.vault.SameMediaException("repository " + repo.backend().location()
                                        + repositoryDevices.get(upperDev) + " is on the same device as " + upper + ", the upper directory of the overlay "
                                        + FileNames.exactOf(p) + " (IS.012 6.6.6); use another disk or pass --allow-same-device");
                            }
                        } catch (IOException | UnsupportedOperationException e) {
                            // not reachable from here: nothing to compare
                        }
                    }
                }
                return;
            }
        }

        /**
         * Says which filesystem {@code p}, the first path met on its device, is on, when that one keeps no change time:
         * FAT and exFAT (their ctime is the mtime, or the creation time), so a file rewritten at its size with its mtime
         * put back keeps size, times and inode (a tester's: restic misses it too). exfat-fuse mounts as fuseblk, which
         * NTFS's ntfs-3g shares, and which keeps one: named with that said. One look at the mount table per device.
         */
        private void noticeNoChangeTime(Path p) {
            String type;
            try {
                type = Files.getFileStore(p).type();
            } catch (IOException | RuntimeException e) {
                return; // no mount entry to read: nothing to say
            }
            if (NO_CHANGE_TIME.contains(type)) {
                progress.noChangeTime(p + " lies on a filesystem that keeps no change time (" + type + ")");
            } else if (type.equals("fuseblk")) {
                progress.noChangeTime(p + " lies on a fuseblk filesystem, which keeps no change time if it is exFAT (exfat-fuse;"
                        + " NTFS through ntfs-3g keeps one)");
            }
        }

        /**
         * A hard-linked file is read once: a later name takes the node of the first name in the snapshot (its stat with its
         * content) when that read was whole, with no change seen, and the later name's own size, mtime, ctime and link
         * count are what that read saw. Otherwise it is read on its own: taken by (device, inode) alone, a name whose first
         * was deleted during the backup and whose inode number a new file took got the deleted file's bytes; the untouched
         * twin of a name replaced by rename got the replacement's; the twin of a name that vanished was left out (a
         * tester's). A name read on its own while an earlier one is in the snapshot is kept as a file of its own (links 1):
         * a restore would make it a link to that one. The decision is made once the first name's read is over: on the
         * reader thread, which reads in the walk's order, unless it is known when the walk meets the name.
         */
        private CompletableFuture<Node> file(Path p, Node meta, Node parentNode, Object dirKey, boolean racy) {
            if (!meta.hardLinked()) {
                return contentOf(p, meta, parentNode, dirKey, null, racy);
            }
            Names names = hardLinks.computeIfAbsent(new InodeKey(meta.device(), meta.inode()), k -> new Names());
            if (names.nameMet()) {
                return contentOf(p, meta, parentNode, dirKey, names, racy); // the first name the walk meets
            }
            if (names.read()) { // its first name's read is over (unchanged since the parent snapshot, or read already)
                return later(p, meta, parentNode, dirKey, names, racy, false);
            }
            return onReader(0, () -> later(p, meta, parentNode, dirKey, names, racy, true));
        }

        /**
         * A later name's node, decided once the name before it is read: the first's, or read on its own ({@code onReader}:
         * here, on the reader thread; else handed to it). As a first name when no earlier one is in the snapshot.
         */
        private CompletableFuture<Node> later(Path p, Node walked, Node parentNode, Object dirKey, Names names, boolean walkedRacy,
                                              boolean onReader) {
            Node meta = walked;
            boolean racy = walkedRacy;
            if (onReader) { // the walk's stat may be older than the first name's read: the name as it is now (its twin
                // removed or replaced since moved its ctime, and a read by the walk's stat called it changed while read)
                try {
                    long statAt = System.currentTimeMillis() * 1_000_000L;
                    Map<String, Object> a = Files.readAttributes(p, STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    if (NodeType.ofMode((Integer) a.get("mode")) == NodeType.FILE) {
                        meta = metadata(walked.name(), NodeType.FILE, a);
                        racy = racilyClean(meta.ctime(), statAt);
                    }
                } catch (IOException e) {
                    return CompletableFuture.completedFuture(skipped(p, e));
                }
            }
            Names.First first = names.first();
            if (first == null) { // no earlier name in the snapshot (vanished, unreadable): this one is read as the first
                names.reading();
                return onReader ? read(p, meta, dirKey, names, racy) : contentOf(p, meta, parentNode, dirKey, names, racy);
            }
            if (!first.whole() || !sameStat(first.seen(), meta)) {
                Node own = meta.withLinks(1); // a file of its own in the snapshot: a restore links it to no other name
                return onReader ? read(p, own, dirKey, null, racy) : contentOf(p, own, parentNode, dirKey, null, racy);
            }
            return first.node().thenApply(n -> {
                progress.files.incrementAndGet();
                if (unchangedSinceParent(parentNode, n) && n.content().equals(parentNode.content())) {
                    progress.filesUnchanged.incrementAndGet(); // its first name's content: "1001 files (1 unchanged)"
                }
                return n.withName(walked.name());
            });
        }

        /** Whether a later name's stat is the one its first name was read with: size, mtime, ctime and link count. */
        private static boolean sameStat(Node seen, Node meta) {
            return seen.size() == meta.size() && seen.mtime() == meta.mtime() && seen.ctime() == meta.ctime()
                    && seen.links() == meta.links();
        }

        /** Not to be read again (an incremental): size, mtime, ctime and inode as the parent snapshot has them. */
        private boolean unchangedSinceParent(Node parentNode, Node meta) {
            return !full && parentNode != null && parentNode.type() == NodeType.FILE && parentNode.size() == meta.size()
                    && parentNode.mtime() == meta.mtime() && parentNode.ctime() == meta.ctime()
                    && parentNode.inode() == meta.inode() && parentNode.content() != null;
        }

        /**
         * A file's node: its parent's content when unchanged since (an incremental), else read on the reader thread. {@code
         * names}: the hard-linked file's names whose first this one is (null: none), settled by its read.
         */
        private CompletableFuture<Node> contentOf(Path p, Node meta, Node parentNode, Object dirKey, Names names, boolean racy) {
            Cancelled.check("the backup"); // the walk stops at the next file, an unchanged one too
            // IS.012 6.6.1.2: the daily incremental skips files unchanged since the parent snapshot
            if (unchangedSinceParent(parentNode, meta) && parentNode.content().stream().allMatch(repo::hasBlob)) {
                progress.files.incrementAndGet();
                progress.filesUnchanged.incrementAndGet();
                Node unchanged = meta.withContent(parentNode.content(), meta.size());
                CompletableFuture<Node> node;
                if (parentVouches) { // an ACL or xattr change moves ctime: the parent listed them after it, and left none out
                    node = CompletableFuture.completedFuture(unchanged.withXattrs(parentNode.xattrs())
                            .withPermissionXattrs(parentNode.permissionXattrs()));
                } else {
                    // an unchanged file keeps its parent's user attributes; its ACLs are read (a parent written before format 6
                    // lacks them), and the listing that finds them names its user attributes too: one the parent lacks, or two
                    // that read as one, is an attribute the full backup left out and warned of, read again here to warn again,
                    // exit 3: the dailies after it exited 0, their snapshots lacking it just the same (a helper's)
                    XattrListing listed = readPermissions ? listings.apply(p) : null;
                    Map<String, String> xattrs = listed != null && listed.namesUserAttributesBeyond(parentNode.xattrs()) ? xattrsOf(listed) : parentNode.xattrs();
                    node = CompletableFuture.completedFuture(unchanged.withXattrs(xattrs)
                            .withPermissionXattrs(listed == null ? null : permissionsOf(listed)));
                }
                if (names != null) {
                    names.settle(meta, node, true);
                }
                return node;
            }
            return onReader(meta.size(), () -> read(p, meta, dirKey, names, racy));
        }

        /** Hands {@code task}, a file's node ({@code size} bytes to read), to the reader thread, after those before it. */
        private CompletableFuture<Node> onReader(long size, ChunkPipeline.ReaderTask<Node> task) {
            queuedBytes += size;
            if (queuedBytes >= WARM_UP_AFTER) {
                Sealing.warmUp(true); // bulk crypto follows; an incremental that reads a few files does not pay for it
            }
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                throw new Cancelled("the backup", e);
            }
            // read and cut on the pipeline's reader thread, file after file in the walk's order; sealed by its workers
            CompletableFuture<Node> node = pipeline.onReader(task);
            node.whenComplete((n, e) -> inFlight.release());
            return node;
        }

        /**
         * Reads a file, on the reader thread; {@code names}: the hard-linked file's names whose first this is (null: none),
         * settled here with whether it was read whole with no change seen.
         */
        private CompletableFuture<Node> read(Path p, Node meta, Object dirKey, Names names, boolean racy) {
            InputStream in;
            try {
                in = opener.open(directoryOf(p, dirKey), p);
            } catch (IOException e) {
                return notRead(p, e, names);
            }
            CompletableFuture<ChunkPipeline.Content> content;
            try (in) {
                content = pipeline.split(progress.counting(in));
            } catch (IOException e) {
                // vanished or unreadable: left out, the backup goes on (chunks already saved stay unreferenced)
                return notRead(p, e, names);
            }
            XattrListing listed = listings.apply(p); // one listing for both
            Map<String, String> xattrs = xattrsOf(listed);
            Map<String, String> permissions = permissionsOf(listed);
            boolean changed = changedSince(p, meta);
            CompletableFuture<Node> node = content.thenApply(c -> {
                if (changed || c.size() != meta.size()) {
                    // kept (the next backup reads it again: its mtime or ctime is not the one recorded), and told
                    progress.keptChanged(FileNames.exactOf(p) + ": changed while it was read: the snapshot may hold a mix of old and new bytes"
                            + " (stop its writer during the backup, or back up a dump with --stdin-from-command)");
                } else if (racy) { // a write after the stat, in the second of its ctime, leaves no trace: told as a change
                    progress.keptChanged(FileNames.exactOf(p) + ": changed while it was read, perhaps: it was last changed less than 2 s before the backup"
                            + " reached it, on a filesystem that keeps whole seconds, where a write in that second leaves no trace;"
                            + " the snapshot may hold a mix of old and new bytes, and the next backup reads it again (let 2 s pass"
                            + " between its last write and the backup)");
                }
                progress.bytesRead.addAndGet(c.size());
                progress.files.incrementAndGet();
                Node read = meta.withContent(c.ids(), c.size()).withXattrs(xattrs).withPermissionXattrs(permissions);
                return racy ? read.withCtime(Node.READ_AGAIN) : read;
            });
            if (names != null) {
                names.settle(meta, node, !changed && !racy);
            }
            return node;
        }

        /** A file that could not be opened or read: left out, and its later names read on their own. */
        private CompletableFuture<Node> notRead(Path p, IOException e, Names names) {
            if (names != null) {
                names.settle(null, null, false);
            }
            return CompletableFuture.completedFuture(skipped(p, e));
        }

        /**
         * The directory {@code p} was listed in, open, on the reader thread, or null to open {@code p} by its path (a path
         * named on the command line, a file system without openat). Throws when the directory at that path is no longer
         * the one listed ({@code dirKey}).
         */
        private SecureDirectoryStream<Path> directoryOf(Path p, Object dirKey) throws IOException {
            if (dirKey == null) {
                return null;
            }
            Path dir = p.getParent();
            if (!dir.equals(readDirPath)) { // files come in the walk's order: a directory's one after another
                close();
                DirectoryStream<Path> ds = Files.newDirectoryStream(dir);
                if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
                    ds.close();
                    return null;
                }
                readDir = sds;
                readDirPath = dir;
                readDirKey = sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            }
            if (!dirKey.equals(readDirKey)) {
                throw new Replaced(dir, true);
            }
            return readDir;
        }

        /** Closes the directory the reader thread opened last; the walk is over, or it moved on to another. */
        @Override
        public void close() {
            if (readDir != null) {
                try {
                    readDir.close();
                } catch (IOException ignored) {
                    // only read from: nothing to lose
                }
                readDir = null;
                readDirPath = null;
            }
        }

        /**
         * Whether a file last changed at {@code ctime} and met by the walk at {@code now} (the host's clock just before its
         * stat) may be written to after that stat with no trace: changed within the filesystem's tick before the stat, a
         * write in the same tick, while it is read or after, leaves size, mtime, ctime and inode as the stat gave them. Its
         * copy is then warned of as one that may mix old and new bytes (exit 3), and its ctime recorded as {@link
         * Node#READ_AGAIN}: the next incremental reads it again (git calls such an entry racily clean, and borg reads it
         * again too). Measured from the stat, not from the read's end: a file written in place in its ctime's second while
         * it was read was saved torn, exit 0, no warning (a tester's), and, its read ending two seconds on, trusted by every
         * later incremental. On a filesystem that keeps whole seconds (ext4 with 128-byte inodes; FAT two) a ctime is whole
         * seconds, taken for such a filesystem's (a finer one gives one so once in a billion); so it fires only for a file
         * changed less than two seconds before the walk met it. Elsewhere the tick is the kernel's clock tick, a few
         * milliseconds before Linux 6.13 and none since: not waited for. The host's clock stands for the filesystem's: an
         * NFS server whose clock lags the host's makes a recent change look older (docs/operations.md asks for one time).
         */
        static boolean racilyClean(long ctime, long now) {
            return ctime % 1_000_000_000L == 0 && now - ctime < 2_000_000_000L;
        }

        /**
         * Whether a file read to its end was written to since {@code meta} was taken: a write moves its ctime; another file
         * renamed over its name has another inode.
         */
        private static boolean changedSince(Path p, Node meta) {
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:ctime,size,ino", LinkOption.NOFOLLOW_LINKS);
                return nanos(a.get("ctime")) != meta.ctime() || ((Number) a.get("size")).longValue() != meta.size()
                        || ((Number) a.get("ino")).longValue() != meta.inode();
            } catch (IOException e) {
                return true; // deleted or replaced right after it was read
            }
        }

        private CompletableFuture<Node> directory(Path dir, Node bare, Node parentNode, Object key) {
            Node meta = attributesOf(dir, bare, parentNode);
            Map<String, Node> parentChildren = Map.of();
            Tree parentTree = null;
            if (!full && parentNode != null && parentNode.type() == NodeType.DIR && parentNode.subtree() != null
                    && repo.hasBlob(parentNode.subtree())) {
                parentTree = repo.loadTree(parentNode.subtree());
                parentChildren = byName(parentTree);
            }
            Tree unchanged = parentTree;
            ObjectId unchangedId = parentNode == null ? null : parentNode.subtree();
            List<Named> entries; // each name taken once, not once per comparison of the sort
            if (devices != null && !devices.contains(bare.device())) { // a mount point: kept, not entered
                progress.mountPointsNotCrossed.incrementAndGet();
                progress.dirs.incrementAndGet();
                return CompletableFuture.completedFuture(settle(meta, List.of(), unchanged, unchangedId));
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                if (s instanceof SecureDirectoryStream<Path> sds && key != null
                        && !key.equals(sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey())) {
                    throw new Replaced(dir, false);
                }
                List<Named> listed = new ArrayList<>();
                for (Path p : s) {
                    listed.add(new Named(FileNames.nameOf(p), p));
                }
                listed.sort(Comparator.comparing(Named::name));
                entries = listed;
            } catch (IOException | DirectoryIteratorException x) {
                IOException e = x instanceof DirectoryIteratorException d ? d.getCause() : (IOException) x;
                skipped(dir, e);
                if (e instanceof NoSuchFileException || e instanceof Replaced) {
                    return null; // the directory itself is gone, or another is in its place
                }
                entries = List.of(); // unreadable: kept as an empty directory, as restic does
            }
            if (copyOfTheRepository(entries)) { // a frozen copy of its volume (an LVM snapshot): backed up into itself each night (a tester's)
                progress.repositoryLeftOut(dir);
                return null;
            }
            if (!tags.isEmpty() && tagIn(dir, entries, tags, progress::warn) != null) { // --exclude-if-present, --exclude-caches: left out whole
                progress.excludedByTag.incrementAndGet();
                return null;
            }
            List<CompletableFuture<Node>> children = new ArrayList<>(entries.size());
            for (Named e : entries) {
                CompletableFuture<Node> n = node(e.path(), e.name(), parentChildren.get(e.name()), key);
                if (n != null) {
                    children.add(n);
                }
            }
            progress.dirs.incrementAndGet();
            CompletableFuture<Void> all = CompletableFuture.allOf(children.toArray(CompletableFuture[]::new));
            if (all.isDone() && !all.isCompletedExceptionally()) {
                // every child is known already (an unchanged directory of an incremental): settled here, no hand-off
                return CompletableFuture.completedFuture(settle(meta, children, unchanged, unchangedId));
            }
            return all.thenApplyAsync(v -> settle(meta, children, unchanged, unchangedId), pipeline.workers());
        }

        /**
         * Whether a directory's listing is a copy of this repository: its {@code config} (beside {@code keys}, which init
         * writes first) holds this repository's ID. Read only where both names are listed.
         */
        private boolean copyOfTheRepository(List<Named> entries) {
            Named config = null;
            boolean keys = false;
            for (Named e : entries) {
                config = e.name().equals("config") ? e : config;
                keys |= e.name().equals("keys");
            }
            if (config == null || !keys || !Files.isRegularFile(config.path(), LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try (InputStream in = Files.newInputStream(config.path(), LinkOption.NOFOLLOW_LINKS)) {
                byte[] json = in.readNBytes(4096);
                return repo.config().id().equals(org.opsledger.vault.VaultJson.read(json, org.opsledger.vault.repository.RepositoryConfig.class).id());
            } catch (IOException | RuntimeException e) {
                return false; // not a repository's config: backed up as any file
            }
        }

        /**
         * A directory's node with its attributes: its parent's when the parent vouches for them and its ctime, inode and
         * mtime have not moved (an ACL or xattr change moves ctime), else listed, one llistxattr and the {@code user.}
         * ones' read. Listed within the tick of its ctime, it is recorded to be listed again ({@link #racilyClean}): a
         * change just after would keep its ctime, and the next incremental would trust the list.
         */
        private Node attributesOf(Path dir, Node bare, Node parentNode) {
            if (!full && parentVouches && parentNode != null && parentNode.type() == NodeType.DIR && parentNode.ctime() == bare.ctime()
                    && parentNode.inode() == bare.inode() && parentNode.mtime() == bare.mtime()) {
                return bare.withXattrs(parentNode.xattrs()).withPermissionXattrs(parentNode.permissionXattrs());
            }
            XattrListing attributes = listings.apply(dir);
            Node listed = bare.withXattrs(xattrsOf(attributes)).withPermissionXattrs(permissionsOf(attributes));
            return racilyClean(bare.ctime(), System.currentTimeMillis() * 1_000_000L) ? listed.withCtime(Node.READ_AGAIN) : listed;
        }

        /** The directory's node once its children's are known: the parent's tree when the listing is the same, else a new one. */
        private Node settle(Node meta, List<CompletableFuture<Node>> children, Tree unchanged, ObjectId unchangedId) {
            List<Node> nodes = children.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
            if (unchanged != null && unchanged.nodes().equals(nodes)) {
                return meta.withSubtree(unchangedId); // the same listing: its tree blob is already stored
            }
            return meta.withSubtree(repo.saveTree(new Tree(nodes), pipeline.added()));
        }
    }

    private record InodeKey(long device, long inode) {
    }

    /** Filesystem types (as the mount table names them) that keep no change time: FAT's and exFAT's, kernel's and FUSE's. */
    private static final Set<String> NO_CHANGE_TIME = Set.of("vfat", "msdos", "exfat", "fuse.fusefat", "fuse.exfat");

    /**
     * The names of one hard-linked file the walk has met, and the read of the first of them in the snapshot: met by the walk
     * thread, settled by the reader's (or by the walk's, for a file unchanged since the parent snapshot).
     */
    private static final class Names {
        /**
         * The first name's read: the stat it was taken with ({@code seen}), its node (null: not in the snapshot), and whether
         * it was read whole with no change seen.
         */
        record First(Node seen, CompletableFuture<Node> node, boolean whole) {
        }

        /** In the snapshot, not to be shared: what a later name takes while a first name's read is not settled (never, in order). */
        private static final First UNSETTLED = new First(null, null, false);

        private boolean met;
        private boolean settled;
        private First first;

        /** Whether this is the first name the walk meets (its read settles the others). */
        synchronized boolean nameMet() {
            boolean firstOne = !met;
            met = true;
            return firstOne;
        }

        /** A later name is read as the first: the names after it wait for its read. */
        synchronized void reading() {
            settled = false;
        }

        synchronized void settle(Node seen, CompletableFuture<Node> node, boolean whole) {
            first = node == null ? null : new First(seen, node, whole);
            settled = true;
        }

        /** Whether the first name's read is settled. */
        synchronized boolean read() {
            return settled;
        }

        /** The first name's read; null when no name of the file is in the snapshot yet. */
        synchronized First first() {
            return settled ? first : UNSETTLED;
        }
    }

    /** A directory that is no longer the one the walk saw there: what is in it now is not backed up under its name. */
    private static final class Replaced extends java.nio.file.FileSystemException {
        private static final String HOW = " while the backup read it (a symbolic link or another directory took its place): left out";

        /** @param itsDirectory whether it is the directory of the path in hand (a file's) rather than that path */
        Replaced(Path dir, boolean itsDirectory) {
            super(dir.toString(), null, (itsDirectory ? "its directory was replaced" : "replaced") + HOW);
        }
    }

    /**
     * What {@link #metadata} reads: one lstat. Not "unix:*", which also asks for the owner's and
     * group's names, two passwd/group lookups (getpwuid, getgrgid) per file that a tree never stores.
     */
    static final String STAT_ATTRIBUTES = "unix:mode,ino,dev,rdev,uid,gid,size,nlink,lastModifiedTime,ctime,fileKey";

    private static Node metadata(String name, NodeType type, Map<String, Object> a) {
        int mode = ((Integer) a.get("mode")) & 07777;
        boolean device = type == NodeType.CHARDEV || type == NodeType.BLOCKDEV;
        return new Node(name, type, mode, nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")),
                ((Number) a.get("ino")).longValue(), ((Number) a.get("dev")).longValue(),
                ((Number) a.get("uid")).intValue(), ((Number) a.get("gid")).intValue(),
                type.special() ? 0 : ((Number) a.get("size")).longValue(), null, null, null,
                type == NodeType.FILE ? ((Number) a.get("nlink")).intValue() : 0, null,
                device ? ((Number) a.get("rdev")).longValue() : 0);
    }

    private static long nanos(Object fileTime) {
        return ((FileTime) fileTime).to(TimeUnit.NANOSECONDS);
    }

    /** A directory entry and its name as the tree holds it. */
    /** --exclude-if-present's tags ("NAME" or "NAME:HEADER"): tag file name → the bytes it must begin with (empty: any). */
    private static Map<String, byte[]> tagsOf(List<String> excludeIfPresent) {
        Map<String, byte[]> tags = new HashMap<>();
        for (String tag : excludeIfPresent) {
            String[] nameAndHeader = tag.split(":", 2);
            tags.put(nameAndHeader[0], nameAndHeader.length > 1 ? nameAndHeader[1].getBytes(StandardCharsets.UTF_8) : new byte[0]);
        }
        return tags;
    }

    /**
     * The name of the tag file the directory holds, found among {@code entries} (its listing: no system call more), or
     * null; one whose header is required is read for that many bytes, and one that cannot be read is told to {@code warn}.
     * Not followed through a symlink: a tag is a file of the directory.
     */
    private static String tagIn(Path dir, List<Named> entries, Map<String, byte[]> tags, java.util.function.Consumer<String> warn) {
        for (Named e : entries) {
            byte[] header = tags.get(e.name());
            if (header == null) {
                continue;
            }
            if (header.length == 0) {
                return e.name();
            }
            if (Files.isRegularFile(e.path(), LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream in = Files.newInputStream(e.path(), LinkOption.NOFOLLOW_LINKS)) {
                    if (Arrays.equals(in.readNBytes(header.length), header)) {
                        return e.name();
                    }
                } catch (IOException x) {
                    warn.accept(e.path() + ": " + x.getMessage() + " (read as a possible tag of " + dir + ")");
                }
            }
        }
        return null;
    }

    private record Named(String name, Path path) {
    }
}
