package org.opsledger.ledger.audit;

import java.util.Optional;
import org.opsledger.ledger.Hash;

/**
 * One entry of an exported log as the verifier receives it: the entry's canonical bytes (the
 * RFC 9162 leaf input) and, if the export carries it, the leaf hash the server stored for it. The
 * array is not copied; do not change it until the verifier has taken it.
 */
public record AuditEntry(byte[] data, Optional<Hash> storedLeafHash) {

    public static AuditEntry of(byte[] data) {
        return new AuditEntry(data, Optional.empty());
    }

    public static AuditEntry of(byte[] data, Hash storedLeafHash) {
        return new AuditEntry(data, Optional.of(storedLeafHash));
    }
}
