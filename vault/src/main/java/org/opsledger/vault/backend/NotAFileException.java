package org.opsledger.vault.backend;

import java.nio.file.Path;

/**
 * An object of a local repository that is no regular file: a FIFO, a socket, a device node or a directory under the name
 * of the config, a key slot, a lock, an index or a snapshot. Never read (a FIFO's open waited for ever for a writer), and
 * never damage ({@link Backend#isDamage}): whatever the object held is not known, and no repair reads, keeps or deletes
 * what is not the vault's. The operator removes it; check then says what is missing.
 */
public final class NotAFileException extends BackendException {

    public NotAFileException(Path path, String kind) {
        super(path + " is " + kind + ", not a file of the repository: remove it");
    }
}
