package org.opsledger.vault.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.DelegatingBackend;
import org.opsledger.vault.backend.Largest;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.repository.RepositoryConfig;

/**
 * A store whose index files, snapshot records and tree packs are kept on this host's disk once read or written, under
 * {@code ROOT/<repository id>/} by their names in the repository, and read from there by later commands (restic's
 * {@code ~/.cache/restic}): `snapshots`, `ls`, `restore`, an incremental backup on an S3 store GET them all again
 * otherwise (docs/performance.md). What keeps it right:
 * <ul>
 * <li>a kept file is read only if its bytes hash to its name, on every read (each of these files is named by the
 *     SHA-256 of its stored bytes, docs/vault-format.md §2); one that does not is deleted and read from the store;</li>
 * <li>an index file or snapshot record is read from here only once the store has listed it in this command (the listing
 *     is the truth), and a listing deletes the copies of files it no longer names; a tree pack is read only where the
 *     index, read from listed files, names it, and its copy goes once an index read whole no longer names it;</li>
 * <li>the root is used only where no other user can change it ({@link OwnDirectory#root}), its directories are reached
 *     through handles opened once, no link followed, and only the names the cache gives are ever deleted;</li>
 * <li>whatever fails here (a directory of another user's, not writable, a full disk) leaves the command to the store: at
 *     worst it reads what it would have read without a cache. Two commands at once each write a file whole (renamed into
 *     place); two repositories of one ID (a copied one) share the directory, which holds the same bytes under the same
 *     names, and each one's listings delete what the other's added.</li>
 * </ul>
 * Files are 0600 in directories of 0700 (ciphertext only, but their names tell how many snapshots and index files there
 * are). A repository's copies stay under {@link #MOST_BYTES}, the least recently used going first, and a repository's
 * directory not used for {@link #UNUSED_FOR} is deleted by the next command that opens the cache.
 */
public final class MetadataCache extends DelegatingBackend {

    /** The most bytes kept of one repository: its index at ≈50 bytes a blob (20 TiB at 1 MiB chunks) and its trees. */
    public static final long MOST_BYTES = 2L << 30;
    /** A repository's directory not used for this long is deleted (restic's 30 days). */
    public static final Duration UNUSED_FOR = Duration.ofDays(30);
    /** The files kept, named by the SHA-256 of their stored bytes (docs/vault-format.md §2); a pack through {@link #readTreePack} only. */
    private static final Pattern KEPT = Pattern.compile("(index|snapshots)/[0-9a-f]{64}|data/([0-9a-f]{2})/\\2[0-9a-f]{62}");
    private static final Pattern REPOSITORY_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern TWO_HEX = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");
    /** The directories the cache makes in a repository's: only these, and files of {@link #HEX_64} names, are ever deleted. */
    private static final Pattern OWN_DIRECTORY = Pattern.compile("index|snapshots|data|[0-9a-f]{2}");
    private static final String PARTIAL = ".tmp-";
    private static final String TAG = "CACHEDIR.TAG";
    private static final String TAG_TEXT = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by opsledger vault.\n";

    private final Path root;
    private final long most;
    /** What the operator is told, one line each: a root refused. */
    private final Consumer<String> notices;
    /** The root, opened once the config is read and it is safely this user's; null before, or when it is not. */
    private volatile OwnDirectory rootDir;
    /** {@code ROOT/<id>}, opened once the config is read and the directory is this user's; null: every read goes to the store. */
    private volatile OwnDirectory dir;
    /** The path of {@link #dir}, for {@link #directory()} alone. */
    private volatile Path directory;
    /** False once a write here failed (not writable, disk full): copies are still read, none written. */
    private volatile boolean writing = true;
    /** Bytes kept in {@link #dir}, about (a file written over twice is counted twice until the next eviction counts again). */
    private final AtomicLong held = new AtomicLong();
    /** What the store listed in this command, by directory ("index", "snapshots", "data"): the files a copy may stand for. */
    private final Map<String, Set<String>> listed = new ConcurrentHashMap<>();

