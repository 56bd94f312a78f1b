package org.opsledger.vault.snapshot;

import java.time.Instant;
import org.opsledger.vault.crypto.ObjectId;

/** IS.012 6.6.7: a snapshot under legal hold is never forgotten or pruned until released. */
public record LegalHold(ObjectId snapshot, String reason, String heldBy, Instant heldAt) {
}
