package org.opsledger.vault;

/**
 * The repository sits on the same filesystem device as a path to be backed up (IS.012 6.6.6: backups not on the same
 * media as the data): a server reports a policy's misconfiguration, not a failed store.
 */
public final class SameMediaException extends VaultException {
    public SameMediaException(String message) {
        super(message);
    }
}