    /** {@code store} keeping its metadata under {@code root} (its directory of repositories), at most {@code most} bytes of each. */
    public MetadataCache(Backend store, Path root, long most) {
        this(store, root, most, notice -> { });
    }

    /** As {@link #MetadataCache(Backend, Path, long)}, telling {@code notices} why the cache is not used (a root refused). */
    public MetadataCache(Backend store, Path root, long most, Consumer<String> notices) {
        super(store);
        this.root = root;
        this.most = most;
        this.notices = notices;
    }

    /**
     * {@code store} with a cache under {@code root}, or {@code store} itself when {@code root} is null or the store is a
     * local directory: there a read is one of a local file either way, and the copy, hashed on every read, only adds to it
     * (docs/performance.md, thirty-seventh session).
     */
    public static Backend around(Backend store, Path root, Consumer<String> notices) {
        return root == null || store.localDirectory().isPresent() ? store : new MetadataCache(store, root, MOST_BYTES, notices);
    }

    /**
     * Where the caches of repositories go, from the environment: {@code OPSLEDGER_VAULT_CACHE} (an absolute path, or
     * {@code off} in any case for none), else {@code $XDG_CACHE_HOME/opsledger-vault}, else
     * {@code $HOME/.cache/opsledger-vault}; null for none. Any other value of {@code OPSLEDGER_VAULT_CACHE} is none, told
     * to {@code notices}: `OFF`, `false` or a relative path made a cache in the working directory, which a backup of "."
     * then took in.
     */
    public static Path rootOf(Map<String, String> env, Consumer<String> notices) {
        String set = env.get("OPSLEDGER_VAULT_CACHE");
        if (set != null && !set.isBlank()) {
            if (set.strip().equalsIgnoreCase("off")) {
                return null;
            }
            if (!set.startsWith("/")) {
                notices.accept("OPSLEDGER_VAULT_CACHE=" + set + " is neither an absolute path nor off: this host's cache is not"
                        + " used; set it to a directory's absolute path, or to off");
                return null;
            }
            return Path.of(set);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) { // XDG: a relative path is ignored
            return Path.of(xdg, "opsledger-vault");
        }
        String home = env.get("HOME");
        return home == null || !home.startsWith("/") ? null : Path.of(home, ".cache", "opsledger-vault");
    }

    /** The directory of this repository's copies, or null while there was none (config not read yet, or the cache unusable). */
    public Path directory() {
        return directory;
    }

    @Override
    public byte[] read(String name) {
        byte[] bytes = listedNow(name) ? copyOf(name) : null;
        if (bytes != null) {
            return bytes;
        }
        bytes = store.read(name);
        if (name.equals("config")) {
            open(bytes);
        } else if (!name.startsWith("data/")) {
            keep(name, bytes);
        }
        return bytes;
    }

    @Override
    public byte[] readTreePack(String name) {
        byte[] bytes = dir != null && KEPT.matcher(name).matches() ? copyOf(name) : null;
        if (bytes == null) {
            bytes = store.readTreePack(name);
            keep(name, bytes);
        }
        return bytes;
    }

    @Override
    public void write(String name, byte[] data, int off, int len) {
        store.write(name, data, off, len);
        if (name.equals("config")) { // init
            open(Arrays.copyOfRange(data, off, off + len));
        } else if (KEPT.matcher(name).matches() && !name.startsWith("data/")) {
            keep(name, Arrays.copyOfRange(data, off, off + len));
            Set<String> there = listed.get(dirOf(name));
            if (there != null) {
                there.add(name); // the store has it as a listing would show
            }
        }
    }

    @Override
    public List<String> list(String d) {
        List<String> names = store.list(d);
        listedIn(d, names);
        return names;
    }

    @Override
    public java.util.SortedMap<String, Long> listSizes(String d) {
        java.util.SortedMap<String, Long> sizes = store.listSizes(d);
        listedIn(d, sizes.keySet());
        return sizes;
    }

    @Override
    public void delete(String name) {
        store.delete(name);
        forget(name);
    }

