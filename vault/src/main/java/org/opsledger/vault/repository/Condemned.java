package org.opsledger.vault.repository;

import java.time.Instant;
import org.opsledger.vault.index.IndexFile;

/** Phase one of prune: a pack no snapshot needs, with its index entries kept for a rescue. */
public record Condemned(Instant condemnedAt, IndexFile.Pack pack) {
}
