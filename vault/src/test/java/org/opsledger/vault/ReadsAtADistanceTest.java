package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * What a command asks of a store at a distance (an S3 bucket 25 ms away, a helper's): each snapshot and index file it needs
 * read once, several at a time, and a snapshot named by its ID read alone. Counted with a wrapper of the local store,
 * whose reads, where a test looks for several at a time, are held until another is in flight beside them: never timed.
 */
class ReadsAtADistanceTest {

    static final int SNAPSHOTS = 12;

    @TempDir
    Path tmp;

    /**
     * The local store at {@code dir}, counting the reads and the listings of {@code dir}/ and the most reads of it at once.
     * Made {@link #seeingSeveralAtOnce}, each read of {@code dir}/ is held until a second is in flight beside it, a minute at
     * most for them all: reads made at once are seen at once whatever the machine's load, and reads made one after another
     * never (the first waits its minute alone, and the most at once stays 1). Each read was held 20 ms, and under load the
     * thread of the next read could start after the first had ended.
     */
    static final class Counting extends ForwardingBackend {
        final String dir;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger listings = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        private final java.util.concurrent.CountDownLatch twoAtOnce = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicLong holdUntil = new java.util.concurrent.atomic.AtomicLong();
        private boolean holding;

        Counting(Path repo, String dir) {
            super(new LocalBackend(repo));
            this.dir = dir;
        }

        /** This store, its reads of {@code dir}/ held until two are in flight at once (a minute at most, in all). */
        Counting seeingSeveralAtOnce() {
            holding = true;
            return this;
        }

        @Override
        public byte[] read(String name) {
            if (!name.startsWith(dir + "/")) {
                return super.read(name);
            }
            reads.incrementAndGet();
            if (mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max) > 1) {
                twoAtOnce.countDown();
            }
            try {
                if (holding) {
                    holdUntil.compareAndSet(0, System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
                    twoAtOnce.await(Math.max(0, holdUntil.get() - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                }
                return super.read(name);
            } catch (InterruptedException e) {
                throw new Cancelled("a read", e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public List<String> list(String d) {
            if (d.equals(dir)) {
                listings.incrementAndGet();
            }
            return super.list(d);
        }
    }

    /** {@code SNAPSHOTS} snapshots of one small tree, an hour apart, saved in reverse order of their times. */
    private List<SnapshotRef> snapshots(Path repoDir) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.txt"), TestTrees.text(1, 1_000));
        List<SnapshotRef> made = new ArrayList<>();
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            Snapshot first = TestTrees.backup(repo, data).snapshot();
            for (int i = SNAPSHOTS - 1; i >= 1; i--) {
                Snapshot s = TestTrees.forged(first, first.time().plusSeconds(3600L * i), first.tree(), first.hostname());
                made.add(new SnapshotRef(repo.saveSnapshot(s), s));
            }
        }
        return made;
    }

    @Test
    void aSnapshotNamedByItsIdOrAPrefixOnlyItsFileHasIsReadAlone() throws Exception {
        Path repoDir = tmp.resolve("repo");
        List<SnapshotRef> made = snapshots(repoDir);
        SnapshotRef wanted = made.get(3);
        Counting counting = new Counting(repoDir, "snapshots");
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            assertThat(repo.findSnapshot(wanted.id().hex()).id()).isEqualTo(wanted.id());
            assertThat(counting.reads).as("a full ID: its file alone").hasValue(1);
            assertThat(repo.findSnapshot(wanted.id().hex().substring(0, 12).toUpperCase()).id()).isEqualTo(wanted.id());
            assertThat(counting.reads).as("a prefix only its file's name has: its file alone").hasValue(2);
            assertThat(repo.findSnapshot("latest").snapshot().time()).isEqualTo(made.getFirst().snapshot().time());
            assertThat(counting.reads).as("'latest' needs every record").hasValue(2 + SNAPSHOTS);
        }
        // an ID whose file does not read is refused, as when every file was read
        Path file = repoDir.resolve("snapshots/" + wanted.id().hex());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> repo.findSnapshot(wanted.id().hex()))
                    .hasMessage("snapshot file snapshots/" + wanted.id().hex() + ": does not match its SHA-256 name"
                            + " (damaged, or altered or copied under another name)");
            assertThatThrownBy(() -> repo.findSnapshot("0000000000000000000000000000000000000000000000000000000000000000"))
                    .hasMessage("no snapshot 0000000000000000000000000000000000000000000000000000000000000000");
        }
    }

    /**
     * A prefix no snapshot file's name has, or several have, is told in one listing of snapshots/: the files were listed
     * once to look for a file of its own, and again with every file read for the message.
     */
    @Test
    void aPrefixOfSeveralSnapshotsOrOfNoneIsToldInOneListing() throws Exception {
        Path repoDir = tmp.resolve("repo");
        List<SnapshotRef> made = snapshots(repoDir);
        java.util.Map<String, Integer> firsts = new java.util.HashMap<>();
        made.forEach(s -> firsts.merge(s.id().hex().substring(0, 4), 1, Integer::sum));
        // two IDs that begin alike in the 4 hex digits a prefix needs at least (ObjectId.MIN_PREFIX): ≈320 snapshots on
        // average, the birthday bound of 65,536
        try (Repository repo = TestTrees.open(repoDir)) {
            Snapshot first = made.getFirst().snapshot();
            for (int i = 1; firsts.values().stream().allMatch(n -> n < 2); i++) {
                Snapshot s = TestTrees.forged(first, first.time().minusSeconds(60L * i), first.tree(), first.hostname());
                firsts.merge(repo.saveSnapshot(s).hex().substring(0, 4), 1, Integer::sum);
            }
        }
        String shared = firsts.entrySet().stream().filter(e -> e.getValue() > 1).findFirst().orElseThrow().getKey();
        String none = "0".repeat(64);
        Counting counting = new Counting(repoDir, "snapshots");
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            counting.listings.set(0);
            assertThatThrownBy(() -> repo.findSnapshot(shared)).hasMessage("snapshot prefix " + shared + " is ambiguous");
            assertThat(counting.listings).as("listed once, to find it and to say why not").hasValue(1);
            assertThatThrownBy(() -> repo.findSnapshot(none)).hasMessage("no snapshot " + none);
            assertThat(counting.listings).hasValue(2);
        }
    }

    @Test
    void theListingReadsSeveralSnapshotFilesAtOnceInTheirOrder() throws Exception {
        Path repoDir = tmp.resolve("repo");
        List<SnapshotRef> made = snapshots(repoDir);
        Counting counting = new Counting(repoDir, "snapshots").seeingSeveralAtOnce();
        SnapshotRef gone = made.get(5);
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            List<SnapshotRef> listed = repo.listSnapshots().readable();
            assertThat(listed).hasSize(SNAPSHOTS);
            assertThat(listed).isSortedAccordingTo((a, b) -> a.snapshot().time().compareTo(b.snapshot().time()));
            assertThat(counting.reads).as("each file once").hasValue(SNAPSHOTS);
            assertThat(counting.mostAtOnce.get()).as("several at a time").isGreaterThan(1);
        }
        // a file gone between the listing and its read (a forget beside this) is left out, not unreadable
        ForwardingBackend forgetting = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                List<String> names = super.list(dir);
                if (dir.equals("snapshots")) {
                    super.delete("snapshots/" + gone.id().hex());
                }
                return names;
            }
        };
        try (Repository repo = Repository.open(forgetting, TestTrees.PASSWORD)) {
            Repository.SnapshotListing listing = repo.listSnapshots();
            assertThat(listing.unreadable()).isEmpty();
            assertThat(listing.readable()).hasSize(SNAPSHOTS - 1).noneMatch(s -> s.id().equals(gone.id()));
        }
    }

    @Test
    void aBackupListsTheIndexOnceAndReadsSeveralIndexFilesAtOnce() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            for (int i = 0; i < 6; i++) { // an index file each
                Files.write(data.resolve("f" + i + ".txt"), TestTrees.text(i, 2_000));
                TestTrees.backup(repo, data);
            }
        }
        int indexFiles = new LocalBackend(repoDir).list("index").size();
        assertThat(indexFiles).isGreaterThanOrEqualTo(6);
        Files.write(data.resolve("f0.txt"), TestTrees.text(99, 2_000));
        Counting counting = new Counting(repoDir, "index").seeingSeveralAtOnce();
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            TestTrees.backup(repo, data);
            assertThat(counting.listings).as("index/ listed once, after the lock is written").hasValue(1);
            assertThat(counting.reads).as("each index file once").hasValue(indexFiles);
            assertThat(counting.mostAtOnce.get()).as("several at a time").isGreaterThan(1);
        }
    }

    @Test
    void theLocalStoreListsTheSizesItsFilesHave() throws Exception {
        Path repoDir = tmp.resolve("repo");
        snapshots(repoDir);
        LocalBackend local = new LocalBackend(repoDir);
        java.util.SortedMap<String, Long> sizes = local.listSizes("data");
        assertThat(List.copyOf(sizes.keySet())).isEqualTo(local.list("data")).isNotEmpty();
        sizes.forEach((name, size) -> assertThat(size).as(name).isEqualTo(local.size(name)));
    }

    @Test
    void checkReadingTheDataTakesThePacksSizesFromItsListingAndListsCondemnedOnce() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            for (int i = 0; i < 3; i++) {
                Files.write(data.resolve("f" + i + ".bin"), TestTrees.random(i, 200_000));
                TestTrees.backup(repo, data);
            }
        }
        java.util.Map<String, Integer> listings = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger sizes = new AtomicInteger();
        ForwardingBackend counting = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public List<String> list(String dir) {
                listings.merge(dir, 1, Integer::sum);
                return super.list(dir);
            }

            @Override
            public java.util.SortedMap<String, Long> listSizes(String dir) {
                listings.merge(dir, 1, Integer::sum);
                return super.listSizes(dir);
            }

            @Override
            public long size(String name) {
                if (name.startsWith("data/")) {
                    sizes.incrementAndGet();
                }
                return super.size(name);
            }
        };
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            assertThat(new org.opsledger.vault.checker.Checker(repo, 2).check(100).errors()).isEmpty();
        }
        assertThat(sizes).as("each pack's size from the listing of data/").hasValue(0);
        assertThat(listings.get("data")).as("data/ listed once").isEqualTo(1);
        assertThat(listings.get("condemned")).as("condemned/ listed once").isEqualTo(1);
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) { // and repair's reading of the data (the reviewer's)
            assertThat(new org.opsledger.vault.checker.Repairer(repo, 2).repair(100, true).changed()).isFalse();
        }
        assertThat(sizes).as("repair: each pack's size from its listing of data/").hasValue(0);
    }

    /**
     * A pack deleted between check's listing of data/ and its read, on a store whose failed reads are no damage (S3): the
     * store answered, it is missing, and check says so; it said "the store failed, not the pack: … check again when it
     * answers" (a re-tester's).
     */
    @Test
    void aPackGoneSinceTheListingIsMissingNotAStoreThatFailed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        String gone;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            Files.write(data.resolve("f.bin"), TestTrees.random(1, 200_000));
            TestTrees.backup(repo, data);
            gone = Repository.packName(repo.index().byPack().keySet().stream().filter(p -> repo.index().byPack().get(p).stream()
                    .anyMatch(b -> b.type() == org.opsledger.vault.pack.BlobType.DATA)).findFirst().orElseThrow());
        }
        ForwardingBackend likeS3 = new ForwardingBackend(new LocalBackend(repoDir)) {
            @Override
            public java.io.InputStream stream(String name) {
                if (name.equals(gone)) {
                    super.delete(name); // a hand beside the check, after its listing
                }
                return super.stream(name);
            }

            @Override
            public boolean readFailureIsDamage() {
                return false;
            }
        };
        try (Repository repo = Repository.open(likeS3, TestTrees.PASSWORD)) {
            assertThat(new org.opsledger.vault.checker.Checker(repo, 2).check(100).errors())
                    .anyMatch(e -> e.startsWith("pack " + gone.substring(gone.lastIndexOf('/') + 1) + " is indexed but missing from the repository"));
        }
    }

    @Test
    void checkReadsSeveralSnapshotFilesAtOnce() throws Exception {
        Path repoDir = tmp.resolve("repo");
        snapshots(repoDir);
        Counting counting = new Counting(repoDir, "snapshots").seeingSeveralAtOnce();
        try (Repository repo = Repository.open(counting, TestTrees.PASSWORD)) {
            org.opsledger.vault.checker.CheckResult r = new org.opsledger.vault.checker.Checker(repo, 2).check(0);
            assertThat(r.errors()).isEmpty();
            assertThat(r.snapshots()).isEqualTo(SNAPSHOTS);
        }
        assertThat(counting.reads).as("each file once").hasValue(SNAPSHOTS);
        assertThat(counting.mostAtOnce.get()).as("several at a time").isGreaterThan(1);
    }
}
