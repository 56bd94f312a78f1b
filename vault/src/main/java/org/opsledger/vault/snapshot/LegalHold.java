package org.opsledger.vault.snapshot;

import java.time.Instant;
import java.util.List;
import org.opsledger.vault.crypto.ObjectId;

/**
 * IS.012 6.6.7: a snapshot under legal hold is never forgotten or pruned until released. On an S3
 * bucket with Object Lock, {@code storeHolds} lists the object versions (the snapshot file and the
 * packs holding its data) on which the store's own legal hold was placed; empty elsewhere.
 */
public record LegalHold(ObjectId snapshot, String reason, String heldBy, Instant heldAt, List<StoreHold> storeHolds) {

    public LegalHold(ObjectId snapshot, String reason, String heldBy, Instant heldAt) {
        this(snapshot, reason, heldBy, heldAt, List.of());
    }

    /** The same hold on another snapshot ID (after a key retirement re-sealed the snapshot). */
    public LegalHold movedTo(ObjectId newSnapshot) {
        return new LegalHold(newSnapshot, reason, heldBy, heldAt, storeHolds);
    }

    public LegalHold withStoreHolds(List<StoreHold> holds) {
        return new LegalHold(snapshot, reason, heldBy, heldAt, holds);
    }

    public List<StoreHold> storeHoldsOrEmpty() {
        return storeHolds == null ? List.of() : storeHolds;
    }

    /** One object version under the store's legal hold; {@code versionId} null when the store does not version. */
    public record StoreHold(String name, String versionId) {
    }
}
