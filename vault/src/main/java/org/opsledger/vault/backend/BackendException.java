package org.opsledger.vault.backend;

import org.opsledger.vault.VaultException;

/** A storage failure (missing file, full disk, unreachable store), named in one line. */
public class BackendException extends VaultException {
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }

    public BackendException(String message) {
        super(message);
    }
}
