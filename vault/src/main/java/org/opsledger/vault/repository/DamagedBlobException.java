package org.opsledger.vault.repository;

import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;

/** A blob whose stored bytes are not what its content ID promises. */
public class DamagedBlobException extends VaultException {
    private final ObjectId blob;

    public DamagedBlobException(ObjectId blob, String why) {
        super("blob " + blob.shortHex() + " " + why);
        this.blob = blob;
    }

    public ObjectId blob() {
        return blob;
    }
}
