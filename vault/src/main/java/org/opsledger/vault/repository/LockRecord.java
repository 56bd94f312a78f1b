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

    /** The kind of {@link #unread}: no lock file's (a kind is one word). */
    private static final String UNREAD = "a lock file this process cannot read";

    /**
     * The lock file {@code name} this process could not read (another user's, 0600): a running backup, for all it can tell,
     * refreshed now and started before any index a prune reads, so never stale here and never taken for work that runs
     * alone. Its user's or root's commands read it as it is.
     */
    static LockRecord unread(String name) {
        return new LockRecord(UNREAD, name, 0, Instant.EPOCH, Instant.now(), null);
    }

    /** Whether this is {@link #unread}'s: its {@code host} is the lock file's name. */
    boolean isUnread() {
        return UNREAD.equals(kind) && holder == null;
    }

    LockRecord refreshedAt(Instant now) {
        return new LockRecord(kind, host, pid, started, now, holder);
    }
}
