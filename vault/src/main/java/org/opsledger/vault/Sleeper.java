package org.opsledger.vault;

/**
 * How a wait is done: {@link #THREAD}'s sleep, or a test's, which moves a clock of its own and counts what was waited (no
 * test reads the wall clock). A rate's pacing ({@link org.opsledger.vault.backend.ThrottledBackend.Rate}) and a tier's
 * give-way ({@link org.opsledger.vault.copier.Tiering}) wait through one.
 */
@FunctionalInterface
public interface Sleeper {

    void sleep(long nanos) throws InterruptedException;

    /** The thread sleeps. */
    Sleeper THREAD = nanos -> Thread.sleep(java.time.Duration.ofNanos(nanos));
}
