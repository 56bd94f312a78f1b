package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.backend.S3Backend;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.SnapshotRef;
import software.amazon.awssdk.regions.Region;

/**
 * IS.012 6.6.7 on S3 stores with Object Lock: the store's own legal hold on a held snapshot's
 * objects. s3proxy 4.1.0 has no Object Lock (it answers NotImplemented), so the repository logic
 * runs on a local backend that records holds per object version, and the S3 requests themselves
 * are checked against a small HTTP endpoint that answers as S3 does.
 */
class StoreLegalHoldTest {

    @TempDir
    Path tmp;

    /** A local repository whose "store" keeps object versions and legal holds as a bucket with Object Lock does. */
    static class LockingBackend extends ForwardingBackend {
        final Map<String, Integer> versions = new HashMap<>();
        final Set<String> held = Collections.synchronizedSet(new HashSet<>()); // "name@version"

        LockingBackend(LocalBackend local) {
            super(local);
        }

        @Override
        public synchronized void write(String name, byte[] data, int off, int len) {
            local.write(name, data, off, len);
            versions.merge(name, 1, Integer::sum);
        }

        @Override public boolean supportsLegalHold() { return true; }

        /** Version IDs of this bucket start with it: a repository copied from another bucket names versions not here. */
        String bucket = "v";

        /** The current version of a file; one copied into the directory by another tool is version 0. */
        synchronized String version(String name) {
            return bucket + versions.getOrDefault(name, 0);
        }

        @Override
        public synchronized String placeLegalHold(String name) {
            String v = version(name);
            held.add(name + "@" + v);
            return v;
        }

        @Override
        public void liftLegalHold(String name, String versionId) {
            if (!versionId.startsWith(bucket)) { // as S3Backend says a version the bucket answers 404 for
                throw new MissingFileException(location(), name + " version " + versionId, null);
            }
            assertThat(held.remove(name + "@" + versionId)).as("lifting a hold that was placed: " + name).isTrue();
        }

        @Override
        public boolean legalHoldOn(String name) {
            return held.contains(name + "@" + version(name));
        }
    }

