package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * Two `vault copy` or `vault tier` runs into one target at once (two hosts, a cron overlap): each read the target's
 * snapshots once a batch and committed under the shared backup lock, so neither saw the other's commits, and 88–100 % of
 * the snapshots were copied twice (a re-tester's). Here each run has its own Repository objects, as two processes do, and
 * the first snapshot file each would write waits until the other has come to its commits too (its first snapshot file,
 * or its try at the target's lock of copy commits): the two runs commit at once, as the re-tester's did.
 */
class TwoCopiesIntoOneTargetTest {

    private static final int SNAPSHOTS = 6;

    @TempDir
    Path tmp;

    @Test
    void twoCopiesAtOnceLeaveOneCopyOfEachSnapshot() throws Exception {
        Path target = race(false);
        try (Repository far = TestTrees.open(target)) {
            assertOneCopyOfEach(far);
        }
    }

    @Test
    void twoTiersAtOnceLeaveOneCopyOfEachSnapshot() throws Exception {
        Path target = race(true);
        try (Repository far = TestTrees.open(target); Repository near = TestTrees.open(tmp.resolve("near"))) {
            assertOneCopyOfEach(far);
            assertThat(near.snapshots()).as("each forgotten near-line by one of the two").isEmpty();
        }
    }

    private static void assertOneCopyOfEach(Repository far) {
        List<String> from = far.snapshots().stream().map(s -> s.snapshot().tags().get(Copier.COPIED_FROM)).toList();
        assertThat(from).as("the copies' sources").hasSize(SNAPSHOTS).doesNotHaveDuplicates();
        assertThat(new Checker(far, 2).check(100).errors()).isEmpty();
    }

    /** Runs two copies (or tiers) of the near-line repository's snapshots into a new target at once; returns the target. */
    private Path race(boolean tier) throws Exception {
        Path near = tmp.resolve("near");
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (Repository repo = TestTrees.newRepo(near)) {
            for (int i = 0; i < SNAPSHOTS; i++) {
                Files.write(data.resolve("f.bin"), TestTrees.random(i, 2_000));
                TestTrees.backup(repo, data);
            }
        }
        Path far = tmp.resolve("far");
        TestTrees.newRepo(far).close();
        CountDownLatch start = new CountDownLatch(2);
        CountDownLatch committing = new CountDownLatch(2);
        ExecutorService runs = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> done = new java.util.ArrayList<>();
            for (int run = 0; run < 2; run++) {
                done.add(runs.submit(() -> {
                    try (Repository source = TestTrees.open(near);
                         Repository target = Repository.open(meetingAtCommit(far, committing), TestTrees.PASSWORD)) {
                        start.countDown();
                        start.await();
                        if (tier) {
                            return new Tiering(source, target).move(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1)).size();
                        }
                        List<SnapshotRef> all = source.snapshots();
                        List<Copier.Copied> copied = new java.util.ArrayList<>();
                        new Copier(source, target).copyEach(all, copied::add, batch -> { });
                        return copied.size();
                    }
                }));
            }
            for (Future<Integer> d : done) {
                assertThat(d.get(2, TimeUnit.MINUTES)).as("each run hands on a copy of each snapshot").isEqualTo(SNAPSHOTS);
            }
        } finally {
            runs.shutdownNow();
        }
        return far;
    }

    /**
     * The local store at {@code dir}, which counts {@code committing} down once, when this run comes to its commits (its
     * first snapshot file, or its first lock of copy commits), and holds its first snapshot file until the other run has
     * come to them too.
     */
    private static ForwardingBackend meetingAtCommit(Path dir, CountDownLatch committing) {
        return new ForwardingBackend(new LocalBackend(dir)) {
            private boolean arrived;

            private synchronized void arrive() {
                if (!arrived) {
                    arrived = true;
                    committing.countDown();
                }
            }

            @Override
            public void write(String name, byte[] bytes, int off, int len) {
                if (name.startsWith("locks/") && new String(bytes, off, len, StandardCharsets.UTF_8).contains("\"copy-commit\"")) {
                    arrive();
                } else if (name.startsWith("snapshots/")) {
                    arrive();
                    try {
                        assertThat(committing.await(1, TimeUnit.MINUTES)).as("the other run came to its commits").isTrue();
                    } catch (InterruptedException e) {
                        throw new Cancelled("the test's run", e);
                    }
                }
                super.write(name, bytes, off, len);
            }
        };
    }
}
