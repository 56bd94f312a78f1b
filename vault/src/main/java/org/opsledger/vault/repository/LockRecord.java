package org.opsledger.vault.repository;

import java.time.Instant;

/**
 * A shared lock: a backup or prune in progress, refreshed every minute while it runs. {@code holder} tells its
 * process apart from any other on the same machine (null in locks written before it was recorded).
 */
public record LockRecord(String kind, String host, long pid, Instant started, Instant refreshed, LockHolder holder) {

    LockRecord refreshedAt(Instant now) {
        return new LockRecord(kind, host, pid, started, now, holder);
    }
}
