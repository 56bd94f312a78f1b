package org.opsledger.vault;

/** A failure the user can act on; its message is one line that names what went wrong. */
public class VaultException extends RuntimeException {
    public VaultException(String message) {
        super(message);
    }

    public VaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
