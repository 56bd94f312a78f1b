package org.opsledger.vault;

import java.util.List;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * 'latest' was asked for among the snapshots a --host, --tag or --path selects, and they select none of {@code listed} (the
 * snapshots that read): a caller names what the repository holds instead (a typo, `restore latest --host web-O1`).
 */
public final class NoneSelectedException extends VaultException {

    private final transient List<SnapshotRef> listed;

    public NoneSelectedException(String message, List<SnapshotRef> listed) {
        super(message);
        this.listed = List.copyOf(listed);
    }

    public List<SnapshotRef> listed() {
        return listed;
    }
}
