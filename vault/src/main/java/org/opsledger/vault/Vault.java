package org.opsledger.vault;

import java.nio.file.Path;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;

/** Entry point: turns a repository location into a backend and opens or creates the repository there. */
public final class Vault {

    private Vault() {
    }

    /** A local path, or s3://bucket/prefix. */
    public static Backend backend(String location) {
        if (location == null || location.isBlank()) {
            throw new VaultException("no repository given: pass --repo PATH|s3://bucket/prefix or set OPSLEDGER_VAULT_REPOSITORY");
        }
        if (location.startsWith("s3://")) {
            return org.opsledger.vault.backend.S3Backend.fromUrl(location);
        }
        return new LocalBackend(Path.of(location));
    }

    public static Repository init(String location, char[] password, int iterations, String label) {
        return init(location, password, iterations, label, null);
    }

    /** @param chunkingOf an open repository whose chunking secrets the new one shares (for cheap copies), or null */
    public static Repository init(String location, char[] password, int iterations, String label, Repository chunkingOf) {
        Backend backend = backend(location);
        if (backend instanceof LocalBackend local) {
            local.createRoot();
        }
        return Repository.init(backend, password, iterations, label, chunkingOf);
    }

    public static Repository open(String location, char[] password) {
        return Repository.open(backend(location), password);
    }
}
