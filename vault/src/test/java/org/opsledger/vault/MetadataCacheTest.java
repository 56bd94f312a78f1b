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

    private static List<Path> filesUnder(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("CACHEDIR.TAG")).toList();
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
        Counting blocked = command("unwritable", file.resolve("cache"), MetadataCache.MOST_BYTES, "out1"); // no directory can be made
        assertThat(blocked.of("index")).isPositive();
        assertThat(blocked.of("data")).isPositive();

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
        Path old = Files.createDirectories(root.resolve("0123456789abcdef0123456789abcdef/index"));
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
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op"))).isEqualTo(Path.of("/home/op/.cache/opsledger-vault"));
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "XDG_CACHE_HOME", "/var/cache/op")))
                .isEqualTo(Path.of("/var/cache/op/opsledger-vault"));
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "OPSLEDGER_VAULT_CACHE", "/srv/cache"))).isEqualTo(Path.of("/srv/cache"));
        assertThat(MetadataCache.rootOf(Map.of("HOME", "/home/op", "OPSLEDGER_VAULT_CACHE", "off"))).isNull();
        assertThat(MetadataCache.rootOf(Map.of())).isNull();
        Backend local = new org.opsledger.vault.backend.LocalBackend(tmp);
        assertThat(MetadataCache.around(local, tmp.resolve("cache"))).as("a local repository is read where it is").isSameAs(local);
    }
}
