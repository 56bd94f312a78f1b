package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The rule by which an S3 upload is abandoned ({@link StallWatch}), on a clock the test keeps: a look every tenth of the
 * minute's window, as the watch looks, told the bytes of the body the HTTP client took by then.
 */
class StallWatchTest {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final long LOOK = WINDOW.toNanos() / 10;
    private static final long SECOND = 1_000_000_000L;

    /**
     * When the watch first says the attempt is abandoned, looking every {@code every} ns for {@code until} ns at most, with
     * {@code taken} the bytes taken by each time; -1 if it never does.
     */
    private static long abandonedAt(long every, long until, LongUnaryOperator taken) {
        long start = 7 * SECOND; // any: the watch counts from the attempt's start
        StallWatch.Link link = new StallWatch.Link(StallWatch.FLOOR, WINDOW, start);
        for (long t = every; t <= until; t += every) {
            if (link.stalled(start + t, taken.applyAsLong(t))) {
                return t;
            }
        }
        return -1;
    }

    /**
     * A store that read nothing, the socket's buffers full (4 MiB taken at once): given up once those bytes have had their
     * time at the floor and the window has passed, at the first look after {@link StallWatch#longest} (1,084 s), not
     * after the window alone (a slow link still drains them), nor after 2 h 18 min (a PUT bounded by time: r4's).
     */
    @Test
    void aStoreThatReadsNothingIsGivenUpAfterWhatTheBuffersHoldAtTheFloorAndTheWindow() {
        long at = abandonedAt(LOOK, Duration.ofHours(3).toNanos(), t -> StallWatch.IN_FLIGHT);
        assertThat(StallWatch.longest(WINDOW, StallWatch.FLOOR)).isEqualTo(Duration.ofSeconds(1084));
        // 170 looks carry 6 s at the floor each, the 171st 4 s (1,026 s): idle 2 s, then 6 s a look to 62 s
        assertThat(Duration.ofNanos(at)).isEqualTo(Duration.ofSeconds(1086));
    }

    /** A body that keeps moving above the floor is let finish however long it takes: an hour at 5 KiB/s. */
    @Test
    void aSlowBodyThatKeepsMovingAboveTheFloorIsNeverAbandoned() {
        assertThat(abandonedAt(LOOK, Duration.ofHours(1).toNanos(), t -> 5 * 1024 * t / SECOND)).isEqualTo(-1);
    }

    /**
     * A body at the floor exactly, looked at on intervals the floor's bytes do not divide (the watch's thread is late by
     * nanoseconds): busy throughout. The time worked out back from the bytes, truncated, fell short of each interval, and
     * the slivers added up to the window (a re-tester's).
     */
    @Test
    void aBodyAtTheFloorOnLooksOfAnyLengthIsNeverAbandoned() {
        long every = LOOK + 7;
        assertThat(abandonedAt(every, Duration.ofHours(1).toNanos(), t -> StallWatch.FLOOR * t / SECOND)).isEqualTo(-1);
    }

    /** A trickle at half the floor is idle half of each look: abandoned once that idle time adds up to the window, at 120 s. */
    @Test
    void aTrickleBelowTheFloorIsAbandonedOnceItsIdleTimeAddsUpToTheWindow() {
        assertThat(Duration.ofNanos(abandonedAt(LOOK, Duration.ofHours(1).toNanos(), t -> StallWatch.FLOOR / 2 * t / SECOND)))
                .isEqualTo(Duration.ofSeconds(120));
    }

    /**
     * Idle time counts since the link was last busy for a whole window: a trickle idle 54 s in all, then a burst that keeps
     * it busy a whole window, starts the count again; without the burst it is abandoned at 120 s, with it at 60 s after.
     */
    @Test
    void aWholeWindowBusyStartsTheIdleCountAgain() {
        long burst = 108 * SECOND; // 18 looks of half the floor: idle 54 s
        long burstBytes = StallWatch.FLOOR * 72; // 72 s of bytes at the floor: busy from 108 s to 180 s, more than a window
        long at = abandonedAt(LOOK, Duration.ofHours(1).toNanos(),
                t -> StallWatch.FLOOR / 2 * Math.min(t, burst) / SECOND + (t > burst ? burstBytes : 0));
        // idle from 180 s, 6 s a look: 60 s at 240 s (counted on from 54 s, it was 60 s at 186 s)
        assertThat(Duration.ofNanos(at)).isEqualTo(Duration.ofSeconds(240));
    }
}
