package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.DelegatingBackend;
import org.opsledger.vault.backend.S3Backend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The S3 backend against a real S3 server (s3proxy, in memory) over HTTP. */
class S3BackendTest {

    static S3Proxy proxy;
    static URI endpoint;
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"));

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() throws Exception {
        TransientNio2BlobStore store = new TransientNio2BlobStore();
        store.createContainer("vault");
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    @AfterAll
    static void stopS3() throws Exception {
        proxy.stop();
    }

    static S3Backend backend(URI where, String prefix) {
        return new S3Backend(S3Backend.client(where, Region.US_EAST_1, CREDENTIALS), "vault", prefix, "s3://vault/" + prefix);
    }

    /** A small HTTP endpoint on a free local port, started, that answers every request with {@code handler}: an S3 answer s3proxy does not give. */
    static HttpServer answering(HttpHandler handler) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }

    /** A new repository under {@code prefix} and its first snapshot, of {@code data}. */
    private static SnapshotRef firstBackup(String prefix, Path data) {
        try (Repository repo = Repository.init(backend(endpoint, prefix), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3")) {
            return TestTrees.backup(repo, data);
        }
    }

    @Test
    void backupRestoreAndCheckOnS3() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        SnapshotRef snap = firstBackup("team-a", data);
        assertThat(snap.snapshot().storageLocation()).isEqualTo("s3://vault/team-a");
        try (Repository repo = Repository.open(backend(endpoint, "team-a"), TestTrees.PASSWORD)) {
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(snap.id());
            // s3proxy 4.1.0 has no Object Lock (NotImplemented): the hold is the repository's own record only
            assertThat(repo.backend().supportsLegalHold()).isFalse();
            assertThat(repo.hold(snap, "matter", "counsel").storeHolds()).isEmpty();
            repo.release(snap);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            var r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
        assertThat(Files.exists(tmp.resolve("out/data/big.bin"))).isTrue();
    }

    /**
     * An S3 key with GET only (an auditor's) restores without a lock; a prune with another key repacks and deletes the pack
     * the restore planned to read as it first reads one: the 404 (NoSuchKey) is a pack moved, read where the index now
     * places it (ReadsWithoutALockTest, on a local disk, for dump, check and key retire).
     */
    @Test
    void aRestoreWithAGetOnlyKeyReadsWhatAPruneMovedMeanwhile() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 100_000));
        Files.write(data.resolve("b.bin"), TestTrees.random(2, 100_000));
        SnapshotRef both = firstBackup("get-only", data);
        Files.delete(data.resolve("b.bin"));
        SnapshotRef aOnly;
        try (Repository repo = Repository.open(backend(endpoint, "get-only"), TestTrees.PASSWORD)) {
            aOnly = TestTrees.backup(repo, data);
            Forgetter f = new Forgetter(repo, java.time.ZoneOffset.UTC);
            f.remove(f.plan(List.of(both), java.time.Instant.now()), id -> { });
        }
        java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger(-1);
        Backend getOnly = new DelegatingBackend(backend(endpoint, "get-only")) {
            @Override
            public void readRange(String name, long offset, int length, byte[] into) {
                if (name.startsWith("data/") && deleted.compareAndSet(-1, 0)) {
                    try (Repository admin = Repository.open(backend(endpoint, "get-only"), TestTrees.PASSWORD)) {
                        deleted.set(new Pruner(admin, 0).prune().packsDeleted());
                    }
                }
                super.readRange(name, offset, length, into);
            }

            @Override
            public void write(String name, byte[] bytes, int off, int len) {
                if (name.startsWith("locks/")) {
                    throw new BackendException("cannot write " + name + " in s3://vault/get-only: Access Denied (403)");
                }
                super.write(name, bytes, off, len);
            }
        };
        try (Repository repo = Repository.open(getOnly, TestTrees.PASSWORD)) {
            var r = new Restorer(repo, 2).restore(aOnly, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(repo.readWithoutLock()).isTrue();
        }
        assertThat(deleted.get()).as("the prune deleted the pack the restore planned to read").isPositive();
        TestTrees.assertSameTree(data, tmp.resolve("out/data"));
    }

    /**
     * Folder markers (zero-byte keys ending in '/', as the AWS console, s3fs and rclone make) inside the repository are no
     * files of it: index/ stopped backups ("index/ is 0 bytes, too short to be sealed") and check reported errors (a helper's).
     */
    /**
     * A GET that the thread's interrupt ended (a cancelled job: the SDK throws AbortedException) is a cancellation, neither
     * the store's failure ("cannot reach the S3 store") nor damage.
     */
    @Test
    void aReadOnAnInterruptedThreadIsCancelledNotAStoreFailure() {
        S3Backend s3 = backend(endpoint, "interrupted");
        s3.write("config", new byte[] {1, 2, 3});
        try {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> s3.read("config")).isInstanceOf(Cancelled.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(s3.read("config")).containsExactly(1, 2, 3);
    }

    /**
     * An object's body read on, as check --read-data and restore read packs, once the thread is interrupted: the SDK's
     * AbortedException escaped as itself, and check let it through, neither a cancellation nor an IOException (a helper's).
     */
    @Test
    void aStreamReadOnOnAnInterruptedThreadIsCancelled() throws Exception {
        S3Backend s3 = backend(endpoint, "interrupted-stream");
        byte[] data = new byte[3_000_000];
        new java.util.Random(1).nextBytes(data);
        s3.write("data/ab/object", data);
        var in = s3.stream("data/ab/object");
        try {
            assertThat(in.read(new byte[1000])).isPositive();
            Thread.currentThread().interrupt();
            assertThatThrownBy(in::readAllBytes).isInstanceOf(Cancelled.class);
            assertThatThrownBy(in::close).isInstanceOf(Cancelled.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    /**
     * An upload's spool written, or committed, on an interrupted thread (a cancelled job's pack): the interrupt closes the
     * spool's channel, and that was "cannot spool an upload in /tmp: ClosedByInterruptException", a store's failure, where
     * the local disk's is a cancellation (a helper's).
     */
    @Test
    void anUploadOnAnInterruptedThreadIsCancelledNotAStoreFailure() {
        S3Backend s3 = backend(endpoint, "interrupted-upload");
        try {
            var written = s3.upload();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> written.write(new byte[1 << 20], 0, 1 << 20)).isInstanceOf(Cancelled.class); // past the spool's buffer
            written.close();
            Thread.interrupted();
            var committed = s3.upload();
            committed.write(new byte[] {1, 2, 3}, 0, 3);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> committed.commit("data/00/cancelled")).isInstanceOf(Cancelled.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(s3.exists("data/00/cancelled")).isFalse();
    }

    @Test
    void folderMarkersInTheRepositoryAreNotItsFiles() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        firstBackup("markers", data);
        try (S3Backend markers = backend(endpoint, "markers")) {
            for (String dir : List.of("index/", "snapshots/", "data/", "keys/", "locks/")) {
                markers.write(dir, new byte[0], 0, 0);
            }
        }
        try (Repository repo = Repository.open(backend(endpoint, "markers"), TestTrees.PASSWORD)) {
            assertThat(repo.backend().list("index")).isNotEmpty().noneMatch(n -> n.endsWith("/"));
            TestTrees.fullBackup(repo, data);
            assertThat(repo.snapshots()).hasSize(2);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /** The listing's sizes are the objects' (ListObjectsV2 carries them): `vault stats` sent a HEAD per pack for them (a helper's). */
    @Test
    void theListingCarriesEachObjectsSize() throws Exception {
        firstBackup("sizes", TestTrees.sample(tmp.resolve("src/data")));
        try (S3Backend store = backend(endpoint, "sizes")) {
            store.write("data/", new byte[0], 0, 0); // a folder marker: no file
            java.util.SortedMap<String, Long> sizes = store.listSizes("data");
            assertThat(List.copyOf(sizes.keySet())).isEqualTo(store.list("data")).isNotEmpty();
            sizes.forEach((name, size) -> assertThat(size).as(name).isEqualTo(store.size(name)));
        }
    }

    /** A stray object too large to be what the vault wrote there is refused from the GET's length, its body not read. */
    /**
     * A pack is spooled to java.io.tmpdir before its PutObject; the spool of a backup killed with SIGKILL stayed there for
     * good, as no close ran (a helper's: 11 MB each time). It is unlinked as soon as it is open, and the upload still
     * carries every byte.
     */
    /**
     * On S3 init looked only for a config: it made a repository inside another (s3://vault/team/locks beside
     * s3://vault/team, whose `vault unlock` then deleted it) and one over what a failed init had left, whose dead key slot
     * made it unopenable (a helper's). A prefix with objects under it, or inside a repository, is refused.
     */
    @Test
    void initRefusesAPrefixInsideARepositoryOrHoldingObjects() throws Exception {
        Repository.init(backend(endpoint, "nest/team"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3").close();
        assertThatThrownBy(() -> Repository.init(backend(endpoint, "nest/team/locks"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3"))
                .hasMessage("repository location s3://vault/nest/team/locks is inside the vault repository s3://vault/nest/team/: the"
                        + " commands of each would take the other's files for their own; choose a location outside it");
        backend(endpoint, "left").write("keys/0123", new byte[] {1}); // what a failed init wrote before its config
        assertThatThrownBy(() -> Repository.init(backend(endpoint, "left"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3"))
                .hasMessage("repository location s3://vault/left holds objects already (first: left/keys/0123): a repository needs a"
                        + " prefix of its own; choose an empty one (what a failed `vault init` left there may be deleted)");
        assertThat(backend(endpoint, "nest/team/locks").list("keys")).as("nothing written").isEmpty();
        backend(endpoint, "marked").write("", new byte[0]); // "marked/": a folder the AWS console made, no object of a repository
        Repository.init(backend(endpoint, "marked"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3").close();
    }

    @Test
    void anUploadsSpoolIsUnlinkedWhileItIsWritten() throws Exception {
        S3Backend s3 = backend(endpoint, "spool");
        Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<List<String>> spools = () -> {
            try (var files = Files.list(spoolDir)) {
                return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("opsledger-upload-")).toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<String> before = spools.get();
        byte[] bytes = TestTrees.random(9, 3_000_000);
        try (var upload = s3.upload()) {
            upload.write(bytes, 0, bytes.length);
            assertThat(spools.get()).as("nothing a kill -9 could leave").isEqualTo(before);
            upload.commit("data/spooled");
        }
        assertThat(s3.read("data/spooled")).isEqualTo(bytes);
    }

    @Test
    void anObjectTooLargeToBeAKeySlotIsRefusedUnreadOnS3() throws Exception {
        firstBackup("team-z", TestTrees.sample(tmp.resolve("src/data")));
        S3Backend store = backend(endpoint, "team-z");
        store.write("keys/zz", new byte[100 * 1024]);
        assertThatThrownBy(() -> store.read("keys/zz")).isInstanceOf(org.opsledger.vault.backend.Largest.TooLarge.class)
                .hasMessage("keys/zz is 100.00 KiB, more than the vault reads whole there (64.00 KiB): damaged, or not the vault's");
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) { // the stray object is not a slot; the real one opens
            assertThat(repo.keySlots()).filteredOn(k -> k.id().equals("zz")).singleElement()
                    .extracting(Repository.KeySlotInfo::problem).asString().startsWith("keys/zz is 100.00 KiB");
        }
    }

    @Test
    void repairOnS3RebuildsTheIndexAndKeepsTheDamagedPackUnderDamaged() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        SnapshotRef snap = firstBackup("team-r", data);
        S3Backend store = backend(endpoint, "team-r");
        String largest = store.list("data").stream().max(java.util.Comparator.comparingLong(store::size)).orElseThrow();
        byte[] pack = store.read(largest);
        pack[pack.length / 2] ^= 1; // inside a blob: the pack's header is at its end
        store.write(largest, pack);
        store.list("index").forEach(store::delete);

        try (Repository repo = Repository.open(backend(endpoint, "team-r"), TestTrees.PASSWORD)) {
            RepairResult r = new Repairer(repo, 2).repair(100, false);
            assertThat(r.packsIndexedAgain()).isEqualTo(store.list("data").size());
            String hex = largest.substring(largest.lastIndexOf('/') + 1);
            assertThat(r.packs()).singleElement().satisfies(p -> {
                assertThat(p.pack()).isEqualTo(hex);
                assertThat(p.lostBlobs()).hasSize(1);
                assertThat(p.keptAs()).isEqualTo("damaged/" + hex);
            });
            assertThat(store.exists(largest)).isFalse();
            assertThat(store.read("damaged/" + hex)).isEqualTo(pack);
            assertThat(new Checker(repo, 2).check(100).damagedPacks()).isEmpty();
            TestTrees.backup(repo, data); // stores the lost blob again
        }
        try (Repository repo = Repository.open(backend(endpoint, "team-r"), TestTrees.PASSWORD)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            var r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }

    @Test
    void unreachableS3IsAOneLineError() {
        assertThatThrownBy(() -> Repository.open(backend(URI.create("http://127.0.0.1:9"), "x"), TestTrees.PASSWORD))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("cannot reach the S3 store (connection refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // the SDK's own words said "See cause for the exact endpoint", and the cause was not shown (a helper's)
        assertThatThrownBy(() -> Repository.open(backend(URI.create("http://s3.nonexistent.invalid:9000"), "x"), TestTrees.PASSWORD))
                .hasMessageContaining("cannot reach the S3 store (unknown host s3.nonexistent.invalid");
    }

    /**
     * A body that breaks off mid-way (a reset, "Premature EOF") is asked for again from where it broke: check called the
     * pack damaged, and its advice, `vault repair --read-data`, deleted it (a helper's, behind a proxy of its own).
     */
    @Test
    void aPackWhoseBodyBreaksOffIsReadOnFromWhereItBroke() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        firstBackup("cut", data);
        try (StoreProxy cutting = StoreProxy.cutting(endpoint.getPort(), 1 << 20);
             Repository repo = Repository.open(backend(URI.create("http://127.0.0.1:" + cutting.port()), "cut"), TestTrees.PASSWORD)) {
            var result = new Checker(repo, 2).check(100);
            assertThat(cutting.cuts()).as("the proxy cut one answer").isEqualTo(1);
            assertThat(result.errors()).isEmpty();
            assertThat(result.packsRead()).isEqualTo(result.packs());
        }
    }

    /**
     * A TCP proxy in front of s3proxy that meddles with the conversation: {@link #cutting} breaks an answer off,
     * {@link #stalling} stops reading requests, {@link #pacing} passes them slowly.
     */
    static final class StoreProxy implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger stalls = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.ExecutorService pipes = java.util.concurrent.Executors.newCachedThreadPool();
        private final List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>(); // closed with it: no pipe outlives the test
        private final long cutAfter;
        private final long stallAfter;
        private final long pace;

        /**
         * Closes one connection once it has passed {@code after} bytes of answers on it, once: an 11 MiB pack's body then
         * breaks off after 1 MiB, as a store's reset connection leaves it.
         */
        static StoreProxy cutting(int target, long after) throws java.io.IOException {
            return new StoreProxy(target, after, Long.MAX_VALUE, 0);
        }

        /** Reads no more of a connection's requests once it has passed {@code after} bytes of them, and holds it open: a store that stopped taking an upload. */
        static StoreProxy stalling(int target, long after) throws java.io.IOException {
            return new StoreProxy(target, Long.MAX_VALUE, after, 0);
        }

        /** Passes requests at {@code bytesPerSecond}: a slow link that keeps moving. */
        static StoreProxy pacing(int target, long bytesPerSecond) throws java.io.IOException {
            return new StoreProxy(target, Long.MAX_VALUE, Long.MAX_VALUE, bytesPerSecond);
        }

        private StoreProxy(int target, long cutAfter, long stallAfter, long pace) throws java.io.IOException {
            this.cutAfter = cutAfter;
            this.stallAfter = stallAfter;
            this.pace = pace;
            pipes.submit(() -> {
                while (!server.isClosed()) {
                    java.net.Socket client = server.accept();
                    java.net.Socket store = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                    sockets.addAll(List.of(client, store));
                    pipes.submit(() -> pipe(client, store, true));
                    pipes.submit(() -> pipe(store, client, false));
                }
                return null;
            });
        }

        private Void pipe(java.net.Socket from, java.net.Socket to, boolean requests) throws InterruptedException {
            byte[] buf = new byte[requests && pace > 0 ? (int) Math.max(pace / 20, 1) : 64 * 1024];
            long after = requests ? stallAfter : cutAfter;
            long passed = 0;
            try (from; to) {
                for (int n; (n = from.getInputStream().read(buf)) > 0; ) {
                    if (passed + n > after && (requests || cuts.compareAndSet(0, 1))) {
                        to.getOutputStream().write(buf, 0, (int) (after - passed));
                        if (requests) {
                            stalls.incrementAndGet();
                            Thread.sleep(Long.MAX_VALUE); // reads nothing more; close() ends it
                        }
                        return null; // both sockets close mid-answer
                    }
                    to.getOutputStream().write(buf, 0, n);
                    passed += n;
                    if (requests && pace > 0) {
                        Thread.sleep(n * 1000L / pace);
                    }
                }
            } catch (java.io.IOException e) {
                // the other direction closed
            }
            return null;
        }

        int port() {
            return server.getLocalPort();
        }

        int cuts() {
            return cuts.get();
        }

        /** The connections it stopped reading. */
        int stalls() {
            return stalls.get();
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
            for (java.net.Socket s : sockets) {
                s.close();
            }
            pipes.shutdownNow();
        }
    }

    /**
     * A backend whose uploads go through {@code proxy}, abandoned after 3 s without progress at 512 KiB/s (the loopback's
     * socket buffers take 4 MB at once, which the least rate in use, 4 KiB/s, would give 17 minutes); its other calls go to
     * s3proxy.
     */
    private static S3Backend uploadingThrough(StoreProxy proxy, String prefix) {
        return uploadingThrough(proxy, prefix, 512 << 10);
    }

    /** Uploads through {@code proxy} whose attempts are given up after 3 s without progress at {@code floor} bytes a second. */
    private static S3Backend uploadingThrough(StoreProxy proxy, String prefix, long floor) {
        return new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1, CREDENTIALS),
                S3Backend.uploadClient(URI.create("http://127.0.0.1:" + proxy.port()), Region.US_EAST_1, CREDENTIALS,
                        java.time.Duration.ofSeconds(3), floor),
                "vault", prefix, "s3://vault/" + prefix);
    }

    /**
     * A store that stops taking an upload (it accepts the connection and reads no more) is given up after the stall window
     * without progress, twice, and the error names what happened, the pack and the attempts: a PUT was bounded by time
     * alone, 60 s and its bytes at 4 KiB/s, and held the backup and its lock 2 h 18 min for a 16 MiB pack (r4's). The
     * repository is as it was, and its lock released. The stall window is 3 s here, 60 s in use.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300) // a bound, generous: the two attempts take ≈10 s
    void anUploadThatMakesNoProgressIsGivenUpNamingTheStall() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        firstBackup("stall", data);
        Files.write(data.resolve("new.bin"), TestTrees.random(7, 12 << 20)); // one pack of 12 MiB, more than the socket buffers take
        try (StoreProxy stalling = StoreProxy.stalling(endpoint.getPort(), 1 << 20)) {
            // a floor of 2 MiB/s: each attempt is given up after the window and what the socket buffers took (≤ 4 MiB) at
            // the floor, ≈5 s, not ≈11 at 512 KiB/s
            try (Repository repo = Repository.open(uploadingThrough(stalling, "stall", 2 << 20), TestTrees.PASSWORD)) {
                assertThatThrownBy(() -> TestTrees.backup(repo, data)).isInstanceOf(BackendException.class)
                        .hasMessageMatching("cannot write s3://vault/stall/data/[0-9a-f]{2}/[0-9a-f]{64}: no progress for 3 s sending its \\d+ bytes"
                                + " \\(\\d+ taken, the last \\d+ s ago; attempt 2 of 2\\): the store stopped taking them, or the link is"
                                + " slower than 2048 KiB/s; check the store's health and the link, and run it again");
            }
            // the proxy counts a stall once its thread has passed the first MiB: under load (17) that came after the client
            // had given up and the test had looked (1 counted, 2 expected); the bytes stay readable after the client's close
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (stalling.stalls() < 2 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(stalling.stalls()).as("both attempts stalled").isEqualTo(2);
        }
        try (Repository repo = Repository.open(backend(endpoint, "stall"), TestTrees.PASSWORD)) {
            assertThat(repo.backend().list("locks")).as("the lock released").isEmpty();
            assertThat(repo.snapshots()).hasSize(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /** An upload that takes several stall windows but moves above the least rate (2 MiB/s against 512 KiB/s here) is let finish. */
    @Test
    void aSlowUploadThatKeepsMovingFinishes() throws Exception {
        Path data = tmp.resolve("src/data");
        Files.createDirectories(data);
        Files.write(data.resolve("slow.bin"), TestTrees.random(8, 12 << 20)); // ≈4 s past the socket buffers, at 2 MiB/s
        Repository.init(backend(endpoint, "slow"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3").close();
        try (StoreProxy pacing = StoreProxy.pacing(endpoint.getPort(), 2 << 20);
             Repository repo = Repository.open(uploadingThrough(pacing, "slow"), TestTrees.PASSWORD)) {
            TestTrees.backup(repo, data);
        }
        try (Repository repo = Repository.open(backend(endpoint, "slow"), TestTrees.PASSWORD)) {
            assertThat(repo.snapshots()).hasSize(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    @Test
    void missingRepositoryOnS3IsOneLine() {
        assertThatThrownBy(() -> Repository.open(backend(endpoint, "nothing"), TestTrees.PASSWORD))
                .hasMessage("no vault repository at s3://vault/nothing");
    }

    /**
     * An open or init that fails closes the backend it was given, as close() would have: each failed open of a
     * long-running JVM kept its S3 client's threads (sdk-ScheduledExecutor), 800 after 400 opens (a helper's).
     */
    @Test
    void aFailedOpenOrInitClosesItsBackendsClient() {
        Repository.init(backend(endpoint, "opened"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3").close();
        var openedClient = S3Backend.client(endpoint, Region.US_EAST_1, CREDENTIALS);
        assertThatThrownBy(() -> Repository.open(new S3Backend(openedClient, "vault", "opened", "s3://vault/opened"), "wrong".toCharArray()))
                .isInstanceOf(org.opsledger.vault.WrongPasswordException.class);
        var initClient = S3Backend.client(endpoint, Region.US_EAST_1, CREDENTIALS);
        assertThatThrownBy(() -> Repository.init(new S3Backend(initClient, "vault", "opened", "s3://vault/opened"), TestTrees.PASSWORD,
                TestTrees.FAST_KDF, "s3")).hasMessage("a repository already exists at s3://vault/opened");
        for (var client : List.of(openedClient, initClient)) {
            // shut down: its idle thread may take a moment more to end ("Shutting down, pool size = 1" on a busy machine)
            assertThatThrownBy(() -> client.headBucket(r -> r.bucket("vault"))).as("closed: its scheduler shut down")
                    .isInstanceOf(java.util.concurrent.RejectedExecutionException.class).hasMessageMatching("(?s).*\\[(Shutting down|Terminated), .*");
        }
    }

    @Test
    void wrongCredentialsAreOneLineThatSaysSo() {
        S3Backend wrong = new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "not-the-secret"))), "vault", "team-a", "s3://vault/team-a");
        assertThatThrownBy(() -> Repository.open(wrong, TestTrees.PASSWORD))
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith("cannot stat s3://vault/team-a/config: access denied (Forbidden (Service: S3, Status Code: 403")
                .hasMessageEndingWith("): check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
                        + " and what the bucket's policy allows them")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void noCredentialsAreOneLineThatSaysWhereToPutThem() {
        // the SDK's own provider of the first link of its default chain; its message lists every provider it tried
        S3Backend none = new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1,
                software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider.create()), "vault", "team-a", "s3://vault/team-a");
        assertThatThrownBy(() -> Repository.open(none, TestTrees.PASSWORD))
                .isInstanceOf(BackendException.class)
                .hasMessage("cannot stat s3://vault/team-a/config: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                        + " or AWS_PROFILE for a profile in ~/.aws/credentials");
    }

    /** AWS_PROFILE naming a profile the credentials file does not have read "set … AWS_PROFILE", which was set (a helper's). */
    @Test
    void aProfileThatIsNotThereIsNamed() throws Exception {
        Path credentials = Files.writeString(tmp.resolve("credentials"), "[ops]\naws_access_key_id = access\naws_secret_access_key = secret\n");
        var file = software.amazon.awssdk.profiles.ProfileFile.builder().content(credentials)
                .type(software.amazon.awssdk.profiles.ProfileFile.Type.CREDENTIALS).build();
        S3Backend absent = new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1,
                software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().profileFile(file).profileName("opps").build()),
                "vault", "team-a", "s3://vault/team-a");
        assertThatThrownBy(() -> Repository.open(absent, TestTrees.PASSWORD))
                .isInstanceOf(BackendException.class)
                .hasMessage("cannot stat s3://vault/team-a/config: no S3 credentials: the profile opps (AWS_PROFILE) is not in"
                        + " ~/.aws/credentials or ~/.aws/config, or holds no keys there: name a profile that is, or set AWS_ACCESS_KEY_ID"
                        + " and AWS_SECRET_ACCESS_KEY");
    }

    /** A HEAD of the config answers 404 whether the bucket or the config is missing: the bucket is asked after. */
    @Test
    void aRepositoryInABucketThatDoesNotExistSaysSo() {
        S3Backend nowhere = new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1, CREDENTIALS), "no-such-bucket", "x/", "s3://no-such-bucket/x");
        assertThatThrownBy(() -> Repository.open(nowhere, TestTrees.PASSWORD))
                .hasMessage("no vault repository at s3://no-such-bucket/x: the store has no bucket no-such-bucket");
    }

    @Test
    void aMissingBucketIsNamed() {
        S3Backend nowhere = new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1, CREDENTIALS), "no-such-bucket", "x/", "s3://no-such-bucket/x");
        assertThatThrownBy(() -> Repository.init(nowhere, TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3"))
                .isInstanceOf(BackendException.class)
                .hasMessageEndingWith(": the store has no bucket no-such-bucket");
    }

    /** A wrong region: AWS answers 301 PermanentRedirect naming the bucket's, which was shown as "Moved Permanently (Service: S3 …" (a helper's). */
    @Test
    void aBucketInAnotherRegionNamesItsRegion() throws Exception {
        HttpServer aws = answering(ex -> {
            ex.getResponseHeaders().add("x-amz-bucket-region", "eu-central-1");
            ex.getResponseHeaders().add("x-amz-request-id", "0A49CE4060975EAC");
            ex.sendResponseHeaders(301, -1);
            ex.close();
        });
        try {
            URI where = URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
            assertThatThrownBy(() -> Repository.open(backend(where, "team-a"), TestTrees.PASSWORD))
                    .isInstanceOf(BackendException.class)
                    .hasMessage("cannot stat s3://vault/team-a/config: the bucket is in region eu-central-1, not us-east-1:"
                            + " set AWS_REGION=eu-central-1");
        } finally {
            aws.stop(0);
        }
    }

    /**
     * A pack a lifecycle rule moved to GLACIER answers GetObject with 403 InvalidObjectState, which read "access denied …
     * check the credentials" (a tester's): it is named an archived object, to be restored from the archive.
     */
    @Test
    void anArchivedObjectIsNamedSoNotAccessDenied() throws Exception {
        HttpServer aws = answering(ex -> {
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidObjectState</Code><Message>The operation is"
                    + " not valid for the object's storage class</Message><StorageClass>GLACIER</StorageClass></Error>").getBytes();
            ex.getResponseHeaders().add("x-amz-request-id", "0A49CE4060975EAC");
            ex.getResponseHeaders().add("Content-Type", "application/xml");
            ex.sendResponseHeaders(403, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        try {
            URI where = URI.create("http://127.0.0.1:" + aws.getAddress().getPort());
            assertThatThrownBy(() -> backend(where, "team-a").read("data/0a/0a49"))
                    .isInstanceOf(BackendException.class)
                    .hasMessage("cannot read s3://vault/team-a/data/0a/0a49: the object is in an archive storage class (GLACIER or"
                            + " DEEP_ARCHIVE: a lifecycle rule moved it there), which cannot be read: restore it from the archive"
                            + " (`aws s3api restore-object`, or the store's own way) and run the command again once it is readable");
        } finally {
            aws.stop(0);
        }
    }

    /**
     * An https endpoint whose certificate the JVM does not trust read "cannot reach the S3 store (… PKIX path building
     * failed …)", with no word of trust nor of the remedy (a tester's): it names the host and the trust store. It is said
     * after one handshake: the SDK made four, with its backoff between them, and a certificate does not fix itself.
     */
    @Test
    void anUntrustedCertificateIsNamedWithItsRemedyAfterOneHandshake() throws Exception {
        Path keys = tmp.resolve("store.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "s3", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "30", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "kspass", "-keypass", "kspass")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(keytool.waitFor()).isZero();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keys)) {
            store.load(in, "kspass".toCharArray());
        }
        var keyManagers = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "kspass".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        var https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var handshakes = new java.util.concurrent.atomic.AtomicInteger();
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) { // once a connection, before its handshake
                handshakes.incrementAndGet();
                super.configure(params);
            }
        });
        https.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        https.start();
        try {
            URI where = URI.create("https://127.0.0.1:" + https.getAddress().getPort());
            assertThatThrownBy(() -> backend(where, "team-a").read("config"))
                    .isInstanceOf(BackendException.class)
                    .hasMessage("cannot read s3://vault/team-a/config: the certificate of 127.0.0.1 is not trusted: put the CA that"
                            + " signed it in a trust store and give it to the vault, OPSLEDGER_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=FILE"
                            + " -Djavax.net.ssl.trustStorePassword=PASSWORD\" (docs/operations.md; AWS_CA_BUNDLE is not read)");
            assertThat(handshakes.get()).as("connections the vault opened").isEqualTo(1);
        } finally {
            https.stop(0);
        }
    }

    /** What may pass is still asked again, as the SDK does: a 503 (the store busy) and a connection reset before any answer. */
    @Test
    void aBusyStoreOrAResetConnectionIsStillRetried() throws Exception {
        var requests = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer busy = answering(ex -> {
            requests.incrementAndGet();
            ex.getResponseHeaders().add("x-amz-request-id", "0A49CE4060975EAC");
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        try {
            assertThatThrownBy(() -> backend(URI.create("http://127.0.0.1:" + busy.getAddress().getPort()), "team-a").read("config"))
                    .isInstanceOf(BackendException.class);
            assertThat(requests.get()).as("503: the SDK's attempts")
                    .isEqualTo(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.defaultRetryStrategy().maxAttempts()).isGreaterThan(1);
        } finally {
            busy.stop(0);
        }
        try (var resetting = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var accepted = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!resetting.isClosed()) {
                    try (java.net.Socket s = resetting.accept()) {
                        accepted.incrementAndGet();
                        s.setSoLinger(true, 0); // closed with a RST
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            assertThatThrownBy(() -> backend(URI.create("http://127.0.0.1:" + resetting.getLocalPort()), "team-a").read("config"))
                    .isInstanceOf(BackendException.class);
            assertThat(accepted.get()).as("reset: connections").isGreaterThan(1);
        }
    }

    /**
     * `key retire` on a versioned bucket said "its key is destroyed" while the keyring's noncurrent versions held it (a
     * tester's): the bucket is asked (GetBucketVersioning), and Enabled or Suspended is said with what it means. s3proxy
     * 4.1 keeps no versions; a bucket with versioning is a local endpoint answering as S3 does.
     */
    @Test
    void aBucketKeepingOldVersionsIsSaidToHoldTheRetiredKey() throws Exception {
        assertThat(backend(endpoint, "versions").keepsOldVersions()).isNull();
        for (String status : List.of("Enabled", "Suspended")) {
            HttpServer aws = answering(ex -> {
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        + "<Status>" + status + "</Status></VersioningConfiguration>").getBytes();
                ex.getResponseHeaders().add("x-amz-request-id", "0A49CE4060975EAC");
                ex.sendResponseHeaders(ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("versioning") ? 200 : 400,
                        body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            try {
                String kept = backend(URI.create("http://127.0.0.1:" + aws.getAddress().getPort()), "versions").keepsOldVersions();
                assertThat(kept).isEqualTo("the bucket vault has versioning " + status);
                assertThat(org.opsledger.vault.repository.Disposal.but(org.opsledger.vault.repository.Disposal.oldVersions(kept,
                        "the keyring"))).isEqualTo("; but the bucket vault has"
                        + " versioning " + status + ": the noncurrent versions of the keyring hold the key until a lifecycle rule expires"
                        + " them (vault-format.md §3)");
            } finally {
                aws.stop(0);
            }
        }
    }

    /**
     * A local repository with the keyring.shredding a killed `key rotate` left (the old keyring, epoch 1's key) uploaded to
     * a bucket file by file: check there said nothing, and `key retire 1` ended with it still in the bucket byte for byte,
     * which put as keyring beside old packs restored them (a tester's). Check names it, and the retirement deletes it.
     */
    @Test
    void aReplacedKeyringUploadedWithTheRepositoryIsNamedByCheckAndDestroyedByTheRetirement() throws Exception {
        firstBackup("uploaded", TestTrees.sample(tmp.resolve("src/data")));
        S3Backend bucket = backend(endpoint, "uploaded"); // the upload's own client (a repository closes its backend)
        byte[] withEpoch1 = bucket.read("keyring");
        try (Repository repo = Repository.open(backend(endpoint, "uploaded"), TestTrees.PASSWORD)) {
            new org.opsledger.vault.repository.KeyEpochs(repo).rotate();
        }
        bucket.write("keyring.shredding", withEpoch1);
        try (Repository repo = Repository.open(backend(endpoint, "uploaded"), TestTrees.PASSWORD)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.startsWith("keyring.shredding is a keyring a killed `key rotate`"));
            new org.opsledger.vault.repository.KeyEpochs(repo).retire(1);
            assertThat(repo.backend().exists("keyring.shredding")).isFalse();
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("keyring.shredding"));
        }
    }

    /** A sync tool's leftover in snapshots/ stops forget and prune, which name it by its place in the bucket (a tester's). */
    @Test
    void aLeftoverInSnapshotsIsNamedByItsPlaceInTheBucket() throws Exception {
        firstBackup("synced", TestTrees.sample(tmp.resolve("src/data")));
        backend(endpoint, "synced").write("snapshots/.DS_Store", new byte[] {1});
        try (Repository repo = Repository.open(backend(endpoint, "synced"), TestTrees.PASSWORD)) {
            assertThatThrownBy(repo::snapshots).hasMessageStartingWith("s3://vault/synced/snapshots/.DS_Store is not named by a snapshot ID");
        }
    }

    /** An endpoint that is an ordinary web server answers 404 to everything: that was "the store has no bucket" (a helper's). */
    @Test
    void anEndpointThatIsNoS3StoreIsNamed() throws Exception {
        HttpServer web = answering(ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        try {
            URI where = URI.create("http://127.0.0.1:" + web.getAddress().getPort());
            assertThatThrownBy(() -> Repository.open(backend(where, "team-a"), TestTrees.PASSWORD))
                    .hasMessage("no vault repository at s3://vault/team-a: the endpoint " + where + " did not answer as an S3 store"
                            + " (a 404 without x-amz-request-id): check OPSLEDGER_VAULT_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3,"
                            + " AWS_ENDPOINT_URL, the profile's services section or endpoint_url)");
            assertThatThrownBy(() -> Repository.init(backend(where, "team-a"), TestTrees.PASSWORD, TestTrees.FAST_KDF, "s3"))
                    .hasMessageEndingWith(": the endpoint " + where + " did not answer as an S3 store (a 404 without x-amz-request-id):"
                            + " check OPSLEDGER_VAULT_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3,"
                            + " AWS_ENDPOINT_URL, the profile's services section or endpoint_url)"); // init's first request a listing (a re-tester's)
        } finally {
            web.stop(0);
        }
    }

    /** An endpoint's path may hold a gateway's token: the store is named by scheme://host:port alone (a tester's). */
    @Test
    void anEndpointIsNamedWithoutItsPath() throws Exception {
        HttpServer web = answering(ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        try {
            String where = "http://127.0.0.1:" + web.getAddress().getPort();
            assertThatThrownBy(() -> Repository.open(backend(URI.create(where + "/gw/TopSecret99"), "team-a"), TestTrees.PASSWORD))
                    .hasMessage("no vault repository at s3://vault/team-a: the endpoint " + where + " did not answer as an S3 store"
                            + " (a 404 without x-amz-request-id): check OPSLEDGER_VAULT_S3_ENDPOINT (or AWS_ENDPOINT_URL_S3,"
                            + " AWS_ENDPOINT_URL, the profile's services section or endpoint_url)");
        } finally {
            web.stop(0);
        }
    }
}
