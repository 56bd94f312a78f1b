package org.opsledger.vault.repository;

import java.time.Instant;

/** A shared lock: a backup or prune in progress, refreshed every minute while it runs. */
public record LockRecord(String kind, String host, long pid, Instant started, Instant refreshed) {
}
