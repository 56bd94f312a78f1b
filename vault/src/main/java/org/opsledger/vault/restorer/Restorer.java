package org.opsledger.vault.restorer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.opsledger.vault.ByteSize;
import org.opsledger.vault.Globs;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.ChildProcess;
import org.opsledger.vault.ExactCommand;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.OsUser;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.repository.DamagedBlobException;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.PermissionAttributes;
import org.opsledger.vault.snapshot.XattrListing;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * Restores a snapshot, or the parts of it matching include prefixes, under a target directory. Cancelled with
 * {@code Thread.interrupt()}, a restore stops (its workers ended) and throws {@link Cancelled}, never a success; the
 * target stays marked unfinished, as a killed restore leaves it (docs/architecture.md, "A cancelled job").
 */
public final class Restorer {

    private static final int WRITE_SLICE = 1024 * 1024;
    private static final int READ_SPAN = org.opsledger.vault.pack.PackRuns.READ_SPAN;
    /** The decompressed-blob buffer a worker keeps: most chunks are smaller (a larger blob gets one of its own for the task). */
    private static final int USUAL_BLOB = 2 * org.opsledger.vault.chunker.Chunker.AVG_SIZE;

    /**
     * A blob whose stored form is this many times smaller than its bytes may be all zeros (zstd makes
     * 8 MiB of zeros a few hundred bytes; text shrinks 3–5 times): only such blobs' IDs are compared with that of zeros.
     */
    private static final int HOLE_CANDIDATE_RATIO = 64;
    /** The block a restored file's zeros are left as holes in: ext4's, XFS's and tmpfs's usual 4 KiB, aligned to the file's offsets. */
    private static final int HOLE_BLOCK = 4096;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final Repository repo;
    private final int threads;
    public final AtomicLong bytesWritten = new AtomicLong();
    /**
     * Set once the restore has marked its target ({@link #UNFINISHED}) and begins to make paths there: a failure after leaves a
     * partial restore there. Unset again (the marker removed) when it failed having made nothing ({@link #made}).
     */
    public final java.util.concurrent.atomic.AtomicBoolean begun = new java.util.concurrent.atomic.AtomicBoolean();
    /** Files where a blob of zeros was left as a hole: their length is set once all their blobs are written. */
    private final Set<Entry> withHoles = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Of each file of several blobs, how many are still to be written: the writer of its last hands it over to be forced ({@link #lastPiece}). */
    private final Map<Entry, java.util.concurrent.atomic.AtomicInteger> piecesLeft = new java.util.concurrent.ConcurrentHashMap<>();
    /** The further places the index gives a blob of a planned file, for one that does not read at its first (§7). */
    private final Map<ObjectId, List<IndexEntry>> otherPlaces = new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean root = OsUser.isRoot();
    /** The user this restore runs as: a file recorded as its own is its owner's without a chown. */
    private final int uid = (int) OsUser.uid();
    /** The groups a user other than root may give its files (none for root, which gives any). */
    private final Set<Integer> groups = root ? Set.of() : OsUser.groups();
    /** Metadata the target's filesystem would not take: reported, not fatal (the data is what a restore is for). */
    private final UnappliedMetadata unapplied = new UnappliedMetadata();
    /** What the target's filesystem keeps, probed by each restore once its target exists. */
    private TargetFilesystem targetFs = TargetFilesystem.FULL;
    /** Whether the target's filesystem keeps holes ({@link TargetFilesystem#keepsHoles}): a blob of zeros is then left as one. */
    private volatile boolean keepsHoles = true;
    /**
     * The access time every restored path gets: the restore's start (a snapshot keeps none). Given with the modification
     * time, the JDK sets both without reading the path's attributes first: one statx(2) less per path.
     */
    private FileTime accessTime;
    /** Files may be created with their own mode ({@link #modeAtCreation}): the target is this restore's and keeps modes. */
    private boolean modesAtCreation;
    /**
     * No restored path can have inherited an ACL: the target is this restore's, made where it got no default ACL, and a
     * directory gets the snapshot's after everything in it is written. A path without ACLs then needs none removed.
     */
    private boolean nothingInherited;

    /** Sets a node's ACLs on a restored path; tests count through it what a restore writes. */
    interface AclWrites {
        void write(Path p, Map<String, String> attributes, boolean directory) throws IOException;
    }

    AclWrites aclWrites = PermissionAttributes::writeAcls;

    /** fsync(2) of a restored path through a channel open on it; tests see through it what a restore makes durable, and when. */
    interface Syncs {
        void force(FileChannel ch, Path p) throws IOException;
    }

    Syncs syncs = (ch, p) -> ch.force(true);

    /**
     * lchown(2) of a restored path, its owner left as it is where {@code uid} is -1; tests stand in through it a
     * filesystem whose chown succeeds and does nothing (ntfs-3g mounted without {@code permissions}).
     */
    interface Chowns {
        void chown(Path p, int uid, int gid) throws IOException;
    }

    Chowns chowns = (p, uid, gid) -> {
        if (uid != -1) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    };
    /** Lists a restored path's extended attributes for --verify, once for its ACLs, capability and user ones; tests count through it. */
    java.util.function.Function<Path, XattrListing> listings = XattrListing::of;
    /** The permission attribute of each mode files were created with: a few distinct modes in any tree. */
    private final Map<Integer, FileAttribute<?>[]> creationModes = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The mode of a file created without its own, until that is set once it is written: its owner's alone, whatever the
     * umask. Created 0666 less the umask, a file recorded 0600 restored into a directory that was there (0755) could be
     * read, or opened and kept open, by any user while it was written (a helper's, reading a restored database dump).
     */
    private static final FileAttribute<?>[] UNTIL_ITS_MODE = {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    private static final Set<OpenOption> CREATE_NEW_WRITE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    /** {@code --exclude}: paths of the snapshot left out of the restore, with all they hold. */
    private List<Globs.Glob> excludes = List.of();
    /** The restore's includes that are glob patterns ({@link Globs#isPattern}), by the include as normalized. */
    private Map<String, Globs.Glob> includeGlobs = Map.of();

    public Restorer(Repository repo, int threads) {
        if (threads < 1) { // refused where given, not as a pool's IllegalArgumentException deep in the restore (a helper's)
            throw new IllegalArgumentException("Restorer: threads is " + threads + "; give at least 1");
        }
        this.repo = repo;
        this.threads = threads;
    }

    /**
     * Leaves out of the next restores each path a glob matches, as backup's {@code --exclude} does: the whole path as
     * {@code vault ls} shows it ('/data/cache') or its last name ('*.log'), with everything under it.
     */
    public Restorer excluding(List<String> globs) {
        if (globs == null) { // refused where given, not as a NullPointerException in Globs (a tester's)
            throw new IllegalArgumentException("Restorer: excludes must not be null (List.of() for none)");
        }
        this.excludes = Globs.compile(globs);
        return this;
    }

    /** The real path the target had when the caller named it ({@link #realPath}), or null. */
    private Path resolvedAs;

    /**
     * The target must still lead to {@code real}, its {@link #realPath} when the caller resolved it (to name it in its
     * output and journal): a symbolic link another user planted on the way since, in the seconds a repository takes to
     * open, moved a root restore into /root while the record named the path first resolved (a re-tester's).
     */
    public Restorer resolvedAs(Path real) {
        this.resolvedAs = real;
        return this;
    }

    public RestoreResult restore(SnapshotRef snapshot, Path target, List<String> includes, boolean verify) {
        if (includes == null) {
            throw new IllegalArgumentException("Restorer.restore: includes must not be null (List.of() for the whole snapshot)");
        }
        try (SharedLock reading = repo.readLock("restore")) { // a prune meanwhile deletes no pack this restore reads
            return restoreRead(snapshot, target, includes, verify);
        }
    }

    private RestoreResult restoreRead(SnapshotRef snapshot, Path target, List<String> includes, boolean verify) {
        org.opsledger.vault.crypto.Sealing.warmUp(false); // on the spare core while the trees are read
        withHoles.clear();
        unapplied.clear();
        firstMade = List.of();
        accessTime = FileTime.from(java.time.Instant.now());
        // resolved once, here: every path the restore writes is under the directory the target named when it began. Were
        // it written through the path as given, another user owning a symbolic link on the way (in a sticky /tmp) could
        // point it elsewhere halfway, and what a restore as root writes, chowns and chmods would follow
        Path base = realPath(target);
        if (resolvedAs != null && !base.equals(resolvedAs)) {
            throw new VaultException("restore target " + target + " now leads to " + base + ", not " + resolvedAs + ", through a symbolic"
                    + " link made since the restore began; restore into a new directory, or one only you can change (nothing was restored)");
        }
        refuseTargetInRepository(base);
        List<String> inc = includes.stream().map(Restorer::normalizeInclude).toList();
        if (inc.contains("")) {
            inc = List.of(); // "/": the whole snapshot, as `dump latest /` (it matched nothing: a helper's)
        }
        includeGlobs = new HashMap<>();
        for (String i : inc.isEmpty() ? List.<String>of() : includes) {
            if (Globs.isPattern(i)) { // as --exclude reads it: `--include 'app/uploads/*.txt'` matched nothing (a helper's)
                includeGlobs.put(normalizeInclude(i), Globs.compile(List.of(i)).getFirst());
            }
        }
        Plan plan = new Plan(base);
        restoring = snapshot;
        collect(repo.loadTree(snapshot.snapshot().tree()), plan.target, inc, inc.isEmpty(), 0, plan);
        repo.forgetTreePacks(); // every file is planned: no tree is read again,
        repo.forgetIndex(); // and every blob it writes located (Entry.blobs): the index is not needed either
        for (String i : inc) { // a mistyped path restores nothing: an error, not "restored 0 files"
            if (!plan.included.contains(i) && plan.excludedIncludes.containsKey(i)) {
                throw new VaultException("the include path " + i + " is left out by " + plan.excludedIncludes.get(i)
                        + ": drop one of the two; nothing was restored");
            }
            if (!plan.included.contains(i)) {
                throw new VaultException("the include " + (includeGlobs.containsKey(i) ? "pattern " : "path ") + i
                        + " matches nothing in snapshot " + snapshot.shortId()
                        + " (`vault ls " + snapshot.shortId() + "` lists its paths)");
            }
            if (plan.shownFor.getOrDefault(i, 0) > 1) { // both were restored, exit 0, where ls and dump refuse (a re-tester's)
                throw new VaultException("the include path " + i + " is shown for " + plan.shownFor.get(i) + " names whose bytes are"
                        + " not UTF-8: give the one meant as its bytes; nothing was restored");
            }
        }
        if (plan.excluded > 0 && Stream.of(plan.dirs, plan.files, plan.symlinks, plan.specials, plan.links).allMatch(List::isEmpty)) {
            // as backup and rewrite refuse a pattern that matches a backup path itself ('/srv/**' matches /srv): "restored 0
            // files", exit 0 (a re-tester's)
            throw new VaultException("--exclude leaves out every path of snapshot " + snapshot.shortId() + " (a pattern matches its"
                    + " backup path itself): nothing to restore");
        }
        refuseTakenPaths(base, plan);
        refuseRepositoryInTarget(base, plan);
        refuseWhatCannotFit(base, plan);
        boolean made; // by this restore's own mkdir(2), not found there: the directory is the restore's
        Path there = nearestExisting(base); // the directories below it, to the target, are this restore's to make durable
        try {
            if (base.getParent() != null) {
                Files.createDirectories(base.getParent(), PrivateDirectories.OWNER_ONLY);
            }
            Files.createDirectory(base, PrivateDirectories.OWNER_ONLY); // like restic's; the snapshot has no mode for it
            made = true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            made = false;
        } catch (IOException e) {
            throw new VaultException("cannot create restore target " + base + ": " + IoReason.of(e), e);
        }
        if (!made) { // what a restore stopped while it probed left there: no live tree's
            TargetFilesystem.removeStaleProbes(base, uid);
        }
        intoLiveTree = !made && !newOrEmpty(base);
        for (Entry d : made ? List.<Entry>of() : plan.dirs) { // in a target this restore made, nothing is found
            if (Files.isDirectory(d.dirPath, LinkOption.NOFOLLOW_LINKS)) {
                plan.found.add(d);
            }
        }
        new PrivateDirectories(root, made ? base : null).check(base, plan.found.stream().map(d -> d.dirPath).toList()); // before anything is written in it
        targetFs = TargetFilesystem.probe(base);
        modesAtCreation = made && targetFs.modesRefused() == null;
        nothingInherited = made && PermissionAttributes.unavailable() == null && !PermissionAttributes.mayHaveDefaultAcl(base);
        leaveOutNamesTheTargetCannotHold(plan, base);
        firstMade = firstMade(plan);
        refuseUnwritableDirectories(plan.target, firstMade);
        Lender buffers = new Lender(); // this restore's buffers, gone with it
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("vault-restore"));
        ExecutorService syncPool = Executors.newFixedThreadPool(SYNC_THREADS, daemon("vault-restore-fsync"));
        fsyncs = new Fsyncs(syncPool);
        List<String> failures = verify ? Collections.synchronizedList(new ArrayList<>()) : List.of();
        try {
            markUnfinished(base, snapshot, intoLiveTree ? firstMade : List.of());
            begun.set(true);
            // the marker on the disk before the first entry, and the target's own entry where this restore
            // made it: a power cut during the restore then leaves it saying the target is partial
            forceDurable(base.resolve(UNFINISHED));
            forceDurable(base);
            // the target's own entry where this restore made it, and each directory it made above it in the one above:
            // only the target's parent was, and a cut left /restore/2026/ without its new day/ and the target in it
            for (Path d = base.getParent(); made && d != null; d = d.equals(there) ? null : d.getParent()) {
                forceDurable(d);
            }
            createAll(plan, pool);
            // with --verify every restored file is re-read and hashed below, which proves each blob's ID:
            // the blobs are not hashed a second time while they are written
            writeContents(plan.files, pool, buffers, !verify);
            // each file's metadata, and its verification, on the workers: independent files, two cores
            List<String> out = failures;
            inParallel(plan.files, pool, f -> {
                if (withHoles.contains(f)) {
                    extendToSize(f.path(), f.node.size());
                }
                applyMetadata(f);
                if (verify) {
                    verifyFile(f, f, buffers, out);
                }
            });
            for (Entry l : plan.links) { // hard links: the other names of a file written above
                Path first = plan.firstName.get(new InodeKey(l.node.device(), l.node.inode())).path();
                Path path = l.path();
                try {
                    if (targetFs.hardLinksRefused() == null) {
                        Files.createLink(path, first);
                    } else { // exFAT, FAT: the same bytes under each name, and the link reported
                        Files.copy(first, path, LinkOption.NOFOLLOW_LINKS);
                        forceDurable(path);
                        notSet(l, UnappliedMetadata.Kind.HARD_LINK, targetFs.hardLinksRefused());
                        applyMetadata(l);
                    }
                } catch (IOException e) {
                    throw new VaultException("cannot create hard link " + path + ": " + IoReason.of(e), e);
                }
            }
            for (Entry s : plan.symlinks) {
                if (!s.unapplied(UnappliedMetadata.Kind.SYMLINK)) {
                    applyMetadata(s);
                }
            }
            for (Entry n : plan.specials) {
                if (n.unapplied(UnappliedMetadata.Kind.SPECIAL)) {
                    continue;
                }
                if (n.node.type() == NodeType.FIFO) {
                    applyFifoMetadata(n);
                } else {
                    applyDeviceMetadata(n);
                }
            }
            // every file is on the disk (forced after its last write, while the workers went on: Fsyncs); now each directory's
            // entries, the names of all it holds (before their own modes, which may deny this user a read: a directory of 0300)
            fsyncs.awaitAll();
            inParallel(plan.dirs, syncPool, d -> forceDurable(d.dirPath));
            // verified while the directories still let this user in: a directory's own mode (0000, 0500) is set last, and
            // as another user than root, --verify met "permission denied" below one and reported a correct restore as
            // different (a helper's)
            if (verify) {
                // the files themselves were verified above; all other names of one file on one worker: as a user other than
                // root, a name its owner may not read is made readable while it is verified and its mode put back, and two
                // workers verifying names of one file at once met each other's mode ("mode 600, expected 200") or its
                // refusal ("permission denied") and reported a correct restore as different (a helper's)
                inParallel(namesByFile(plan.links), pool, names -> names.forEach(l -> {
                    Entry first = l.unapplied(UnappliedMetadata.Kind.HARD_LINK) ? l // a copy: its own metadata
                            : plan.firstName.get(new InodeKey(l.node.device(), l.node.inode()));
                    verifyFile(l, first, buffers, out);
                }));
                for (Entry s : plan.symlinks) {
                    if (!s.unapplied(UnappliedMetadata.Kind.SYMLINK)) {
                        verifySymlink(s, failures);
                    }
                }
                for (Entry n : plan.specials) {
                    if (!n.unapplied(UnappliedMetadata.Kind.SPECIAL)) {
                        verifySpecial(n, failures);
                    }
                }
            }
            // directories last, deepest first: writing their children changed their mtime; each verified once its own
            // metadata is set and before its parent's is
            for (Entry d : plan.dirs.reversed()) {
                applyMetadata(d);
                if (verify) {
                    verifyDir(d, failures);
                }
            }
            try {
                Files.deleteIfExists(base.resolve(UNFINISHED)); // every file written whole: the target is no longer partial
            } catch (IOException e) {
                throw new VaultException("cannot remove " + base.resolve(UNFINISHED) + ": " + IoReason.of(e), e);
            }
            // the marker's removal, and the target's own names, on the disk before the restore says done, and verified (IS.012
            // 6.6.4: a tested recovery); on ext4 and XFS this also commits the modes and times set since each file was forced
            forceDurable(base);
            if (verify) {
                failures = List.copyOf(failures);
            }
            long symlinks = plan.symlinks.stream().filter(l -> !l.unapplied(UnappliedMetadata.Kind.SYMLINK)).count();
            long specials = plan.specials.stream().filter(n -> !n.unapplied(UnappliedMetadata.Kind.SPECIAL)).count();
            long files = plan.files.size() + plan.links.size();
            // a restore that wrote nothing (all of it left out by --exclude) proved no recovery (IS.012 6.6.4), nor one that differs
            boolean verified = verify && files + plan.dirs.size() + symlinks + specials > 0 && failures.isEmpty();
            Cancelled.check("the restore"); // never a success after an interrupt: a worker's write it broke off is no failure of the target
            return new RestoreResult(files, plan.dirs.size(), symlinks, specials, bytesWritten.get(),
                    List.copyOf(plan.refused), unapplied.summary(), verified, failures, plan.excluded);
        } catch (VaultException failed) {
            // failed before it made anything (a file it could not create): the target is not partial, and its marker would
            // refuse the same restore once the cause is put right, as "a restore that did not end" (h3's repro-3). Every
            // worker has ended (await); a cancelled restore's may not have, and its marker stays
            if (begun.get() && !(failed instanceof Cancelled) && made().isEmpty()) {
                try {
                    Files.deleteIfExists(base.resolve(UNFINISHED));
                    forceDurable(base); // its removal on the disk: a power cut brought the marker back, and the target was partial again
                    begun.set(false);
                } catch (IOException | VaultException e) {
                    failed.addSuppressed(e);
                }
            }
            throw failed;
        } finally {
            pool.shutdownNow();
            syncPool.shutdownNow();
        }
    }

    /**
     * The target held something when the restore began (a live tree): what a restore that did not end leaves there is what it
     * made ({@link #made}), to delete with its marker, not the target.
     */
    private volatile boolean intoLiveTree;

    /** Whether the target held something when the restore began: what it leaves if it does not end is {@link #made}, not the target. */
    public boolean intoLiveTree() {
        return intoLiveTree;
    }

    /**
     * The paths the restore makes whose directory is there (the target, or a directory of the snapshot found in it): all it
     * makes is one of them or in one. Empty until a restore begins.
     */
    private volatile List<Entry> firstMade = List.of();

    /** The planned paths whose directory is there when the restore begins ({@link #firstMade}). */
    private static List<Entry> firstMade(Plan plan) {
        List<Entry> out = new ArrayList<>();
        for (List<Entry> entries : List.of(plan.dirs, plan.symlinks, plan.specials, plan.files, plan.links)) {
            for (Entry e : entries) {
                if (!plan.found.contains(e) && (e.dir == plan.target || plan.found.contains(e.dir))) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * Of the paths this restore makes whose directory was there ({@link #firstMade}), those there now: everything it wrote
     * is one of them or in one. Empty when it wrote nothing in its target.
     */
    public List<Path> made() {
        return firstMade.stream().map(Entry::path).filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }

    /**
     * Refuses, before anything is written, a restore that cannot make a path in a directory that is there: access(2), as the
     * kernel will judge the creation (the directory's mode and ACL, an immutable flag, a read-only mount). One into a live
     * directory that was 0555 for a service user (or chattr +i for root) failed at its first file, "0 B written", and said
     * the live tree was a partial restore to remove (h3's repro-3). The target itself was probed ({@link TargetFilesystem#probe}).
     */
    private static void refuseUnwritableDirectories(Entry target, List<Entry> firstMade) {
        Set<Entry> asked = new HashSet<>(); // entries are equal only to themselves
        for (Entry e : firstMade) {
            Path dir = e.dir.dirPath;
            if (e.dir == target || !asked.add(e.dir)) {
                continue;
            }
            try {
                dir.getFileSystem().provider().checkAccess(dir, java.nio.file.AccessMode.WRITE, java.nio.file.AccessMode.EXECUTE);
            } catch (IOException x) {
                throw new VaultException("cannot write in " + dir + " (" + IoReason.of(x) + "), where the restore would make " + e.rel()
                        + ": nothing was written; let this user write there (chmod u+w, chattr -i), or restore into another directory");
            }
        }
    }

    /**
     * Filesystems that give every file with data whole blocks of their own (the ext family, XFS, tmpfs; FAT and exFAT
     * whole clusters, up to 128 KiB on a large USB disk): a restore of many small files takes a block for each.
     * Others (btrfs, ZFS) can keep a small file inside their metadata, and are counted by bytes alone.
     */
    private static final Set<String> WHOLE_BLOCKS = Set.of("ext2", "ext3", "ext4", "xfs", "tmpfs", "vfat", "msdos", "exfat");
    /** Files this small can live inside an ext4 inode (inline_data): they are counted by their bytes. */
    private static final int INLINE_MAX = 160;

    /**
     * A restore that cannot fit is refused before anything is written: one that filled the disk halfway left a partial
     * target, which restore never overwrites, to be emptied first. It counts what it will certainly take: every blob but
     * those all zeros (known by their ID) where the filesystem keeps holes (a hole in a sparse file costs nothing there,
     * and FAT and exFAT keep none), so a sparse image is not refused for its long holes. A blob with data among its zeros
     * counts whole, though its blocks of zeros are left as holes too: they are known only once it is read, and one counted
     * as nothing let a restore through that filled the disk halfway (a helper's). And on a
     * filesystem of {@link #WHOLE_BLOCKS} each file's bytes rounded up to whole blocks; and an inode for each path it makes.
     * The blocks of directories and symlinks and the filesystem's own metadata it does not count, so a restore just
     * fitting can still fail. Root may use the blocks the filesystem reserves for it. A filesystem that reports no size
     * (ramfs) is not asked. Each filesystem the restore writes on is counted for what goes onto it: in a tree restored
     * into, a directory may be another filesystem's mount point ({@link #destinations}).
     */
    private void refuseWhatCannotFit(Path base, Plan plan) {
        Path existing = nearestExisting(base);
        try {
            keepsHoles = TargetFilesystem.keepsHoles(Files.getFileStore(existing).type());
        } catch (IOException e) {
            // no type to go by: holes are left, as on the filesystems that keep them
        }
        Map<Integer, ObjectId> zerosIds = new HashMap<>(); // by length: all-zero blobs are mostly the chunker's largest
        for (Destination d : destinations(base, existing, plan)) {
            refuseWhatCannotFit(d.target ? "the filesystem of " + base : "the filesystem mounted at " + mountPoint(d.existing), base, d,
                    zerosIds);
        }
    }

    /** {@code path} if it exists, else the nearest directory above it that does (an absolute path's root exists). */
    private static Path nearestExisting(Path path) {
        Path existing = path;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }

    /**
     * The planned paths that go onto one filesystem: the target's, or one mounted under it in a tree restored into (a data
     * disk under /srv/app). {@code existing}: a directory of it; {@code inodes}: the paths the restore makes on it.
     */
    private static final class Destination {
        final Path existing;
        final boolean target;
        final List<Entry> files = new ArrayList<>();
        long inodes;

        Destination(Path existing, boolean target) {
            this.existing = existing;
            this.target = target;
        }
    }

    /**
     * The planned paths grouped by the filesystem of their nearest existing directory: the target's alone checked, a restore
     * of a 120 MiB file into a live tree whose data directory was a 50 MiB mount passed, ran out of room and left the file cut
     * short under its real name (a helper's). A target new or empty holds no other filesystem: its directories are not looked at.
     */
    private static java.util.Collection<Destination> destinations(Path base, Path existing, Plan plan) {
        boolean fresh = newOrEmpty(base);
        Destination target = new Destination(existing, true);
        target.inodes = fresh ? 1 : 0; // the target itself, made or found empty
        Map<Object, Destination> byDevice = new java.util.LinkedHashMap<>();
        byDevice.put(device(existing), target);
        Map<Entry, Destination> ofDir = new HashMap<>();
        ofDir.put(plan.target, target);
        for (Entry d : plan.dirs) { // each after the directory it is in
            Destination above = ofDir.get(d.dir);
            Destination on = above;
            if (fresh || !Files.isDirectory(d.dirPath, LinkOption.NOFOLLOW_LINKS)) {
                above.inodes++; // made by the restore, on the filesystem of the directory it is in
            } else {
                Object device = device(d.dirPath);
                on = device == null ? above : byDevice.computeIfAbsent(device, k -> new Destination(d.dirPath, false));
            }
            ofDir.put(d, on);
        }
        for (Entry f : plan.files) {
            Destination on = ofDir.get(f.dir);
            on.files.add(f);
            on.inodes++;
        }
        for (List<Entry> entries : List.of(plan.symlinks, plan.specials)) {
            entries.forEach(e -> ofDir.get(e.dir).inodes++);
        }
        return byDevice.values();
    }

    /** The device of the filesystem {@code dir} is on (st_dev), or null if it cannot be learned. */
    private static Object device(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The top directory of the filesystem {@code dir} is on: its mount point, as df names it. */
    private static Path mountPoint(Path dir) {
        Object device = device(dir);
        Path top = dir;
        while (top.getParent() != null && device != null && device.equals(device(top.getParent()))) {
            top = top.getParent();
        }
        return top;
    }

    /** {@link #refuseWhatCannotFit(Path, Plan)} for the paths that go onto one filesystem, {@code named} in its refusals. */
    private void refuseWhatCannotFit(String named, Path base, Destination on, Map<Integer, ObjectId> zerosIds) {
        long free;
        long block;
        boolean holes;
        try {
            FileStore store = Files.getFileStore(on.existing);
            holes = keepsHoles && TargetFilesystem.keepsHoles(store.type());
            refuseFilesTooLarge(named, on.files, store.type());
            if (store.getTotalSpace() == 0) {
                return; // ramfs, some FUSE filesystems: no size to go by
            }
            free = root ? store.getUnallocatedSpace() : store.getUsableSpace();
            block = WHOLE_BLOCKS.contains(store.type()) ? Math.max(1, store.getBlockSize()) : 1;
        } catch (IOException | UnsupportedOperationException e) {
            return; // no figure to go by: the restore runs and a full disk stops it as before
        }
        long needs = 0;
        for (Entry f : on.files) {
            long bytes = 0;
            for (int k = 0; k < f.blobs.length; k++) {
                IndexEntry e = f.blobs[k];
                boolean zeros = holes && maybeZeros(e) && f.node.content().get(k).equals(zerosIds.computeIfAbsent(e.rawLength(), this::zerosId));
                bytes += zeros ? 0 : e.rawLength();
            }
            needs += bytes <= INLINE_MAX ? bytes : (bytes + block - 1) / block * block;
        }
        if (needs > free) {
            throw new VaultException("the restore takes at least " + ByteSize.format(needs) + (block > 1 ? " (its files in blocks of "
                    + block + " bytes)" : "") + " and " + named + " has " + ByteSize.format(free) + " free: nothing"
                    + " was written (restore part of it with --include or --exclude, or restore elsewhere)");
        }
        // every path but a hard link's second name takes an inode, a directory only where the restore makes it (restore
        // may merge into directories that exist); filesystems that make inodes as needed report none (btrfs)
        long freeInodes = on.inodes == 0 ? Long.MAX_VALUE : freeInodes(on.existing);
        if (on.inodes > freeInodes) {
            throw new VaultException("the restore makes at least " + on.inodes + " files, directories and links and " + named
                    + " has " + freeInodes + " free inodes: nothing was written (restore part of it with --include or"
                    + " --exclude, or restore elsewhere)");
        }
    }

    /**
     * A file larger than the target's filesystem holds is refused before anything is written: on FAT a restore wrote 4
     * GiB of a larger file, then failed "File too large" with a partial target to empty.
     */
    private static void refuseFilesTooLarge(String named, List<Entry> files, String type) {
        long max = TargetFilesystem.largestFile(type);
        for (Entry f : max == Long.MAX_VALUE ? List.<Entry>of() : files) {
            if (f.node.size() > max) {
                throw new VaultException(f.rel() + " is " + ByteSize.format(f.node.size()) + " and " + named + " (" + type
                        + ") holds files of at most 4 GiB less one byte: nothing was written (leave it out with --exclude, or restore"
                        + " elsewhere)");
            }
        }
    }

    private static boolean newOrEmpty(Path base) {
        try (var listed = Files.list(base)) {
            return listed.findAny().isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The inodes free on the filesystem of {@code existing}, from stat(1): the JDK gives no statvfs(2) f_ffree. Long.MAX_VALUE
     * when it has no fixed number (btrfs, FAT, FUSE: a total of 0) or none can be learned. A restore of many small files
     * onto an ext4 made for large ones ran out of inodes halfway, leaving a partial target (a helper's).
     */
    static long freeInodes(Path existing) {
        try {
            Process p = ChildProcess.of(List.of("stat", "-f", "-c", "%c %d", "--", argument(existing)))
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.DISCARD.file()).start();
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
            String[] totalFree = said.split(" ");
            if (p.waitFor() != 0 || totalFree.length != 2 || totalFree[0].equals("0")) {
                return Long.MAX_VALUE;
            }
            return Long.parseLong(totalFree[1]);
        } catch (IOException | NumberFormatException e) {
            return Long.MAX_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Long.MAX_VALUE;
        }
    }

    /** A blob stored this much smaller than its bytes may be all zeros: its ID tells ({@link #zerosId}). */
    private static boolean maybeZeros(IndexEntry e) {
        return e.compressed() && (long) e.length() * HOLE_CANDIDATE_RATIO < e.rawLength();
    }

    /** The content ID of {@code length} zeros: a blob of that ID is all zeros, known before it is read. */
    private ObjectId zerosId(int length) {
        javax.crypto.Mac mac = repo.keys().contentIdMac();
        for (int pos = 0; pos < length; pos += ZEROS.length) {
            mac.update(ZEROS, 0, Math.min(ZEROS.length, length - pos));
        }
        return ObjectId.of(mac.doFinal());
    }

    private static String normalizeInclude(String p) {
        String s = p; // a backslash is part of a name (SnapshotPaths.relative)
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /**
     * A planned path: its node and the directory it goes in. A restore plans every path of the snapshot before it
     * writes one (a snapshot of small files: hundreds of thousands), so a path and its name as shown are made when
     * used, not kept: 32 bytes each, beside the node (docs/vault-format.md §7).
     */
    private static final class Entry {
        /** Null for the restore's target, which every other entry is under. */
        final Node node;
        /** The directory entry this one is in; null for the target. */
        final Entry dir;
        /** A directory's own path, made once: its entries' paths are made from it. Null for anything else. */
        final Path dirPath;
        /** A file's blobs where the index places them, in the order of its content; null for anything else. */
        final IndexEntry[] blobs;
        /**
         * Bits of the {@link UnappliedMetadata.Kind}s the filesystem refused for this path: set by the
         * worker that applied its metadata, read by its verification after that worker's task completed.
         */
        int unapplied;

        Entry(Node node, Entry dir, Path dirPath, IndexEntry[] blobs) {
            this.node = node;
            this.dir = dir;
            this.dirPath = dirPath;
            this.blobs = blobs;
        }

        Path path() {
            return dirPath != null ? dirPath : FileNames.resolve(dir.dirPath, node.name());
        }

        /**
         * Its path in the snapshot as reports name it: each name as the tree holds it, a byte that is not UTF-8 as its
         * escape (shown as {@code \xHH} in text, as ls shows it), not U+FFFD, which two names show alike.
         */
        String rel() {
            return dir.node == null ? node.name() : dir.rel() + "/" + node.name();
        }

        /** {@link #rel} with each byte that is not UTF-8 as U+FFFD: an --include given as JSON shows a name. */
        String shownRel() {
            String shown = FileNames.display(node.name());
            return dir.node == null ? shown : dir.shownRel() + "/" + shown;
        }

        boolean unapplied(UnappliedMetadata.Kind kind) {
            return (unapplied & (1 << kind.ordinal())) != 0;
        }
    }

    private record InodeKey(long device, long inode) {
    }

    /** Hard links' names grouped by the file they name, in the order of each file's first name among them. */
    private static List<List<Entry>> namesByFile(List<Entry> links) {
        Map<InodeKey, List<Entry>> byFile = new java.util.LinkedHashMap<>();
        for (Entry l : links) {
            byFile.computeIfAbsent(new InodeKey(l.node.device(), l.node.inode()), k -> new ArrayList<>(2)).add(l);
        }
        return List.copyOf(byFile.values());
    }

    private static final class Plan {
        final Entry target;
        final List<Entry> files = new ArrayList<>();
        /** Second and later names of a hard-linked file, and the path each inode was first written to. */
        final List<Entry> links = new ArrayList<>();
        final Map<InodeKey, Entry> firstName = new HashMap<>();
        final List<Entry> dirs = new ArrayList<>();
        final List<Entry> symlinks = new ArrayList<>();
        /** FIFOs and device nodes. */
        final List<Entry> specials = new ArrayList<>();
        final List<String> refused = new ArrayList<>();
        /** The planned directories that were there (real directories) when the restore began; entries are equal only to themselves. */
        final Set<Entry> found = new HashSet<>();
        /** The --include paths that matched a node. */
        final Set<String> included = new HashSet<>();
        /** How many names not UTF-8 each --include matched as they are shown (U+FFFD): more than one is ambiguous. */
        final Map<String, Integer> shownFor = new HashMap<>();
        /** Paths --exclude left out (each counted once, not what it holds). */
        long excluded;
        /** The --include paths an --exclude left out, each with the pattern (and the path above it that it matched). */
        final Map<String, String> excludedIncludes = new HashMap<>();

        Plan(Path base) {
            target = new Entry(null, null, base, null);
        }

        /** The paths planned. */
        int size() {
            return files.size() + links.size() + dirs.size() + symlinks.size() + specials.size();
        }
    }

    /**
     * Restore never overwrites: a target that already holds one of the snapshot's names (anything but a
     * directory where the snapshot has a directory) is refused before anything is written, rather than
     * failing halfway with part of the tree created. A target that is new or empty needs no look.
     */
    private static void refuseTakenPaths(Path base, Plan plan) {
        if (!Files.exists(base)) {
            return;
        }
        if (!Files.isDirectory(base)) {
            throw new VaultException("restore target " + base + " is not a directory: a restore writes into a directory, a new one"
                    + " or one that holds none of the snapshot's names");
        }
        try (var existing = Files.list(base)) {
            if (existing.findAny().isEmpty()) {
                return;
            }
        } catch (IOException e) {
            throw new VaultException("cannot read restore target " + base + ": " + IoReason.of(e), e);
        }
        Path unfinished = base.resolve(UNFINISHED);
        if (Files.exists(unfinished, LinkOption.NOFOLLOW_LINKS)) {
            String said = "its " + UNFINISHED + " not a file this vault wrote";
            String firstMade = null; // in a live tree
            // read only a regular file, without following a link, and its first lines: a link another user planted made a root
            // restore print the file it led to (/etc/shadow) and journal it, and a FIFO made it wait for ever (a helper's)
            if (Files.isRegularFile(unfinished, LinkOption.NOFOLLOW_LINKS)) {
                try (var in = FileChannel.open(unfinished, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    ByteBuffer start = ByteBuffer.allocate(8192); // a line and a path of up to 4,095 bytes
                    in.read(start);
                    List<String> lines = new String(start.array(), 0, start.position(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                    said = lines.isEmpty() ? "" : lines.getFirst().strip();
                    firstMade = lines.size() > 2 && lines.get(1).equals(MADE_IN_A_LIVE_TREE) ? lines.get(2) : null;
                } catch (IOException e) {
                    said = "its " + UNFINISHED + " unreadable";
                }
            }
            throw new VaultException("restore target " + base + " holds a restore that did not end (" + said + "; killed, or the machine"
                    + " stopped): its files may be cut short; " + (firstMade == null ? "remove it, or restore into another directory ("
                    + unfinished + " marks it)" : "delete the paths its marker " + unfinished + " lists (first " + firstMade + "), those still"
                    + " there, then the marker; not the rest of " + base));
        }
        List<Path> taken = new ArrayList<>();
        for (Entry d : plan.dirs) {
            if (Files.exists(d.dirPath, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(d.dirPath, LinkOption.NOFOLLOW_LINKS)) {
                taken.add(d.dirPath);
            }
        }
        for (List<Entry> entries : List.of(plan.symlinks, plan.specials, plan.files, plan.links)) {
            for (Entry e : entries) {
                Path path = e.path();
                if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    taken.add(path);
                }
            }
        }
        if (!taken.isEmpty()) {
            throw new VaultException("restore target " + base + " already holds " + taken.size() + " of the snapshot's paths (first "
                    + taken.getFirst() + "); restore never overwrites: restore into a new or empty directory, or move those away");
        }
    }

    /**
     * A file in the target's root while files are written: a restore killed outright (kill -9, a power cut) left files cut
     * short under their final names and modes, and the next restore refused only as "already holds N of the snapshot's
     * paths", with nothing to say the target was partial (a helper's). Removed once every file is whole.
     */
    public static final String UNFINISHED = ".opsledger-restore-unfinished";

    /**
     * The marker's second line in a target that held something already (a live tree), before the paths the restore makes
     * there, one a line: a restore of one file into /srv/app that was stopped said "remove" the target, the live tree, and
     * named not the file it left cut short; the next restore there, of another file, was refused with no word of this
     * marker (h3's repro-2).
     */
    static final String MADE_IN_A_LIVE_TREE = "into a directory that held other files: delete the paths it made, below, then this file";

    private static void markUnfinished(Path base, SnapshotRef snapshot, List<Entry> madeInALiveTree) {
        StringBuilder text = new StringBuilder("snapshot " + snapshot.shortId() + ", restore begun "
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\n");
        if (!madeInALiveTree.isEmpty()) {
            text.append(MADE_IN_A_LIVE_TREE).append('\n');
            madeInALiveTree.forEach(e -> text.append(e.path()).append('\n'));
        }
        try {
            Files.writeString(base.resolve(UNFINISHED), text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new VaultException("cannot write " + base.resolve(UNFINISHED) + ": " + IoReason.of(e), e);
        }
    }

    /** The repository holds only what the vault writes there: a restore into it is refused (a backup leaves it out). */
    private void refuseTargetInRepository(Path base) {
        Path dir = repo.backend().localDirectory().orElse(null);
        if (dir != null && realPath(base).startsWith(realPath(dir))) {
            throw new VaultException("restore target " + base + " is inside the repository " + dir + "; restore somewhere else");
        }
    }

    /**
     * Refuses a restore that would write into the local repository, which lies inside the target: another host's backup
     * of /srv held a directory repo/snapshots/…, and its restore into / put a file among the repository's snapshots
     * (`check`: damaged or altered; a helper's). A repository elsewhere in the target (a USB disk mounted under /mnt,
     * restored into /) is no reason to refuse.
     */
    private void refuseRepositoryInTarget(Path base, Plan plan) {
        Path dir = repo.backend().localDirectory().orElse(null);
        if (dir == null || !realPath(dir).startsWith(realPath(base))) {
            return;
        }
        Path inTarget = base.resolve(realPath(base).relativize(realPath(dir)));
        for (List<Entry> entries : List.of(plan.dirs, plan.symlinks, plan.specials, plan.files, plan.links)) {
            for (Entry e : entries) {
                if (e.path().startsWith(inTarget)) {
                    throw new VaultException("the snapshot's path " + e.rel() + " would be restored into the repository " + dir
                            + ", which lies in the restore target " + base + "; restore somewhere else (nothing was restored)");
                }
            }
        }
    }

    /**
     * The real path of the nearest existing ancestor, then the rest: a target need not exist yet. Where a restore into
     * {@code p} begun now writes, and what its messages and journal entry name (a target through another user's link
     * wrote into /root/… and the record named /tmp/lnk/…, which said nothing once the link was gone: a helper's).
     */
    public static Path realPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** The snapshot being restored, for {@link Tree#tooDeep}. */
    private SnapshotRef restoring;

    /**
     * Walks the tree and plans every directory, symlink and file, locating each file's blobs in the index (a blob
     * missing from it fails the restore before anything is written); {@link #createAll} creates them.
     */
    private void collect(Tree tree, Entry dir, List<String> includes, boolean inside, int depth, Plan plan) {
        String relDir = dir.node == null ? "" : dir.shownRel();
        // an include given with a name's own bytes (not UTF-8) is that name's alone: shown as U+FFFD, two names matched
        boolean exactIncludes = includes.stream().anyMatch(FileNames::hasEscapes);
        boolean exactNeeded = exactIncludes || !excludes.isEmpty() || !includeGlobs.isEmpty(); // patterns match a name's bytes
        String exactDir = dir.node == null || !exactNeeded ? "" : dir.rel() + "/"; // once a directory
        Set<String> names = new HashSet<>();
        for (Node n : tree.nodes()) {
            String shown = n.name() == null ? "null" : FileNames.display(n.name()); // for an --include given as JSON shows it
            String display = relDir.isEmpty() ? shown : relDir + "/" + shown;
            if (!Node.isSafeName(n.name())) {
                plan.refused.add(named(dir, n)); // a crafted name ("..", "a/b", "/etc") never reaches the filesystem
                continue;
            }
            Path path = FileNames.resolve(dir.dirPath, n.name());
            if (!path.normalize().startsWith(plan.target.dirPath) || !path.getParent().equals(dir.dirPath)) {
                plan.refused.add(named(dir, n));
                continue;
            }
            String exact = exactNeeded ? exactDir + n.name() : display;
            if (!excludes.isEmpty() && Globs.matchPathOrName(excludes, "/" + exact)) { // the name's bytes, as --include's
                plan.excluded++;
                for (String i : includes) { // an include this leaves out was said to match nothing, which ls denied (a tester's)
                    String here = FileNames.hasEscapes(i) ? exact : display;
                    if (sameName(i, here) || under(i, here) || matches(i, exact)) {
                        Globs.Glob by = excludes.stream().filter(g -> Globs.matchPathOrName(List.of(g), "/" + exact)).findFirst().orElseThrow();
                        plan.excludedIncludes.putIfAbsent(i, "--exclude " + by.pattern() + (under(i, here) ? ", which matches /"
                                + named(dir, n) : ""));
                    }
                }
                continue;
            }
            // every include this path is (an include of a directory and one of a path under it are both used: the second
            // was refused as matching nothing, a helper's); inside an included directory, deeper ones are still looked for
            boolean included = false;
            for (String i : includes) {
                if (includeGlobs.containsKey(i) ? matches(i, exact) : FileNames.hasEscapes(i) ? exact.equals(i) : sameName(display, i)) {
                    plan.included.add(i);
                    included = true;
                    if (!FileNames.hasEscapes(i) && FileNames.hasEscapes(n.name())) {
                        plan.shownFor.merge(i, 1, Integer::sum);
                    }
                }
            }
            boolean in = inside || included;
            // a pattern may match in any directory: each is looked in, and kept only if something in it is restored
            boolean onTheWay = n.type() == NodeType.DIR && includes.stream().anyMatch(i -> includeGlobs.containsKey(i)
                    || (FileNames.hasEscapes(i) ? i.startsWith(exact + "/") : under(i, display)));
            if (!in && !onTheWay) {
                continue;
            }
            if (!names.add(n.name())) { // before anything is written
                throw new VaultException(named(dir, n) + ": " + Tree.NAME_TWICE);
            }
            switch (n.type()) {
                case DIR -> {
                    Entry d = new Entry(n, dir, path, null);
                    plan.dirs.add(d);
                    if (n.subtree() == null) { // restored as an empty directory and "verified", exit 0 (a re-tester's)
                        throw new VaultException(named(dir, n) + ": " + Tree.NO_SUBTREE);
                    }
                    if (depth + 1 > Tree.MAX_DEPTH) { // a forged tree of 100,000 levels ran out of heap, and the launcher
                        // retried it in ever larger heaps for over 15 minutes (a tester's): refused before anything is written
                        throw Tree.tooDeep(restoring.shortId());
                    }
                    int planned = plan.size();
                    collect(repo.loadTree(n.subtree()), d, onTheWay ? includes : List.of(), in, depth + 1, plan);
                    if (!in && plan.size() == planned) { // looked in for a pattern, which matched nothing there
                        plan.dirs.removeLast();
                    }
                }
                case SYMLINK -> plan.symlinks.add(new Entry(n, dir, null, null));
                case FIFO, CHARDEV, BLOCKDEV -> plan.specials.add(new Entry(n, dir, null, null));
                case FILE -> {
                    Entry e = new Entry(n, dir, null, locate(n, dir));
                    if (n.hardLinked() && plan.firstName.putIfAbsent(new InodeKey(n.device(), n.inode()), e) != null) {
                        plan.links.add(e);
                    } else {
                        plan.files.add(e);
                    }
                }
            }
        }
    }

    /**
     * Whether an include path names the path {@code shown}, both in Unicode's composed form ({@link Globs#nfc}): the
     * include `salariés.csv` typed on Linux matched nothing of the file a Mac had written decomposed, which `ls` showed
     * alike (a tester's).
     */
    private static boolean sameName(String include, String shown) {
        return include.equals(shown) || Globs.nfc(include).equals(Globs.nfc(shown));
    }

    /** Whether the include path {@code include} is below {@code shown} ({@link #sameName}'s rule). */
    private static boolean under(String include, String shown) {
        return include.startsWith(shown + "/") || Globs.nfc(include).startsWith(Globs.nfc(shown) + "/");
    }

    /** Whether the include {@code i} is a pattern that matches the path {@code exact} (as a tree holds it) as --exclude's do. */
    private boolean matches(String i, String exact) {
        Globs.Glob glob = includeGlobs.get(i);
        return glob != null && Globs.matchPathOrName(glob, "/" + exact);
    }

    /** The path of {@code n} in {@code dir} as reports name it ({@link Entry#rel}), for a refusal: names are rarely refused. */
    private static String named(Entry dir, Node n) {
        return dir.node == null ? String.valueOf(n.name()) : dir.rel() + "/" + n.name();
    }

    /** Where each of {@code dir}'s file's blobs is: its pack, offset and lengths. */
    private IndexEntry[] locate(Node file, Entry dir) {
        List<ObjectId> content = file.content() == null ? List.of() : file.content();
        IndexEntry[] blobs = new IndexEntry[content.size()];
        long bytes = 0;
        for (int k = 0; k < blobs.length; k++) {
            List<IndexEntry> places = repo.locations(content.get(k));
            blobs[k] = places.isEmpty() ? null : places.get(0);
            if (places.size() > 1) {
                otherPlaces.put(content.get(k), List.copyOf(places.subList(1, places.size())));
            }
            if (blobs[k] == null) {
                throw new VaultException(named(dir, file) + ": blob " + content.get(k).shortHex() + " is not in the index");
            }
            bytes += blobs[k].rawLength();
        }
        String disagreement = file.sizeDisagreement(bytes);
        if (disagreement != null) { // as dump refuses it: a restore without --verify wrote such a file, exit 0 (a helper's, crafted)
            throw new VaultException(named(dir, file) + ": " + disagreement);
        }
        return blobs;
    }

    /** The longest path Linux takes, in bytes (PATH_MAX, 4,096, less its terminating NUL). */
    static final int PATH_MAX = 4095;

    /**
     * Takes out of the plan each path whose name the target's filesystem cannot hold beside the others
     * (a ':' on exFAT; "Case" where "case" is planned in the same directory on a filesystem that ignores
     * case; a name longer than it takes; AUX on NTFS mounted with windows_names), or that would be longer in the
     * target than Linux takes (a target deeper than the source was),
     * with everything under it, and reports each; the rest is restored. A hard-linked file whose
     * first name is left out is written under its next name. A path too long ended the whole restore, 0 files
     * written (a helper's; restic restores the rest). Where the filesystem does not keep a name's case, each name it
     * lists otherwise is restored and reported: --verify, looking it up without regard to case, said verified of a
     * README listed as "readme" (a tester's).
     */
    private void leaveOutNamesTheTargetCannotHold(Plan plan, Path base) {
        Set<Entry> leftOut = new HashSet<>(); // entries are equal only to themselves
        // directory → name as the filesystem compares it → the names kept: where Java's upper case and the filesystem's differ
        // (exFAT's table keeps "kırmızı" apart from "kirmizi"), each of one key is asked of the target (a tester's)
        Map<Entry, Map<String, List<String>>> namesByDir = new HashMap<>();
        places = placesOf(plan, base);
        java.util.function.Predicate<Entry> keep = e -> {
            if (leftOut.contains(e.dir)) {
                if (e.node.type() == NodeType.DIR) {
                    leftOut.add(e);
                }
                return false; // under a directory left out: that directory is reported
            }
            String reason = null;
            Place in = places.get(e.dir); // the filesystem it goes onto
            if (e.path().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > PATH_MAX) {
                reason = "its path in the target would be longer than the " + PATH_MAX + " bytes Linux takes (restore nearer the root)";
            } else {
                reason = in.fs.refusesName(e.node.name()); // its length or characters, else its case beside another's
                if (reason == null && in.fs.ignoresCase()) {
                    List<String> kept = namesByDir.computeIfAbsent(e.dir, d -> new HashMap<>())
                            .computeIfAbsent(TargetFilesystem.folded(e.node.name()), k -> new ArrayList<>());
                    String other = kept.stream().filter(o -> TargetFilesystem.sameName(in.dir, o, e.node.name())).findFirst().orElse(null);
                    if (other != null) { // one line for each pair: which was kept, and how to get the other
                        reason = "the target's filesystem takes it for " + other + ", restored in its place: restore it into another"
                                + " directory with --include, or write it out with dump";
                    } else {
                        kept.add(e.node.name());
                    }
                }
            }
            if (reason == null) {
                if (!in.fs.listedAs(e.node.name()).equals(e.node.name())) { // restored, and listed under another name
                    unapplied.add(UnappliedMetadata.Kind.CASE, e.rel(), "the target's filesystem lists every name in " + in.fs.caseListed());
                }
                return true;
            }
            if (e.node.type() == NodeType.DIR) {
                leftOut.add(e);
            }
            unapplied.add(UnappliedMetadata.Kind.NAME, e.rel(), reason);
            return false;
        };
        plan.dirs.removeIf(keep.negate()); // pre-order: a directory before what it holds
        plan.files.removeIf(keep.negate());
        plan.symlinks.removeIf(keep.negate());
        plan.specials.removeIf(keep.negate());
        plan.links.removeIf(keep.negate());
        Set<Entry> files = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        files.addAll(plan.files);
        plan.firstName.values().removeIf(first -> !files.contains(first));
        for (java.util.Iterator<Entry> i = plan.links.iterator(); i.hasNext(); ) {
            Entry l = i.next();
            if (plan.firstName.putIfAbsent(new InodeKey(l.node.device(), l.node.inode()), l) == null) {
                i.remove(); // its first name was left out: this one is written as the file
                plan.files.add(l);
            }
        }
    }

    /**
     * A filesystem paths are restored onto, and a directory there that was there when the restore began, where it was probed
     * and where two names are asked whether it takes them for one ({@link TargetFilesystem#sameName}).
     */
    private record Place(TargetFilesystem fs, Path dir) {
    }

    /**
     * Of each planned directory, the filesystem its paths go onto ({@link Place}): the target's, or, under a directory of the
     * snapshot found in the target that is another filesystem's (a USB stick's exFAT, NTFS, mounted below a tree restored
     * into), that one's, probed there once. The target's probe spoke for all: under NTFS through lowntfs-3g -o ignore_case
     * mounted below, "makefile" beside "Makefile" ended the whole restore, "already exists", and --verify reported each time
     * NTFS keeps to 100 ns as differing (f3's, session 38). In a target this restore made, which holds no other, all are the
     * target's.
     */
    private Map<Entry, Place> places = Map.of();

    private Map<Entry, Place> placesOf(Plan plan, Path base) {
        Map<Entry, Place> out = new HashMap<>(); // entries are equal only to themselves
        Place target = new Place(targetFs, base);
        out.put(plan.target, target);
        Object targetDevice = device(base);
        Map<Object, Place> byDevice = new HashMap<>();
        for (Entry d : plan.dirs) { // pre-order: a directory after the one it is in
            Object on = plan.found.contains(d) ? device(d.dirPath) : null; // one the restore makes is on the filesystem it is made in
            out.put(d, on == null ? out.get(d.dir) : on.equals(targetDevice) ? target
                    : byDevice.computeIfAbsent(on, k -> probed(d.dirPath)));
        }
        return out;
    }

    /** The filesystem of {@code dir} as {@link TargetFilesystem#probe} finds it; the target's where it cannot (the restore says why). */
    private Place probed(Path dir) {
        try {
            return new Place(TargetFilesystem.probe(dir), dir);
        } catch (VaultException cannotWrite) {
            return new Place(targetFs, dir); // refuseUnwritableDirectories names it
        }
    }

    /** The filesystem the path {@code e} is on ({@link #places}). */
    private TargetFilesystem filesystemOf(Entry e) {
        Place p = places.get(e.node.type() == NodeType.DIR ? e : e.dir);
        return p == null ? targetFs : p.fs;
    }

    /** Something done to one planned path. */
    @FunctionalInterface
    private interface PathAction {
        void apply(Entry e) throws IOException;
    }

    /**
     * Creates the planned directories (parents before children: one depth at a time), then the
     * symlinks, then every file of no blob or several empty (CREATE_NEW, never following a link), each step spread over
     * the workers: tens of thousands of creating system calls kept one core busy while the other waited.
     */
    private void createAll(Plan plan, ExecutorService pool) {
        java.util.TreeMap<Integer, List<Entry>> byDepth = new java.util.TreeMap<>();
        for (Entry d : plan.dirs) {
            byDepth.computeIfAbsent(d.dirPath.getNameCount(), k -> new ArrayList<>()).add(d);
        }
        for (List<Entry> level : byDepth.values()) {
            inParallel(level, pool, creating(d -> {
                if (!plan.found.contains(d)) { // a directory found there is reused, as PrivateDirectories checked it
                    Files.createDirectory(d.dirPath, PrivateDirectories.OWNER_ONLY); // anything in its place since fails here
                }
            }));
        }
        // IS.012 6.6: a restore is to bring a service back. A directory found there is the live tree's, not restored: its owner,
        // mode, time and ACLs stay as they are, and it is not counted. One file restored into /srv/app gave app/config, locked
        // to 0700 (or taken from www-data, or given a reader's ACL) since the backup, the snapshot's 0755, owner and ACL back,
        // and the service could no longer read its config (h3's repro-1)
        plan.dirs.removeIf(plan.found::contains);
        if (targetFs.symlinksRefused() == null) {
            inParallel(plan.symlinks, pool, creating(l -> Files.createSymbolicLink(l.path(), FileNames.pathOf(l.node.linkTarget()))));
        } else { // exFAT, FAT: no symbolic links at all; each reported, the rest restored
            for (Entry l : plan.symlinks) {
                notSet(l, UnappliedMetadata.Kind.SYMLINK, targetFs.symlinksRefused());
            }
        }
        createFifos(plan.specials.stream().filter(n -> n.node.type() == NodeType.FIFO).toList());
        for (Entry n : plan.specials) {
            if (n.node.type() != NodeType.FIFO) {
                createDevice(n);
            }
        }
        inParallel(plan.files, pool, creating(f -> {
            if (f.blobs.length != 1) { // a file of one blob is created where its blob is written (openForWriting)
                create(f).close();
            }
        }));
    }

    /**
     * FIFOs with their permission bits by coreutils' mkfifo(1), the JDK having no mkfifo(3), which refuses set-ID and
     * sticky bits (those come with the rest of the mode, {@link #applyFifoMetadata}): those of one mode in one
     * process (spawning one from the JVM costs ≈7 ms), a hundred paths at a time. When a batch fails
     * (exFAT and FAT hold no FIFO), each of its paths is tried alone so that each refusal is reported with
     * its own reason; the rest are restored. What is found at a path is this restore's FIFO only if no path before it
     * found the same one: under a filesystem that ignores case, mounted below the target, "pipe" found "Pipe" and two
     * FIFOs were counted where one was made (a tester's).
     */
    private void createFifos(List<Entry> fifos) {
        Set<Object> found = new HashSet<>(); // what each FIFO made is, by its device and inode
        Map<Integer, List<Entry>> byMode = new java.util.TreeMap<>();
        for (Entry f : fifos) {
            // a user other than root opens it for reading and writing to set its time (applyFifoMetadata), which a
            // mode without the owner's read or write bit (0444, 0200) refused (a helper's): such bits come with the mode
            byMode.computeIfAbsent(f.node.mode() & 0777 | (root ? 0 : 0600), m -> new ArrayList<>()).add(f);
        }
        for (var mode : byMode.entrySet()) {
            List<Entry> all = mode.getValue();
            for (int from = 0; from < all.size(); from += FIFOS_PER_PROCESS) {
                List<Entry> batch = all.subList(from, Math.min(all.size(), from + FIFOS_PER_PROCESS));
                List<String> command = new ArrayList<>(List.of("mkfifo", "-m", Integer.toOctalString(mode.getKey())));
                batch.forEach(f -> command.add(argument(f.path())));
                List<Path> there = batch.stream().filter(f -> fileKey(f.path()) != null).map(Entry::path).toList();
                boolean made = ChildProcess.run(command) == null;
                for (Entry f : batch) {
                    if (there.contains(f.path())) { // another path's, made before: never this FIFO's to remove
                        notSet(f, UnappliedMetadata.Kind.SPECIAL, TAKEN_BY_A_FOLDED_NAME);
                        continue;
                    }
                    Object key = fileKey(f.path());
                    if (key != null && !found.add(key)) { // another path's: removing it would remove that one
                        String refusal = ChildProcess.run(List.of("mkfifo", "-m", Integer.toOctalString(mode.getKey()), argument(f.path())));
                        notSet(f, UnappliedMetadata.Kind.SPECIAL, refusal == null ? "not made" : refusal);
                        continue;
                    }
                    String refusal = made || key != null || Files.exists(f.path(), LinkOption.NOFOLLOW_LINKS) ? null
                            : ChildProcess.run(List.of("mkfifo", "-m", Integer.toOctalString(mode.getKey()), argument(f.path())));
                    keepIfMade(f, refusal);
                }
            }
        }
    }

    /** What is at {@code path} (lstat), by its device and inode: null where nothing is, or the filesystem gives no such key. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Paths given to one mkfifo: ≤ 100 × 4,096 bytes, well inside the kernel's limit on a command line. */
    private static final int FIFOS_PER_PROCESS = 100;

    /**
     * A device node with its mode, by coreutils' mknod(1). Only root may make one: others report each, as does
     * a filesystem without them.
     */
    private void createDevice(Entry e) {
        Node n = e.node;
        if (!root) {
            notSet(e, UnappliedMetadata.Kind.SPECIAL, "only root may create a device node");
            return;
        }
        if (fileKey(e.path()) != null) { // another path's, made before: never this node's to remove
            notSet(e, UnappliedMetadata.Kind.SPECIAL, TAKEN_BY_A_FOLDED_NAME);
            return;
        }
        String refusal = ChildProcess.run(List.of("mknod", "-m", Integer.toOctalString(n.mode() & 0777), argument(e.path()),
                n.type() == NodeType.CHARDEV ? "c" : "b", Long.toString(n.deviceMajor()), Long.toString(n.deviceMinor())));
        keepIfMade(e, refusal);
    }

    /**
     * Why a FIFO or device node is not made where its path names something there before its own mkfifo or mknod: none of
     * the snapshot's names was in the target (refuseTakenPaths), so another path this restore made has its name, to the
     * filesystem. keepIfMade removed what it found there as what the command had left: under a mount that ignores case
     * (lowntfs-3g -o ignore_case) below the target, the FIFO "docs" removed the directory "Docs" the restore had just made,
     * and the restore failed at Docs/a.txt (f3's, session 38). Such names are left out before ({@link #placesOf}); this
     * holds where a filesystem takes two names for one that Java's upper case keeps apart.
     */
    static final String TAKEN_BY_A_FOLDED_NAME = "the target's filesystem takes its name for that of another path restored";

    /**
     * What mkfifo or mknod left at the path is looked at (lstat): on exFAT through exfat-fuse mkfifo succeeds and
     * mknod fails (EIO), and each leaves a regular file. Anything but the node asked for is removed and the node
     * reported as not created, with the command's {@code refusal} when it gave one. Only what the command made is looked
     * at: a path another had taken before it is reported, never removed ({@link #TAKEN_BY_A_FOLDED_NAME}).
     */
    private void keepIfMade(Entry e, String refusal) {
        Path path = e.path();
        try {
            NodeType made = Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    ? NodeType.ofMode((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) : null;
            if (refusal == null && made == e.node.type()) {
                return;
            }
            if (Files.deleteIfExists(path) && refusal == null) {
                refusal = "the target's filesystem made a " + (made == null ? "socket" : made.json()) + " of it";
            }
            notSet(e, UnappliedMetadata.Kind.SPECIAL, refusal == null ? "not made" : refusal);
        } catch (IOException x) {
            notSet(e, UnappliedMetadata.Kind.SPECIAL, IoReason.of(x));
        }
    }

    /**
     * A FIFO's metadata as a file's ({@link #applyMetadata}), while this holds it open for reading and writing.
     * The JDK sets times, and modes without following links, through an open(2) for reading, which on a FIFO
     * waits for a writer (a restore hung there): with this one open, it returns at once. Opening a FIFO for both
     * does not wait on Linux, and nothing is written.
     */
    private void applyFifoMetadata(Entry e) {
        try (FileChannel held = FileChannel.open(e.path(), StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            applyMetadata(e);
        } catch (IOException x) {
            notSet(e, UnappliedMetadata.Kind.MTIME, IoReason.of(x));
        }
    }

    /**
     * Owner, mode and modification time of a device node, never opening it (opening a tape device rewinds it): lchown(2),
     * and touch(1) -h, utimensat(2) on the path, the JDK's own way being through open(2). The permission bits came with
     * mknod; set-ID and sticky bits, which mknod -m refuses and chown clears, are set after the owner by chmod(2) on the
     * path: the node mknod just made, under directories no one else can change (PrivateDirectories). Linux keeps user.*
     * attributes on files and directories only.
     */
    private void applyDeviceMetadata(Entry e) {
        setOwner(e, e.path());
        if ((e.node.mode() & 07000) != 0) {
            int mode = modeKept(e);
            set(e, UnappliedMetadata.Kind.MODE, () -> Files.setAttribute(e.path(), "unix:mode", mode));
        }
        touchTime(e);
    }

    /**
     * The modification time by touch(1) -h: utimensat(2) on the path, never following a link nor opening it. "@-1.5" is
     * 1.5 s before the epoch; the time the tree keeps for one before 1677, Long.MIN_VALUE ns, was "@--9223372036.-854775808"
     * (a helper's).
     */
    private void touchTime(Entry e) {
        String time = "@" + new java.math.BigDecimal(java.math.BigInteger.valueOf(e.node.mtime()), 9).toPlainString();
        String refusal = ChildProcess.run(List.of("touch", "-h", "-m", "-d", time, argument(e.path())));
        if (refusal != null) {
            notSet(e, UnappliedMetadata.Kind.MTIME, refusal);
        }
    }

    /**
     * An absolute path as a command's argument: its bytes, each that is not UTF-8 as its escape ({@link ExactCommand} runs
     * such a command). Its string, where each such byte is U+FFFD, gave mkfifo another path than the restore's, which a
     * symlink in the snapshot named so could point outside the target (a root restore made a FIFO in /etc: a helper's).
     */
    static String argument(Path path) {
        return FileNames.decode(FileNames.bytesOf(path));
    }

    /** Does {@code action} to every entry on the workers, 256 entries to a task (a task per file would hold ≈80 bytes each until all are done). */
    private static <T> void inParallel(List<T> entries, ExecutorService pool, java.util.function.Consumer<T> action) {
        int batch = 256;
        List<CompletableFuture<Void>> work = new ArrayList<>(entries.size() / batch + 1);
        for (int from = 0; from < entries.size(); from += batch) {
            List<T> slice = entries.subList(from, Math.min(entries.size(), from + batch));
            work.add(CompletableFuture.runAsync(() -> slice.forEach(action), pool));
        }
        await(work);
    }

    /** Creating a path: a failure ends the restore, naming the path. */
    private static java.util.function.Consumer<Entry> creating(PathAction action) {
        return e -> {
            try {
                action.apply(e);
            } catch (IOException x) {
                throw new VaultException("cannot create " + e.path() + ": " + IoReason.of(x), x);
            }
        };
    }

    /**
     * One worker's buffers: the pack range being read (a run of neighbouring blobs ≤ {@link #READ_SPAN}, or
     * one larger blob alone), decrypted where it lies, and the decompressed bytes of the blob being written
     * (with --verify, then the slice of a file being hashed). Kept at the usual sizes, 4 and 2 MiB; a larger
     * blob's buffer takes the place of the kept one until the task (a pack) ends: ≤ 8 MiB + 32 B each, one
     * maximal sealed blob (docs/vault-format.md §7). Not a {@link org.opsledger.vault.pack.BufferPool}: the
     * spares a pool keeps come on top of the buffers in use (with one, 28–33 MiB stayed live on the benchmark tree).
     */
    private static final class WorkerBuffers {
        private byte[] span = new byte[0];
        private byte[] raw = new byte[0];

        byte[] span(int len) {
            return span.length >= len ? span : (span = new byte[Math.max(len, READ_SPAN)]);
        }

        byte[] raw(int len) {
            return raw.length >= len ? raw : (raw = new byte[Math.max(len, USUAL_BLOB)]);
        }

        /** Lets a larger blob's buffers go: the next task gets buffers of the usual sizes. */
        void endTask() {
            if (span.length > READ_SPAN) {
                span = new byte[0];
            }
            if (raw.length > USUAL_BLOB) {
                raw = new byte[0];
            }
        }
    }

    /** The worker buffers of one restore: one lent to each running task, so never more than the workers, and gone with the restore. */
    private static final class Lender {
        private final java.util.concurrent.ConcurrentLinkedQueue<WorkerBuffers> idle = new java.util.concurrent.ConcurrentLinkedQueue<>();

        WorkerBuffers borrow() {
            WorkerBuffers b = idle.poll();
            return b != null ? b : new WorkerBuffers();
        }

        void giveBack(WorkerBuffers b) {
            b.endTask();
            idle.offer(b);
        }
    }

    /** One place a blob's plaintext goes: a file, which of its blobs, the offset in it. */
    private record Piece(Entry file, int blob, long offset) {
        IndexEntry location() {
            return file.blobs[blob];
        }
    }

    /**
     * Reads each pack once (every file of several blobs exists, empty, by then), in offset order, in a few ranged reads
     * (neighbouring blobs coalesced up to {@link #READ_SPAN}, so a worker holds at most 4 MiB of pack and one blob), decrypts each needed blob once and
     * writes it at its offset into every file that contains it (restic's approach). One read per
     * pack region instead of one per blob: on S3 that is a GET per ~4 MiB instead of per chunk.
     */
    private void writeContents(List<Entry> files, ExecutorService pool, Lender buffers, boolean checkIds) {
        Map<ObjectId, List<Piece>> byPack = new java.util.LinkedHashMap<>(); // first-use order ≈ the order packs were written
        piecesLeft.clear();
        for (Entry f : files) {
            if (f.blobs.length > 1) {
                piecesLeft.put(f, new java.util.concurrent.atomic.AtomicInteger(f.blobs.length));
            }
            long pos = 0;
            for (int k = 0; k < f.blobs.length; k++) {
                byPack.computeIfAbsent(f.blobs[k].pack(), p -> new ArrayList<>()).add(new Piece(f, k, pos));
                pos += f.blobs[k].rawLength();
            }
        }
        List<CompletableFuture<Void>> work = new ArrayList<>(byPack.size());
        for (var pack : byPack.entrySet()) {
            work.add(CompletableFuture.runAsync(() -> restorePack(pack.getKey(), pack.getValue(), buffers, checkIds), pool));
        }
        await(work);
    }

    /**
     * Reads the pack's needed blobs in runs, each blob decrypted where it was read and written from there
     * (or from its decompressed bytes) to every piece of a file that holds it: in offset order, the pieces
     * of one blob are next to one another (a blob has one place in the index).
     */
    private void restorePack(ObjectId pack, List<Piece> pieces, Lender buffers, boolean checkIds) {
        pieces.sort(java.util.Comparator.comparingInt(p -> p.location().offset()));
        String name = Repository.packName(pack);
        WorkerBuffers own = buffers.borrow();
        try {
            int i = 0;
            while (i < pieces.size()) {
                // one ranged read for a run of blobs that lie close together
                var run = org.opsledger.vault.pack.PackRuns.runFrom(pieces, i, p -> p.location().offset(), p -> p.location().length());
                int start = (int) run.start();
                int j = run.last();
                int spanLen = run.length();
                byte[] span = own.span(spanLen); // one blob larger than a span: read alone
                BackendException unread = null;
                try {
                    repo.backend().readRange(name, start, spanLen, span);
                } catch (BackendException e) {
                    unread = e; // a blob of the run placed in another pack too is read there
                }
                for (int k = i; k <= j; ) {
                    Piece first = pieces.get(k);
                    IndexEntry e = first.location();
                    ObjectId id = first.file.node.content().get(first.blob);
                    Repository.BlobBytes b;
                    try {
                        if (unread != null) {
                            throw unread;
                        }
                        b = repo.openBlobInPlace(id, e.compressed(), e.rawLength(), span, e.offset() - start, e.length(), checkIds,
                                e.compressed() ? own.raw(e.rawLength()) : null);
                    } catch (BackendException | DamagedBlobException failed) {
                        b = fromOtherPlace(id, failed);
                    }
                    for (; k <= j && pieces.get(k).location().offset() == e.offset(); k++) {
                        writeAt(pieces.get(k), b);
                    }
                }
                i = j + 1;
            }
        } finally {
            buffers.giveBack(own);
        }
    }

    /**
     * A blob read at another place the index gives it, when its first did not read, or where the index read again places
     * it now when its pack went from under a restore without a lock ({@link Repository#loadMoved}); what the first failed
     * with if none reads.
     */
    private Repository.BlobBytes fromOtherPlace(ObjectId id, VaultException failed) {
        List<IndexEntry> places = otherPlaces.get(id);
        byte[] plain = null;
        if (places != null) {
            try {
                plain = repo.loadBlob(id, places);
            } catch (BackendException | DamagedBlobException elsewhere) {
                Cancelled.passOn(elsewhere, "the restore");
            }
        }
        if (plain == null && failed instanceof MissingFileException gone) {
            plain = repo.loadMoved(id, gone);
        }
        if (plain == null) {
            throw failed;
        }
        return new Repository.BlobBytes(plain, 0, plain.length);
    }

    /** Whether the blob's bytes in {@code [from, to)} are all zeros. */
    private static boolean allZeros(Repository.BlobBytes b, int from, int to) {
        for (int pos = from; pos < to; pos += ZEROS.length) {
            int n = Math.min(ZEROS.length, to - pos);
            if (Arrays.mismatch(b.array(), b.offset() + pos, b.offset() + pos + n, ZEROS, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A file that ends in a hole is shorter than its size until its length is set: by ftruncate(2), so the hole stays one,
     * through java.io (FileChannel only shortens a file), by path, which no one else can change while the restore writes
     * (PrivateDirectories). A name whose bytes are not UTF-8, which a java.io.File cannot spell (it set the length of a
     * file it made under another name), gets a byte written at its end instead: one block, not the hole. So does a file on
     * a filesystem that refuses to lengthen one by ftruncate (FAT through fusefat, "Operation not permitted": a restore
     * there failed on every file ending in a block of zeros, a .tar's padding; a re-tester's).
     */
    private void extendToSize(Path path, long size) {
        try {
            java.io.File named = path.toFile();
            if (named.toPath().equals(path)) {
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(named, "rw")) {
                    if (f.length() < size) {
                        f.setLength(size);
                    }
                    syncs.force(f.getChannel(), path); // its last write was before this: on the disk with its length
                    return;
                } catch (IOException refused) {
                    // the byte below
                }
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                if (ch.size() < size) {
                    ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
                }
                syncs.force(ch, path);
            }
        } catch (IOException e) {
            throw new VaultException("cannot set the length of " + path + ": " + IoReason.of(e), e);
        }
    }

    /**
     * Writes the blob's bytes at the piece's offset in its file, but not its zeros in whole blocks of the file where the
     * filesystem keeps holes: each {@link #HOLE_BLOCK} of the file (or the part of one the blob holds, at its ends) that
     * is all zeros is passed over and stays a hole, so a sparse file is as sparse as its source, wherever its zeros fall
     * (a file is new and empty when written: what is not written reads as zeros). The file's length is set once all its
     * blobs are. Only a block of zeros costs more than its write: other data differs from zeros in its first bytes.
     */
    private void writeAt(Piece p, Repository.BlobBytes b) {
        FileChannel ch = null;
        try {
            ch = openForWriting(p.file);
            int written = 0; // the blob's bytes before this are written or passed over
            long passed = 0;
            for (int at = 0; keepsHoles && at < b.length(); ) {
                int end = (int) Math.min(b.length(), ((p.offset + at) / HOLE_BLOCK + 1) * HOLE_BLOCK - p.offset);
                if (allZeros(b, at, end)) {
                    write(ch, p, b, written, at);
                    passed += end - at;
                    written = end;
                }
                at = end;
            }
            write(ch, p, b, written, b.length());
            if (passed > 0) {
                withHoles.add(p.file);
                bytesWritten.addAndGet(passed);
            }
            // after the file's last write, handed over open to be forced off this worker ({@link Fsyncs}), which decrypts the
            // next blob meanwhile: one ending in a hole is forced once its length is set (extendToSize). A restore said done,
            // a power cut seconds later left its files empty or missing, and nothing said the target was partial (a helper's)
            if (lastPiece(p.file) && !withHoles.contains(p.file)) {
                FileChannel done = ch;
                ch = null;
                fsyncs.force(done, p.file.path());
            }
        } catch (IOException e) { // named: a target that filled midway said "restore failed: No space left on device" (a helper's)
            throw new VaultException("cannot write " + p.file.rel() + ": " + IoReason.of(e), e);
        } finally {
            closeWritten(ch, p.file);
        }
    }

    /** Closes a file written to (null: handed over, or never opened); a failure to is one to write it. */
    private static void closeWritten(FileChannel ch, Entry file) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            throw new VaultException("cannot write " + file.rel() + ": " + IoReason.of(e), e);
        }
    }

    /**
     * Whether this was the last of the file's pieces to be written: of a file of one blob, its one; of one of several, the
     * one that counts its pieces down to none ({@link #piecesLeft}), which sees every other piece's write and hole.
     */
    private boolean lastPiece(Entry file) {
        return file.blobs.length == 1 || piecesLeft.get(file).decrementAndGet() == 0;
    }

    /**
     * Opens the path (a file or a directory, never following a link) and fsyncs it: the file's bytes, or the directory's
     * names. A restore that says done has its files on the disk (docs/operations.md, "Restore").
     */
    private void forceDurable(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            syncs.force(ch, p);
        } catch (IOException e) {
            // an interrupt closes the channel: a cancelled restore, not a disk that failed (a service's job cancelled while
            // the marker was forced read "cannot write … (fsync): ClosedByInterruptException", a tester's)
            Cancelled.passOn(e, "the restore");
            throw notDurable(p, e);
        }
    }

    private static VaultException notDurable(Path p, IOException e) {
        return new VaultException("cannot write " + p + " to the disk (fsync): " + IoReason.of(e), e);
    }

    /**
     * Threads that fsync, beside the workers that write: an fsync waits on the disk, not a core. On ext4 (and XFS) the
     * fsyncs of new files waiting at once share one journal commit and one cache flush, so a few more than the workers
     * make fewer commits; the workers meanwhile decrypt the next blobs. Measured on the benchmark tree
     * (docs/performance.md): forced on the two writing workers, the restore waited on the disk.
     */
    private static final int SYNC_THREADS = 8;
    /** Files written and handed over open, not yet forced: a writer that would hand over more waits (and the fds stay few). */
    private static final int SYNCS_IN_FLIGHT = 64;

    private Fsyncs fsyncs;

    /**
     * The fsyncs of the files a restore writes, each handed over open after its last write ({@link #writeAt}) and forced,
     * then closed, on the sync pool; {@link #awaitAll} waits for all and fails with the first that failed. At most
     * {@link #SYNCS_IN_FLIGHT} wait: a writer that would hand over one more waits for a slot.
     */
    private final class Fsyncs {
        private final ExecutorService syncPool;
        private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(SYNCS_IN_FLIGHT);
        private final java.util.concurrent.atomic.AtomicReference<VaultException> failed = new java.util.concurrent.atomic.AtomicReference<>();

        Fsyncs(ExecutorService syncPool) {
            this.syncPool = syncPool;
        }

        /** Forces {@code ch}, open on {@code p}, and closes it: the caller no longer uses it. */
        void force(FileChannel ch, Path p) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                closeQuietly(ch);
                throw new Cancelled("the restore", e);
            }
            try {
                syncPool.execute(() -> {
                    try (ch) {
                        syncs.force(ch, p);
                    } catch (IOException e) {
                        failed.compareAndSet(null, notDurable(p, e));
                    } catch (RuntimeException e) {
                        failed.compareAndSet(null, e instanceof VaultException v ? v : new VaultException("restore failed: " + e, e));
                    } finally {
                        slots.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) { // the restore is ending: its pools shut down
                slots.release();
                closeQuietly(ch);
                throw new Cancelled("the restore", e);
            }
        }

        private static void closeQuietly(FileChannel ch) {
            try {
                ch.close();
            } catch (IOException e) {
                // the restore is cancelled: its target stays marked unfinished
            }
        }

        /** Waits until every file handed over is forced; throws what the first that failed met. */
        void awaitAll() {
            try {
                slots.acquire(SYNCS_IN_FLIGHT);
                slots.release(SYNCS_IN_FLIGHT);
            } catch (InterruptedException e) {
                throw new Cancelled("the restore", e);
            }
            VaultException f = failed.get();
            if (f != null) {
                throw f;
            }
        }
    }

    /** Writes the blob's bytes {@code [from, to)} where they go in the piece's file. */
    private void write(FileChannel ch, Piece p, Repository.BlobBytes b, int from, int to) throws IOException {
        for (int pos = from; pos < to; ) { // small slices: small staging buffers in the JDK
            int n = ch.write(ByteBuffer.wrap(b.array(), b.offset() + pos, Math.min(WRITE_SLICE, to - pos)), p.offset + pos);
            pos += n;
            bytesWritten.addAndGet(n); // as written: a restore that failed within a blob said "(0 B written)" of 1 MiB (a helper's)
        }
    }

    /**
     * A file of one blob is created here, where that blob is written (CREATE_NEW, never following a link): one open of
     * it, not two (its one piece is the only writer); {@link #createAll} made the others, which several pieces write.
     */
    private FileChannel openForWriting(Entry file) throws IOException {
        if (file.blobs.length != 1) {
            return FileChannel.open(file.path(), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }
        try {
            return create(file);
        } catch (IOException e) {
            throw new VaultException("cannot create " + file.path() + ": " + IoReason.of(e), e);
        }
    }

    /** Creates the file (CREATE_NEW, never following a link), with its own mode where {@link #modeAtCreation} allows. */
    private FileChannel create(Entry f) throws IOException {
        FileAttribute<?>[] mode = modeAtCreation(f) ? creationModes.computeIfAbsent(f.node.mode() & 0777,
                m -> new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions(m))}) : UNTIL_ITS_MODE;
        return FileChannel.open(f.path(), CREATE_NEW_WRITE, mode);
    }

    /**
     * Whether the file is created with its own mode and not chmodded once written: an open, a fchmod(2) and a close
     * fewer per file (the JDK's no-follow chmod opens the path), ≈10 % of restoring many small files. Only where creation
     * gives the mode exactly: in a target this restore made (no directory found there with a default ACL of its own),
     * a mode without set-ID or sticky bits (chown clears those: they are set after it) and without a bit the target's
     * umask or default ACL takes away (the probe's file created 0777 tells which), and a file written only through the
     * open that creates it (of one blob or none: a file of several is opened again for each, and so is one that ends in a
     * hole). For a user other than root, also a mode that lets its owner read and write: the file is opened again to
     * end a hole, to write its extended attributes and to set its time (the JDK's setTimes opens the path), which a
     * mode of 0200 or 0000 refuses. {@code --verify} compares every mode.
     */
    private boolean modeAtCreation(Entry f) {
        int mode = f.node.mode();
        return modesAtCreation && f.blobs.length <= 1 && (mode & 07000) == 0 && (mode & targetFs.lostAtCreation()) == 0
                && (root || (mode & 0600) == 0600);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) { // OWNER_READ (0400) … OTHERS_EXECUTE (0001)
            if ((mode & (0400 >> p.ordinal())) != 0) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Owner, extended attributes, modification time and mode of a restored path, in that order: chown clears setuid
     * and setgid, so the mode comes after it; writing xattrs changes no time; and writing xattrs and setting the time
     * open the path (the JDK's setTimes does), which a mode without the owner's read bit (0200, 0000) refuses a user
     * other than root, so the mode comes last (a chmod changes no mtime), and then the ACLs and file capability
     * ({@link #applyPermissions}: set by path, they open nothing). One the target's filesystem refuses is
     * reported ({@link UnappliedMetadata}) and the restore goes on: an NFS export that squashes root refuses every
     * chown, ramfs or vfat every extended attribute.
     */
    private void applyMetadata(Entry e) {
        Node n = e.node;
        Path path = e.path();
        setOwner(e, path);
        boolean hasMode = n.type() != NodeType.SYMLINK; // a link's mode is always 0777 on Linux, and it has no user xattrs
        if (hasMode) {
            set(e, UnappliedMetadata.Kind.EXTENDED_ATTRIBUTES, () -> ExtendedAttributes.write(path, n.xattrs()));
        }
        if (n.mtime() < 0 && n.mtime() % 1_000_000_000L != 0) {
            touchTime(e); // the JDK hands utimensat(2) a negative tv_nsec for such a time, fails, and sets the epoch instead (a helper's)
        } else {
            FileTime t = FileTime.from(n.mtime(), TimeUnit.NANOSECONDS);
            set(e, UnappliedMetadata.Kind.MTIME, () ->
                    Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, accessTime, null));
        }
        TargetFilesystem fs = filesystemOf(e);
        String timeNotKept = e.unapplied(UnappliedMetadata.Kind.MTIME) ? null : fs.timeNotKept(n.mtime());
        if (timeNotKept != null && fs.roundsTime(n.mtime())) {
            // FAT keeps 2 s: 12:00:01.5 reads 12:00:00. Reported, and still verified, at the filesystem's step: one left out
            // of --verify hid a time that was not set at all (f3's, session 38)
            unapplied.add(UnappliedMetadata.Kind.MTIME, e.rel(), timeNotKept);
        } else if (timeNotKept != null) {
            notSet(e, UnappliedMetadata.Kind.MTIME, timeNotKept);
        }
        if (!hasMode || n.type() == NodeType.FILE && modeAtCreation(e)) {
            // created with it (create): chown, before this, clears only set-ID bits, which such a mode has none of
        } else if (targetFs.modesRefused() == null) {
            int mode = modeKept(e);
            set(e, UnappliedMetadata.Kind.MODE, () -> Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS));
        } else { // exFAT takes a chmod and keeps nothing; FAT refuses it: known from the probe, not tried per path
            notSet(e, UnappliedMetadata.Kind.MODE, targetFs.modesRefused());
        }
        if (n.type() == NodeType.FILE || n.type() == NodeType.DIR) {
            applyPermissions(e, path);
        }
    }

    /**
     * POSIX ACLs after the mode (setting the access ACL writes its mask into the group bits, which the recorded mode
     * holds), an ACL the node lacks removed (inherited from a default ACL of the target: it would grant what the source
     * did not), and the file capability last: the kernel clears it on a write and on a chown, and only root may set one
     * (CAP_SETFCAP). Only the names of {@link PermissionAttributes#NAMES} are ever set.
     */
    private void applyPermissions(Entry e, Path path) {
        Map<String, String> p = e.node.permissionXattrs();
        String unavailable = PermissionAttributes.unavailable();
        if (unavailable == null) {
            Map<String, String> malformed = PermissionAttributes.malformedAcls(p);
            Map<String, String> acls = malformed.isEmpty() ? p : new java.util.TreeMap<>(p);
            malformed.forEach((name, why) -> { // said with the path; one that is there inherited is removed as for none
                notSet(e, UnappliedMetadata.Kind.ACLS, "the snapshot's " + name + " is malformed: " + why);
                acls.remove(name);
            });
            if (!nothingInherited || PermissionAttributes.hasAcls(acls)) { // else none to set, and none inherited to remove
                set(e, UnappliedMetadata.Kind.ACLS, () -> aclWrites.write(path, acls, e.node.type() == NodeType.DIR));
            }
        } else if (PermissionAttributes.hasAcls(p)) {
            notSet(e, UnappliedMetadata.Kind.ACLS, unavailable);
        }
        if (p == null || !p.containsKey(PermissionAttributes.CAPABILITY)) {
            return;
        }
        if (unavailable != null) {
            notSet(e, UnappliedMetadata.Kind.CAPABILITY, unavailable);
        } else if (!root) {
            notSet(e, UnappliedMetadata.Kind.CAPABILITY, "only root may set a file capability (CAP_SETFCAP)");
        } else {
            set(e, UnappliedMetadata.Kind.CAPABILITY, () -> PermissionAttributes.writeCapability(path, p));
        }
    }

    /**
     * lchown(2): only root may give files away; others restore as themselves, like restic, in the path's group where it
     * is one of theirs (the kernel refuses them another, as restic meets and ignores): such a restore gave a file of a
     * group its user is in the user's own (a helper's).
     */
    private void setOwner(Entry e, Path path) {
        if (root) {
            set(e, UnappliedMetadata.Kind.OWNER, () -> chowns.chown(path, e.node.uid(), e.node.gid()));
        } else if (groups.contains(e.node.gid())) {
            set(e, UnappliedMetadata.Kind.OWNER, () -> chowns.chown(path, -1, e.node.gid()));
        }
    }

    /**
     * The mode a path is given once its owner is set: its recorded one, less a set-user-ID bit where the path is not its
     * recorded owner's and a set-group-ID bit where it is not in its recorded group (each reported): a restore by a user
     * other than root (or by root where chown was refused) made a setuid-root program of the snapshot a setuid one of
     * the restoring user's, which anyone could run as that user (a helper's). chown(2) and GNU tar clear them so. A
     * directory keeps its bits, as chown keeps them: its set-group-ID bit only gives what is made in it the directory's
     * group, one its owner could give it anyway.
     */
    private int modeKept(Entry e) {
        int cleared = setIdBitsCleared(e);
        if (cleared != 0) {
            notSet(e, UnappliedMetadata.Kind.SET_ID, "the path is not its recorded owner's or not in its recorded group (only root gives"
                    + " files away): a program would run as the restoring user; cleared, as chown(2) and GNU tar do");
        }
        return e.node.mode() & ~cleared;
    }

    /** The set-ID bits of the recorded mode that {@link #modeKept} leaves out of the path's mode. */
    private int setIdBitsCleared(Entry e) {
        Node n = e.node;
        if ((n.mode() & (S_ISUID | S_ISGID)) == 0 || n.type() == NodeType.DIR) {
            return 0;
        }
        boolean chowned = !e.unapplied(UnappliedMetadata.Kind.OWNER); // root's lchown, or the group another user may give
        boolean ownerKept = root ? chowned : n.uid() == uid;
        boolean groupKept = chowned && (root || groups.contains(n.gid()));
        return n.mode() & ((ownerKept ? 0 : S_ISUID) | (groupKept ? 0 : S_ISGID));
    }

    private static final int S_ISUID = 04000;
    private static final int S_ISGID = 02000;

    /** Records that {@code kind} was not done for the entry, for {@code reason}: in its bits for verify, and in the report. */
    private void notSet(Entry e, UnappliedMetadata.Kind kind, String reason) {
        e.unapplied |= 1 << kind.ordinal();
        unapplied.add(kind, e.rel(), reason);
    }

    @FunctionalInterface
    private interface MetadataAction {
        void run() throws IOException;
    }

    private void set(Entry e, UnappliedMetadata.Kind kind, MetadataAction action) {
        try {
            action.run();
        } catch (IOException | UnsupportedOperationException x) {
            e.unapplied |= 1 << kind.ordinal();
            unapplied.add(kind, e.rel(), x);
        } catch (IllegalArgumentException notBase64) { // a user attribute's or capability's value in a damaged or hostile tree:
            // it failed the whole restore ("restore failed: Illegal base64 character 25"), every other file unwritten
            notSet(e, kind, "malformed in the snapshot: " + notBase64.getMessage());
        }
    }

    /** {@code inode} is the entry whose metadata was set: the file's own, or for a hard link the name written first. */
    private void verifyFile(Entry f, Entry inode, Lender buffers, List<String> failures) {
        Node n = f.node;
        WorkerBuffers own = buffers.borrow();
        byte[] buf = own.raw(WRITE_SLICE); // each blob hashed in slices: no per-blob array
        Path path = f.path();
        Integer unreadable = null; // the mode of a file its owner may not read, given read until it is verified
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,size,lastModifiedTime,uid,gid", LinkOption.NOFOLLOW_LINKS);
            if (!ofItsType(f, a, failures)) {
                return;
            }
            if (((Number) a.get("size")).longValue() != n.size()) {
                failures.add(f.rel() + ": size " + a.get("size") + ", expected " + n.size());
                return;
            }
            int mode = (Integer) a.get("mode") & 07777;
            if (!root && (mode & 0400) == 0) {
                // chmod(2) by path: the JDK's no-follow chmod opens the file, which its mode refuses; the path is this
                // restore's own, under directories no one else can change (PrivateDirectories), and its mode is put back
                Files.setAttribute(path, "unix:mode", mode | 0400);
                unreadable = mode;
            }
            checkMetadata(f, path, inode, a, failures);
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                for (int k = 0; k < f.blobs.length; k++) {
                    ObjectId blob = n.content().get(k);
                    javax.crypto.Mac mac = repo.keys().contentIdMac();
                    for (int left = f.blobs[k].rawLength(); left > 0; ) {
                        int got = in.read(ByteBuffer.wrap(buf, 0, Math.min(buf.length, left)));
                        if (got < 0) {
                            failures.add(f.rel() + ": content differs from the snapshot");
                            return;
                        }
                        mac.update(buf, 0, got);
                        left -= got;
                    }
                    if (!ObjectId.of(mac.doFinal()).equals(blob)) {
                        failures.add(f.rel() + ": content differs from the snapshot");
                        return;
                    }
                }
            }
        } catch (IOException e) {
            failures.add(f.rel() + ": " + IoReason.of(e));
        } finally {
            buffers.giveBack(own);
            if (unreadable != null) {
                try {
                    Files.setAttribute(path, "unix:mode", unreadable);
                } catch (IOException e) {
                    failures.add(f.rel() + ": mode " + Integer.toOctalString(unreadable) + " not set again after it was read: " + IoReason.of(e));
                }
            }
        }
    }

    /**
     * Owner, mode, mtime and (of a file or directory, from one listing: {@link XattrListing}) extended attributes, each
     * unless the restore already reported it as not set.
     */
    private void checkMetadata(Entry f, Path path, Entry inode, Map<String, Object> a, List<String> failures) {
        checkOwner(f, inode, a, failures);
        int mode = ((Integer) a.get("mode")) & 07777;
        int expected = f.node.mode() & ~setIdBitsCleared(inode); // bits cleared are reported (modeKept)
        if (mode != expected && !inode.unapplied(UnappliedMetadata.Kind.MODE)) {
            failures.add(f.rel() + ": mode " + Integer.toOctalString(mode) + ", expected " + Integer.toOctalString(expected));
        }
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
        if (!filesystemOf(f).sameTime(mtime, f.node.mtime()) && !inode.unapplied(UnappliedMetadata.Kind.MTIME)) {
            failures.add(f.rel() + ": mtime differs from the snapshot");
        }
        boolean user = !inode.unapplied(UnappliedMetadata.Kind.EXTENDED_ATTRIBUTES);
        boolean permissions = PermissionAttributes.unavailable() == null;
        if (f.node.type().special() || !(user || permissions)) {
            return;
        }
        XattrListing listed = listings.apply(path); // one listing for both
        if (user && !ExtendedAttributes.readEach(listed).attributes().equals(f.node.xattrs() == null ? Map.of() : f.node.xattrs())) {
            failures.add(f.rel() + ": extended attributes differ from the snapshot");
        }
        if (permissions
                && !permissionsSet(inode, PermissionAttributes.read(listed).attributes()).equals(permissionsSet(inode, f.node.permissionXattrs()))) {
            failures.add(f.rel() + ": POSIX ACLs or file capability differ from the snapshot");
        }
    }

    /**
     * The owner and group {@link #setOwner} gave the path, unless it reported them as not set: a filesystem whose chown(2)
     * succeeds and does nothing (ntfs-3g without {@code permissions}, as it mounts by default) left every file root's and
     * the restore said "verified" (a helper's). Root gives both; another user the group where it is one of theirs.
     */
    private void checkOwner(Entry f, Entry inode, Map<String, Object> a, List<String> failures) {
        if (inode.unapplied(UnappliedMetadata.Kind.OWNER)) {
            return;
        }
        Node n = f.node;
        int foundUid = ((Number) a.get("uid")).intValue();
        int foundGid = ((Number) a.get("gid")).intValue();
        if (root ? foundUid != n.uid() || foundGid != n.gid() : groups.contains(n.gid()) && foundGid != n.gid()) {
            failures.add(f.rel() + ": owner " + foundUid + ":" + foundGid + ", expected " + (root ? n.uid() : foundUid) + ":" + n.gid());
        }
    }

    /** Of a node's or a path's ACLs and capability, those the restore set: the kinds it reported as not set left out. */
    private static Map<String, String> permissionsSet(Entry inode, Map<String, String> attributes) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String name : PermissionAttributes.NAMES) {
            boolean reported = inode.unapplied(name.equals(PermissionAttributes.CAPABILITY) ? UnappliedMetadata.Kind.CAPABILITY
                    : UnappliedMetadata.Kind.ACLS);
            if (attributes != null && attributes.containsKey(name) && !reported) {
                out.put(name, attributes.get(name));
            }
        }
        return out;
    }

    /**
     * Whether what lstat found at {@code f}'s path is of its node's type; if not, says what it is. A directory another user
     * swapped for a symlink to her own was "verified" by its mode (a link reads 777) and the files read through it, and a
     * file swapped for a link was said to differ in size (a helper's).
     */
    private static boolean ofItsType(Entry f, Map<String, Object> a, List<String> failures) {
        return ofType(f.node.type(), f.rel(), a, failures);
    }

    /** Whether the lstat attributes {@code a} of the path restored as {@code rel} are of type {@code expected}; if not, says what they are. */
    static boolean ofType(NodeType expected, String rel, Map<String, Object> a, List<String> failures) {
        NodeType found = NodeType.ofMode((Integer) a.get("mode"));
        if (found == expected) {
            return true;
        }
        failures.add(rel + ": " + (found == null ? "not a " + expected.json() : "a " + found.json() + ", expected a " + expected.json()));
        return false;
    }

    private void verifySymlink(Entry s, List<String> failures) {
        try {
            String target = FileNames.exactOf(Files.readSymbolicLink(s.path()));
            if (!target.equals(s.node.linkTarget())) {
                failures.add(s.rel() + ": symlink points to " + target + ", expected " + s.node.linkTarget());
            }
            Map<String, Object> a = Files.readAttributes(s.path(), "unix:lastModifiedTime,uid,gid", LinkOption.NOFOLLOW_LINKS);
            checkOwner(s, s, a, failures); // lchown(2) gave it its own
            long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
            if (!filesystemOf(s).sameTime(mtime, s.node.mtime()) && !s.unapplied(UnappliedMetadata.Kind.MTIME)) { // its time was never compared (a helper's)
                failures.add(s.rel() + ": mtime differs from the snapshot");
            }
        } catch (IOException e) {
            failures.add(s.rel() + ": not a symlink (" + e.getMessage() + ")");
        }
    }

    /** Type, device number, mode and mtime of a FIFO or device node, read by lstat(2): never opened. */
    private void verifySpecial(Entry n, List<String> failures) {
        Path path = n.path();
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev,lastModifiedTime,uid,gid", LinkOption.NOFOLLOW_LINKS);
            if (!ofItsType(n, a, failures)) {
                return;
            }
            if (n.node.type() != NodeType.FIFO && ((Number) a.get("rdev")).longValue() != n.node.rdev()) {
                failures.add(n.rel() + ": device number differs from the snapshot");
            }
            checkMetadata(n, path, n, a, failures);
        } catch (IOException e) {
            failures.add(n.rel() + ": " + IoReason.of(e));
        }
    }

    private void verifyDir(Entry d, List<String> failures) {
        try {
            Map<String, Object> a = Files.readAttributes(d.dirPath, "unix:mode,size,lastModifiedTime,uid,gid", LinkOption.NOFOLLOW_LINKS);
            if (ofItsType(d, a, failures)) {
                checkMetadata(d, d.dirPath, d, a, failures);
            }
        } catch (IOException e) {
            failures.add(d.rel() + ": " + IoReason.of(e));
        }
    }

    private static void await(List<CompletableFuture<Void>> futures) {
        try {
            Cancelled.join(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)), "the restore");
        } catch (CompletionException e) {
            Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (c instanceof VaultException v) {
                throw v;
            }
            if (c instanceof Error error) { // out of memory on a worker: as on the main thread ("restore failed: java.lang.OutOfMemoryError")
                throw error;
            }
            throw new VaultException("restore failed: " + (c instanceof Exception x ? IoReason.of(x) : String.valueOf(c)), c);
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
