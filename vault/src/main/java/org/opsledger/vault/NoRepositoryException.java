package org.opsledger.vault;

/** No vault repository is at the location given (no config file there): a server tells it from a repository that fails. */
public final class NoRepositoryException extends VaultException {
    public NoRepositoryException(String message) {
        super(message);
    }
}