    @Override
    public Deletions deletions() {
        Deletions batch = store.deletions();
        return new Deletions() {
            @Override
            public void delete(String name) {
                batch.delete(name);
                forget(name);
            }

            @Override
            public void close() {
                batch.close();
            }
        };
    }

    @Override
    public void discard(String name) {
        store.discard(name);
        forget(name);
    }

    @Override
    public void shred(String name) {
        store.shred(name);
        forget(name);
    }

    @Override
    public void move(String from, String to) {
        store.move(from, to);
        forget(from);
        forget(to);
    }

    private static String dirOf(String name) {
        return name.substring(0, name.indexOf('/'));
    }

    /** Whether {@code name} is an index file or snapshot record the store listed in this command, with the cache open. */
    private boolean listedNow(String name) {
        if (dir == null || !KEPT.matcher(name).matches() || name.startsWith("data/")) {
            return false;
        }
        Set<String> there = listed.get(dirOf(name));
        return there != null && there.contains(name);
    }

    /** The kept copy of {@code name} if it hashes to its name; one that does not, or is no file, is deleted. Null: none. */
    private byte[] copyOf(String name) {
        try {
            return at(dir, name, false, (in, file) -> {
                BasicFileAttributes a = in.attributesOf(file);
                byte[] bytes = a.isRegularFile() ? in.read(file, Largest.of(name)) : null;
                if (bytes == null || !hashesToItsName(name, bytes)) { // damaged or altered here, no file: the store's is read
                    dropIn(in, file);
                    return null;
                }
                in.touch(file, FileTime.from(Instant.now())); // recently used: evicted last
                return bytes;
            });
        } catch (IOException | RuntimeException unreadable) { // none, not this user's to read, an I/O error: the store's
            return null;
        }
    }

    /** What is done in the directory that holds the kept file {@code file} of that name. */
    private interface InDirectory<T> {
        T apply(OwnDirectory in, String file) throws IOException;
    }

    /**
     * {@code action} on the directory of kept file {@code name} ({@code index/}, {@code data/<xx>/}…), reached from the
     * repository's directory {@code d} through handles, each made first when {@code make}; null when one is not there.
     */
    private static <T> T at(OwnDirectory d, String name, boolean make, InDirectory<T> action) throws IOException {
        if (d == null) {
            return null;
        }
        String[] parts = name.split("/");
        List<OwnDirectory> opened = new ArrayList<>();
        try {
            OwnDirectory in = d;
            for (int i = 0; i < parts.length - 1; i++) {
                in = in.sub(parts[i], make);
                if (in == null) {
                    return null;
                }
                opened.add(in);
            }
            return action.apply(in, parts[parts.length - 1]);
        } finally {
            opened.forEach(OwnDirectory::close);
        }
    }

    private static boolean hashesToItsName(String name, byte[] bytes) {
        return Sealing.sha256(bytes).hex().equals(name.substring(name.lastIndexOf('/') + 1));
    }

    /** Keeps {@code bytes} as the copy of {@code name}, when it is a file kept and they hash to its name; nothing when this fails. */
    private void keep(String name, byte[] bytes) {
        OwnDirectory d = dir;
        if (d == null || !writing || !KEPT.matcher(name).matches() || bytes.length > most / 4 || !hashesToItsName(name, bytes)) {
            return;
        }
        try {
            makeRoom(d, bytes.length);
            at(d, name, true, (in, file) -> { // whole or not at all
                d.writeWhole(PARTIAL + UUID.randomUUID(), bytes, in, file);
                return null;
            });
            held.addAndGet(bytes.length);
        } catch (IOException | RuntimeException e) { // not writable, disk full: read from the store from now on, as without a cache
            writing = false;
        }
    }

    /** Deletes the copy of {@code name}, if one is kept: the store's file is gone. */
    private void forget(String name) {
        if (!KEPT.matcher(name).matches()) {
            return;
        }
        Set<String> there = listed.get(dirOf(name));
        if (there != null) {
            there.remove(name);
        }
        drop(name);
    }

