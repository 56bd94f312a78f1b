package org.opsledger.vault.repository;

import java.time.Instant;

/**
 * A shared lock: a backup or prune in progress, refreshed every minute while it runs. {@code holder} tells its
 * process apart from any other on the same machine (null in locks written before it was recorded).
 */
public record LockRecord(String kind, String host, long pid, Instant started, Instant refreshed, LockHolder holder) {

    /**
     * What this lock, as read from a plaintext lock file, lacks of the fields the vault reads in it, or null: one that lacks
     * any (or is JSON's null) is not a lock (docs/vault-format.md §10), ignored by every command, named by check, removed by unlock.
     */
    static String lacks(LockRecord l) {
        if (l == null || l.kind == null || l.kind.isEmpty() || l.host == null || l.started == null || l.refreshed == null) {
            return "kind, host, started and refreshed are required";
        }
        return l.holder != null && l.holder.table() == null ? "its holder has no table" : null;
    }

    LockRecord refreshedAt(Instant now) {
        return new LockRecord(kind, host, pid, started, now, holder);
    }
}
