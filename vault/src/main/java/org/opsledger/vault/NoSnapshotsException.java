package org.opsledger.vault;

/**
 * A snapshot was asked for in a repository that lists none: a caller able to read the journal says whether the journal
 * records snapshots written there that are gone (snapshots/ lost: {@code vault recover} brings them back).
 */
public final class NoSnapshotsException extends VaultException {
    public NoSnapshotsException(String message) {
        super(message);
    }
}