    /** What the store listed under {@code d}: the only index files and snapshot records read from here, and no copy of another stays. */
    private void listedIn(String d, Collection<String> names) {
        if (!d.equals("index") && !d.equals("snapshots") && !d.equals("data")) {
            return;
        }
        Set<String> there = ConcurrentHashMap.newKeySet();
        there.addAll(names);
        listed.put(d, there);
        dropAllBut(d, there::contains);
    }

    /**
     * The index was read whole: the copies of tree packs it no longer names go, without a request to the store. A pack
     * another host's prune deleted (after a `rewrite --exclude`, a forget) held trees, file names among them, readable
     * with the repository's keys: they stayed here until this host listed data/ itself or evicted them.
     */
    @Override
    public void indexRead(Predicate<String> indexed) {
        store.indexRead(indexed);
        // IS.012 policy 1.11: personal data erased "so that personal information cannot practicably be read"
        dropAllBut("data", indexed);
    }

    /** The file of {@code ROOT/<id>} that holds the ID of the key slot that opened the repository last here. */
    private static final String KEY_SLOT = "key-slot";
    private static final Pattern SLOT_ID = Pattern.compile("[0-9a-f]{32}");

    /**
     * The key slot that opened this repository last on this host, if this user's cache of it says so: slots planted in
     * the store (no password needed) are then not tried before it (docs/vault-format.md §3). What the store's writer can
     * do to it: change the config's ID (nothing remembered is found, every slot is tried as without a cache) or the
     * slot's file (it fails, and every slot is tried); never choose what is tried first, which only this user may write.
     */
    @Override
    public String keySlotOpenedLast() {
        OwnDirectory d = dir;
        try {
            String id = d == null ? null : new String(d.read(KEY_SLOT, 64), StandardCharsets.US_ASCII).strip();
            return id != null && SLOT_ID.matcher(id).matches() ? id : null;
        } catch (IOException | RuntimeException none) {
            return null;
        }
    }

    @Override
    public void keySlotOpened(String id) {
        OwnDirectory d = dir;
        if (d == null || !writing || !SLOT_ID.matcher(id).matches() || id.equals(keySlotOpenedLast())) {
            return;
        }
        try {
            d.writeWhole(PARTIAL + UUID.randomUUID(), (id + "\n").getBytes(StandardCharsets.US_ASCII), d, KEY_SLOT);
        } catch (IOException | RuntimeException e) {
            // not remembered: every slot is tried next time, as without a cache
        }
    }

    /** Deletes the copies kept under {@code d} ("index", "snapshots", "data") whose names {@code keep} refuses. */
    private void dropAllBut(String d, Predicate<String> keep) {
        for (String name : kept(dir, d)) {
            if (!keep.test(name)) {
                drop(name);
            }
        }
    }

