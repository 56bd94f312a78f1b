package org.opsledger.audit.internal.siem;

import java.time.Instant;

/** What leaves the platform: an audit entry at its leaf, or a signed checkpoint over the entries before it. */
sealed interface SiemMessage {

    /**
     * An audit entry as the ledger holds it.
     *
     * @param leafIndex its position in the tree: the sequence number, the receiver's dedupe key
     * @param body      the canonical entry (docs/audit-format.md), whose leaf hash is {@code leafHash}
     */
    record Entry(long leafIndex, long entryId, byte[] leafHash, String body) implements SiemMessage {
    }

    /** A signed checkpoint (C2SP tlog-checkpoint note) over the first {@code treeSize} leaves. */
    record Checkpoint(long id, long treeSize, byte[] rootHash, String note, String signedBy, Instant signedAt)
            implements SiemMessage {
    }
}
