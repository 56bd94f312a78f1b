package org.opsledger.vault.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.opsledger.vault.OsUser;
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
 *     index, read from listed files, names it;</li>
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
    private static final String PARTIAL = ".tmp-";
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path root;
    private final long most;
    /** {@code ROOT/<id>} once the config is read and the directory is this user's; null: every read goes to the store. */
    private volatile Path dir;
    /** False once a write here failed (not writable, disk full): copies are still read, none written. */
    private volatile boolean writing = true;
    /** Bytes kept in {@link #dir}, about (a file written over twice is counted twice until the next eviction counts again). */
    private final AtomicLong held = new AtomicLong();
    /** What the store listed in this command, by directory ("index", "snapshots", "data"): the files a copy may stand for. */
    private final Map<String, Set<String>> listed = new ConcurrentHashMap<>();

    /** {@code store} keeping its metadata under {@code root} (its directory of repositories), at most {@code most} bytes of each. */
    public MetadataCache(Backend store, Path root, long most) {
        super(store);
        this.root = root;
        this.most = most;
    }

    /**
     * {@code store} with a cache under {@code root}, or {@code store} itself when {@code root} is null or the store is a
     * local directory: there a read is one of a local file either way, and the copy, hashed on every read, only adds to it
     * (docs/performance.md, thirty-seventh session).
     */
    public static Backend around(Backend store, Path root) {
        return root == null || store.localDirectory().isPresent() ? store : new MetadataCache(store, root, MOST_BYTES);
    }

    /**
     * Where the caches of repositories go, from the environment: {@code OPSLEDGER_VAULT_CACHE} (a directory, or {@code off}
     * for none), else {@code $XDG_CACHE_HOME/opsledger-vault}, else {@code $HOME/.cache/opsledger-vault}; null for none.
     */
    public static Path rootOf(Map<String, String> env) {
        String set = env.get("OPSLEDGER_VAULT_CACHE");
        if (set != null && !set.isBlank()) {
            return set.strip().equals("off") ? null : Path.of(set);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) { // XDG: a relative path is ignored
            return Path.of(xdg, "opsledger-vault");
        }
        String home = env.get("HOME");
        return home == null || !home.startsWith("/") ? null : Path.of(home, ".cache", "opsledger-vault");
    }

    /** The directory of this repository's copies, or null while there is none (config not read yet, or the cache unusable). */
    public Path directory() {
        return dir;
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
            open(java.util.Arrays.copyOfRange(data, off, off + len));
        } else if (KEPT.matcher(name).matches() && !name.startsWith("data/")) {
            keep(name, java.util.Arrays.copyOfRange(data, off, off + len));
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
        Path d = dir;
        Path file = d.resolve(name);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > Largest.of(name)) {
                drop(file);
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            if (!hashesToItsName(name, bytes)) { // damaged or altered here: the store's is read
                drop(file);
                return null;
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.now())); // recently used: evicted last
            return bytes;
        } catch (NoSuchFileException none) {
            return null;
        } catch (IOException | RuntimeException unreadable) { // not this user's to read, an I/O error: the store's
            return null;
        }
    }

    private static boolean hashesToItsName(String name, byte[] bytes) {
        return Sealing.sha256(bytes).hex().equals(name.substring(name.lastIndexOf('/') + 1));
    }

    /** Keeps {@code bytes} as the copy of {@code name}, when it is a file kept and they hash to its name; nothing when this fails. */
    private void keep(String name, byte[] bytes) {
        Path d = dir;
        if (d == null || !writing || !KEPT.matcher(name).matches() || bytes.length > most / 4 || !hashesToItsName(name, bytes)) {
            return;
        }
        Path partial = d.resolve(PARTIAL + UUID.randomUUID());
        try {
            makeRoom(d, bytes.length);
            Path file = d.resolve(name);
            Files.createDirectories(file.getParent(), PRIVATE_DIR);
            Files.write(Files.createFile(partial, PRIVATE_FILE), bytes, StandardOpenOption.WRITE);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // whole or not at all
            held.addAndGet(bytes.length);
        } catch (IOException | RuntimeException e) { // not writable, disk full: read from the store from now on, as without a cache
            writing = false;
            drop(partial);
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
        Path d = dir;
        if (d != null) {
            drop(d.resolve(name));
        }
    }

    /** What the store listed under {@code d}: the only index files and snapshot records read from here, and no copy of another stays. */
    private void listedIn(String d, Collection<String> names) {
        if (!d.equals("index") && !d.equals("snapshots") && !d.equals("data")) {
            return;
        }
        Set<String> there = ConcurrentHashMap.newKeySet();
        there.addAll(names);
        listed.put(d, there);
        Path cached = dir;
        if (cached == null) {
            return;
        }
        for (Path file : files(cached.resolve(d))) {
            if (!there.contains(cached.relativize(file).toString())) {
                drop(file);
            }
        }
    }

    /** Deletes a file here, quietly: at worst it is read from the store next time. */
    private void drop(Path file) {
        try {
            long size = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
            if (Files.deleteIfExists(file)) {
                held.addAndGet(-size);
            }
        } catch (IOException | RuntimeException e) {
            // gone already, or not ours to delete
        }
    }

    /** The files below {@code d} (none if it is not there or does not read), partial files left out. */
    private static List<Path> files(Path d) {
        try (Stream<Path> all = Files.walk(d)) {
            return all.filter(p -> !p.getFileName().toString().startsWith(PARTIAL) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Deletes the least recently used copies until {@code more} bytes fit within a quarter below {@link #most}. */
    private synchronized void makeRoom(Path d, long more) {
        if (held.get() + more <= most) {
            return;
        }
        record Used(Path file, long size, long time) {
        }
        List<Used> kept = new ArrayList<>();
        for (Path f : files(d)) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                kept.add(new Used(f, a.size(), a.lastModifiedTime().toMillis()));
            } catch (IOException gone) {
                // another command's eviction took it
            }
        }
        kept.sort(Comparator.comparingLong(Used::time));
        held.set(kept.stream().mapToLong(Used::size).sum());
        for (Used u : kept) {
            if (held.get() + more <= most - most / 4) {
                break;
            }
            drop(u.file());
        }
    }

    /**
     * Opens {@code ROOT/<id>} for the repository whose config is {@code config}: made 0700 if new; refused (null: the
     * store is read) when it is not a directory of this user's. Marks it used now and deletes the directories of
     * repositories not used for {@link #UNUSED_FOR}.
     */
    private void open(byte[] config) {
        if (dir != null) {
            return;
        }
        try {
            String id = VaultJson.read("config", config, RepositoryConfig.class).id();
            if (id == null || !REPOSITORY_ID.matcher(id).matches()) { // a name of this host's file system: 32 hex digits only
                return;
            }
            Files.createDirectories(root, PRIVATE_DIR);
            Path tag = root.resolve("CACHEDIR.TAG"); // backup programs that honour it leave the cache out (restic writes one too)
            if (!Files.exists(tag, LinkOption.NOFOLLOW_LINKS)) {
                Files.write(tag, ("Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by opsledger"
                        + " vault.\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            Path d = root.resolve(id);
            try {
                Files.createDirectory(d, PRIVATE_DIR);
            } catch (java.nio.file.FileAlreadyExistsException there) {
                // used before (or another command made it just now)
            }
            if (!isOwnPrivateDirectory(d)) {
                return;
            }
            Instant now = Instant.now();
            Files.setLastModifiedTime(d, FileTime.from(now));
            held.set(files(d).stream().mapToLong(MetadataCache::sizeOf).sum());
            dir = d;
            deleteUnused(now);
        } catch (IOException | RuntimeException e) { // a config that does not parse, a root not writable: no cache
            // (the command reads the store as without one; opening the repository says what is wrong with the config)
        }
    }

    /** A directory, not a link, of this process's user: made 0700 if it was not (its files tell how many snapshots there are). */
    private static boolean isOwnPrivateDirectory(Path d) throws IOException {
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                || ((Number) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() != OsUser.uid()) {
            return false;
        }
        Set<PosixFilePermission> own = PosixFilePermissions.fromString("rwx------");
        if (!Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS).equals(own)) {
            Files.setPosixFilePermissions(d, own);
        }
        return true;
    }

    /** Deletes the directories of other repositories not used for {@link #UNUSED_FOR}, and partial files a killed command left. */
    private void deleteUnused(Instant now) {
        FileTime before = FileTime.from(now.minus(UNUSED_FOR));
        FileTime partialBefore = FileTime.from(now.minus(Duration.ofDays(1)));
        try (DirectoryStream<Path> all = Files.newDirectoryStream(root)) {
            for (Path d : all) {
                try {
                    if (d.equals(dir) ? false : REPOSITORY_ID.matcher(d.getFileName().toString()).matches() && isOwnPrivateDirectory(d)
                            && Files.getLastModifiedTime(d, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0) {
                        deleteTree(d);
                    }
                } catch (IOException | RuntimeException e) {
                    // another user's, or being deleted by another command
                }
            }
        } catch (IOException | RuntimeException e) {
            // the root does not list: nothing is cleaned now
        }
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(dir, PARTIAL + "*")) {
            for (Path p : partials) {
                if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).compareTo(partialBefore) < 0) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // left for the next command
        }
    }

    private static void deleteTree(Path d) throws IOException {
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