    /** Deletes the copy of {@code name} here, quietly: at worst it is read from the store next time. */
    private void drop(String name) {
        try {
            at(dir, name, false, (in, file) -> {
                dropIn(in, file);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // gone already, or not ours to delete
        }
    }

    private void dropIn(OwnDirectory in, String file) {
        try {
            long size = in.attributesOf(file).size();
            if (in.delete(file)) {
                held.addAndGet(-size);
            }
        } catch (IOException | RuntimeException e) {
            // gone already
        }
    }

    /**
     * The names of the copies kept under {@code top} ("index", "snapshots", "data") of {@code d}: only names the cache
     * gives ({@link #KEPT}), whatever else lies there (partial files, anything another program put) is never touched.
     */
    private static List<String> kept(OwnDirectory d, String top) {
        List<String> names = new ArrayList<>();
        try (OwnDirectory in = d == null ? null : d.sub(top, false)) {
            if (in == null) {
                return names;
            }
            for (String n : in.names()) {
                if (top.equals("data") && TWO_HEX.matcher(n).matches()) {
                    try (OwnDirectory two = in.sub(n, false)) {
                        for (String f : two == null ? List.<String>of() : two.names()) {
                            names.add("data/" + n + "/" + f);
                        }
                    } catch (IOException notOurs) {
                        // not the cache's: left alone
                    }
                } else {
                    names.add(top + "/" + n);
                }
            }
        } catch (IOException notOurs) {
            // not the cache's: left alone
        }
        names.removeIf(n -> !KEPT.matcher(n).matches());
        return names;
    }

    private static List<String> kept(OwnDirectory d) {
        List<String> all = new ArrayList<>();
        for (String top : List.of("index", "snapshots", "data")) {
            all.addAll(kept(d, top));
        }
        return all;
    }

    /** Deletes the least recently used copies until {@code more} bytes fit within a quarter below {@link #most}. */
    private synchronized void makeRoom(OwnDirectory d, long more) {
        if (held.get() + more <= most) {
            return;
        }
        record Used(String name, long size, long time) {
        }
        List<Used> kept = new ArrayList<>();
        for (String name : kept(d)) {
            try {
                BasicFileAttributes a = at(d, name, false, (in, file) -> in.attributesOf(file));
                if (a != null) {
                    kept.add(new Used(name, a.size(), a.lastModifiedTime().toMillis()));
                }
            } catch (IOException | RuntimeException gone) {
                // another command's eviction took it
            }
        }
        kept.sort(Comparator.comparingLong(Used::time));
        held.set(kept.stream().mapToLong(Used::size).sum());
        for (Used u : kept) {
            if (held.get() + more <= most - most / 4) {
                break;
            }
            drop(u.name());
        }
    }

    /**
     * Opens {@code ROOT/<id>} for the repository whose config is {@code config}, made 0700 if new, through handles
     * ({@link OwnDirectory}); none (the store is read) when the root is not safely this user's (said once, on a line) or
     * the directory is not a 0700 directory of this user's. Marks it used now and deletes the directories of repositories
     * not used for {@link #UNUSED_FOR}.
     */
    private void open(byte[] config) {
        if (dir != null) {
            return;
        }
        OwnDirectory r = null;
        try {
            String id = VaultJson.read("config", config, RepositoryConfig.class).id();
            if (id == null || !REPOSITORY_ID.matcher(id).matches()) { // a name of this host's file system: 32 hex digits only
                return;
            }
            try {
                r = OwnDirectory.root(root);
            } catch (OwnDirectory.Refused refused) {
                notices.accept("this host's cache " + root + " is not used: " + refused.getMessage()
                        + "; the store is read instead (make it a directory of this user's that only this user may write, or set"
                        + " OPSLEDGER_VAULT_CACHE to one)");
                return;
            }
            mark(r);
            OwnDirectory d = r.sub(id, true);
            if (d == null) {
                closeUnkept(r);
                return;
            }
            Instant now = Instant.now();
            r.touch(id, FileTime.from(now));
            held.set(kept(d).stream().mapToLong(n -> sizeOf(d, n)).sum());
            rootDir = r;
            directory = root.resolve(id);
            dir = d;
            deleteUnused(r, id, now);
        } catch (IOException e) { // a root that cannot be made or written (a read-only home, a file in its place): said, as the
            // refusals above are; it was silent, and every command read the whole store with no word why
            String where = e instanceof FileSystemException f && f.getFile() != null && !f.getFile().equals(root.toString())
                    ? f.getFile() + ": " : "";
            notices.accept("this host's cache " + root + " is not used: " + where + IoReason.of(e) + "; the store is read instead"
                    + " (make it a directory this user may write, or set OPSLEDGER_VAULT_CACHE to one, or to off)");
            closeUnkept(r);
        } catch (RuntimeException e) { // a config that does not parse: no cache (the command reads the store as without
            // one; opening the repository says what is wrong with the config)
            closeUnkept(r);
        }
    }

    private void closeUnkept(OwnDirectory r) {
        if (r != null && rootDir != r) {
            r.close();
        }
    }

    /**
     * Writes {@code CACHEDIR.TAG} in the root unless it is there with the tag's signature: backup programs that honour it
     * leave the cache out (restic writes one too). Written whole under a temporary name: one a full disk cut short was an
     * empty file never written again, and `backup --exclude-caches` took the cache in.
     */
    private static void mark(OwnDirectory r) {
        byte[] there;
        try {
            there = r.read(TAG, 4096);
        } catch (IOException | RuntimeException none) {
            there = null;
        }
        byte[] signature = TAG_TEXT.substring(0, TAG_TEXT.indexOf('\n')).getBytes(StandardCharsets.US_ASCII);
        if (there != null && there.length >= signature.length && Arrays.equals(there, 0, signature.length, signature, 0, signature.length)) {
            return;
        }
        try {
            r.writeWhole(PARTIAL + UUID.randomUUID(), TAG_TEXT.getBytes(StandardCharsets.US_ASCII), r, TAG);
        } catch (IOException | RuntimeException e) {
            // the next command writes it
        }
    }

    /**
     * Deletes the directories of other repositories not used for {@link #UNUSED_FOR} (0700 directories of this user's
     * only, and in them only the names the cache gives), and partial files a killed command left.
     */
    private void deleteUnused(OwnDirectory r, String id, Instant now) {
        FileTime before = FileTime.from(now.minus(UNUSED_FOR));
        for (String name : r.names()) {
            if (name.equals(id) || !REPOSITORY_ID.matcher(name).matches()) {
                continue;
            }
            try (OwnDirectory old = r.sub(name, false)) {
                if (old != null && old.modified().compareTo(before) < 0) {
                    deleteOwn(old);
                    r.deleteDirectory(name); // not empty: something not the cache's is left there, and it stays
                }
            } catch (IOException | RuntimeException e) {
                // another user's, not 0700 (not made by the cache), or being deleted by another command
            }
        }
        deletePartials(r, now);
        deletePartials(dir, now);
    }

    /** Deletes what the cache put in {@code d}: its directories and files by the names it gives them, nothing else. */
    private static void deleteOwn(OwnDirectory d) {
        for (String name : d.names()) {
            try {
                BasicFileAttributes a = d.attributesOf(name);
                if (a.isDirectory() && OWN_DIRECTORY.matcher(name).matches()) {
                    try (OwnDirectory in = d.sub(name, false)) {
                        if (in != null) {
                            deleteOwn(in);
                        }
                    }
                    d.deleteDirectory(name);
                } else if (a.isRegularFile() && (HEX_64.matcher(name).matches() || name.startsWith(PARTIAL) || name.equals(KEY_SLOT))) {
                    d.delete(name);
                }
            } catch (IOException | RuntimeException notOurs) {
                // not a 0700 directory of this user's, gone meanwhile: left
            }
        }
    }

    /** Deletes the partial files in {@code d} older than a day: a killed command's. */
    private static void deletePartials(OwnDirectory d, Instant now) {
        FileTime partialBefore = FileTime.from(now.minus(Duration.ofDays(1)));
        for (String name : d.names()) {
            try {
                if (name.startsWith(PARTIAL) && d.attributesOf(name).lastModifiedTime().compareTo(partialBefore) < 0) {
                    d.delete(name);
                }
            } catch (IOException | RuntimeException e) {
                // left for the next command
            }
        }
    }

    private static long sizeOf(OwnDirectory d, String name) {
        try {
            BasicFileAttributes a = at(d, name, false, (in, file) -> in.attributesOf(file));
            return a == null ? 0 : a.size();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Deletes this repository's directory here (what the cache put in it) and keeps nothing more: the repository was
     * disposed of, and its copies, ciphertext under keys now destroyed, are no one's to keep. Nothing of the store's.
     */
    public void deleteCopies() {
        writing = false;
        OwnDirectory d = dir;
        OwnDirectory r = rootDir;
        if (d == null || r == null) {
            return;
        }
        deleteOwn(d);
        r.deleteDirectory(directory.getFileName().toString());
        held.set(0);
    }

    /** Lets go of the cache's directories, then the store. */
    @Override
    public void close() {
        OwnDirectory d = dir;
        OwnDirectory r = rootDir;
        dir = null;
        if (d != null) {
            d.close();
        }
        if (r != null) {
            r.close();
        }
        store.close();
    }
}
