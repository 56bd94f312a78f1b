package org.opsledger.vault.snapshot;

import org.opsledger.vault.crypto.ObjectId;

/** A snapshot with the ID it is stored under. */
public record SnapshotRef(ObjectId id, Snapshot snapshot) {
    public String shortId() {
        return id.shortHex();
    }
}
