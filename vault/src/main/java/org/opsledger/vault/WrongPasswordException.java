package org.opsledger.vault;

/** The password given opens no key slot of the repository: a server asks for it again rather than report damage. */
public final class WrongPasswordException extends VaultException {
    public WrongPasswordException(String message) {
        super(message);
    }
}