    private Path dataWith(String file, long seed) throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve(file), TestTrees.random(seed, 1_500_000));
        return data;
    }

    private LockingBackend lockingStore() {
        LocalBackend local = new LocalBackend(tmp.resolve("repo"));
        local.createRoot();
        return new LockingBackend(local);
    }

    @Test
    void holdPlacesTheStoresLegalHoldOnTheSnapshotAndItsPacksAndReleaseLiftsOnlyWhatNoOtherHoldNeeds() throws Exception {
        Path data = dataWith("shared.bin", 1);
        LockingBackend store = lockingStore();
        try (Repository repo = Repository.init(store, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef first = TestTrees.backup(repo, data);
            Files.write(data.resolve("only-second.bin"), TestTrees.random(2, 1_500_000));
            SnapshotRef second = TestTrees.fullBackup(repo, data);

            LegalHold h1 = repo.hold(first, "matter A", "counsel");
            List<String> objects = repo.objectsOf(first);
            assertThat(objects).contains("snapshots/" + first.id().hex()).anyMatch(n -> n.startsWith("data/"));
            assertThat(h1.storeHolds()).extracting(LegalHold.StoreHold::name).containsExactlyElementsOf(objects);
            assertThat(store.held).hasSize(objects.size());
            // the record keeps the versions, so release works whatever happened to the names since
            assertThat(repo.holds().get(first.id()).storeHolds()).isEqualTo(h1.storeHolds());

            repo.hold(second, "matter B", "counsel");
            Set<String> shared = new HashSet<>(repo.objectsOf(first));
            shared.retainAll(repo.objectsOf(second));
            assertThat(shared).as("the second snapshot reuses the first one's data pack").isNotEmpty();

            repo.release(first);
            for (String name : repo.objectsOf(second)) {
                assertThat(store.held).as("still held for matter B: " + name).anyMatch(h -> h.startsWith(name + "@"));
            }
            assertThat(store.held).noneMatch(h -> h.startsWith("snapshots/" + first.id().hex()));
            repo.release(second);
            assertThat(store.held).isEmpty();

            // held for two matters: the store's holds stay until the last one is released
            repo.hold(first, "matter A", "counsel");
            int placed = store.held.size();
            assertThat(repo.hold(first, "matter D", "auditor").storeHolds()).hasSize(placed);
            repo.release(first.id(), "matter A");
            assertThat(store.held).as("still held for matter D").hasSize(placed);
            repo.release(first.id(), "matter D");
            assertThat(store.held).isEmpty();
        }
    }

    private static final String NO_STORE_HOLD = "has no S3 legal hold in";

    /**
     * A held snapshot whose files were copied into a bucket with Object Lock by another tool (aws s3 sync) has no S3 legal
     * hold there: check said no errors, `hold` with the same reason said nothing changed, and a client deleted the held
     * object version (a tester's). Check warns of it; hold again places the store's holds (IS.012 6.6.7).
     */
    @Test
    void aHeldSnapshotCopiedIntoABucketWithObjectLockIsWarnedOfAndHoldAgainPlacesTheStoresHolds() throws Exception {
        Path data = dataWith("evidence.bin", 7);
        LocalBackend plain = new LocalBackend(tmp.resolve("repo"));
        plain.createRoot();
        SnapshotRef held;
        try (Repository repo = Repository.init(plain, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            held = TestTrees.backup(repo, data);
            assertThat(repo.hold(held, "matter F", "counsel").storeHoldsOrEmpty()).isEmpty();
        }
        LockingBackend bucket = new LockingBackend(new LocalBackend(tmp.resolve("repo"))); // the same files, now in the bucket
        try (Repository repo = Repository.open(bucket, TestTrees.PASSWORD)) {
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.contains(held.shortId()) && w.contains(NO_STORE_HOLD));
            LegalHold again = repo.hold(held, "matter F", "counsel");
            List<String> objects = repo.objectsOf(held);
            assertThat(again.storeHoldsOrEmpty()).extracting(LegalHold.StoreHold::name).containsExactlyElementsOf(objects);
            assertThat(bucket.held).hasSize(objects.size());
            assertThat(repo.holds().get(held.id()).storeHoldsOrEmpty()).isEqualTo(again.storeHoldsOrEmpty());
            assertThat(again.matters()).hasSize(1);
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains(NO_STORE_HOLD));
        }
    }

    /** A key retirement in such a bucket places the store's holds a record copied in without them lacks, as hold does. */
    @Test
    void keyRetirementPlacesTheStoresHoldsOfAHoldCopiedInWithoutThem() throws Exception {
        Path data = dataWith("evidence.bin", 8);
        LocalBackend plain = new LocalBackend(tmp.resolve("repo"));
        plain.createRoot();
        try (Repository repo = Repository.init(plain, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            repo.hold(TestTrees.backup(repo, data), "matter G", "counsel");
        }
        LockingBackend bucket = new LockingBackend(new LocalBackend(tmp.resolve("repo")));
        try (Repository repo = Repository.open(bucket, TestTrees.PASSWORD)) {
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
            SnapshotRef moved = repo.snapshots().getFirst();
            List<String> after = repo.objectsOf(moved);
            assertThat(repo.holds().get(moved.id()).storeHoldsOrEmpty()).extracting(LegalHold.StoreHold::name).containsExactlyElementsOf(after);
            assertThat(bucket.held).hasSize(after.size());
        }
    }

    /**
     * A repository moved off a bucket with Object Lock (aws s3 sync to a local disk): its hold records name S3 legal holds
     * of that bucket. Release failed "has no object-level legal hold", so the snapshot could never be forgotten, and the
     * first key retire failed after re-sealing (a tester's). Release and retire go on, saying the holds stay in that bucket.
     */
    @Test
    void aHoldMovedOffABucketWithObjectLockIsReleasedAndRetiredSayingTheStoresHoldsStayThere() throws Exception {
        Path data = dataWith("evidence.bin", 9);
        LockingBackend bucket = lockingStore();
        SnapshotRef held;
        SnapshotRef other;
        try (Repository repo = Repository.init(bucket, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            held = TestTrees.backup(repo, data);
            Files.write(data.resolve("more.bin"), TestTrees.random(10, 100_000));
            other = TestTrees.fullBackup(repo, data);
            repo.hold(held, "matter H", "counsel");
            repo.hold(other, "matter I", "counsel");
        }
        List<String> notices = new ArrayList<>();
        try (Repository repo = Repository.open(new LocalBackend(tmp.resolve("repo")), TestTrees.PASSWORD)) {
            repo.onNotice(notices::add);
            repo.release(held);
            assertThat(repo.holds()).doesNotContainKey(held.id());
            assertThat(notices).anyMatch(n -> n.contains("keeps none") && n.contains("lift them there"));
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
            assertThat(repo.holds()).hasSize(1);
        }
    }

    /** The same, copied to another bucket with Object Lock: the versions the record names are not there (S3 404). */
    @Test
    void aHoldCopiedFromAnotherBucketIsReleasedSayingItsVersionsAreNotHere() throws Exception {
        Path data = dataWith("evidence.bin", 11);
        LockingBackend first = lockingStore();
        SnapshotRef held;
        try (Repository repo = Repository.init(first, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            held = TestTrees.backup(repo, data);
            repo.hold(held, "matter J", "counsel");
        }
        LockingBackend second = new LockingBackend(new LocalBackend(tmp.resolve("repo")));
        second.bucket = "other-";
        List<String> notices = new ArrayList<>();
        try (Repository repo = Repository.open(second, TestTrees.PASSWORD)) {
            repo.onNotice(notices::add);
            repo.release(held);
            assertThat(repo.holds()).isEmpty();
            assertThat(notices).isNotEmpty().allMatch(n -> n.contains("is not in") && n.contains("was not lifted"));
        }
    }

    /** A hold taken back because a forget removed its snapshot meanwhile takes back the store's holds it placed too. */
    @Test
    void aHoldTakenBackForASnapshotForgottenMeanwhileLiftsTheStoresHolds() throws Exception {
        Path data = dataWith("one.bin", 3);
        LocalBackend local = new LocalBackend(tmp.resolve("repo"));
        local.createRoot();
        LockingBackend store = new LockingBackend(local) {
            @Override
            public synchronized void write(String name, byte[] d, int off, int len) {
                if (name.startsWith("holds/")) { // as a forget deletes it once the hold looked for it
                    local.delete("snapshots/" + name.substring("holds/".length()));
                }
                super.write(name, d, off, len);
            }
        };
        try (Repository repo = Repository.init(store, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef s = TestTrees.backup(repo, data);
            assertThatThrownBy(() -> repo.hold(s, "matter A", "counsel")).hasMessageContaining("no hold placed");
            assertThat(store.held).as("no object version left held for a hold that is not").isEmpty();
            assertThat(repo.holds()).isEmpty();
        }
    }

    /** A store that refuses the second PutObjectLegalHold (403), and with {@code liftToo} every lift as well. */
    private LockingBackend refusingTheSecondHold(boolean liftToo) {
        LocalBackend local = new LocalBackend(tmp.resolve("repo"));
        local.createRoot();
        return new LockingBackend(local) {
            @Override
            public synchronized String placeLegalHold(String name) {
                if (held.size() == 1) {
                    throw new BackendException("cannot place an S3 legal hold on s3://locked/team/" + name + ": access denied");
                }
                return super.placeLegalHold(name);
            }

            @Override
            public void liftLegalHold(String name, String versionId) {
                if (liftToo) {
                    throw new BackendException("cannot lift the S3 legal hold on s3://locked/team/" + name + ": access denied");
                }
                super.liftLegalHold(name, versionId);
            }
        };
    }

    /** A hold that failed partway left the S3 legal holds it had placed with no hold record naming them (a helper's). */
    @Test
    void aHoldThatFailsPartwayLiftsTheStoresHoldsItPlaced() throws Exception {
        LockingBackend store = refusingTheSecondHold(false);
        try (Repository repo = Repository.init(store, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef s = TestTrees.backup(repo, dataWith("one.bin", 4));
            assertThatThrownBy(() -> repo.hold(s, "matter A", "counsel"))
                    .hasMessageStartingWith("cannot place an S3 legal hold on s3://locked/team/")
                    .hasMessageEndingWith(": access denied; the 1 S3 legal hold(s) placed before it were lifted");
            assertThat(store.held).as("no object version left held with no record naming it").isEmpty();
            assertThat(repo.holds()).isEmpty();
        }
    }

    @Test
    void aHoldThatFailsPartwayAndCannotLiftNamesTheVersionsStillHeld() throws Exception {
        LockingBackend store = refusingTheSecondHold(true);
        try (Repository repo = Repository.init(store, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef s = TestTrees.backup(repo, dataWith("one.bin", 4));
            String first = repo.objectsOf(s).getFirst();
            assertThatThrownBy(() -> repo.hold(s, "matter A", "counsel"))
                    .hasMessageEndingWith(": access denied; lifting the S3 legal holds placed before it failed too: " + first
                            + " version v1 stay held with no hold record naming them; lift them in the store (PutObjectLegalHold OFF)");
            assertThat(store.held).containsExactly(first + "@v1");
            assertThat(repo.holds()).isEmpty();
        }
    }

    @Test
    void keyRetirementMovesTheStoresHoldsToTheNewObjects() throws Exception {
        Path data = dataWith("evidence.bin", 3);
        LockingBackend store = lockingStore();
        try (Repository repo = Repository.init(store, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef held = TestTrees.backup(repo, data);
            repo.hold(held, "matter C", "counsel");
            List<String> before = repo.objectsOf(held);
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1);
            SnapshotRef moved = repo.snapshots().getFirst();
            assertThat(moved.id()).isNotEqualTo(held.id());
            List<String> after = repo.objectsOf(moved);
            assertThat(after).doesNotContainAnyElementsOf(before);
            LegalHold h = repo.holds().get(moved.id());
            assertThat(h.storeHolds()).extracting(LegalHold.StoreHold::name).containsExactlyElementsOf(after);
            assertThat(store.held).hasSize(after.size()).allMatch(x -> after.contains(x.substring(0, x.indexOf('@'))));
        }
    }

    /**
     * A prune that repacks moves a held snapshot's data into new packs: no store hold covered them, and the hold record
     * named packs the prune then deleted (a helper's, through a proxy that gives s3proxy Object Lock). The store's holds
     * follow the data, as after a key retirement.
     */
    @Test
    void aPruneThatRepacksMovesTheStoresHoldsToTheNewPacks() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("keep.bin"), TestTrees.random(5, 100_000));
        Files.write(data.resolve("gone.bin"), TestTrees.random(6, 400_000)); // one pack with keep.bin's bytes
        LockingBackend store = lockingStore();
        try (Repository repo = Repository.init(store, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef first = TestTrees.backup(repo, data);
            Files.delete(data.resolve("gone.bin"));
            SnapshotRef held = TestTrees.backup(repo, data);
            repo.hold(held, "matter E", "counsel");
            List<String> before = repo.objectsOf(held);
            repo.deleteSnapshotUnlessHeld(first.id());
            assertThat(new org.opsledger.vault.prune.Pruner(repo).prune().packsRepacked()).isPositive();
            List<String> after = repo.objectsOf(held);
            assertThat(after).isNotEqualTo(before);
            assertThat(repo.holds().get(held.id()).storeHolds()).extracting(LegalHold.StoreHold::name).containsExactlyElementsOf(after);
            assertThat(store.held).hasSize(after.size()).allMatch(x -> after.contains(x.substring(0, x.indexOf('@'))));
        }
    }

    @Test
    void theS3RequestsAreGetObjectLockConfigurationHeadAndPutObjectLegalHoldWithTheVersion() throws Exception {
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = S3BackendTest.answering(ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            URI u = ex.getRequestURI();
            // the body's Content-MD5: S3 requires a checksum of PutObjectLegalHold, and stores older than the
            // SDK's CRC32 default (MinIO of December 2024, for one) accept only this one
            String md5 = ex.getRequestHeaders().getFirst("Content-MD5");
            requests.add(ex.getRequestMethod() + " " + u.getPath() + "?" + u.getQuery() + " " + body.replaceAll("\\s+", "")
                    + (md5 != null && md5.equals(Base64.getEncoder().encodeToString(md5Of(body))) ? " +md5" : ""));
            byte[] reply = new byte[0];
            if ("object-lock".equals(u.getQuery()) || "object-lock=".equals(u.getQuery())) {
                reply = "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"
                        .getBytes(StandardCharsets.UTF_8);
            }
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("x-amz-version-id", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
                ex.getResponseHeaders().add("Content-Length", "10");
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
                ex.getResponseBody().write(reply);
            }
            ex.close();
        });
        try (S3Backend b = new S3Backend(S3Backend.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Region.US_EAST_1, S3BackendTest.CREDENTIALS), "locked", "team", "s3://locked/team")) {
            assertThat(b.supportsLegalHold()).isTrue();
            String version = b.placeLegalHold("data/ab/abcd");
            assertThat(version).isEqualTo("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
            b.liftLegalHold("data/ab/abcd", version);
        } finally {
            server.stop(0);
        }
        assertThat(requests).hasSize(4);
        assertThat(requests.get(0)).startsWith("GET /locked?object-lock");
        assertThat(requests.get(1)).startsWith("HEAD /locked/team/data/ab/abcd");
        assertThat(requests.get(2)).startsWith("PUT /locked/team/data/ab/abcd?legal-hold")
                .contains("versionId=3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY").contains("<Status>ON</Status>").endsWith("+md5");
        assertThat(requests.get(3)).contains("<Status>OFF</Status>").endsWith("+md5");
    }

    /** 403 on GetObjectLockConfiguration cannot tell whether the bucket has Object Lock: taken for "none", hold placed no S3 hold (a helper's). */
    @Test
    void aDeniedGetObjectLockConfigurationIsAnErrorNamingThePermissionNotNoObjectLock() throws Exception {
        HttpServer server = S3BackendTest.answering(ex -> {
            byte[] reply = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("x-amz-request-id", "4442587FB7D0A2F9");
            ex.sendResponseHeaders(403, reply.length);
            ex.getResponseBody().write(reply);
            ex.close();
        });
        try (S3Backend b = new S3Backend(S3Backend.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Region.US_EAST_1, S3BackendTest.CREDENTIALS), "locked", "team", "s3://locked/team")) {
            assertThatThrownBy(b::supportsLegalHold)
                    .hasMessageStartingWith("cannot tell whether the bucket of s3://locked/team has Object Lock: GetObjectLockConfiguration"
                            + " was denied (Access Denied (Service: S3, Status Code: 403")
                    .hasMessageEndingWith("): allow s3:GetBucketObjectLockConfiguration on bucket locked to these credentials");
        } finally {
            server.stop(0);
        }
    }

    /**
     * AWS refuses a PutObject without Content-MD5 or x-amz-checksum-* on a bucket with Object Lock default retention
     * (a helper's): on a bucket with Object Lock each PutObject, written whole or spooled, carries the body's Content-MD5.
     */
    @Test
    void everyPutObjectCarriesContentMd5OnABucketWithObjectLock() throws Exception {
        for (boolean locked : List.of(true, false)) {
            List<String> md5s = Collections.synchronizedList(new ArrayList<>());
            HttpServer server = S3BackendTest.answering(ex -> {
                ex.getRequestBody().readAllBytes();
                byte[] reply = new byte[0];
                if (ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().startsWith("object-lock")) {
                    reply = (locked ? "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"
                            : "<Error><Code>ObjectLockConfigurationNotFoundError</Code></Error>").getBytes(StandardCharsets.UTF_8);
                } else if (ex.getRequestMethod().equals("PUT")) {
                    md5s.add(ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Content-MD5"));
                }
                ex.getResponseHeaders().add("x-amz-request-id", "4442587FB7D0A2F9");
                ex.sendResponseHeaders(locked || reply.length == 0 ? 200 : 404, reply.length == 0 ? -1 : reply.length);
                ex.getResponseBody().write(reply);
                ex.close();
            });
            try (S3Backend b = new S3Backend(S3Backend.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                    Region.US_EAST_1, S3BackendTest.CREDENTIALS), "locked", "team", "s3://locked/team")) {
                b.write("keys/k1", "a key slot".getBytes(StandardCharsets.UTF_8), 0, 10);
                try (var upload = b.upload()) {
                    upload.write("a pack's ".getBytes(StandardCharsets.UTF_8), 0, 9);
                    upload.write("bytes".getBytes(StandardCharsets.UTF_8), 0, 5);
                    upload.commit("data/ab/abcd");
                }
            } finally {
                server.stop(0);
            }
            java.util.function.Function<String, String> sent = body -> locked ? Base64.getEncoder().encodeToString(md5Of(body)) : null;
            assertThat(md5s).as("Object Lock: " + locked).containsExactly("/locked/team/keys/k1 " + sent.apply("a key slot"),
                    "/locked/team/data/ab/abcd " + sent.apply("a pack's bytes"));
        }
    }

    private static byte[] md5Of(String body) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
