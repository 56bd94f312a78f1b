package org.opsledger.vault.copier;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.opsledger.vault.Sleeper;
import org.opsledger.vault.repository.Repository;

/**
 * How a copy or tier holds a lock that other processes wait for ({@link Repository#holdsLockWaiting} near-line, where a
 * tier forgets what it moved; {@link Repository#copyCommitLockWaiting} in the target, where copies are committed): at
 * most {@link #AT_MOST} at a time, then left free {@link #GIVE_WAY} before it is taken again.
 */
final class LockTurns {

    /** How long a copy or tier keeps such a lock at a time. */
    static final Duration AT_MOST = Duration.ofSeconds(2);

    /**
     * How long it leaves the lock free before it takes it again: longer than a waiting process looks
     * ({@link Repository#HOLDS_LOCK_LOOKS_EVERY}, and up to half as much again), which it took back at once, and a hold
     * placed while a tier forgot a long batch (a slow store's deletes) was refused after a minute, the snapshot then
     * forgotten near-line (a re-tester's).
     */
    static final Duration GIVE_WAY = Repository.HOLDS_LOCK_LOOKS_EVERY.multipliedBy(2);

    private LockTurns() {
    }

    /** Whether a lock taken at {@code startedNanos} of {@code nanoClock} ({@link System#nanoTime}, a test's) has been kept its turn. */
    static boolean over(long startedNanos, LongSupplier nanoClock) {
        return nanoClock.getAsLong() - startedNanos >= AT_MOST.toNanos();
    }

    /** Leaves the lock free for {@link #GIVE_WAY}, waiting through {@code sleeper}; {@code work}, "the tier", names what a cancellation stops. */
    static void giveWay(String work, Sleeper sleeper) {
        try {
            sleeper.sleep(GIVE_WAY.toNanos());
        } catch (InterruptedException e) {
            throw new org.opsledger.vault.Cancelled(work, e);
        }
    }
}
