package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.backend.ThrottledBackend;
import org.opsledger.vault.backend.ThrottledBackend.Rate;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;

/**
 * --limit-upload and --limit-download: what goes to and comes from the store is paced to the rate, on a clock the test
 * keeps (no timing is measured), and a repository behind the limit works as any other.
 */
class ThrottledBackendTest {

    @TempDir
    Path tmp;

    /** A clock that moves only when the rate waits on it. */
    private static final class Clock {
        long now = 5_000_000_000L;
        long slept;

        Rate rate(long bytesPerSecond) {
            return new Rate(bytesPerSecond, () -> now, nanos -> {
                now += nanos;
                slept += nanos;
            });
        }
    }

    @Test
    void aRateAllowsASecondsBurstThenPacesEachByteToIt() {
        Clock clock = new Clock();
        Rate rate = clock.rate(512 * 1024);
        rate.take(1024 * 1024); // half of it within the burst
        assertThat(clock.slept).isEqualTo(1_000_000_000L);
        rate.take(512 * 1024);
        assertThat(clock.slept).isEqualTo(2_000_000_000L);
        clock.now += 10_000_000_000L; // idle: a second's burst again, no more
        rate.take(512 * 1024);
        assertThat(clock.slept).isEqualTo(2_000_000_000L);
        rate.take(1024);
        assertThat(clock.slept).isEqualTo(2_000_000_000L + 1_000_000_000L / 512);
    }

    /**
     * A command stopped by a signal writes its journal entry at once: behind the ranges its workers had taken at
     * --limit-download 1 KiB/s, the entry waited over 100 s, and a scheduler's SIGKILL took it with it (a helper's).
     */
    @Test
    void aLiftedLimitPacesNothingMore() {
        Clock clock = new Clock();
        Rate rate = clock.rate(1024);
        ThrottledBackend store = new ThrottledBackend(new LocalBackend(tmp), rate, rate);
        rate.take(10 * 1024 * 1024); // the workers' debt: hours at this rate
        long before = clock.slept;
        store.lift();
        rate.take(1024 * 1024);
        assertThat(clock.slept).isEqualTo(before);
    }

    /**
     * A lift ends a wait under way, on the rate's own clock and waiting: a backup's snapshot record, one write, waited its
     * whole time at --limit-upload after a Ctrl-C had lifted the limit (55 s for 2,000 paths: a re-tester's).
     */
    @Test
    void aLiftEndsAWaitUnderWay() throws Exception {
        ThrottledBackend store = new ThrottledBackend(new LocalBackend(tmp), new Rate(1), null);
        byte[] record = new byte[1_000_000]; // eleven days at a byte a second, past the first second's
        Thread writer = Thread.ofPlatform().daemon().start(() -> store.write("record", record));
        while (writer.getState() != Thread.State.TIMED_WAITING && writer.isAlive()) {
            Thread.onSpinWait();
        }
        store.lift();
        writer.join(java.time.Duration.ofMinutes(1));
        assertThat(writer.isAlive()).as("still waiting").isFalse();
        assertThat(tmp.resolve("record")).hasSize(record.length);
    }

    @Test
    void aRepositoryBehindTheLimitBacksUpAndRestoresAndEveryByteOfItsPacksIsPaced() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        Clock up = new Clock();
        Clock down = new Clock();
        LocalBackend local = new LocalBackend(dir);
        ThrottledBackend limited = new ThrottledBackend(local, up.rate(1_000_000), down.rate(1_000_000));
        assertThat(limited.store()).as("what local-disk checks look at").isSameAs(local);
        try (Repository repo = Repository.open(limited, TestTrees.PASSWORD)) {
            TestTrees.backup(repo, data);
            long packBytes;
            try (Stream<Path> packs = Files.walk(dir.resolve("data"))) {
                packBytes = packs.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long paced = up.slept / 1_000 + 1_000_000; // nanoseconds at 1 byte/µs, and a second's burst
            assertThat(paced).as("bytes written through the limit").isGreaterThanOrEqualTo(packBytes);

            assertThat(new Restorer(repo, 2).restore(repo.findSnapshot("latest"), tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(down.slept / 1_000 + 1_000_000).as("bytes read through the limit").isGreaterThanOrEqualTo(packBytes / 2);
        }
        TestTrees.assertSameTree(data, tmp.resolve("out/data"));
    }
}
