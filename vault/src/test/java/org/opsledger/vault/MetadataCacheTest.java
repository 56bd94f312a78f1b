package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.DelegatingBackend;
import org.opsledger.vault.cache.MetadataCache;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * This host's cache of an S3 repository's index files, snapshot records and tree packs (s3proxy, as S3BackendTest): a second
 * command reads them from the cache, and a copy that does not hash to its name, of a file the store no longer lists, or a
 * cache that cannot be written or is another user's, leaves the command to the store, with the same result. The reads
 * that reach the store are counted (each is one GET), never timed.
 */
class MetadataCacheTest {

    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() throws Exception {
        S3BackendTest.startS3();
    }

    @AfterAll
    static void stopS3() throws Exception {
        S3BackendTest.stopS3();
    }

    /** The S3 store, counting the whole files read from it by directory ("index", "snapshots", "data"): one GET each. */
    static final class Counting extends DelegatingBackend {
        final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

        Counting(Backend store) {
            super(store);
        }

        @Override
        public byte[] read(String name) {
            reads.computeIfAbsent(name.contains("/") ? name.substring(0, name.indexOf('/')) : name, d -> new AtomicInteger()).incrementAndGet();
            return super.read(name);
        }

        int of(String dir) {
            AtomicInteger n = reads.get(dir);
            return n == null ? 0 : n.get();
        }
    }

    private static Backend s3(String prefix) {
        return S3BackendTest.backend(S3BackendTest.endpoint, prefix);
    }

