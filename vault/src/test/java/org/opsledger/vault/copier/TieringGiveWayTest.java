package org.opsledger.vault.copier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.PowerCut;
import org.opsledger.vault.Sleeper;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * How a tier shares the near-line lock of holds as it forgets a batch's originals (IS.012 6.6.7: a hold placed meanwhile
 * must win), on a clock the test keeps: it holds the lock while under {@link LockTurns#AT_MOST} has passed, one
 * original at least, then lets it go for {@link LockTurns#GIVE_WAY}, long enough for a `vault hold` that waits on it.
 */
class TieringGiveWayTest {

    @TempDir
    Path tmp;

    /** The test's time, moved by what the tier does, and what it did, in order. */
    private long now;
    private final List<String> seen = new ArrayList<>();

    /** A tier on the test's clock, giving way through {@code sleeper}. */
    private Tiering tiering(Repository near, Repository far, Sleeper sleeper) {
        return new Tiering(near, far, ZoneId.of("UTC"), () -> now, nanos -> {
            seen.add("gave way " + Duration.ofNanos(nanos).toMillis() + " ms");
            sleeper.sleep(nanos);
            now += nanos;
        });
    }

    /** {@code n} snapshots near-line, each of another version of one file: the tier's plan, all due. */
    private List<SnapshotRef> due(Repository near, Repository far, int n) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        for (int i = 0; i < n; i++) {
            Files.writeString(data.resolve("f"), "version " + i);
            TestTrees.backup(near, data);
        }
        List<SnapshotRef> due = new Tiering(near, far).due(RetentionPolicy.Within.parse("0d"), Instant.now().plusSeconds(1));
        assertThat(due).hasSize(n);
        return due;
    }

    @Test
    void aTierLetsTheLockOfHoldsGoEveryTwoSecondsForHalfASecondAndAHoldPlacedThenWins() throws Exception {
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            List<SnapshotRef> due = due(near, far, 7);
            SnapshotRef held = due.get(5);
            List<Tiering.Moved> moved = tiering(near, far, nanos -> {
                if (seen.size() == 4) { // the first give-way: the lock is free, and a hold waits for it no more than its first look
                    near.hold(held, "LIT-9 litigation", "legal");
                }
            }).move(due, m -> {
                seen.add(m.forgottenNearLine() ? "forgot" : "kept, held");
                now += Duration.ofMillis(700).toNanos(); // each original takes 700 ms to forget: a slow store's deletes
            });

            // three under the lock (0.7, 1.4, 2.1 s: the third ends past 2 s), the lock let go half a second, three, again, one
            assertThat(seen).containsExactly("forgot", "forgot", "forgot", "gave way 500 ms", "forgot", "forgot", "kept, held",
                    "gave way 500 ms", "forgot");
            assertThat(moved).extracting(Tiering.Moved::source).containsExactlyElementsOf(due.stream().map(SnapshotRef::id).toList());
            assertThat(near.snapshots()).extracting(SnapshotRef::id).containsExactly(held.id());
            assertThat(far.holds().values()).singleElement().satisfies(h -> assertThat(h.reason()).isEqualTo("LIT-9 litigation"));
        }
    }

    /** The originals a turn under the lock forgets go durably together: one fsync of snapshots/ near-line, not one each. */
    @Test
    void theOriginalsOfOneTurnAreForgottenWithOneSyncOfTheirDirectory() throws Exception {
        Path nearDir = tmp.resolve("near");
        TestTrees.newRepo(nearDir).close();
        try (Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            List<SnapshotRef> due;
            try (Repository near = TestTrees.open(nearDir)) {
                due = due(near, far, 5);
            }
            PowerCut cut = new PowerCut(nearDir);
            try (Repository near = Repository.open(new LocalBackend(nearDir, cut), TestTrees.PASSWORD)) {
                tiering(near, far, nanos -> { }).move(due, m -> seen.add(m.forgottenNearLine() ? "forgot" : "kept"));
            }
            assertThat(seen).containsExactly("forgot", "forgot", "forgot", "forgot", "forgot"); // in one turn: the clock stands still
            assertThat(cut.syncsOf("snapshots")).as("fsyncs of snapshots/ near-line").isEqualTo(1);
            assertThat(cut.undone()).as("what a power cut after the tier brings back near-line").isEmpty();
        }
    }

    /** Forgets that take half the most a tier holds the lock each: two, and the lock goes at 2 s, not after a third. */
    @Test
    void theLockIsLetGoOnceTwoSecondsHavePassed() throws Exception {
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository far = TestTrees.newRepo(tmp.resolve("far"))) {
            tiering(near, far, nanos -> { }).move(due(near, far, 4), m -> {
                seen.add("forgot");
                now += LockTurns.AT_MOST.toNanos() / 2;
            });
            assertThat(seen).containsExactly("forgot", "forgot", "gave way 500 ms", "forgot", "forgot");
        }
    }
}
