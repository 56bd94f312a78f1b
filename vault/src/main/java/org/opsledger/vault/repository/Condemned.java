package org.opsledger.vault.repository;

import java.time.Instant;
import org.opsledger.vault.index.IndexFile;

/** Phase one of prune: a pack no snapshot needs, with its index entries kept for a rescue. */
public record Condemned(Instant condemnedAt, IndexFile.Pack pack) implements org.opsledger.vault.VaultJson.WellFormed {

    /** What a record lacks of what prune reads in it: when it was condemned, its pack's ID and blobs (§10). */
    @Override
    public String lacks() {
        if (condemnedAt == null) {
            return "no condemnedAt";
        }
        return pack == null || pack.id() == null || Repository.idOfName(pack.id()) == null ? "no pack ID"
                : pack.blobs() == null || pack.blobs().stream().anyMatch(java.util.Objects::isNull) ? "no blobs" : null;
    }
}