    /** A repository at {@code prefix} with one snapshot of the sample tree, made without a cache; its snapshot. */
    private SnapshotRef repositoryAt(String prefix) throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = Repository.init(s3(prefix), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3")) {
            return TestTrees.backup(repo, data);
        }
    }

    /** One command: the snapshots listed and the latest restored (index, snapshot records, tree packs), through {@code store}. */
    private void listAndRestore(Backend store, String into) throws Exception {
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) {
            List<SnapshotRef> all = repo.snapshots();
            var r = new Restorer(repo, 2).restore(all.getLast(), tmp.resolve(into), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
        }
        TestTrees.assertSameTree(tmp.resolve("src/data"), tmp.resolve(into + "/data"));
    }

    /** {@link #listAndRestore} on the repository at {@code prefix} through a cache under {@code root} of at most {@code most} bytes; its reads of the store. */
    private Counting command(String prefix, Path root, long most, String into) throws Exception {
        Counting store = new Counting(s3(prefix));
        listAndRestore(new MetadataCache(store, root, most), into);
        return store;
    }

    /** The copies under {@code dir}: what the cache keeps of the store, not its tag or the key slot it remembers. */
    private static List<Path> filesUnder(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).filter(p -> !List.of("CACHEDIR.TAG", "key-slot").contains(p.getFileName().toString())).toList();
        }
    }

    @Test
    void aSecondCommandReadsTheIndexSnapshotsAndTreesFromTheCache() throws Exception {
        repositoryAt("cached");
        Path root = tmp.resolve("cache");
        Counting first = command("cached", root, MetadataCache.MOST_BYTES, "out1");
        assertThat(first.of("index")).isPositive();
        assertThat(first.of("snapshots")).isPositive();
        assertThat(first.of("data")).as("the tree pack").isPositive();

        Counting second = command("cached", root, MetadataCache.MOST_BYTES, "out2");
        assertThat(second.of("index")).as("index files from the cache").isZero();
        assertThat(second.of("snapshots")).as("snapshot records from the cache").isZero();
        assertThat(second.of("data")).as("tree packs from the cache").isZero();

        // 0700 directories, 0600 files: their names tell how many snapshots there are
        List<Path> kept = filesUnder(root);
        assertThat(kept).isNotEmpty().allSatisfy(f -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
        try (Stream<Path> dirs = Files.walk(root)) {
            assertThat(dirs.filter(Files::isDirectory).filter(d -> !d.equals(root)).toList()).isNotEmpty()
                    .allSatisfy(d -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------"));
        }
    }

    @Test
    void aCopyTamperedInTheCacheIsNotUsedAndIsReadFromTheStore() throws Exception {
        repositoryAt("tampered");
        Path root = tmp.resolve("cache");
        Counting first = command("tampered", root, MetadataCache.MOST_BYTES, "out1");
        List<Path> kept = filesUnder(root);
        for (Path f : kept) { // one byte changed in each: the index file, the snapshot record, the tree pack
            byte[] b = Files.readAllBytes(f);
            b[b.length / 2] ^= 1;
            Files.write(f, b);
        }
        Counting second = command("tampered", root, MetadataCache.MOST_BYTES, "out2");
        assertThat(second.reads).as("each read from the store again").containsOnlyKeys(first.reads.keySet());
        assertThat(second.of("index")).isEqualTo(first.of("index"));
        assertThat(second.of("snapshots")).isEqualTo(first.of("snapshots"));
        assertThat(second.of("data")).isEqualTo(first.of("data"));
        for (Path f : filesUnder(root)) { // and kept again as the store has them
            assertThat(Sealing.sha256(Files.readAllBytes(f)).hex()).isEqualTo(f.getFileName().toString());
        }
    }

    @Test
    void aSnapshotDeletedInTheRepositoryIsNotReadFromTheCache() throws Exception {
        SnapshotRef gone = repositoryAt("forgotten");
        try (Repository repo = Repository.open(s3("forgotten"), TestTrees.PASSWORD)) {
            TestTrees.fullBackup(repo, tmp.resolve("src/data"));
        }
        Path root = tmp.resolve("cache");
        command("forgotten", root, MetadataCache.MOST_BYTES, "out1");
        String name = "snapshots/" + gone.id().hex();
        Path copy;
        try (Stream<Path> found = Files.walk(root)) {
            copy = found.filter(p -> p.endsWith(name)).findFirst().orElseThrow();
        }
        try (Backend otherHost = s3("forgotten")) { // a forget on a host without this cache
            otherHost.delete(name);
        }
        try (Repository repo = Repository.open(new MetadataCache(s3("forgotten"), root, MetadataCache.MOST_BYTES), TestTrees.PASSWORD)) {
            assertThat(repo.snapshots()).hasSize(1).noneMatch(s -> s.id().equals(gone.id()));
        }
        assertThat(copy).as("the copy of a file the store no longer lists is deleted").doesNotExist();
    }

    @Test
    void aCacheThatCannotBeWrittenOrIsAnotherUsersLeavesTheCommandToTheStore() throws Exception {
        repositoryAt("unwritable");
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        List<String> told = new java.util.ArrayList<>();
        Counting blocked = new Counting(s3("unwritable")); // no directory can be made
        listAndRestore(new MetadataCache(blocked, file.resolve("cache"), MetadataCache.MOST_BYTES, told::add), "out1");
        assertThat(blocked.of("index")).isPositive();
        assertThat(blocked.of("data")).isPositive();
        assertThat(told).as("said, once: it was silent, and every command read the whole store").singleElement().asString()
                .startsWith("this host's cache " + file.resolve("cache") + " is not used: Not a directory; the store is read instead")
                .doesNotContain("\n");

        Path root = tmp.resolve("cache");
        command("unwritable", root, MetadataCache.MOST_BYTES, "out2");
        Path repositoryDir;
        try (Stream<Path> dirs = Files.list(root)) {
            repositoryDir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Files.setAttribute(repositoryDir, "unix:uid", 65534); // another user's now (these tests may run as root)
        if (OsUser.uid() == 65534) {
            return;
        }
        Counting others = command("unwritable", root, MetadataCache.MOST_BYTES, "out3");
        assertThat(others.of("index")).as("another user's copies are not read").isPositive();
        assertThat(others.of("data")).isPositive();
    }

    @Test
    void theCacheOfARepositoryNotUsedFor30DaysIsDeletedAndTheCacheStaysWithinItsBound() throws Exception {
        repositoryAt("bounded");
        Path root = tmp.resolve("cache");
        Path old = Files.createDirectories(root.resolve("0123456789abcdef0123456789abcdef/index"), PRIVATE);
        Files.setPosixFilePermissions(old.getParent(), PosixFilePermissions.fromString("rwx------")); // as the cache makes them
        Path recent = Files.createDirectories(root.resolve("fedcba9876543210fedcba9876543210"));
        Files.setLastModifiedTime(old.getParent(), FileTime.from(Instant.now().minus(MetadataCache.UNUSED_FOR).minusSeconds(3600)));
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(MetadataCache.UNUSED_FOR).plusSeconds(3600)));
        long most = 64 * 1024;
        MetadataCache cache = new MetadataCache(s3("bounded"), root, most);
        listAndRestore(cache, "out1");
        assertThat(old.getParent()).doesNotExist();
        assertThat(recent).exists();
        assertThat(filesUnder(cache.directory()).stream().mapToLong(f -> f.toFile().length()).sum()).isPositive().isLessThanOrEqualTo(most);
    }

    /**
     * A repository copied object by object (the same ID) and backed up into since: both share one directory of the cache,
     * and each command on either sees its own snapshots and restores its own files.
     */
    @Test
    void twoRepositoriesOfOneIdShareTheCacheAndEachReadsItsOwn() throws Exception {
        repositoryAt("original");
        try (Backend from = s3("original"); Backend to = s3("copied")) {
            to.write("config", from.read("config"));
            to.write("keyring", from.read("keyring"));
            for (String dir : List.of("keys", "index", "snapshots", "data", "journal")) {
                for (String name : from.list(dir)) {
                    to.write(name, from.read(name));
                }
            }
        }
        Path changed = tmp.resolve("changed/data");
        Files.createDirectories(changed);
        Files.writeString(changed.resolve("only-in-the-copy.txt"), "written after the copy");
        try (Repository copy = Repository.open(s3("copied"), TestTrees.PASSWORD)) {
            TestTrees.backup(copy, changed);
        }
        Path root = tmp.resolve("cache");
        for (String prefix : List.of("original", "copied", "original", "copied")) {
            try (Repository repo = Repository.open(new MetadataCache(s3(prefix), root, MetadataCache.MOST_BYTES), TestTrees.PASSWORD)) {
                List<SnapshotRef> all = repo.snapshots();
                assertThat(all).as(prefix).hasSize(prefix.equals("original") ? 1 : 2);
                Path out = Files.createTempDirectory(tmp, prefix);
                assertThat(new Restorer(repo, 2).restore(all.getLast(), out, List.of(), true).ok()).isTrue();
                TestTrees.assertSameTree(prefix.equals("original") ? tmp.resolve("src/data") : changed, out.resolve("data"));
            }
        }
        try (Stream<Path> dirs = Files.list(root)) {
            assertThat(dirs.filter(Files::isDirectory).count()).as("one directory: one repository ID").isEqualTo(1);
        }
    }

    @Test
    void theCacheIsWhereTheEnvironmentSays() {
        List<String> told = new java.util.ArrayList<>();
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op"), told::add)).isEqualTo(Path.of("/home/op/.cache/opsledger-vault"));
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "XDG_CACHE_HOME", "/var/cache/op"), told::add))
                .isEqualTo(Path.of("/var/cache/op/opsledger-vault"));
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "OPSLEDGER_VAULT_CACHE", "/srv/cache"), told::add)).isEqualTo(Path.of("/srv/cache"));
        for (String off : List.of("off", "OFF", "Off", " off ")) {
            assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "OPSLEDGER_VAULT_CACHE", off), told::add)).as(off).isNull();
        }
        assertThat(MetadataCache.rootOf(Map.of(), told::add)).isNull();
        assertThat(told).as("nothing to say yet").isEmpty();
        // anything else is no cache, said on a line: OFF, false or a relative path made a cache in the working directory
        for (String wrong : List.of("false", "0", "none", "cache", "./cache")) {
            assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "OPSLEDGER_VAULT_CACHE", wrong), told::add)).as(wrong).isNull();
        }
        assertThat(told).hasSize(5).allSatisfy(line -> assertThat(line).doesNotContain("\n").contains("absolute path"));
        Backend local = new org.opsledger.vault.backend.LocalBackend(tmp);
        assertThat(MetadataCache.around(local, tmp.resolve("cache"), told::add)).as("a local repository is read where it is").isSameAs(local);
    }

    /** The directory of the cache's copies of the repository at {@code prefix} under {@code root}, after one command through it. */
    private Path repositoryDirectory(String prefix, Path root) throws Exception {
        command(prefix, root, MetadataCache.MOST_BYTES, "warm");
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /**
     * Another user who may write to the cache's root swaps this user's directory in it for a link to a directory of this
     * user's (h1's race against root's `vault snapshots`): made at once here, by the store's listing of snapshots/, after
     * the cache opened its directory and before the listing's clean-up. The clean-up works in the directory it opened,
     * never through the link: the other directory's files, whatever their names, stay.
     */
    @Test
    void aDirectorySwappedForALinkWhileACommandRunsIsNotFollowed() throws Exception {
        repositoryAt("swapped");
        Path root = tmp.resolve("cache");
        Path own = repositoryDirectory("swapped", root);
        Path victim = Files.createDirectories(tmp.resolve("srv/snapshots/db"));
        Path keep = Files.writeString(victim.resolve("KEEP-ME.conf"), "zfs snapshot list");
        Path hexNamed = Files.writeString(victim.getParent().resolve("0".repeat(64)), "named like a copy, not one");
        Backend swapping = new DelegatingBackend(s3("swapped")) {
            @Override
            public List<String> list(String dir) {
                if (dir.equals("snapshots")) {
                    try {
                        Files.move(own, root.resolve(".old"));
                        Files.createSymbolicLink(own, victim.getParent().getParent());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return super.list(dir);
            }
        };
        listAndRestore(new MetadataCache(swapping, root, MetadataCache.MOST_BYTES), "out1");
        assertThat(keep).as("a file outside the cache").exists();
        assertThat(hexNamed).as("a file outside the cache named as a copy").exists();
    }

    /**
     * A root that is a link (another user's, planted where OPSLEDGER_VAULT_CACHE points), or that others may write to, or
     * below a directory others may write to, is not used, said on one line: the command reads the store, and neither
     * deletes nor changes anything there. h1 had root's command delete whole a 32-hex-named directory of root's older than
     * 30 days through such a link, and chmod another one 0700.
     */
    @Test
    void aRootThatIsALinkOrThatOthersMayWriteToIsNotUsed() throws Exception {
        repositoryAt("refused");
        Path app = Files.createDirectories(tmp.resolve("app-sessions"));
        Path old = Files.createDirectories(app.resolve("0123456789abcdef0123456789abcdef"));
        Path open = Files.createDirectories(app.resolve("fedcba9876543210fedcba9876543210"));
        Files.writeString(old.resolve("state"), "order 4711");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(MetadataCache.UNUSED_FOR).minusSeconds(3600)));
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path link = Files.createSymbolicLink(shared.resolve("opsledger-cache"), app);
        Path othersWrite = Files.createDirectories(tmp.resolve("team-cache"));
        Files.setPosixFilePermissions(othersWrite, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path teamFolder = Files.createDirectories(tmp.resolve("team"));
        Files.setPosixFilePermissions(teamFolder, PosixFilePermissions.fromString("rwxrwxrwx")); // not sticky: anyone renames in it

        for (Path root : List.of(link, othersWrite, teamFolder.resolve("cache"))) {
            List<String> told = new java.util.ArrayList<>();
            Counting store = new Counting(s3("refused"));
            listAndRestore(new MetadataCache(store, root, MetadataCache.MOST_BYTES, told::add), "out-" + root.getFileName());
            assertThat(told).as(root.toString()).singleElement().asString().contains(root.toString()).contains("not used").doesNotContain("\n");
            assertThat(store.of("data")).as("read from the store").isPositive();
        }
        assertThat(old.resolve("state")).as("a directory of this user's, not the cache's").hasContent("order 4711");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rwxr-xr-x");
        try (Stream<Path> made = Files.list(app)) {
            assertThat(made.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(old.getFileName().toString(),
                    open.getFileName().toString());
        }
        try (Stream<Path> made = Files.list(othersWrite)) {
            assertThat(made.toList()).as("nothing written where others may write").isEmpty();
        }
    }

    /**
     * The clean-ups delete only what the cache put there, by the names it gives: a listing's clean-up a copy's name
     * (64 hex digits), the 30 days' one a 0700 directory of this user's and in it only such names; a directory the cache
     * did not make (not 0700) is neither changed nor deleted.
     */
    @Test
    void theCleanUpsDeleteOnlyWhatTheCachePutThere() throws Exception {
        repositoryAt("own-names");
        Path root = tmp.resolve("cache");
        Path own = repositoryDirectory("own-names", root);
        Path readme = Files.writeString(own.resolve("snapshots/README"), "not a copy");
        Path gone = Files.writeString(own.resolve("snapshots/" + "a".repeat(64)), "a copy of a file the store does not list");
        FileTime before = FileTime.from(Instant.now().minus(MetadataCache.UNUSED_FOR).minusSeconds(3600));
        Path old = Files.createDirectories(root.resolve("0123456789abcdef0123456789abcdef/index"), PRIVATE);
        Path oldCopy = Files.writeString(old.resolve("b".repeat(64)), "an old copy");
        Path notes = Files.writeString(old.getParent().resolve("notes.txt"), "not the cache's");
        Files.setPosixFilePermissions(old.getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(old.getParent(), before);
        Path notMade = Files.createDirectories(root.resolve("fedcba9876543210fedcba9876543210/index"));
        Path notMadeCopy = Files.writeString(notMade.resolve("c".repeat(64)), "kept");
        Files.setPosixFilePermissions(notMade.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(notMade.getParent(), before);

        command("own-names", root, MetadataCache.MOST_BYTES, "out1");
        assertThat(gone).as("a copy of a file not listed").doesNotExist();
        assertThat(readme).as("not a copy's name").exists();
        assertThat(oldCopy).as("an old repository's copy").doesNotExist();
        assertThat(notes).as("not the cache's: it stays, and so does its directory").exists();
        assertThat(notMadeCopy).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(notMade.getParent()))).isEqualTo("rwxr-xr-x");
    }

    /**
     * A name taken out on another host (forget and prune there, as after `rewrite --exclude`) leaves the tree pack that held
     * it in no index: the next command here that reads the index deletes its copy, without a request to the store. It
     * stayed readable, with the repository's keys, until this host listed data/ itself or evicted it (h1's).
     */
    @Test
    void aTreePackAnotherHostPrunedIsDeletedHereOnceTheIndexIsRead() throws Exception {
        repositoryAt("pruned");
        Path root = tmp.resolve("cache");
        Path own = repositoryDirectory("pruned", root);
        List<Path> packs;
        try (Stream<Path> all = Files.walk(own.resolve("data"))) {
            packs = all.filter(Files::isRegularFile).toList();
        }
        assertThat(packs).as("the tree pack kept").isNotEmpty();
        Path other = tmp.resolve("src/data"); // the same path, other trees: the first snapshot is the one forgotten
        try (Stream<Path> all = Files.walk(other)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(Files.createDirectories(other).resolve("only.txt"), "another tree");
        try (Repository otherHost = Repository.open(s3("pruned"), TestTrees.PASSWORD)) {
            TestTrees.fullBackup(otherHost, other);
            new org.opsledger.vault.prune.Forgetter(otherHost, java.time.ZoneOffset.UTC)
                    .forget(new org.opsledger.vault.prune.RetentionPolicy(1, null, 0, 0, 0, 0), Instant.now());
            new org.opsledger.vault.prune.Pruner(otherHost, 0).prune();
        }
        Counting store = new Counting(s3("pruned"));
        try (Repository here = Repository.open(new MetadataCache(store, root, MetadataCache.MOST_BYTES), TestTrees.PASSWORD)) {
            assertThat(here.index().size()).isPositive();
        }
        try (Repository noCache = Repository.open(s3("pruned"), TestTrees.PASSWORD)) {
            assertThat(packs).as("indexed no more").noneMatch(p -> noCache.index().packs()
                    .contains(org.opsledger.vault.crypto.ObjectId.parse(p.getFileName().toString())));
        }
        assertThat(packs).as("copies of packs no index names").allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(store.of("data")).isZero();
    }

    /** A repository disposed of: this host's copies of it go, and another repository's directory stays. */
    @Test
    void theCopiesOfARepositoryDisposedOfAreDeleted() throws Exception {
        repositoryAt("disposed");
        Path root = tmp.resolve("cache");
        Path own = repositoryDirectory("disposed", root);
        Path other = Files.createDirectories(root.resolve("0123456789abcdef0123456789abcdef/index"), PRIVATE);
        MetadataCache cache = new MetadataCache(s3("disposed"), root, MetadataCache.MOST_BYTES);
        try (Repository repo = Repository.open(cache, TestTrees.PASSWORD)) {
            assertThat(repo.snapshots()).isNotEmpty();
            cache.deleteCopies();
        }
        assertThat(own).doesNotExist();
        assertThat(other).exists();
        assertThat(root.resolve("CACHEDIR.TAG")).exists();
    }

    /** A CACHEDIR.TAG without the tag's signature (a full disk left it empty) is written again: `--exclude-caches` needs it. */
    @Test
    void aCacheDirTagWithoutItsSignatureIsWrittenAgain() throws Exception {
        repositoryAt("tagged");
        Path root = Files.createDirectories(tmp.resolve("cache"));
        Path tag = Files.write(root.resolve("CACHEDIR.TAG"), new byte[0]);
        command("tagged", root, MetadataCache.MOST_BYTES, "out1");
        assertThat(tag).content().startsWith("Signature: 8a477f597d28d172789f06886806bc55");
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    /**
     * 40 key slots planted in the store (copies of the real one, fresh salts, no password needed) refuse every command that
     * tries the slots; a host whose cache remembers the slot that opened the repository last tries it first, alone, and
     * reads no planted one. A memory that no longer opens (the slot gone, replaced, or another password's) costs one slot
     * more, every slot then tried as without it, and what opens is remembered.
     */
    @Test
    void theKeySlotThatOpenedLastIsTriedFirstSoPlantedSlotsLockThisHostOut() throws Exception {
        repositoryAt("planted");
        Path root = tmp.resolve("cache");
        String real;
        try (Repository repo = Repository.open(new MetadataCache(s3("planted"), root, MetadataCache.MOST_BYTES), TestTrees.PASSWORD)) {
            real = repo.keySlotInUse();
        }
        Path remembered = repositoryDirectory("planted", root).resolve("key-slot");
        assertThat(remembered).hasContent(real);
        Backend store = s3("planted");
        String slot = new String(store.read("keys/" + real), java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < 40; i++) {
            store.write("keys/" + String.format("%032x", i), slot.replaceFirst("\"salt\":\"[^\"]*\"", "\"salt\":\""
                    + java.util.Base64.getEncoder().encodeToString(Sealing.randomBytes(16)) + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Repository.open(s3("planted"), TestTrees.PASSWORD).close())
                .hasMessageStartingWith("none of the 32 key slots of s3://vault/planted tried");
        Counting counted = new Counting(s3("planted"));
        try (Repository repo = Repository.open(new MetadataCache(counted, root, MetadataCache.MOST_BYTES), TestTrees.PASSWORD)) {
            assertThat(repo.keySlotInUse()).isEqualTo(real);
        }
        assertThat(counted.of("keys")).as("key slots read").isOne();

        for (int i = 3; i < 40; i++) {
            store.delete("keys/" + String.format("%032x", i));
        }
        Files.writeString(remembered, String.format("%032x", 1)); // a slot this password does not open
        counted = new Counting(s3("planted"));
        try (Repository repo = Repository.open(new MetadataCache(counted, root, MetadataCache.MOST_BYTES), TestTrees.PASSWORD)) {
            assertThat(repo.keySlotInUse()).isEqualTo(real);
        }
        assertThat(counted.of("keys")).as("the one remembered, then the four").isEqualTo(5);
        assertThat(remembered).hasContent(real);
    }
}
